package sandbox

import (
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// This file is the Microsoft Graph v1.0 core: Bearer-token validation, error
// bodies, paging, users and managers. Mail is sandbox/internal/mail, $batch in
// graph_batch.go.

func (s *Server) graphRoutes() *graphkit.Mux {
	m := graphkit.NewMux()
	m.HandleFunc("GET /v1.0/me", s.kit.Auth(s.kit.Me(s.graphUser)))
	m.HandleFunc("GET /v1.0/me/manager", s.kit.Auth(s.kit.Me(s.graphManager)))
	m.HandleFunc("GET /v1.0/users", s.kit.Auth(s.graphUsers))
	m.HandleFunc("GET /v1.0/users/{id}", s.kit.Auth(s.kit.Other(s.graphUser)))
	m.HandleFunc("GET /v1.0/users/{id}/manager", s.kit.Auth(s.kit.Other(s.graphManager)))
	m.HandleFunc("GET /oidc/userinfo", s.kit.Auth(s.graphUserinfo))
	for _, wl := range s.workloads {
		wl.Routes(m)
	}
	m.HandleFunc("POST /v1.0/$batch", s.graphBatch)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		seg := segs[len(segs)-1]
		if len(segs) > 1 {
			seg = segs[1]
		}
		s.kit.WriteError(w, r, 400, "BadRequest", "Resource not found for the segment '"+seg+"'.")
	})
	return m
}

var (
	userSelfPerms  = []string{"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	userOtherPerms = []string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)

func (s *Server) denyUsers(w http.ResponseWriter, r *http.Request) {
	s.kit.WriteError(w, r, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// graphUserJSON is a user in Graph's default property set and order.
type graphUserJSON struct {
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

func userJSON(u *User) graphUserJSON {
	j := graphUserJSON{
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

func (s *Server) graphUser(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims, u *User, self bool) {
	if !(self && c.HasAny(userSelfPerms...)) && !c.HasAny(userOtherPerms...) {
		s.denyUsers(w, r)
		return
	}
	j := userJSON(u)
	j.Context = graphkit.BaseURL(r) + "/v1.0/$metadata#users/$entity"
	if v, ok := s.selectUser(w, r, j); ok {
		s.kit.WriteJSON(w, r, v)
	}
}

func (s *Server) graphManager(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims, u *User, self bool) {
	if !(self && c.HasAny(userSelfPerms...)) && !c.HasAny(userOtherPerms...) {
		s.denyUsers(w, r)
		return
	}
	mgr := findUser(u.ManagerID)
	if u.ManagerID == "" || mgr == nil {
		s.kit.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	j := userJSON(mgr)
	j.Context = graphkit.BaseURL(r) + "/v1.0/$metadata#directoryObjects/$entity"
	j.Type = "#microsoft.graph.user"
	s.kit.WriteJSON(w, r, j)
}

func (s *Server) graphUsers(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
	if !c.HasAny(userOtherPerms...) {
		s.denyUsers(w, r)
		return
	}
	top, skip, ok := s.kit.Paging(w, r, 100, 999)
	if !ok {
		return
	}
	var items []any
	for i := skip; i < len(seedUsers) && i < skip+top; i++ {
		items = append(items, userJSON(&seedUsers[i]))
	}
	s.kit.WritePageStyle(w, r, graphkit.TokenPages, "#users", items, top, skip, len(seedUsers), -1)
}

func (s *Server) graphUserinfo(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
	u := findUser(c.Oid)
	if c.IsApp() || u == nil {
		s.kit.WriteError(w, r, 401, "InvalidAuthenticationToken", "Access token validation failure.")
		return
	}
	s.kit.WriteJSON(w, r, map[string]string{
		"sub": c.Sub, "name": u.DisplayName, "family_name": u.Surname, "given_name": u.GivenName,
		"picture": graphkit.BaseURL(r) + "/v1.0/me/photo/$value", "email": u.Mail,
	})
}
