package calendar

import (
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// maxOccurrences bounds the occurrences of one series in one answer, so a
// window of centuries over a daily series cannot exhaust memory.
const maxOccurrences = 10000

// occurrence is one occurrence of a series.
type occurrence struct {
	Date       string // 2006-01-02, the key of the occurrence
	Start, End time.Time
	Ex         *calEvent // the changed occurrence (an exception), or nil
}

// occurrences returns the occurrences of the series master ev that overlap
// [from, to), sorted by start; a changed occurrence (exception) counts at its
// own time. All-day series float: their days start at midnight in zone.
func (ev *calEvent) occurrences(from, to time.Time, zone *time.Location) []occurrence {
	if ev.Recurrence == nil {
		return nil
	}
	loc, ok := outlook.Zone(ev.StartTZ)
	if !ok {
		loc = time.UTC
	}
	local := ev.Start.In(loc)
	dur := ev.End.Sub(ev.Start)
	if ev.IsAllDay {
		loc, local = zone, time.Date(2000, 1, 1, 0, 0, 0, 0, zone)
	}
	var out []occurrence
	ev.Recurrence.Dates(from.AddDate(0, 0, -int(dur.Hours()/24)-2), func(d time.Time) bool {
		s := time.Date(d.Year(), d.Month(), d.Day(), local.Hour(), local.Minute(), local.Second(), 0, loc)
		if !s.Before(to) {
			return false
		}
		e := s.Add(dur)
		if ev.IsAllDay {
			e = s.AddDate(0, 0, int(dur.Hours()+12)/24)
		}
		key := d.Format("2006-01-02")
		if e.After(from) && !slices.Contains(ev.Cancelled, key) && ev.Exceptions[key] == nil {
			out = append(out, occurrence{Date: key, Start: s, End: e})
		}
		return len(out) < maxOccurrences
	})
	for key, ex := range ev.Exceptions {
		s, e := ex.span(zone)
		if s.Before(to) && e.After(from) && !slices.Contains(ev.Cancelled, key) {
			out = append(out, occurrence{Date: key, Start: s, End: e, Ex: ex})
		}
	}
	slices.SortFunc(out, func(a, b occurrence) int { return a.Start.Compare(b.Start) })
	return out
}

// occurrenceID is the id of the occurrence of master on date: it names both,
// so the occurrence can be read by id without being stored.
func occurrenceID(masterID, date string) string {
	return "AAMkAG" + ids.B64.EncodeToString([]byte("occ|"+masterID+"|"+date))
}

// parseOccurrenceID is the inverse of occurrenceID.
func parseOccurrenceID(id string) (masterID, date string, ok bool) {
	raw, err := ids.B64.DecodeString(strings.TrimPrefix(id, "AAMkAG"))
	if err != nil || !strings.HasPrefix(id, "AAMkAG") {
		return "", "", false
	}
	rest, found := strings.CutPrefix(string(raw), "occ|")
	if !found {
		return "", "", false
	}
	masterID, date, ok = strings.Cut(rest, "|")
	return masterID, date, ok
}
