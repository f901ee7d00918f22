package grant

import (
	"net/url"
	"strings"
)

// Path is a request path normalised for matching.
type Path struct {
	// Segs are the segments matched against rules: percent-decoded once, lower-case, dot
	// segments removed.
	Segs []string
	// Raw is the path to send upstream: the request's own escaping and case, dot segments
	// removed, so that what is sent is what was checked.
	Raw string
}

func (p Path) String() string { return "/" + strings.Join(p.Segs, "/") }

// Normalize checks and normalises an escaped request path. It refuses (with a *Denied)
// what cannot be matched safely: no leading slash, empty segments, an encoded slash or
// backslash, a backslash, control characters, bad escapes, a segment still percent-encoded
// after one decoding (double encoding), and dot segments that climb above the root.
func Normalize(escaped string) (Path, error) {
	if !strings.HasPrefix(escaped, "/") {
		return Path{}, deny("the path must start with /")
	}
	l := strings.ToLower(escaped)
	if strings.Contains(l, "%2f") || strings.Contains(l, "%5c") || strings.Contains(l, "\\") {
		return Path{}, deny("an encoded slash or a backslash in the path")
	}
	raws := strings.Split(escaped[1:], "/")
	if len(raws) > 1 && raws[len(raws)-1] == "" {
		raws = raws[:len(raws)-1] // a trailing slash
	}
	var segs, keep []string
	for _, raw := range raws {
		dec, err := url.PathUnescape(raw)
		switch {
		case err != nil:
			return Path{}, deny("a malformed %%-escape in the path")
		case raw == "" && len(raws) > 1:
			return Path{}, deny("an empty segment in the path (//)")
		case strings.IndexFunc(dec, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
			return Path{}, deny("a control character in the path")
		case stillEscaped(dec):
			return Path{}, deny("the path is percent-encoded more than once")
		}
		switch dec {
		case ".":
			continue
		case "..":
			if len(segs) == 0 {
				return Path{}, deny("the path climbs above the root (..)")
			}
			segs, keep = segs[:len(segs)-1], keep[:len(keep)-1]
			continue
		}
		segs = append(segs, strings.ToLower(dec))
		keep = append(keep, raw)
	}
	if len(segs) == 1 && segs[0] == "" {
		segs, keep = nil, nil
	}
	return Path{Segs: segs, Raw: "/" + strings.Join(keep, "/")}, nil
}

// stillEscaped reports whether s holds a percent escape (%XX).
func stillEscaped(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0 && i+2 < len(s); i = nextPercent(s, i) {
		if isHex(s[i+1]) && isHex(s[i+2]) {
			return true
		}
	}
	return false
}

func nextPercent(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '%')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
