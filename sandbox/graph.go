package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the Microsoft Graph v1.0 core: Bearer-token validation, error
// bodies, paging, users and managers. Mail is in graph_mail*.go, $batch in
// graph_batch.go.

type graphClaimsKey struct{}

type graphInnerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

type graphErrorBody struct {
	Error struct {
		Code       string          `json:"code"`
		Message    string          `json:"message"`
		InnerError graphInnerError `json:"innerError"`
	} `json:"error"`
}

func graphCodeFor(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusGatewayTimeout:
		return "GatewayTimeout"
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "Authorization_RequestDenied"
	case http.StatusNotFound:
		return "itemNotFound"
	}
	if status >= 500 {
		return "generalException"
	}
	return "BadRequest"
}

// graphIDs sets Graph's request-id headers and returns the ids.
func (s *Server) graphIDs(w http.ResponseWriter, r *http.Request) (reqID, clientReqID string) {
	if v := w.Header().Get("request-id"); v != "" {
		return v, w.Header().Get("client-request-id")
	}
	reqID = ids.GUID()
	clientReqID = r.Header.Get("client-request-id")
	if clientReqID == "" || len(clientReqID) > 100 {
		clientReqID = reqID
	}
	w.Header().Set("request-id", reqID)
	w.Header().Set("client-request-id", clientReqID)
	return reqID, clientReqID
}

// writeGraphError writes Graph's error body.
func (s *Server) writeGraphError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	reqID, clientReqID := s.graphIDs(w, r)
	var body graphErrorBody
	body.Error.Code, body.Error.Message = code, msg
	body.Error.InnerError = graphInnerError{
		Date: s.now().UTC().Format("2006-01-02T15:04:05"), RequestID: reqID, ClientRequestID: clientReqID,
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+baseURL(r)+
			`/common/oauth2/authorize", client_id="`+GraphAppID+`"`)
	}
	writeJSONStatus(w, status, body)
}

func (s *Server) writeGraphJSON(w http.ResponseWriter, r *http.Request, v any) {
	s.writeGraphStatus(w, r, http.StatusOK, v)
}

// writeGraphStatus writes v as Graph's JSON with status; a nil v writes no body.
func (s *Server) writeGraphStatus(w http.ResponseWriter, r *http.Request, status int, v any) {
	s.graphIDs(w, r)
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.writeGraphError(w, r, 500, "generalException", "Serialization failed.")
		return
	}
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	h.Set("OData-Version", "4.0")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// graphAuth validates the Bearer token and passes its claims to h.
func (s *Server) graphAuth(h func(http.ResponseWriter, *http.Request, *AccessTokenClaims)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.graphIDs(w, r)
		authz := r.Header.Get("Authorization")
		scheme, raw, _ := strings.Cut(authz, " ")
		raw = strings.TrimSpace(raw)
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			s.writeGraphError(w, r, 401, "InvalidAuthenticationToken", "Access token is empty.")
			return
		}
		c, err := s.VerifyAccessToken(raw)
		if err != nil {
			msg := "Access token validation failure."
			switch {
			case errors.Is(err, ErrTokenMalformed):
				msg = "IDX14100: JWT is not well formed."
			case errors.Is(err, ErrTokenSignature):
				msg = "Access token validation failure. Invalid signature."
			case errors.Is(err, ErrTokenExpired):
				msg = "Lifetime validation failed, the token is expired."
			case errors.Is(err, ErrTokenNotYet):
				msg = "Lifetime validation failed, the token is not yet valid."
			case errors.Is(err, ErrTokenAudience):
				msg = "Access token validation failure. Invalid audience."
			}
			s.writeGraphError(w, r, 401, "InvalidAuthenticationToken", msg)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), graphClaimsKey{}, c)), c)
	}
}

func (s *Server) graphRoutes() *graphMux {
	m := newGraphMux()
	m.HandleFunc("GET /v1.0/me", s.graphAuth(s.graphMe(s.graphUser)))
	m.HandleFunc("GET /v1.0/me/manager", s.graphAuth(s.graphMe(s.graphManager)))
	m.HandleFunc("GET /v1.0/users", s.graphAuth(s.graphUsers))
	m.HandleFunc("GET /v1.0/users/{id}", s.graphAuth(s.graphOther(s.graphUser)))
	m.HandleFunc("GET /v1.0/users/{id}/manager", s.graphAuth(s.graphOther(s.graphManager)))
	m.HandleFunc("GET /oidc/userinfo", s.graphAuth(s.graphUserinfo))
	s.mailRoutes(m)
	s.calendarRoutes(m)
	s.contactRoutes(m)
	m.HandleFunc("POST /v1.0/$batch", s.graphBatch)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		seg := segs[len(segs)-1]
		if len(segs) > 1 {
			seg = segs[1]
		}
		s.writeGraphError(w, r, 400, "BadRequest", "Resource not found for the segment '"+seg+"'.")
	})
	return m
}

type userHandler func(http.ResponseWriter, *http.Request, *AccessTokenClaims, *User, bool)

// graphMe resolves /me to the signed-in user; app-only tokens are rejected.
func (s *Server) graphMe(h userHandler) func(http.ResponseWriter, *http.Request, *AccessTokenClaims) {
	return func(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
		if c.IsApp() {
			s.writeGraphError(w, r, 400, "BadRequest", "/me request is only valid with delegated authentication flow.")
			return
		}
		u := findUser(c.Oid)
		if u == nil {
			s.writeGraphError(w, r, 404, "Request_ResourceNotFound", "Resource '"+c.Oid+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		h(w, r, c, u, true)
	}
}

// graphOther resolves /users/{id|upn}.
func (s *Server) graphOther(h userHandler) func(http.ResponseWriter, *http.Request, *AccessTokenClaims) {
	return func(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
		id := r.PathValue("id")
		u := findUser(id)
		if u == nil {
			s.writeGraphError(w, r, 404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		h(w, r, c, u, !c.IsApp() && u.ID == c.Oid)
	}
}

var (
	userSelfPerms  = []string{"User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
	userOtherPerms = []string{"User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}
)

func (s *Server) denyUsers(w http.ResponseWriter, r *http.Request) {
	s.writeGraphError(w, r, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
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
	j.Context = baseURL(r) + "/v1.0/$metadata#users/$entity"
	if v, ok := s.selectUser(w, r, j); ok {
		s.writeGraphJSON(w, r, v)
	}
}

func (s *Server) graphManager(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims, u *User, self bool) {
	if !(self && c.HasAny(userSelfPerms...)) && !c.HasAny(userOtherPerms...) {
		s.denyUsers(w, r)
		return
	}
	mgr := findUser(u.ManagerID)
	if u.ManagerID == "" || mgr == nil {
		s.writeGraphError(w, r, 404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	j := userJSON(mgr)
	j.Context = baseURL(r) + "/v1.0/$metadata#directoryObjects/$entity"
	j.Type = "#microsoft.graph.user"
	s.writeGraphJSON(w, r, j)
}

func (s *Server) graphUsers(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
	if !c.HasAny(userOtherPerms...) {
		s.denyUsers(w, r)
		return
	}
	top, skip, ok := s.paging(w, r, 100, 999)
	if !ok {
		return
	}
	var items []any
	for i := skip; i < len(seedUsers) && i < skip+top; i++ {
		items = append(items, userJSON(&seedUsers[i]))
	}
	s.writePage(w, r, "#users", items, top, skip, len(seedUsers), -1)
}

// paging reads $top and $skip.
func (s *Server) paging(w http.ResponseWriter, r *http.Request, def, max int) (top, skip int, ok bool) {
	q := r.URL.Query()
	top, skip = def, 0
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.writeGraphError(w, r, 400, "BadRequest", "Invalid value '"+v+"' for query option '$top'. The value must be a positive integer.")
			return 0, 0, false
		}
		if n > max {
			s.writeGraphError(w, r, 400, "BadRequest", "The limit of '"+strconv.Itoa(max)+"' for Top query has been exceeded. The value from the incoming request is '"+v+"'.")
			return 0, 0, false
		}
		top = n
	}
	if v := q.Get("$skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeGraphError(w, r, 400, "BadRequest", "Invalid value '"+v+"' for query option '$skip'.")
			return 0, 0, false
		}
		skip = n
	}
	return top, skip, true
}

// writePage writes an OData collection with @odata.nextLink when more items
// remain, and @odata.count when count >= 0.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, ctx string, items []any, top, skip, total, count int) {
	if items == nil {
		items = []any{}
	}
	out := odata.Object{Keys: []string{"@odata.context"}, Vals: map[string]any{"@odata.context": baseURL(r) + "/v1.0/$metadata" + ctx, "value": items}}
	if count >= 0 {
		out.Keys = append(out.Keys, "@odata.count")
		out.Vals["@odata.count"] = count
	}
	out.Keys = append(out.Keys, "value")
	if skip+top < total {
		q := r.URL.Query()
		q.Set("$top", strconv.Itoa(top))
		q.Set("$skip", strconv.Itoa(skip+top))
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			for _, v := range q[k] {
				parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+url.QueryEscape(v))
			}
		}
		out.Keys = append(out.Keys, "@odata.nextLink")
		out.Vals["@odata.nextLink"] = baseURL(r) + r.URL.Path + "?" + strings.Join(parts, "&")
	}
	s.writeGraphJSON(w, r, out)
}

func (s *Server) graphUserinfo(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims) {
	u := findUser(c.Oid)
	if c.IsApp() || u == nil {
		s.writeGraphError(w, r, 401, "InvalidAuthenticationToken", "Access token validation failure.")
		return
	}
	s.writeGraphJSON(w, r, map[string]string{
		"sub": c.Sub, "name": u.DisplayName, "family_name": u.Surname, "given_name": u.GivenName,
		"picture": baseURL(r) + "/v1.0/me/photo/$value", "email": u.Mail,
	})
}
