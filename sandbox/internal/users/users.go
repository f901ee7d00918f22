// Package users is the sandbox's directory workload: Graph's users (/me,
// /users, managers) and the OpenID Connect userinfo endpoint, over the
// tenant's directory (sandbox/internal/directory), which it keeps as a store.
package users

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Name is the store's name in the state.
const Name = "directory"

// Workload serves the directory. Its data is the Kit's Directory, which has
// its own lock for reads; mu orders a write with its journal record (a
// handler that changes a user holds mu while it does, Record holds it while
// it reads the users back).
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
}

// New returns the directory workload over k.Dir.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k} }

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Routes implements graphkit.Workload.
func (s *Workload) Routes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/me", s.Auth(s.Me(s.user)))
	m.HandleFunc("GET /v1.0/me/manager", s.Auth(s.Me(s.manager)))
	m.HandleFunc("GET /v1.0/users", s.Auth(s.list))
	m.HandleFunc("GET /v1.0/users/{id}", s.Auth(s.Other(s.user)))
	m.HandleFunc("GET /v1.0/users/{id}/manager", s.Auth(s.Other(s.manager)))
	m.HandleFunc("GET /oidc/userinfo", s.Auth(s.userinfo))
	m.HandleFunc("POST /v1.0/users", s.Auth(s.createUser))
	m.HandleFunc("PATCH /v1.0/me", s.Auth(s.Me(s.updateUser)))
	m.HandleFunc("PATCH /v1.0/users/{id}", s.Auth(s.Other(s.updateUser)))
	m.HandleFunc("DELETE /v1.0/users/{id}", s.Auth(s.Other(s.deleteUser)))
	m.HandleFunc("PUT /v1.0/users/{id}/manager/$ref", s.Auth(s.Other(s.setManager)))
	m.HandleFunc("DELETE /v1.0/users/{id}/manager/$ref", s.Auth(s.Other(s.removeManager)))
	m.HandleFunc("GET /v1.0/me/directReports", s.Auth(s.Me(s.directReports)))
	m.HandleFunc("GET /v1.0/users/{id}/directReports", s.Auth(s.Other(s.directReports)))
	m.HandleFunc("POST /v1.0/me/revokeSignInSessions", s.Auth(s.Me(s.revokeSessions)))
	m.HandleFunc("POST /v1.0/users/{id}/revokeSignInSessions", s.Auth(s.Other(s.revokeSessions)))
	s.groupRoutes(m)
	s.photoRoutes(m)
}

// permitted reports whether c may make request r on a user's data (the
// signed-in user's own when self): with a permission that grants it, one
// that reaches beyond the signed-in user's own data (User.Read.All, not
// User.Read) for another user.
func permitted(r *http.Request, c *graphkit.Claims, self bool) bool {
	if self {
		return graphkit.Permitted(r, c)
	}
	return graphkit.PermittedBeyondSelf(r, c)
}

func (s *Workload) deny(w http.ResponseWriter, r *http.Request) {
	s.WriteError(w, r, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// UserJSON is a user in Graph's default property set and order.
type UserJSON struct {
	Context           string   `json:"@odata.context,omitempty"`
	Type              string   `json:"@odata.type,omitempty"`
	BusinessPhones    []string `json:"businessPhones"`
	DisplayName       string   `json:"displayName"`
	GivenName         string   `json:"givenName"`
	JobTitle          string   `json:"jobTitle"`
	Mail              string   `json:"mail"`
	MobilePhone       *string  `json:"mobilePhone"`
	OfficeLocation    string   `json:"officeLocation"`
	PreferredLanguage string   `json:"preferredLanguage"`
	Surname           string   `json:"surname"`
	UserPrincipalName string   `json:"userPrincipalName"`
	ID                string   `json:"id"`
}

func userJSON(u *directory.User) UserJSON {
	j := UserJSON{
		BusinessPhones: append([]string{}, u.BusinessPhones...), DisplayName: u.DisplayName, GivenName: u.GivenName,
		JobTitle: u.JobTitle, Mail: u.Mail, OfficeLocation: u.OfficeLocation, PreferredLanguage: u.PreferredLanguage,
		Surname: u.Surname, UserPrincipalName: u.UserPrincipalName, ID: u.ID,
	}
	if u.MobilePhone != "" {
		mp := u.MobilePhone
		j.MobilePhone = &mp
	}
	return j
}

// selectable are the values of the properties a $select may name beyond the
// default set: every structural property of user in the v1.0 schema; those
// the directory holds have their value, the others are null.
func extra(u *directory.User) map[string]any {
	return map[string]any{"department": u.Department, "accountEnabled": !u.Disabled, "userType": "Member",
		"mailNickname": u.Nickname(), "companyName": directory.TenantName}
}

func (s *Workload) user(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	j := userJSON(u)
	j.Context = graphkit.BaseURL(r) + "/v1.0/$metadata#users/$entity"
	if v, ok := s.selectUser(w, r, u, j); ok {
		s.WriteJSON(w, r, v)
	}
}

// selectUser applies a $select to a user: the named properties (null where
// the directory has no value), or a 400 in Graph's words for a name the
// schema does not give user.
func (s *Workload) selectUser(w http.ResponseWriter, r *http.Request, u *directory.User, j UserJSON) (any, bool) {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return j, true
	}
	data, _ := json.Marshal(j)
	all, _ := odata.Members(data)
	for k, v := range extra(u) {
		all[k] = v
	}
	t := schema.Lookup("user")
	out := odata.Object{Vals: map[string]any{}}
	if c, ok := all["@odata.context"]; ok {
		out.Keys, out.Vals["@odata.context"] = append(out.Keys, "@odata.context"), c
	}
	for _, f := range strings.Split(sel, ",") {
		f = strings.TrimSpace(f)
		if p := t.Property(f); p == nil || p.Nav {
			s.WriteError(w, r, http.StatusBadRequest, "BadRequest",
				"Parsing OData Select and Expand failed: Could not find a property named '"+f+"' on type 'microsoft.graph.user'.")
			return nil, false
		}
		if _, dup := out.Vals[f]; !dup {
			out.Keys = append(out.Keys, f)
		}
		out.Vals[f] = all[f] // nil: null
	}
	return out, true
}

func (s *Workload) manager(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	mgr := s.Dir.Find(u.ManagerID)
	if u.ManagerID == "" || mgr == nil {
		s.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	j := userJSON(mgr)
	j.Context = graphkit.BaseURL(r) + "/v1.0/$metadata#directoryObjects/$entity"
	j.Type = "#microsoft.graph.user"
	s.WriteJSON(w, r, j)
}

// list serves GET /users, paged with the directory's opaque $skiptoken;
// $filter, $search and $count apply as to groups.
func (s *Workload) list(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	var objs []dirEntry
	for _, u := range s.Dir.Users() {
		objs = append(objs, userEntry(u, false))
	}
	s.writeObjects(w, r, "users", objs, userType)
}

func (s *Workload) userinfo(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	u := s.Dir.Find(c.Oid)
	if c.IsApp() || u == nil {
		s.WriteError(w, r, 401, "InvalidAuthenticationToken", "Access token validation failure.")
		return
	}
	s.WriteJSON(w, r, map[string]string{
		"sub": c.Sub, "name": u.DisplayName, "family_name": u.Surname, "given_name": u.GivenName,
		"picture": graphkit.BaseURL(r) + "/v1.0/me/photo/$value", "email": u.Mail,
	})
}
