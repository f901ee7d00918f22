package drive

import (
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The item addresses parseRest hands on: delta (delta.go), versions
// (versions.go), thumbnails (thumbnails.go), and content?format= (convert.go).

// parseMore reads what follows an item when it is delta, delta(token='...'),
// versions/... or thumbnails/... (after: without its leading "/").
func parseMore(t *target, after string) bool {
	after, _ = cutFold(after, "microsoft.graph.")
	for _, tail := range []string{"delta", "versions", "thumbnails"} {
		rest, ok := cutFold(after, tail)
		if !ok || (rest != "" && rest[0] != '/' && (tail != "delta" || rest[0] != '(')) {
			continue
		}
		t.tail, t.sub = tail, rest
		return true
	}
	return false
}

// dispatchMore serves the addresses parseMore reads and a conversion
// download; false leaves the request to dispatch.
func (s *Workload) dispatchMore(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) bool {
	switch {
	case t.tail == "delta" && r.Method == "GET":
		s.delta(w, r, u, t)
	case t.tail == "versions":
		s.versionsRoute(w, r, u, t)
	case t.tail == "thumbnails" && r.Method == "GET":
		s.thumbnailsRoute(w, r, u, t)
	case t.tail == "content" && r.Method == "GET" && r.URL.Query().Has("format"):
		s.convertRedirect(w, r, u, t)
	case t.tail == "delta" || t.tail == "thumbnails":
		s.Fail(w, r, graphkit.Err(405, "BadRequest", "The HTTP method '"+r.Method+"' is not allowed on "+t.tail+"."))
	default:
		return false
	}
	return true
}

// subPath splits what follows versions or thumbnails into its segments.
func subPath(sub string) []string {
	sub = strings.Trim(sub, "/")
	if sub == "" {
		return nil
	}
	return strings.Split(sub, "/")
}
