package planner

import (
	"slices"
	"strings"
)

// Order hints. Planner orders buckets, tasks, assignments and checklist
// items by their orderHint, compared ordinally. A client does not make
// hints: it sends "<previous> <next>!", the hints of the items the new
// position lies between (either may be empty: " <first>!" is the start,
// "<last> !" the end, " !" anywhere), and the server stores a hint that
// sorts strictly between them. Hints are made of the printable characters
// '!'..'~' and never contain a space.

const (
	hintLow  = '!'
	hintHigh = '~'
)

// resolveHint turns a client's hint into the stored one. others are the
// hints of the items of the same list (for " !", which Planner puts
// before them all). A value without the trailing "!" is taken as a hint
// already made (one the client copied), when it is valid.
func resolveHint(v string, others []string) (string, bool) {
	if !strings.HasSuffix(v, "!") || !strings.Contains(v, " ") {
		return v, validHint(v)
	}
	prev, next, _ := strings.Cut(strings.TrimSuffix(v, "!"), " ")
	if strings.Contains(next, " ") || (prev != "" && !validHint(prev)) || (next != "" && !validHint(next)) {
		return "", false
	}
	if prev == "" && next == "" {
		next = firstHint(others)
	}
	if next != "" && prev >= next {
		return "", false
	}
	return between(prev, next), true
}

// validHint reports whether h is a hint Planner could have made.
func validHint(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if h[i] < hintLow || h[i] > hintHigh {
			return false
		}
	}
	return true
}

// firstHint is the smallest of hints ("" when there are none).
func firstHint(hints []string) string {
	hints = slices.DeleteFunc(slices.Clone(hints), func(h string) bool { return h == "" })
	if len(hints) == 0 {
		return ""
	}
	return slices.Min(hints)
}

// between returns a hint that sorts after lo and before hi ("" for either:
// no bound), of characters hintLow..hintHigh, and never ending in hintLow
// (so that there is always room before it). lo < hi when both are set.
func between(lo, hi string) string {
	var out []byte
	bounded := hi != ""
	for i := 0; ; i++ {
		l := int(hintLow) - 1 // below every character: lo has ended
		if i < len(lo) {
			l = int(lo[i])
		}
		h := int(hintHigh) + 1
		if bounded && i < len(hi) {
			h = int(hi[i])
		}
		if l == h {
			out = append(out, byte(l))
			continue
		}
		if m := (l + h) / 2; m > l && m > int(hintLow) {
			return string(append(out, byte(m)))
		}
		// No room at this position: keep lo's character (or the lowest one,
		// lo having ended) and look further; from here on the result is
		// below hi already unless it took hi's character.
		c := max(l, int(hintLow))
		out = append(out, byte(c))
		if c != h {
			bounded = false
		}
		if c > l {
			lo = "" // took a character above lo's end: lo is passed
		}
	}
}
