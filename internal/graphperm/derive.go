package graphperm

import "strings"

// Microsoft's table lists most requests under every address Graph gives
// them, but not all: a message's $value, a folder nested two deep, a
// drive item by path. Such a request is granted as the request it is a
// form of; derive lists those, nearest first.

// candidate is a request of the table: a method and path segments.
type candidate struct {
	method string
	segs   []string
}

func (c candidate) key() string { return c.method + " /" + strings.Join(c.segs, "/") }

// rewrites turn a request into a form of it, or return nil.
var rewrites = []func(candidate) []string{
	// /me/... is /users/{id}/... of the signed-in user, and back.
	func(c candidate) []string {
		if c.segs[0] == "me" {
			return append([]string{"users", "{id}"}, c.segs[1:]...)
		}
		if len(c.segs) > 1 && c.segs[0] == "users" {
			return append([]string{"me"}, c.segs[2:]...)
		}
		return nil
	},
	// X/$value (the media), X/$count and X/$ref are read and written as X.
	func(c candidate) []string {
		switch c.segs[len(c.segs)-1] {
		case "$value", "$count", "$ref":
			return c.segs[:len(c.segs)-1]
		}
		return nil
	},
	// A folder below a folder is granted as its parent.
	func(c candidate) []string {
		for i := 2; i+1 < len(c.segs); i++ {
			if c.segs[i] == "childfolders" && (c.segs[i-2] == "mailfolders" || c.segs[i-2] == "contactfolders" || c.segs[i-2] == "childfolders") {
				return splice(c.segs, i, 2)
			}
		}
		return nil
	},
	// A message of a folder is a message of the mailbox.
	func(c candidate) []string {
		for i := 0; i+2 < len(c.segs); i++ {
			if c.segs[i] == "mailfolders" && c.segs[i+2] == "messages" {
				return splice(c.segs, i, 2)
			}
		}
		return nil
	},
	// A user's, group's, site's or list's drive is a drive by id.
	func(c candidate) []string {
		for i := range c.segs {
			if c.segs[i] == "drive" && i > 0 {
				return append([]string{"drives", "{id}"}, c.segs[i+1:]...)
			}
		}
		return nil
	},
	// What a sharing link names is its driveItem, by any of its names.
	func(c candidate) []string {
		if len(c.segs) < 3 || c.segs[0] != "shares" {
			return nil
		}
		switch c.segs[2] {
		case "root":
			return append([]string{"shares", c.segs[1], "driveitem"}, c.segs[3:]...)
		case "items":
			if len(c.segs) > 3 {
				return append([]string{"shares", c.segs[1], "driveitem"}, c.segs[4:]...)
			}
			return []string{"shares", c.segs[1], "driveitem"}
		case "permission":
			return c.segs[:2]
		}
		return nil
	},
	// The root and special folders are items.
	func(c candidate) []string {
		for i := 0; i < len(c.segs); i++ {
			if c.segs[i] == "root" && i > 0 && (c.segs[i-1] == "drive" || i > 1 && c.segs[i-2] == "drives") {
				return append(append(append([]string(nil), c.segs[:i]...), "items", "{id}"), c.segs[i+1:]...)
			}
			if c.segs[i] == "special" && i+1 < len(c.segs) {
				return append(append(append([]string(nil), c.segs[:i]...), "items", "{id}"), c.segs[i+2:]...)
			}
		}
		return nil
	},
}

// itemPart grants what is below a drive item (its workbook, versions,
// restore) as the item where Microsoft lists the part for none of a
// token's kind: reading it as reading the item, anything else as
// updating the item. It comes last of all forms.
func itemPart(c candidate) (candidate, bool) {
	m := "PATCH"
	if c.method == "GET" {
		m = "GET"
	}
	for i := len(c.segs) - 2; i >= 0; i-- {
		switch {
		case c.segs[i] == "driveitem":
			return candidate{m, c.segs[:i+1]}, true
		case c.segs[i] == "items" && i+2 < len(c.segs):
			return candidate{m, c.segs[:i+2]}, true
		}
	}
	return candidate{}, false
}

// aliases grant requests Microsoft's table leaves out, in none of the
// forms above, as the request Microsoft documents the same permissions for.
var aliases = map[string]string{
	"GET /drives/{id}/search(q={id})":              "GET /drives/{id}/root/search(q={id})",
	"POST /groups/{id}/members":                    "DELETE /groups/{id}/members/{id}",
	"GET /me/messages/{id}/attachments/{id}":       "GET /me/messages/{id}/attachments",
	"DELETE /me/messages/{id}/attachments/{id}":    "PATCH /me/messages/{id}",
	"GET /me/events/{id}/attachments/{id}":         "GET /me/events/{id}/attachments",
	"DELETE /me/events/{id}/attachments/{id}":      "PATCH /me/events/{id}",
	"GET /me/calendar":                             "GET /me/calendars",
	"PATCH /me/calendar":                           "DELETE /me/calendars/{id}",
	"GET /me/calendars/{id}":                       "GET /me/calendars",
	"PATCH /me/calendars/{id}":                     "DELETE /me/calendars/{id}",
	"GET /me/calendar/calendarview/delta":          "GET /me/calendarview/delta",
	"DELETE /sites/{id}/lists/{id}":                "POST /sites/{id}/lists",
	"GET /sites/{id}/lists/{id}/items/{id}/fields": "GET /sites/{id}/lists/{id}/items/{id}",

	// An eventMessage's event, which "Get eventMessage" reads with Mail.Read through $expand.
	"GET /me/messages/{id}/microsoft.graph.eventmessage/event": "GET /me/messages/{id}",
}

func splice(segs []string, i, n int) []string {
	return append(append([]string(nil), segs[:i]...), segs[i+n:]...)
}

// derive lists the forms of method on segs, nearest first: the request,
// then each rewrite of it (breadth first), then aliases of them.
func derive(method string, segs []string) []candidate {
	if len(segs) == 0 || segs[0] == "" {
		return nil
	}
	out := []candidate{{method, segs}}
	seen := map[string]bool{out[0].key(): true}
	for i := 0; i < len(out) && len(out) < 64; i++ {
		for _, rw := range rewrites {
			if s := rw(out[i]); len(s) > 0 {
				c := candidate{method, s}
				if !seen[c.key()] {
					seen[c.key()] = true
					out = append(out, c)
				}
			}
		}
	}
	n := len(out)
	for _, c := range out[:n] {
		if a, ok := aliases[c.key()]; ok {
			m, p, _ := strings.Cut(a, " ")
			out = append(out, candidate{m, strings.Split(strings.Trim(p, "/"), "/")})
		}
	}
	for _, c := range out[:n] {
		if p, ok := itemPart(c); ok && !seen[p.key()] {
			seen[p.key()] = true
			out = append(out, p)
		}
	}
	return out
}
