package drive

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Sharing (POST items/{id}/createLink and items/{id}/invite) sets
// permissions on an item, which its descendants inherit; permissions.go
// lists, changes and removes them and decides what they grant. A link is
// opened through the Shares API (GET /shares/{shareIdOrEncodedSharingUrl}
// and below it): an anonymous or organization link by any user of the
// tenant, a users link by the people it names. People an invitation or a
// users link names (and nobody else but the owner and apps) reach the item
// and what is below it under its own drive too (/drives/{id}/items/...,
// /users/{id}/drive/items/...), reading with a read role and writing with a
// write role.

// SharePrefix is the path of a sharing link's URL on the sandbox's host;
// the Shares API resolves it (the sandbox serves no page there).
const SharePrefix = "/_share/"

// perm is a sharing permission set on an item: a sharing link (Link set) or
// an invitation of people. The owner's permission is not stored.
type perm struct {
	ID       string    `json:"id"`
	Item     string    `json:"item"`               // the item it is set on
	Roles    []string  `json:"roles"`              // "read" or "write"
	Link     string    `json:"link,omitempty"`     // a link's type: view or edit
	Scope    string    `json:"scope,omitempty"`    // a link's scope: anonymous, organization or users
	Users    []string  `json:"users,omitempty"`    // the directory users it names
	Emails   []string  `json:"emails,omitempty"`   // the addresses outside the tenant it names
	SignIn   bool      `json:"signIn,omitempty"`   // an invitation's requireSignIn
	Password bool      `json:"password,omitempty"` // set with a password (which is kept nowhere: the Shares API never asks for it)
	App      string    `json:"app,omitempty"`      // the app that made a link: createLink gives it back to that app
	By       string    `json:"by"`                 // who shared
	Token    string    `json:"token"`              // the share token: shareId "s!<token>", the link's URL
	Expires  time.Time `json:"expires,omitzero"`
	Created  time.Time `json:"created"`
}

// sharing is a drive's permissions; the maps are made on first use.
type sharing struct {
	perms  map[string]*perm // by id
	unique map[string]bool  // items that do not inherit their folders' permissions
}

// expired reports whether p no longer grants anything (and is not listed).
func (p *perm) expired(now time.Time) bool { return !p.Expires.IsZero() && !now.Before(p.Expires) }

// names reports whether p names user uid.
func (p *perm) names(uid string) bool { return slices.Contains(p.Users, uid) }

// role is the stronger of p's roles.
func (p *perm) role() string {
	if slices.Contains(p.Roles, "write") {
		return "write"
	}
	return "read"
}

// put adds or replaces p.
func (sh *sharing) put(p *perm) {
	if sh.perms == nil {
		sh.perms = map[string]*perm{}
	}
	sh.perms[p.ID] = p
}

// shareToken is a new share token (128 random bits, base64url).
func shareToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// shareURL is a link's URL on the host the request came to.
func shareURL(r *http.Request, token string) string { return graphkit.BaseURL(r) + SharePrefix + token }

// shareTokenOf reads a shareId ("s!<token>") or an encoded sharing URL
// ("u!" and the URL in unpadded base64url, as Graph documents; padding and
// the standard alphabet are taken too); "" when it is neither.
func shareTokenOf(sid string) string {
	if tok, ok := strings.CutPrefix(sid, "s!"); ok {
		return tok
	}
	enc, ok := strings.CutPrefix(sid, "u!")
	if !ok {
		return ""
	}
	enc = strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(enc, "="))
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return ""
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return ""
	}
	tok, ok := strings.CutPrefix(u.Path, SharePrefix)
	if !ok || strings.Contains(tok, "/") {
		return ""
	}
	return tok
}

// recipient is a driveRecipient of createLink and invite.
type recipient struct {
	Email    string `json:"email"`
	Alias    string `json:"alias"`
	ObjectID string `json:"objectId"`
}

// resolveRecipients splits recipients into directory users and addresses
// outside the tenant.
func (s *Workload) resolveRecipients(list []recipient) (users, emails []string, ce *graphkit.Error) {
	for _, rc := range list {
		switch {
		case rc.ObjectID != "":
			u := s.Dir.Find(rc.ObjectID)
			if u == nil {
				return nil, nil, graphkit.Err(400, "invalidRequest", "The recipient with objectId '"+rc.ObjectID+"' is not a user of the tenant.")
			}
			users = appendNew(users, u.ID)
		case rc.Email != "":
			if u := s.Dir.FindByMail(rc.Email); u != nil {
				users = appendNew(users, u.ID)
			} else if u := s.Dir.Find(rc.Email); u != nil {
				users = appendNew(users, u.ID)
			} else {
				emails = appendNew(emails, strings.ToLower(rc.Email))
			}
		default:
			return nil, nil, graphkit.Err(400, "invalidRequest", "A recipient needs an email or an objectId.")
		}
	}
	return users, emails, nil
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// readExpiry reads an expirationDateTime, which must be ahead of now.
func readExpiry(v string, now time.Time) (time.Time, *graphkit.Error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, graphkit.Err(400, "invalidRequest", "expirationDateTime '"+v+"' is not a date and time such as 2026-07-15T14:00:00Z.")
	}
	if !t.After(now) {
		return t, graphkit.Err(400, "invalidRequest", "expirationDateTime '"+v+"' is in the past.")
	}
	return t.UTC(), nil
}

// linkBody is createLink's body.
type linkBody struct {
	Type       string      `json:"type"`
	Scope      string      `json:"scope"`
	Password   string      `json:"password"`
	Expiration string      `json:"expirationDateTime"`
	Retain     *bool       `json:"retainInheritedPermissions"`
	Recipients []recipient `json:"recipients"`
	Message    string      `json:"message"`
	Notify     *bool       `json:"sendNotification"`
}

// readLink reads and checks a createLink body into a new link permission.
func (s *Workload) readLink(w http.ResponseWriter, r *http.Request) (*perm, bool, *graphkit.Error) {
	var b linkBody
	if ce := readParams(w, r, "createLink", &b); ce != nil {
		return nil, false, ce
	}
	p := &perm{Link: strings.ToLower(b.Type), Scope: strings.ToLower(b.Scope), Password: b.Password != ""}
	switch p.Link {
	case "view":
		p.Roles = []string{"read"}
	case "edit":
		p.Roles = []string{"write"}
	default: // embed links are OneDrive personal's only
		return nil, false, graphkit.Err(400, "invalidRequest", "Link type must be either 'edit' or 'view'.")
	}
	switch p.Scope {
	case "":
		p.Scope = "organization" // the tenant's default
	case "anonymous", "organization", "users":
	default:
		return nil, false, graphkit.Err(400, "invalidRequest", "Link scope must be 'anonymous', 'organization' or 'users', not '"+b.Scope+"'.")
	}
	if p.Password && p.Scope != "anonymous" {
		return nil, false, graphkit.Err(400, "invalidRequest", "A password can be set on an anonymous link only.")
	}
	var ce *graphkit.Error
	if p.Expires, ce = readExpiry(b.Expiration, s.Now()); ce != nil {
		return nil, false, ce
	}
	if len(b.Recipients) > 0 {
		if p.Scope != "users" {
			return nil, false, graphkit.Err(400, "invalidRequest", "recipients go with a link of scope 'users'.")
		}
		if p.Users, p.Emails, ce = s.resolveRecipients(b.Recipients); ce != nil {
			return nil, false, ce
		}
	}
	return p, b.Retain != nil && !*b.Retain, nil
}

// readParams reads the JSON parameters of action op into v: a parameter v
// does not have, or of another type, is Graph's 400.
func readParams(w http.ResponseWriter, r *http.Request, op string, v any) *graphkit.Error {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		return ce
	}
	data, _ := json.Marshal(body)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return graphkit.PropTypeError(te.Field, "")
	}
	name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
	return graphkit.BadRequest("The parameter '" + name + "' in the request payload is not a valid parameter for the operation '" + op + "'.")
}

// sharer is who may share it: the owner, an app, or someone with write
// access to it; the caller holds the lock.
func (s *Workload) sharer(r *http.Request, d *drive, it *item) bool {
	c := graphkit.ClaimsFrom(r.Context())
	return c == nil || c.IsApp() || c.Oid == d.Owner || d.role(it, c.Oid, s.Now()) == "write"
}

var errShareDenied = graphkit.Err(403, "accessDenied", "Access denied: only the owner and people who can edit the item can share it.")

// shareable is the item t names in d, which the caller may share; the
// caller holds the lock.
func (s *Workload) shareable(r *http.Request, d *drive, t target) (*item, *graphkit.Error) {
	it := d.resolve(t)
	switch {
	case it == nil:
		return nil, errNotFound
	case !s.sharer(r, d, it):
		return nil, errShareDenied
	}
	return it, nil
}

// createLink serves POST items/{id}/createLink: a new link (201), or the
// link of that type and scope the app made before (200).
func (s *Workload) createLink(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	p, breakInherit, ce := s.readLink(w, r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	c := graphkit.ClaimsFrom(r.Context())
	now := s.Now().UTC()
	status := http.StatusCreated
	var obj graphkit.Item
	s.mu.Lock()
	d := s.user(u)
	it, ce := s.shareable(r, d, t)
	if ce == nil {
		if old := d.sameLink(it, p, c.AppID, now); old != nil {
			p, status = old, http.StatusOK
		} else {
			s.breakInheritance(r, d, it, breakInherit)
			p.ID, p.Item, p.App, p.By, p.Token, p.Created = ids.GUID(), it.ID, c.AppID, ownerOf(r, d), shareToken(), now
			d.sharing.put(p)
			s.touchPerm(r, d, p)
		}
		obj = graphkit.NewItem(s.permObject(r, d, p, nil))
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, status, obj, permissionType, "#permission")
}

// sameLink is the link on it that createLink gives back for p: of the same
// type and scope, made by the same app, without a password or another
// expiry. A users link is new each time.
func (d *drive) sameLink(it *item, p *perm, app string, now time.Time) *perm {
	if p.Scope == "users" || p.Password {
		return nil
	}
	for _, old := range d.sharing.perms {
		if old.Item == it.ID && old.Link == p.Link && old.Scope == p.Scope && old.App == app && !old.Password &&
			old.Expires.Equal(p.Expires) && !old.expired(now) {
			return old
		}
	}
	return nil
}

// breakInheritance stops it inheriting its folders' permissions
// (retainInheritedPermissions false) when it is shared for the first time.
func (s *Workload) breakInheritance(r *http.Request, d *drive, it *item, on bool) {
	if !on || it.ParentID == "" || d.sharing.unique[it.ID] {
		return
	}
	for _, p := range d.sharing.perms {
		if p.Item == it.ID {
			return // shared before
		}
	}
	d.sharing.setUnique(it.ID, true)
	graphkit.Touch(r, Name, uniqueKey(d.ID, it.ID))
}

// inviteBody is invite's body.
type inviteBody struct {
	Recipients []recipient `json:"recipients"`
	Roles      []string    `json:"roles"`
	SignIn     *bool       `json:"requireSignIn"`
	Send       *bool       `json:"sendInvitation"`
	Message    string      `json:"message"`
	Expiration string      `json:"expirationDateTime"`
	Password   string      `json:"password"`
	Retain     *bool       `json:"retainInheritedPermissions"`
}

// readInvite reads and checks an invite body.
func (s *Workload) readInvite(w http.ResponseWriter, r *http.Request) (b inviteBody, users, emails []string, ce *graphkit.Error) {
	if ce = readParams(w, r, "invite", &b); ce != nil {
		return
	}
	switch {
	case len(b.Recipients) == 0:
		ce = graphkit.Err(400, "invalidRequest", "invite needs recipients: [{\"email\": \"...\"}].")
	case len(b.Roles) != 1 || (b.Roles[0] != "read" && b.Roles[0] != "write"):
		ce = graphkit.Err(400, "invalidRequest", "invite needs roles: [\"read\"] or [\"write\"].")
	case len(b.Message) > 2000:
		ce = graphkit.Err(400, "invalidRequest", "The invitation's message is longer than 2000 characters.")
	}
	if ce == nil {
		users, emails, ce = s.resolveRecipients(b.Recipients)
	}
	return
}

// invite serves POST items/{id}/invite: a permission for each recipient (a
// user of the tenant invited before gets the stronger of both roles), 200
// with the collection.
func (s *Workload) invite(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	b, users, emails, ce := s.readInvite(w, r)
	var expires time.Time
	if ce == nil {
		expires, ce = readExpiry(b.Expiration, s.Now())
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	var list []graphkit.Item
	s.mu.Lock()
	d := s.user(u)
	it, ce := s.shareable(r, d, t)
	if ce == nil {
		s.breakInheritance(r, d, it, b.Retain != nil && !*b.Retain)
		signIn := b.SignIn == nil || *b.SignIn
		add := func(p *perm) {
			p.ID, p.Item, p.Roles, p.SignIn, p.Password, p.By, p.Token, p.Created =
				ids.GUID(), it.ID, slices.Clone(b.Roles), signIn, b.Password != "", ownerOf(r, d), shareToken(), now
			d.sharing.put(p)
			s.touchPerm(r, d, p)
			list = append(list, graphkit.NewItem(s.permObject(r, d, p, nil)))
		}
		for _, uid := range users {
			switch old := d.invitation(it, uid); {
			case uid == d.Owner:
				list = append(list, graphkit.NewItem(s.ownerPerm(d, it)))
			case old != nil:
				if b.Roles[0] == "write" {
					old.Roles = []string{"write"}
					s.touchPerm(r, d, old)
				}
				list = append(list, graphkit.NewItem(s.permObject(r, d, old, nil)))
			default:
				add(&perm{Users: []string{uid}})
			}
		}
		for _, e := range emails { // people outside the tenant get a link that names them
			link := "view"
			if b.Roles[0] == "write" {
				link = "edit"
			}
			add(&perm{Link: link, Scope: "users", Emails: []string{e}, Expires: expires})
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteList(w, r, "#Collection(microsoft.graph.permission)", list, permissionType, permLimits, nil)
}

// invitation is the invitation set on it for user uid, or nil.
func (d *drive) invitation(it *item, uid string) *perm {
	for _, p := range d.sharing.perms {
		if p.Item == it.ID && p.Link == "" && p.names(uid) {
			return p
		}
	}
	return nil
}

// snapshot adds the drive's permissions to a snapshot, sorted.
func (sh *sharing) snapshot(out *stateJSON, drive string) {
	var perms []*perm
	for _, p := range sh.perms {
		perms = append(perms, p)
	}
	slices.SortFunc(perms, func(a, b *perm) int { return strings.Compare(a.ID, b.ID) })
	var unique []string
	for it := range sh.unique {
		unique = append(unique, it)
	}
	slices.Sort(unique)
	if len(perms) > 0 {
		if out.Perms == nil {
			out.Perms = map[string][]*perm{}
		}
		out.Perms[drive] = perms
	}
	if len(unique) > 0 {
		if out.Unique == nil {
			out.Unique = map[string][]string{}
		}
		out.Unique[drive] = unique
	}
}

// restore takes the drive's permissions from a snapshot.
func (sh *sharing) restore(j *stateJSON, drive string) {
	for _, p := range j.Perms[drive] {
		sh.put(p)
	}
	for _, it := range j.Unique[drive] {
		sh.setUnique(it, true)
	}
}

func (sh *sharing) setUnique(item string, on bool) {
	if !on {
		delete(sh.unique, item)
		return
	}
	if sh.unique == nil {
		sh.unique = map[string]bool{}
	}
	sh.unique[item] = true
}

// apply puts back a journaled permission ("perm") or inheritance stop
// ("unique"); nil v removes it.
func (sh *sharing) apply(kind, id string, v json.RawMessage) error {
	if kind == "unique" {
		sh.setUnique(id, v != nil)
		return nil
	}
	if v == nil {
		delete(sh.perms, id)
		return nil
	}
	p := new(perm)
	if err := json.Unmarshal(v, p); err != nil {
		return err
	}
	p.ID = id
	sh.put(p)
	return nil
}
