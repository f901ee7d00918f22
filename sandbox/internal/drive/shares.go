package drive

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Another user's drive, reached through what is shared with the caller, and
// the Shares API.

var errAccessDenied = graphkit.Err(403, "accessDenied", "Access denied: the item is not shared with you.")

// access serves a request below a drive: as Owner does for the drive's
// owner and for apps; another signed-in user reaches the items a
// permission names them on and what is below them (reading with a read
// role, anything with a write role), with a delegated permission that
// grants the request beyond the user's own files (Files.Read.All, not
// Files.Read: graphkit.PermittedBeyondSelf).
func (s *Workload) access(h graphkit.OwnerHandler) graphkit.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *graphkit.User, self bool) {
		if s.Unlicensed(w, r, u) {
			return
		}
		if c.IsApp() || self {
			s.Owner(h)(w, r, c, u, self)
			return
		}
		need := "read"
		if r.Method != http.MethodGet {
			need = "write"
		}
		if !graphkit.PermittedBeyondSelf(r, c) {
			s.WriteError(w, r, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
			return
		}
		t, ce := s.granted(r, c.Oid, u, need)
		if ce == nil && (r.Method == http.MethodPatch && t.tail == "" || r.Method == http.MethodPost && t.tail == "copy") {
			ce = s.grantedDestination(w, r, c.Oid, u, t.tail == "copy")
		}
		if ce != nil {
			s.Fail(w, r, ce)
			return
		}
		h(w, r, u)
	}
}

// granted checks that what r addresses below u's drive is shared with user
// uid with role need (the deepest item of its path that exists, so that a
// new file in a shared folder counts as the folder's).
func (s *Workload) granted(r *http.Request, uid string, u *graphkit.User, need string) (target, *graphkit.Error) {
	rest := graphkit.SentCase(r, r.PathValue("rest"))
	if i := searchAt(rest); i > 0 {
		rest = strings.TrimSuffix(rest[:i], "/")
	}
	t, ok := parseRest(rest)
	if !ok || t.special != "" || t.tail == "restore" {
		return t, errAccessDenied
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.user(u)
	if d == nil {
		return t, errNotFound
	}
	now := s.Now()
	it := d.find(t.base)
	for _, seg := range t.path {
		if it == nil || !it.Folder {
			break
		}
		next := d.child(it, seg)
		if next == nil {
			break
		}
		it = next
	}
	if it == nil {
		for _, p := range d.sharing.perms {
			if p.names(uid) && !p.expired(now) {
				return t, errNotFound // the caller has things shared in this drive: tell them it is gone
			}
		}
		return t, errAccessDenied
	}
	switch role := d.role(it, uid, now); {
	case role == "":
		return t, errAccessDenied
	case need == "write" && role != "write":
		return t, graphkit.Err(403, "accessDenied", "Access denied: the item is shared with you to read only.")
	}
	return t, nil
}

// grantedDestination checks that the folder a move (PATCH with
// parentReference) or a copy (to the root without one) puts an item in
// is shared with user uid to write. It reads the body and puts it back for
// the handler, decoded.
func (s *Workload) grantedDestination(w http.ResponseWriter, r *http.Request, uid string, u *graphkit.User, isCopy bool) *graphkit.Error {
	data, ce := graphkit.ReadPayload(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		return ce
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
	r.Header.Del("Content-Encoding")
	r.Header.Set("Content-Type", "application/json")
	var b struct {
		Parent *itemRef `json:"parentReference"`
	}
	if len(bytes.TrimSpace(data)) > 0 && json.Unmarshal(data, &b) != nil {
		return nil // the handler answers a malformed body
	}
	if b.Parent == nil && !isCopy {
		return nil // not a move
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.user(u)
	dest := d.find("")
	if b.Parent != nil {
		dest = d.resolveRef(b.Parent)
	}
	if dest != nil && d.role(dest, uid, s.Now()) != "write" {
		return graphkit.Err(403, "accessDenied", "Access denied: the folder to put the item in is not shared with you to edit.")
	}
	return nil
}

// sharedDriveItemType is the OData type of a share.
var sharedDriveItemType = &odata.Type{
	Name:  "microsoft.graph.sharedDriveItem",
	Keep:  []string{"id"},
	Props: []string{"id", "name", "owner"},
	Extra: []string{"createdBy", "createdDateTime", "description", "eTag", "lastModifiedBy", "lastModifiedDateTime",
		"parentReference", "webUrl"},
}

// shareRoutes registers the Shares API: GET /shares/{id} (the
// sharedDriveItem), and below it driveItem and root (the item, with
// /children and /content) and permission (the link).
func (s *Workload) shareRoutes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/shares/{sid}", s.Auth(s.serveShare))
	m.HandleFunc("GET /v1.0/shares/{sid}/{rest...}", s.Auth(s.serveShare))
}

// openShare finds the share sid names and checks that the caller may open
// it: the owner, an app, and for an anonymous or organization link any user
// of the tenant; for a users link or an invitation, the people it names or
// who have access to the item otherwise. The caller holds the lock.
func (s *Workload) openShare(c *graphkit.Claims, sid string) (*drive, *perm, *item, *graphkit.Error) {
	tok := shareTokenOf(sid)
	var d *drive
	var p *perm
	for _, dr := range s.drives {
		for _, q := range dr.sharing.perms {
			if tok != "" && q.Token == tok {
				d, p = dr, q
			}
		}
	}
	if p == nil || p.expired(s.Now()) {
		return nil, nil, nil, graphkit.Err(404, "itemNotFound", "The sharing link or share id does not exist or has expired.")
	}
	it := d.find(p.Item)
	if it == nil {
		return nil, nil, nil, errNotFound
	}
	switch {
	case c.IsApp(), c.Oid == d.Owner:
	case p.Scope == "anonymous" || p.Scope == "organization":
		if s.Dir.Find(c.Oid) == nil {
			return nil, nil, nil, errAccessDenied
		}
	case p.names(c.Oid) || d.role(it, c.Oid, s.Now()) != "":
	default:
		return nil, nil, nil, errAccessDenied
	}
	return d, p, it, nil
}

// redeem adds the caller to the people a link names when they ask for
// durable access (Prefer: redeemSharingLink), as opening the link in a
// browser does: they then reach the item in its drive too. The caller
// holds the lock.
func (s *Workload) redeem(r *http.Request, c *graphkit.Claims, d *drive, p *perm) {
	if _, ok := graphkit.Prefer(r)["redeemsharinglink"]; !ok || p.Link == "" || c.IsApp() || c.Oid == d.Owner || p.names(c.Oid) {
		return
	}
	p.Users = append(p.Users, c.Oid)
	s.touchPerm(r, d, p)
}

// shareParts are the addresses below a share, each to what it serves: the
// sharedDriveItem (""), its permission, or its driveItem's, children or
// content.
var shareParts = map[string]string{
	"": "", "permission": "permission",
	"driveitem": "item", "root": "item",
	"driveitem/children": "children", "root/children": "children",
	"driveitem/content": "content", "root/content": "content",
}

func (s *Workload) serveShare(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	rest, known := shareParts[strings.ToLower(strings.Trim(r.PathValue("rest"), "/"))]
	if !known { // Graph reads the path before the token's permissions
		s.Fail(w, r, graphkit.BadRequest("Resource not found for the segment '"+r.PathValue("rest")+"': a share has driveItem, root and permission."))
		return
	}
	if !graphkit.Permitted(r, c) {
		s.WriteError(w, r, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		return
	}
	s.mu.Lock()
	d, p, it, ce := s.openShare(c, r.PathValue("sid"))
	var obj map[string]any
	var owner *graphkit.User
	if ce == nil {
		owner = s.Dir.Find(d.Owner)
		s.redeem(r, c, d, p)
		switch rest {
		case "":
			obj = map[string]any{"id": "s!" + p.Token, "name": it.Name, "owner": s.identity(d.Owner)}
		case "permission":
			obj = s.permObject(r, d, p, nil)
		}
	}
	s.mu.Unlock()
	if ce == nil && owner == nil {
		ce = errNotFound
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	t := target{base: it.ID}
	switch rest {
	case "":
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(obj), sharedDriveItemType, "#shares/$entity")
	case "permission":
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(obj), permissionType, "#shares('"+r.PathValue("sid")+"')/permission/$entity")
	case "item":
		s.getItem(w, r, owner, t)
	case "children":
		t.tail = "children"
		s.listChildren(w, r, owner, t)
	case "content":
		t.tail = "content"
		s.contentRedirect(w, r, owner, t)
	}
}
