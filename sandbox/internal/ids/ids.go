// Package ids makes the sandbox's random identifiers: GUIDs for directory
// objects and items, and opaque base64url strings for codes and tokens.
package ids

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/authsome-go/authsome/internal/guid"
)

// B64 is the unpadded base64url encoding the sandbox uses in ids and tokens.
var B64 = base64.RawURLEncoding

// Random returns prefix followed by n random bytes in base64url.
func Random(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + B64.EncodeToString(b)
}

// GUID returns a random (version 4) GUID.
func GUID() string { return guid.New() }
