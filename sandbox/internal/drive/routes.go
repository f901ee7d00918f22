package drive

import (
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// A drive's items are reached by id and by path, and a path may follow an
// id ("items/{id}:/a/b.txt:/content"), which the mux's patterns cannot
// express: each drive address has one pattern per method for what follows
// it ({rest...}), which dispatch reads.
var driveMethods = []string{"GET", "POST", "PATCH", "DELETE", "PUT"}

// Routes registers the drive routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/me/drives", s.Auth(s.Me(s.Owner(s.listDrives))))
	m.HandleFunc("GET /v1.0/users/{id}/drives", s.Auth(s.Other(s.Owner(s.listDrives))))
	m.HandleFunc("GET /v1.0/me/drive", s.Auth(s.Me(s.Owner(s.getDrive))))
	m.HandleFunc("GET /v1.0/users/{id}/drive", s.Auth(s.Other(s.Owner(s.getDrive))))
	m.HandleFunc("GET /v1.0/drives/{did}", s.Auth(s.byDriveID(s.getDrive)))
	for _, method := range driveMethods {
		m.HandleFunc(method+" /v1.0/me/drive/{rest...}", s.Auth(s.addressed(s.Me(s.Owner(s.dispatch)))))
		m.HandleFunc(method+" /v1.0/users/{id}/drive/{rest...}", s.Auth(s.addressed(s.Other(s.access(s.dispatch)))))
		m.HandleFunc(method+" /v1.0/drives/{did}/{rest...}", s.Auth(s.addressed(s.byDriveID(s.dispatch))))
	}
	s.shareRoutes(m)
	s.siteRoutes(m)
}

// errNotFound is Graph's 404 for a drive item or drive.
var errNotFound = graphkit.Err(404, "itemNotFound", "The resource could not be found.")

// byDriveID serves /drives/{did}/...: the drive's owner is the user the
// handler serves, with the same access rule as /users/{id}/drive (access:
// what is shared with the caller is reached too); a site's library is
// served as its site's routes serve it (sitedrive.go).
func (s *Workload) byDriveID(h graphkit.OwnerHandler) func(http.ResponseWriter, *http.Request, *graphkit.Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		s.mu.Lock()
		d := s.drives[r.PathValue("did")]
		owner := ""
		if d != nil {
			owner = d.Owner
		}
		library := d == nil || d.lib != nil
		s.mu.Unlock()
		if library && s.Sites != nil {
			s.onLibrary(s.findByDriveID, h)(w, r, c)
			return
		}
		u := s.Dir.Find(owner)
		if d == nil || u == nil {
			s.Fail(w, r, errNotFound)
			return
		}
		s.access(h)(w, r, c, u, !c.IsApp() && u.ID == c.Oid)
	}
}

// addressed answers Graph's 400 for a request whose path below a drive
// ({rest...}) is no address of the drive's (parseRest, search) before h
// checks the token's permissions: Graph reads the path first, and
// Microsoft's table grants no permission for a path that is none.
func (s *Workload) addressed(h func(http.ResponseWriter, *http.Request, *graphkit.Claims)) func(http.ResponseWriter, *http.Request, *graphkit.Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		rest := graphkit.SentCase(r, r.PathValue("rest"))
		if _, ok := parseRest(rest); !ok && searchAt(rest) < 0 {
			s.Fail(w, r, notAddress(rest))
			return
		}
		h(w, r, c)
	}
}

// notAddress is Graph's 400 for rest, a path below a drive that is no
// address of the drive's.
func notAddress(rest string) *graphkit.Error {
	seg := rest
	if i := strings.LastIndexAny(rest, "/:"); i >= 0 {
		seg = rest[i+1:]
	}
	return graphkit.BadRequest("Resource not found for the segment '" + seg + "'.")
}

// target is what follows a drive in a request's path: an item (base, the
// root when ""), a path below it, and what of the item is asked for.
type target struct {
	base    string
	path    []string // path segments below base
	byPath  bool
	tail    string // "", "children", "content", "restore", "createuploadsession", "copy", "workbook", "createlink", "invite" or "permissions"
	book    string // what follows workbook/ (workbook.go), as sent
	special string // special/{name}: the special folder base stands for (special.go)
	sub     string // what follows delta, versions or thumbnails (more.go), as sent
	perm    string // permissions/{id}: the permission's id (permissions.go)
}

// parseRest reads "root", "root:/a/b:", "root:/a/b:/children",
// "items/{id}", "items/{id}/content", "items/{id}:/a:/content", ... in any
// case; ok is false for anything else.
func parseRest(rest string) (t target, ok bool) {
	if k, ok := cutFold(rest, "items('"); ok { // OData key syntax: items('id')
		if id, more, ok := strings.Cut(k, "')"); ok {
			rest = "items/" + id + more
		}
	}
	var after string
	switch low := strings.ToLower(rest); {
	case low == "root" || strings.HasPrefix(low, "root/") || strings.HasPrefix(low, "root:"):
		after = rest[len("root"):]
	case strings.HasPrefix(low, "items/"):
		id := rest[len("items/"):]
		end := strings.IndexAny(id, "/:")
		if end < 0 {
			end = len(id)
		}
		t.base, after = id[:end], id[end:]
		if t.base == "" {
			return t, false
		}
	case strings.HasPrefix(low, "special/"):
		name := low[len("special/"):]
		end := strings.IndexAny(name, "/:")
		if end < 0 {
			end = len(name)
		}
		t.special, after = name[:end], rest[len("special/")+end:]
		if t.special == "" {
			return t, false
		}
	default:
		return t, false
	}
	if p, isPath := strings.CutPrefix(after, ":"); isPath {
		t.byPath = true
		path, tail, _ := strings.Cut(p, ":")
		for _, seg := range strings.Split(path, "/") {
			if seg != "" {
				t.path = append(t.path, seg)
			}
		}
		after = tail
	}
	if after != "" && !strings.HasPrefix(after, "/") {
		return t, false
	}
	if b, ok := cutFold(strings.TrimPrefix(after, "/"), "workbook"); ok && (b == "" || b[0] == '/') {
		t.tail, t.book = "workbook", strings.Trim(b, "/")
		return t, true
	}
	if parseMore(&t, strings.TrimPrefix(after, "/")) {
		return t, true
	}
	if id, ok := cutFold(strings.Trim(after, "/"), "permissions/"); ok && id != "" && !strings.Contains(id, "/") {
		t.tail, t.perm = "permissions", id
		return t, true
	}
	switch tail := strings.ToLower(strings.Trim(after, "/")); tail {
	case "", "children", "content", "restore", "createuploadsession", "copy", "createlink", "invite", "permissions":
		t.tail = tail
		return t, true
	}
	return t, false
}

// dispatch serves a request below a drive.
func (s *Workload) dispatch(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	rest := graphkit.SentCase(r, r.PathValue("rest"))
	if s.searchRoute(w, r, u, rest) {
		return
	}
	t, ok := parseRest(rest)
	if !ok { // addressed has answered it before the permission check
		s.Fail(w, r, notAddress(rest))
		return
	}
	if t.special != "" && !s.openSpecial(w, r, u, &t) {
		return
	}
	if s.dispatchMore(w, r, u, t) {
		return
	}
	switch {
	case r.Method == "GET" && t.tail == "":
		s.getItem(w, r, u, t)
	case r.Method == "GET" && t.tail == "children":
		s.listChildren(w, r, u, t)
	case r.Method == "GET" && t.tail == "content":
		s.contentRedirect(w, r, u, t)
	case r.Method == "POST" && t.tail == "children":
		s.createFolder(w, r, u, t)
	case r.Method == "POST" && t.tail == "restore" && !t.byPath:
		s.restoreItem(w, r, u, t.base)
	case r.Method == "PATCH" && t.tail == "":
		s.updateItem(w, r, u, t)
	case r.Method == "DELETE" && t.tail == "":
		s.deleteItem(w, r, u, t)
	case r.Method == "PUT" && t.tail == "content":
		s.upload(w, r, u, t)
	case t.tail == "workbook":
		s.workbookRoute(w, r, u, t)
	case r.Method == "POST" && t.tail == "createuploadsession":
		s.createUploadSession(w, r, u, t)
	case r.Method == "POST" && t.tail == "copy":
		s.copyItem(w, r, u, t)
	case t.tail == "createlink" || t.tail == "invite" || t.tail == "permissions":
		s.permissionsRoute(w, r, u, t)
	default:
		s.Fail(w, r, graphkit.Err(405, "BadRequest", "The HTTP method '"+r.Method+"' is not allowed on this driveItem address."))
	}
}

// resolve returns the live item t names in d, or nil.
func (d *drive) resolve(t target) *item {
	it := d.find(t.base)
	for _, seg := range t.path {
		if it == nil || !it.Folder {
			return nil
		}
		it = d.child(it, seg)
	}
	return it
}

// cutFold is strings.CutPrefix ignoring the case of prefix.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
