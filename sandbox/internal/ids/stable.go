package ids

import (
	"crypto/sha256"
	"encoding/base64"
)

// Stable returns a deterministic Exchange-style item id ("AAMkAG...") for
// the given parts: the same parts give the same id on every run, so seeded
// data keeps its ids across Reset and restarts.
func Stable(parts ...string) string { return StableAs("AAMkAG", parts...) }

// StableAs is Stable with another prefix than "AAMkAG" (the rest of the id is
// Stable's). It allocates the id and nothing else: stores that make an id per
// item keep no garbage between their items.
func StableAs(prefix string, parts ...string) string {
	d := sha256.New()
	for i, p := range parts {
		if i > 0 {
			d.Write([]byte{'|'})
		}
		d.Write([]byte(p))
	}
	var raw [sha256.Size + 20]byte
	d.Sum(raw[:0])
	h2 := sha256.Sum256(raw[:sha256.Size])
	copy(raw[sha256.Size:], h2[:20])
	const n = (len(raw) + 2) / 3 * 4 // base64 with padding
	buf := make([]byte, 0, 16+n)
	buf = append(buf, prefix...)
	buf = base64.URLEncoding.AppendEncode(buf, raw[:])
	return string(buf)
}
