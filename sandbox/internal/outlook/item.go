package outlook

import (
	"encoding/base64"
	"fmt"
	"time"
)

// Timestamp writes an instant as Outlook's Edm.DateTimeOffset
// (createdDateTime, lastModifiedDateTime, responseStatus/time).
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000Z")
}

// ChangeKey is the changeKey (and, quoted, the @odata.etag) of an item
// changed at position n of its store's change sequence.
func ChangeKey(n int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("DwAAABYAAAC%06d", n)))
}

// Importance is the values of an item's importance (messages, events).
var Importance = []string{"low", "normal", "high"}
