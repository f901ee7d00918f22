package drive

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// permissionType is the OData type of permissions, in Graph's member order.
var permissionType = &odata.Type{
	Name: "microsoft.graph.permission",
	Keep: []string{"id"},
	Props: []string{"id", "roles", "shareId", "expirationDateTime", "hasPassword", "grantedToV2", "grantedToIdentitiesV2",
		"invitation", "inheritedFrom", "link"},
	Extra: []string{"grantedTo", "grantedToIdentities"},
}

var permLimits = odata.Limits{DefaultTop: 200, MaxTop: 1000}

func permKey(drive, id string) string     { return "perm/" + drive + "/" + id }
func uniqueKey(drive, item string) string { return "unique/" + drive + "/" + item }

// applied is a permission that applies to an item, and the folder it is
// inherited from (nil when it is set on the item).
type applied struct {
	p    *perm
	from *item
}

// applying lists the live permissions that apply to it: its own, then its
// folders' up to one that does not inherit, nearest first, each in the
// order they were made.
func (d *drive) applying(it *item, now time.Time) []applied {
	var out []applied
	for at := it; at != nil; at = d.items[at.ParentID] {
		var here []*perm
		for _, p := range d.sharing.perms {
			if p.Item == at.ID && !p.expired(now) {
				here = append(here, p)
			}
		}
		slices.SortFunc(here, func(a, b *perm) int {
			if c := a.Created.Compare(b.Created); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		for _, p := range here {
			a := applied{p: p}
			if at != it {
				a.from = at
			}
			out = append(out, a)
		}
		if d.sharing.unique[at.ID] || at.ParentID == "" {
			break
		}
	}
	return out
}

// role is what the permissions of it give user uid by name (an invitation,
// a users link): "write", "read" or "". The owner's own access is not a
// permission's.
func (d *drive) role(it *item, uid string, now time.Time) string {
	best := ""
	for _, a := range d.applying(it, now) {
		if a.p.names(uid) {
			if r := a.p.role(); r == "write" || best == "" {
				best = r
			}
		}
	}
	return best
}

// ownerPermID is the id of the owner's permission, SharePoint's encoded
// claim of the owner.
func ownerPermID(upn string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("i:0#.f|membership|" + strings.ToLower(upn)))
}

// spIdentity is a sharePointIdentitySet naming a directory user.
func (s *Workload) spIdentity(uid string) map[string]any {
	user := map[string]any{"id": uid}
	site := map[string]any{"id": uid}
	if u := s.Dir.Find(uid); u != nil {
		user["displayName"], site["displayName"] = u.DisplayName, u.DisplayName
		site["loginName"] = "i:0#.f|membership|" + strings.ToLower(u.UserPrincipalName)
	}
	return map[string]any{"user": user, "siteUser": site}
}

// guestIdentity is a sharePointIdentitySet naming an address outside the tenant.
func guestIdentity(email string) map[string]any {
	return map[string]any{
		"user":     map[string]any{"displayName": email},
		"siteUser": map[string]any{"displayName": email, "loginName": "i:0#.f|membership|urn:spo:guest#" + email},
	}
}

// ownerPerm is the owner's permission on it; the caller holds the lock.
func (s *Workload) ownerPerm(d *drive, it *item) map[string]any {
	upn := d.Owner
	if u := s.Dir.Find(d.Owner); u != nil {
		upn = u.UserPrincipalName
	}
	o := map[string]any{"id": ownerPermID(upn), "roles": []string{"owner"}, "grantedToV2": s.spIdentity(d.Owner)}
	if it.ParentID != "" {
		o["inheritedFrom"] = s.itemRef(d, d.items[d.Root])
	}
	return o
}

// itemRef is an itemReference to it.
func (s *Workload) itemRef(d *drive, it *item) map[string]any {
	return map[string]any{"driveId": d.ID, "driveType": "business", "id": it.ID, "path": "/drives/" + d.ID + "/root:" + d.path(it)}
}

// permObject is p as Graph's JSON, inherited from folder from (nil: set on
// the item); the caller holds the lock.
func (s *Workload) permObject(r *http.Request, d *drive, p *perm, from *item) map[string]any {
	o := map[string]any{"id": p.ID, "roles": p.Roles, "shareId": "s!" + p.Token}
	if !p.Expires.IsZero() {
		o["expirationDateTime"] = stamp(p.Expires)
	}
	if p.Password {
		o["hasPassword"] = true
	}
	if p.Link != "" {
		link := map[string]any{"type": p.Link, "scope": p.Scope, "webUrl": shareURL(r, p.Token), "preventsDownload": false}
		if p.App != "" {
			link["application"] = map[string]any{"id": p.App}
		}
		o["link"] = link
	}
	var people []any
	for _, uid := range p.Users {
		people = append(people, s.spIdentity(uid))
	}
	for _, e := range p.Emails {
		people = append(people, guestIdentity(e))
	}
	switch {
	case p.Link == "" && len(p.Users) == 1: // an invitation of a user of the tenant
		o["grantedToV2"] = people[0]
		email := ""
		if u := s.Dir.Find(p.Users[0]); u != nil {
			email = u.Mail
		}
		o["invitation"] = map[string]any{"email": email, "signInRequired": p.SignIn, "invitedBy": s.identity(p.By)}
	case len(people) > 0:
		o["grantedToIdentitiesV2"] = people
		if len(p.Emails) == 1 && len(p.Users) == 0 && p.By != "" && p.App == "" { // an invitation of a guest
			o["invitation"] = map[string]any{"email": p.Emails[0], "signInRequired": p.SignIn, "invitedBy": s.identity(p.By)}
		}
	}
	if from != nil {
		o["inheritedFrom"] = s.itemRef(d, from)
	}
	return o
}

// errPermNotFound is Graph's 404 for a permission.
var errPermNotFound = graphkit.Err(404, "itemNotFound", "The permission could not be found on this item.")

// permissionsRoute serves createLink, invite and permissions[/{id}] below
// an item.
func (s *Workload) permissionsRoute(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	switch {
	case r.Method == "POST" && t.tail == "createlink":
		s.createLink(w, r, u, t)
	case r.Method == "POST" && t.tail == "invite":
		s.invite(w, r, u, t)
	case r.Method == "GET" && t.tail == "permissions" && t.perm == "":
		s.listPermissions(w, r, u, t)
	case r.Method == "GET" && t.tail == "permissions":
		s.getPermission(w, r, u, t)
	case (r.Method == "PATCH" || r.Method == "DELETE") && t.tail == "permissions" && t.perm != "":
		s.changePermission(w, r, u, t)
	default:
		s.Fail(w, r, graphkit.Err(405, "BadRequest", "The HTTP method '"+r.Method+"' is not allowed on this driveItem address."))
	}
}

// visible lists the permissions the caller sees on it: every one for the
// owner and apps (the owner's first), only those naming them for others.
func (s *Workload) visible(r *http.Request, d *drive, it *item) []map[string]any {
	c := graphkit.ClaimsFrom(r.Context())
	all := c == nil || c.IsApp() || c.Oid == d.Owner
	var out []map[string]any
	if all {
		out = append(out, s.ownerPerm(d, it))
	}
	for _, a := range d.applying(it, s.Now()) {
		if all || a.p.names(c.Oid) {
			out = append(out, s.permObject(r, d, a.p, a.from))
		}
	}
	return out
}

func (s *Workload) listPermissions(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var list []graphkit.Item
	if it != nil {
		for _, o := range s.visible(r, d, it) {
			list = append(list, graphkit.NewItem(o))
		}
	}
	s.mu.Unlock()
	if it == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteList(w, r, driveContext(r, u, "/items('"+it.ID+"')/permissions"), list, permissionType, permLimits, nil)
}

func (s *Workload) getPermission(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var found map[string]any
	if it != nil {
		for _, o := range s.visible(r, d, it) {
			if o["id"] == t.perm {
				found = o
			}
		}
	}
	s.mu.Unlock()
	switch {
	case it == nil:
		s.Fail(w, r, errNotFound)
	case found == nil:
		s.Fail(w, r, errPermNotFound)
	default:
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(found), permissionType, driveContext(r, u, "/items('"+it.ID+"')/permissions/$entity"))
	}
}

// readRoles reads a permission update: roles, and nothing else.
func readRoles(w http.ResponseWriter, r *http.Request) ([]string, *graphkit.Error) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		return nil, ce
	}
	var roles []string
	for k, v := range body {
		switch {
		case strings.HasPrefix(k, "@odata."):
		case k == "roles":
			if json.Unmarshal(v, &roles) != nil {
				return nil, graphkit.PropTypeError(k, "Collection(Edm.String)")
			}
			if len(roles) != 1 || (roles[0] != "read" && roles[0] != "write") {
				return nil, graphkit.Err(400, "invalidRequest", "roles is [\"read\"] or [\"write\"].")
			}
		case slices.Contains(permissionType.Props, k) || slices.Contains(permissionType.Extra, k):
			return nil, graphkit.Err(400, "invalidRequest", "Only roles can be changed on a permission, not '"+k+"'.")
		default:
			return nil, graphkit.UnknownPropErrorOn(k, permissionType.Name)
		}
	}
	if roles == nil {
		return nil, graphkit.Err(400, "invalidRequest", "A permission update needs roles: [\"read\"] or [\"write\"].")
	}
	return roles, nil
}

// changePermission serves PATCH (roles) and DELETE on a permission set on
// the item; the owner's and inherited ones are refused.
func (s *Workload) changePermission(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	var roles []string
	if r.Method == "PATCH" {
		var ce *graphkit.Error
		if roles, ce = readRoles(w, r); ce != nil {
			s.Fail(w, r, ce)
			return
		}
	}
	var obj graphkit.Item
	s.mu.Lock()
	d := s.user(u)
	it, ce := s.shareable(r, d, t)
	p := d.sharing.perms[t.perm]
	switch {
	case ce != nil:
	case p == nil && t.perm == ownerPermID(u.UserPrincipalName):
		ce = graphkit.Err(403, "accessDenied", "The owner's permission cannot be changed or removed.")
	case p == nil || p.expired(s.Now()) || !slices.ContainsFunc(d.applying(it, s.Now()), func(a applied) bool { return a.p == p }):
		ce = errPermNotFound
	case p.Item != it.ID:
		ce = graphkit.Err(400, "invalidRequest", "The permission is inherited from '"+d.items[p.Item].Name+"': change or remove it there.")
	case roles != nil && p.Link != "":
		ce = graphkit.Err(400, "invalidRequest", "A sharing link's roles follow its type: create a link of the other type instead.")
	case roles != nil:
		p.Roles = roles
		s.touchPerm(r, d, p)
		obj = graphkit.NewItem(s.permObject(r, d, p, nil))
	default:
		delete(d.sharing.perms, p.ID)
		s.touchPerm(r, d, p)
	}
	s.mu.Unlock()
	switch {
	case ce != nil:
		s.Fail(w, r, ce)
	case roles != nil:
		s.WriteEntity(w, r, http.StatusOK, obj, permissionType, driveContext(r, u, "/items('"+it.ID+"')/permissions/$entity"))
	default:
		s.WriteStatus(w, r, http.StatusNoContent, nil)
	}
}

// touchPerm journals p, just made, changed or removed, and the item it is
// on: the item's sharing changed, which delta reports. The caller holds
// the lock.
func (s *Workload) touchPerm(r *http.Request, d *drive, p *perm) {
	graphkit.Touch(r, Name, permKey(d.ID, p.ID))
	if it := d.items[p.Item]; it != nil {
		s.touch(r, d, it)
	}
}
