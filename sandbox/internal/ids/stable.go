package ids

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Stable returns a deterministic Exchange-style id ("AAMkAG…") for the given
// parts: seeded items get the same ids on every run and every reset.
func Stable(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "|")))
	h2 := sha256.Sum256(h[:])
	raw := append(h[:], h2[:20]...)
	return "AAMkAG" + base64.URLEncoding.EncodeToString(raw)
}
