package graphkit

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The byte-range rules of Graph's upload sessions, one copy for the
// drive's (driveItem: createUploadSession) and Outlook's (attachment:
// createUploadSession): a fragment is a PUT with Content-Range: bytes
// first-last/total, the fragments come in order without gaps or overlaps,
// and the session reports what it expects next as nextExpectedRanges.

// FragmentRules are the size rules of a service's fragments.
type FragmentRules struct {
	// Unit is what every fragment but the last is a multiple of (0: any size).
	Unit int64
	// Max is the largest fragment.
	Max int64
	// TooLarge is the advice of the 413 for a fragment over Max.
	TooLarge string
}

var (
	// DriveFragments are OneDrive's: multiples of 320 KiB, at most 60 MiB.
	DriveFragments = FragmentRules{Unit: 320 << 10, Max: 60 << 20,
		TooLarge: "a fragment is at most 60 MiB (%d bytes): send smaller fragments, each a multiple of 320 KiB."}
	// OutlookFragments are Outlook's for attachments: any size, at most 4 MiB.
	OutlookFragments = FragmentRules{Max: 4 << 20,
		TooLarge: "a fragment of an attachment is at most 4 MB (%d bytes): send smaller fragments."}
)

// Fragment is the byte range a PUT to an upload session carries.
type Fragment struct{ First, Last, Total int64 }

// Len is the fragment's length in bytes.
func (f Fragment) Len() int64 { return f.Last - f.First + 1 }

// ParseContentRange reads "bytes first-last/total".
func ParseContentRange(v string) (Fragment, bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	rng, tot, found2 := strings.Cut(spec, "/")
	a, b, found3 := strings.Cut(rng, "-")
	if !found || !found2 || !found3 {
		return Fragment{}, false
	}
	var f Fragment
	var err [3]error
	f.First, err[0] = strconv.ParseInt(a, 10, 64)
	f.Last, err[1] = strconv.ParseInt(b, 10, 64)
	f.Total, err[2] = strconv.ParseInt(tot, 10, 64)
	if errors.Join(err[:]...) != nil || f.First < 0 || f.Last < f.First || f.Total <= f.Last {
		return Fragment{}, false
	}
	return f, true
}

// Fragment reads r's Content-Range and checks it against the rules (its
// header, its size, its Content-Length); where the fragment falls in the
// session is Follows's.
func (fr FragmentRules) Fragment(r *http.Request) (Fragment, *Error) {
	f, ok := ParseContentRange(r.Header.Get("Content-Range"))
	n := f.Len()
	switch {
	case !ok:
		return f, Err(400, "invalidRequest", "A fragment needs Content-Range: bytes {first}-{last}/{total} (zero-based, last inclusive, total the file's size).")
	case n > fr.Max:
		return f, Err(413, "invalidRequest", fmt.Sprintf("The fragment is %d bytes; "+fr.TooLarge, n, fr.Max))
	case r.ContentLength >= 0 && r.ContentLength != n:
		return f, Err(400, "invalidRequest", fmt.Sprintf("Content-Length is %d but Content-Range names %d bytes.", r.ContentLength, n))
	case fr.Unit > 0 && f.Last+1 < f.Total && n%fr.Unit != 0:
		return f, Err(400, "invalidRequest", fmt.Sprintf("The fragment is %d bytes; every fragment but the last must be a multiple of 320 KiB (%d bytes).", n, fr.Unit))
	}
	return f, nil
}

var (
	errOverlap    = Err(416, "invalidRange", "Uploaded fragment overlaps with existing data. GET the upload URL for nextExpectedRanges.")
	errOutOfOrder = Err(416, "invalidRange", "Uploaded fragment is out of order: fragments are uploaded in sequence. GET the upload URL for nextExpectedRanges.")
)

// Follows checks that f is the next fragment of a session that has
// received bytes and is for total bytes (-1: not known yet).
func (f Fragment) Follows(received, total int64) *Error {
	switch {
	case total >= 0 && f.Total != total:
		return Err(400, "invalidRequest", fmt.Sprintf("The upload session is for %d bytes, but the fragment declares a total of %d.", total, f.Total))
	case f.First < received:
		return errOverlap
	case f.First > received:
		return errOutOfOrder
	}
	return nil
}

// NextExpectedRanges is a session's nextExpectedRanges after received of
// total bytes (-1: not known yet).
func NextExpectedRanges(received, total int64) []string {
	switch {
	case total < 0:
		return []string{strconv.FormatInt(received, 10) + "-"}
	case received >= total:
		return []string{}
	}
	return []string{fmt.Sprintf("%d-%d", received, total-1)}
}
