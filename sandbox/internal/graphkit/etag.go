package graphkit

import (
	"net/http"
	"strings"
)

// ETags. Every Graph entity that has a version carries it as @odata.etag
// (Outlook items: W/"<changeKey>"; drive items and Planner: their own
// strings). A write that sends If-Match applies only to that version: a stale
// one gets 412 and changes nothing. "*" matches any existing entity.

// ErrChangeKeyMismatch is Outlook's 412 for a stale If-Match (messages,
// events, contacts, folders).
var ErrChangeKeyMismatch = &Error{412, "ErrorIrresolvableConflict",
	"The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item."}

// OutlookETag is the @odata.etag of an Outlook item with changeKey.
func OutlookETag(changeKey string) string { return `W/"` + changeKey + `"` }

// IfMatch reports whether r may change an entity whose current ETag is
// current: true without an If-Match header, with "*", or when one of the
// listed tags names the same version (weak or strong, quoted or not: Graph's
// clients send the @odata.etag as they got it, and some strip the quotes).
func IfMatch(r *http.Request, current string) bool {
	h := r.Header.Values("If-Match")
	if len(h) == 0 {
		return true
	}
	want := opaqueTag(current)
	for _, line := range h {
		for _, tag := range splitTags(line) {
			tag = strings.TrimSpace(tag)
			if tag == "*" || (tag != "" && opaqueTag(tag) == want) {
				return true
			}
		}
	}
	return false
}

// splitTags splits an If-Match list at the commas outside quotes: a drive
// item's tag ("{id},3") has one inside.
func splitTags(line string) []string {
	var tags []string
	start, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				tags = append(tags, line[start:i])
				start = i + 1
			}
		}
	}
	return append(tags, line[start:])
}

// opaqueTag strips the weak marker and the quotes of an entity tag.
func opaqueTag(t string) string {
	t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
	return strings.Trim(t, `"`)
}
