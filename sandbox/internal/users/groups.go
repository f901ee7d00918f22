package users

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the groups: list (with $filter, and $search and $count as
// advanced queries), get, create, update, delete, members and owners with
// their $ref, transitive members, and the groups a user is a member of.

const groupKey = "group/"

var groupType = &odata.Type{Name: "microsoft.graph.group", Keep: []string{"id"},
	Props: []string{"@odata.type", "id", "createdDateTime", "description", "displayName", "groupTypes", "mail", "mailEnabled",
		"mailNickname", "securityEnabled", "visibility"},
	PropTypes: map[string]string{"id": "Edm.String", "mailEnabled": "Edm.Boolean", "securityEnabled": "Edm.Boolean"}}

// A directory object's id is an Edm.String in Graph v1.0, though it holds a
// GUID: an unquoted GUID compared with it is a 400.
var userType = &odata.Type{Name: "microsoft.graph.user", Keep: []string{"id"},
	Props: []string{"@odata.type", "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"},
	PropTypes: map[string]string{"id": "Edm.String"}}

var dirObjectType = &odata.Type{Name: "microsoft.graph.directoryObject", Keep: []string{"id", "@odata.type"},
	Props: append(slices.Clone(groupType.Props), userType.Props...), PropTypes: map[string]string{"id": "Edm.String"}}

// userObject is u in Graph's default property set, as a directory object
// (typed) or in a list of users.
func userObject(u *directory.User, typed bool) map[string]any {
	data, _ := json.Marshal(userJSON(u))
	var o map[string]any
	_ = json.Unmarshal(data, &o)
	if typed {
		o["@odata.type"] = "#microsoft.graph.user"
	}
	return o
}

var dirLimits = odata.Limits{DefaultTop: 100, MaxTop: 999}

func (s *Workload) groupRoutes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/groups", s.Auth(s.listGroups))
	m.HandleFunc("POST /v1.0/groups", s.Auth(s.createGroup))
	m.HandleFunc("GET /v1.0/groups/{gid}", s.Auth(s.group(s.getGroup)))
	m.HandleFunc("PATCH /v1.0/groups/{gid}", s.Auth(s.group(s.updateGroup)))
	m.HandleFunc("DELETE /v1.0/groups/{gid}", s.Auth(s.group(s.deleteGroup)))
	m.HandleFunc("GET /v1.0/groups/{gid}/members", s.Auth(s.group(s.listRefs(false, false))))
	m.HandleFunc("GET /v1.0/groups/{gid}/transitiveMembers", s.Auth(s.group(s.listRefs(false, true))))
	m.HandleFunc("GET /v1.0/groups/{gid}/owners", s.Auth(s.group(s.listRefs(true, false))))
	m.HandleFunc("POST /v1.0/groups/{gid}/members/$ref", s.Auth(s.group(s.addRef(false))))
	m.HandleFunc("POST /v1.0/groups/{gid}/owners/$ref", s.Auth(s.group(s.addRef(true))))
	m.HandleFunc("DELETE /v1.0/groups/{gid}/members/{mid}/$ref", s.Auth(s.group(s.removeRef(false))))
	m.HandleFunc("DELETE /v1.0/groups/{gid}/owners/{mid}/$ref", s.Auth(s.group(s.removeRef(true))))
	m.HandleFunc("GET /v1.0/me/memberOf", s.Auth(s.Me(s.memberOf(false))))
	m.HandleFunc("GET /v1.0/me/transitiveMemberOf", s.Auth(s.Me(s.memberOf(true))))
	m.HandleFunc("GET /v1.0/users/{id}/memberOf", s.Auth(s.Other(s.memberOf(false))))
	m.HandleFunc("GET /v1.0/users/{id}/transitiveMemberOf", s.Auth(s.Other(s.memberOf(true))))
	m.HandleFunc("GET /v1.0/organization", s.Auth(s.organization))
}

func notFound(id string) *graphkit.Error {
	return graphkit.Err(404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
}

var errDenied = graphkit.Err(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")

type groupHandler func(w http.ResponseWriter, r *http.Request, g *directory.Group)

// group checks the permissions (graphkit.Permitted) and resolves {gid}.
func (s *Workload) group(h groupHandler) func(http.ResponseWriter, *http.Request, *graphkit.Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		if !graphkit.Permitted(r, c) {
			s.Fail(w, r, errDenied)
			return
		}
		id := r.PathValue("gid")
		g := s.Dir.Group(id)
		if g == nil {
			s.Fail(w, r, notFound(id))
			return
		}
		h(w, r, g)
	}
}

// groupObject is g as Graph's JSON.
func groupObject(g *directory.Group, typed bool) map[string]any {
	o := map[string]any{"id": g.ID, "createdDateTime": nil, "description": nilIfEmpty(g.Description), "displayName": g.DisplayName,
		"groupTypes": append([]string{}, g.GroupTypes...), "mail": nil, "mailEnabled": g.MailEnabled, "mailNickname": g.MailNickname,
		"securityEnabled": g.SecurityEnabled, "visibility": nilIfEmpty(g.Visibility)}
	if !g.Created.IsZero() {
		o["createdDateTime"] = g.Created.UTC().Format(time.RFC3339)
	}
	if g.MailEnabled {
		o["mail"] = g.MailNickname + "@" + directory.TenantDomain
	}
	if typed {
		o["@odata.type"] = "#microsoft.graph.group"
	}
	return o
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// objects are the directory objects with ids (those that exist): users
// and groups.
func (s *Workload) objects(ids []string) []dirEntry {
	var out []dirEntry
	for _, id := range ids {
		if u := s.Dir.Find(id); u != nil {
			out = append(out, userEntry(u, true))
		} else if g := s.Dir.Group(id); g != nil {
			out = append(out, groupEntry(g, true))
		}
	}
	return out
}

func (s *Workload) listGroups(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.Fail(w, r, errDenied)
		return
	}
	var objs []dirEntry
	for _, g := range s.Dir.AllGroups() {
		objs = append(objs, groupEntry(&g, false))
	}
	s.writeObjects(w, r, "groups", objs, groupType)
}

func (s *Workload) getGroup(w http.ResponseWriter, r *http.Request, g *directory.Group) {
	s.WriteEntity(w, r, 200, graphkit.NewItem(groupObject(g, false)), groupType, graphkit.BaseURL(r)+"/v1.0/$metadata#groups/$entity")
}

// groupBody is what a create or update may set.
type groupBody struct {
	DisplayName     *string   `json:"displayName"`
	Description     *string   `json:"description"`
	MailNickname    *string   `json:"mailNickname"`
	MailEnabled     *bool     `json:"mailEnabled"`
	SecurityEnabled *bool     `json:"securityEnabled"`
	GroupTypes      *[]string `json:"groupTypes"`
	Visibility      *string   `json:"visibility"`
	Owners          []string  `json:"owners@odata.bind"`
	Members         []string  `json:"members@odata.bind"`
}

func propError(name, entity string) *graphkit.Error {
	return graphkit.Err(400, "Request_BadRequest", "Invalid value specified for property '"+name+"' of resource '"+entity+"'.")
}

// apply sets b's properties on g.
func (b *groupBody) apply(g *directory.Group) *graphkit.Error {
	set := func(p *string, to *string, name string) *graphkit.Error {
		if p != nil {
			if name != "description" && strings.TrimSpace(*p) == "" {
				return propError(name, "Group")
			}
			*to = *p
		}
		return nil
	}
	for _, e := range []*graphkit.Error{set(b.DisplayName, &g.DisplayName, "displayName"), set(b.Description, &g.Description, "description"),
		set(b.MailNickname, &g.MailNickname, "mailNickname"), set(b.Visibility, &g.Visibility, "visibility")} {
		if e != nil {
			return e
		}
	}
	if b.MailEnabled != nil {
		g.MailEnabled = *b.MailEnabled
	}
	if b.SecurityEnabled != nil {
		g.SecurityEnabled = *b.SecurityEnabled
	}
	if b.GroupTypes != nil {
		g.GroupTypes = *b.GroupTypes
	}
	return nil
}

func (s *Workload) createGroup(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.Fail(w, r, errDenied)
		return
	}
	b, ge := readChecked[groupBody](w, r, "group", schema.Create)
	if ge == nil {
		for name, missing := range map[string]bool{"displayName": b.DisplayName == nil, "mailNickname": b.MailNickname == nil,
			"mailEnabled": b.MailEnabled == nil, "securityEnabled": b.SecurityEnabled == nil} {
			if missing && ge == nil {
				ge = graphkit.Err(400, "Request_BadRequest", "A value is required for property '"+name+"' of resource 'Group'.")
			}
		}
	}
	g := directory.Group{Created: s.Now().UTC().Truncate(time.Second)}
	if ge == nil {
		ge = b.apply(&g)
	}
	if ge == nil && g.Unified() && g.Visibility == "" {
		g.Visibility = "Public"
	}
	if ge == nil {
		g.Members, ge = s.binds(b.Members)
	}
	if ge == nil {
		g.Owners, ge = s.binds(b.Owners)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	g.ID = ids.GUID()
	if g.Unified() && !c.IsApp() && len(g.Owners) == 0 {
		g.Owners = []string{c.Oid} // the creator owns a Microsoft 365 group
	}
	s.Dir.PutGroup(g)
	graphkit.Touch(r, Name, groupKey+g.ID)
	s.mu.Unlock()
	s.WriteStatus(w, r, 201, withContext(r, "groups/$entity", groupObject(&g, false)))
}

func withContext(r *http.Request, ctx string, o map[string]any) odata.Object {
	o["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata#" + ctx
	return withKeys(o, append([]string{"@odata.context"}, groupType.Props...)...)
}

// withKeys is o with its members in the order of keys (those it has).
func withKeys(o map[string]any, keys ...string) odata.Object {
	out := odata.Object{Vals: map[string]any{}}
	for _, k := range keys {
		if v, ok := o[k]; ok {
			out.Keys, out.Vals[k] = append(out.Keys, k), v
		}
	}
	return out
}

// binds resolves "x@odata.bind" references to directory object ids.
func (s *Workload) binds(refs []string) ([]string, *graphkit.Error) {
	var out []string
	for _, ref := range refs {
		id, ge := s.refID(ref)
		if ge != nil {
			return nil, ge
		}
		out = append(out, id)
	}
	return out, nil
}

// refID is the id of the directory object an @odata.id names
// (".../directoryObjects/{id}", ".../users/{id}", ".../groups/{id}").
func (s *Workload) refID(ref string) (string, *graphkit.Error) {
	u, err := url.Parse(ref)
	if err != nil || ref == "" {
		return "", graphkit.Err(400, "Request_BadRequest", "Invalid URL format specified in @odata.bind for members.")
	}
	seg := strings.Split(strings.Trim(u.Path, "/"), "/")
	id := seg[len(seg)-1]
	if s.Dir.Find(id) == nil && s.Dir.Group(id) == nil {
		return "", notFound(id)
	}
	if u := s.Dir.Find(id); u != nil {
		return u.ID, nil
	}
	return s.Dir.Group(id).ID, nil
}

func (s *Workload) updateGroup(w http.ResponseWriter, r *http.Request, g *directory.Group) {
	b, ge := readChecked[groupBody](w, r, "group", schema.Update)
	if ge == nil {
		ge = b.apply(g)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	s.Dir.PutGroup(*g)
	graphkit.Touch(r, Name, groupKey+g.ID)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Workload) deleteGroup(w http.ResponseWriter, r *http.Request, g *directory.Group) {
	s.mu.Lock()
	s.Dir.DeleteGroup(g.ID)
	graphkit.Touch(r, Name, groupKey+g.ID)
	for _, parent := range s.Dir.GroupsOf(g.ID) { // a nested group leaves its parents
		s.removeFrom(r, parent, g.ID, false)
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// removeFrom removes id from group's members (or owners) and touches the
// group; the caller holds mu. It reports whether id was there.
func (s *Workload) removeFrom(r *http.Request, group, id string, owners bool) bool {
	g := s.Dir.Group(group)
	if g == nil {
		return false
	}
	list := &g.Members
	if owners {
		list = &g.Owners
	}
	i := slices.Index(*list, id)
	if i < 0 {
		return false
	}
	*list = slices.Delete(*list, i, i+1)
	s.Dir.PutGroup(*g)
	graphkit.Touch(r, Name, groupKey+g.ID)
	return true
}

func (s *Workload) listRefs(owners, transitive bool) groupHandler {
	return func(w http.ResponseWriter, r *http.Request, g *directory.Group) {
		ids := g.Members
		switch {
		case owners:
			ids = g.Owners
		case transitive:
			ids = s.Dir.TransitiveMembers(g.ID)
		}
		s.writeObjects(w, r, "directoryObjects", s.objects(ids), dirObjectType)
	}
}

func (s *Workload) addRef(owners bool) groupHandler {
	return func(w http.ResponseWriter, r *http.Request, g *directory.Group) {
		body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
		var ref string
		if ge == nil {
			if err := json.Unmarshal(body["@odata.id"], &ref); err != nil || ref == "" {
				ge = graphkit.Err(400, "Request_BadRequest", "Invalid URL format specified in @odata.id for the reference.")
			}
		}
		var id string
		if ge == nil {
			id, ge = s.refID(ref)
		}
		if ge == nil && (id == g.ID || owners && s.Dir.Find(id) == nil) {
			ge = graphkit.Err(400, "Request_BadRequest", "Invalid object identifier '"+id+"'.")
		}
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		g = s.Dir.Group(g.ID)
		list := &g.Members
		if owners {
			list = &g.Owners
		}
		if g == nil || slices.Contains(*list, id) {
			s.Fail(w, r, graphkit.Err(400, "Request_BadRequest", "One or more added object references already exist for the following modified properties: '"+map[bool]string{false: "members", true: "owners"}[owners]+"'."))
			return
		}
		*list = append(*list, id)
		s.Dir.PutGroup(*g)
		graphkit.Touch(r, Name, groupKey+g.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Workload) removeRef(owners bool) groupHandler {
	return func(w http.ResponseWriter, r *http.Request, g *directory.Group) {
		id := r.PathValue("mid")
		if u := s.Dir.Find(id); u != nil {
			id = u.ID
		}
		s.mu.Lock()
		ok := s.removeFrom(r, g.ID, id, owners)
		s.mu.Unlock()
		if !ok {
			s.Fail(w, r, notFound(id))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Workload) memberOf(transitive bool) graphkit.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
		if !permitted(r, c, self) {
			s.deny(w, r)
			return
		}
		groups := s.Dir.GroupsOf(u.ID)
		if transitive {
			groups = s.Dir.TransitiveGroupsOf(u.ID)
		}
		s.writeObjects(w, r, "directoryObjects", s.objects(groups), dirObjectType)
	}
}

func (s *Workload) organization(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	org := map[string]any{"id": directory.TenantID, "displayName": directory.TenantName, "countryLetterCode": "US",
		"preferredLanguage": "en", "tenantType": "AAD", "city": "Redmond", "state": "WA", "country": nil, "postalCode": "98052",
		"street": "One Microsoft Way", "businessPhones": []string{"+1 425 555 0100"}, "technicalNotificationMails": []string{"PattiF@" + directory.TenantDomain},
		"verifiedDomains": []map[string]any{{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": true, "isInitial": true,
			"name": directory.TenantDomain, "type": "Managed"}}}
	orgType := &odata.Type{Name: "microsoft.graph.organization", Keep: []string{"id"}, Props: []string{"id", "businessPhones", "city",
		"country", "countryLetterCode", "displayName", "postalCode", "preferredLanguage", "state", "street", "technicalNotificationMails",
		"tenantType", "verifiedDomains"}}
	s.WriteList(w, r, graphkit.BaseURL(r)+"/v1.0/$metadata#organization", []graphkit.Item{graphkit.NewItem(org)}, orgType, dirLimits, nil)
}
