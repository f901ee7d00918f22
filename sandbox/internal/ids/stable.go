package ids

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Stable returns a deterministic Exchange-style item id ("AAMkAG...") for
// the given parts: the same parts give the same id on every run, so seeded
// data keeps its ids across Reset and restarts.
func Stable(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "|")))
	h2 := sha256.Sum256(h[:])
	raw := append(h[:], h2[:20]...)
	return "AAMkAG" + base64.URLEncoding.EncodeToString(raw)
}
