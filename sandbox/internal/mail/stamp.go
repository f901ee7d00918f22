package mail

import "time"

// stamp is an instant in 8 bytes where a time.Time takes 24: a message's creation and last
// change, so that a message's record fits the next smaller allocation size (what a store of
// a million messages keeps per message). Its value is the Unix time in nanoseconds with the
// sign bit flipped, so that the zero stamp is the zero time; instants from 1678 to 2262
// (those of the clock and the seed) are kept to the nanosecond. It is encoded in JSON as a
// time.Time in UTC is, so that state files read and write as before.
type stamp uint64

const signBit = 1 << 63

func stampOf(t time.Time) stamp {
	if t.IsZero() {
		return 0
	}
	return stamp(uint64(t.UnixNano()) ^ signBit)
}

// Time returns the instant, in UTC.
func (s stamp) Time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(uint64(s)^signBit)).UTC()
}

// MarshalJSON encodes s as time.Time does.
func (s stamp) MarshalJSON() ([]byte, error) { return s.Time().MarshalJSON() }

// UnmarshalJSON decodes what time.Time's MarshalJSON wrote.
func (s *stamp) UnmarshalJSON(data []byte) error {
	var t time.Time
	if err := t.UnmarshalJSON(data); err != nil {
		return err
	}
	*s = stampOf(t)
	return nil
}
