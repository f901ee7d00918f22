// Package graphkit is the Microsoft Graph plumbing every sandbox workload
// shares: the Kit (clock, directory, token check) with Graph's response
// writers, errors and user resolution; the request body reader; the
// case-insensitive route table; paging; and the Workload contract.
package graphkit

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/graphperm"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Kit is what a workload's handlers need from the server: the tenant's
// clock and directory and the access-token check. Workloads embed it.
type Kit struct {
	// Now is the sandbox's clock (the control API can move it ahead).
	Now func() time.Time
	// Dir is the tenant's directory.
	Dir *directory.Directory
	// Verify checks a Graph access token and returns its claims.
	Verify func(raw string) (*token.AccessClaims, error)
	// Files returns the folder where workloads keep file bytes (drive
	// items' content): the state folder's "files" with --state, else a
	// temporary folder made on first use, which the server removes on Close.
	Files func() (string, error)
	// Sites is the SharePoint sites workload, which the drive asks about
	// site drives (nil: none).
	Sites Sites
	// RevokeSessions revokes every refresh token of a user (by id), for
	// revokeSignInSessions; it returns how many it revoked (nil: none kept).
	RevokeSessions func(ctx context.Context, userID string) (int, error)
}

// Claims are the claims of the access token a Graph request carries.
type Claims = token.AccessClaims

// User is a directory user.
type User = directory.User

type claimsKey struct{}

// ClaimsFrom returns the claims Auth put in ctx, or nil.
func ClaimsFrom(ctx context.Context) *Claims {
	c, _ := ctx.Value(claimsKey{}).(*Claims)
	return c
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// ErrorBody is the JSON body of a Graph error.
type ErrorBody struct {
	Error struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError innerError `json:"innerError"`
	} `json:"error"`
}

// CodeFor is the error code Graph gives with status when nothing more specific applies.
func CodeFor(status int) string {
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

// IDs sets Graph's request-id headers and returns the ids.
func (s *Kit) IDs(w http.ResponseWriter, r *http.Request) (reqID, clientReqID string) {
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

// WriteError writes Graph's error body.
func (s *Kit) WriteError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	reqID, clientReqID := s.IDs(w, r)
	var body ErrorBody
	body.Error.Code, body.Error.Message = code, msg
	body.Error.InnerError = innerError{
		Date: s.Now().UTC().Format("2006-01-02T15:04:05"), RequestID: reqID, ClientRequestID: clientReqID,
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="`+BaseURL(r)+
			`/common/oauth2/authorize", client_id="`+token.GraphAppID+`"`)
	}
	WriteJSONStatus(w, status, body)
}

// WriteJSON writes v as Graph's JSON with status 200.
func (s *Kit) WriteJSON(w http.ResponseWriter, r *http.Request, v any) {
	s.WriteStatus(w, r, http.StatusOK, v)
}

// WriteStatus writes v as Graph's JSON with status; a nil v writes no body.
func (s *Kit) WriteStatus(w http.ResponseWriter, r *http.Request, status int, v any) {
	s.IDs(w, r)
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	if minimal(r, status) {
		h.Set("Preference-Applied", "return=minimal")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	data, ok := v.(json.RawMessage) // built by the kit: valid and compact already
	if !ok {
		var err error
		if data, err = odata.Marshal(v); err != nil {
			s.WriteError(w, r, 500, "generalException", "Serialization failed.")
			return
		}
	}
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	h.Set("OData-Version", "4.0")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// minimal reports whether the answer to r, a create (201) or an update (200
// to PATCH or PUT), is to be left out: the client sent "Prefer:
// return=minimal" (OData 4.0 §8.2.8.7) and gets 204 No Content.
func minimal(r *http.Request, status int) bool {
	if status != http.StatusCreated && (status != http.StatusOK || (r.Method != http.MethodPatch && r.Method != http.MethodPut)) {
		return false
	}
	return Prefer(r)["return"] == "minimal"
}

// Auth validates the Bearer token and passes its claims to h.
func (s *Kit) Auth(h func(http.ResponseWriter, *http.Request, *Claims)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.IDs(w, r)
		authz := r.Header.Get("Authorization")
		scheme, raw, _ := strings.Cut(authz, " ")
		raw = strings.TrimSpace(raw)
		if !strings.EqualFold(scheme, "Bearer") || raw == "" {
			s.WriteError(w, r, 401, "InvalidAuthenticationToken", "Access token is empty.")
			return
		}
		c, err := s.Verify(raw)
		if err != nil {
			msg := "Access token validation failure."
			switch {
			case errors.Is(err, token.ErrMalformed):
				msg = "IDX14100: JWT is not well formed."
			case errors.Is(err, token.ErrSignature):
				msg = "Access token validation failure. Invalid signature."
			case errors.Is(err, token.ErrExpired):
				msg = "Lifetime validation failed, the token is expired."
			case errors.Is(err, token.ErrNotYet):
				msg = "Lifetime validation failed, the token is not yet valid."
			case errors.Is(err, token.ErrAudience):
				msg = "Access token validation failure. Invalid audience."
			}
			s.WriteError(w, r, 401, "InvalidAuthenticationToken", msg)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)), c)
	}
}

// UserHandler serves a route for user u; self is true when u is the signed-in user.
type UserHandler func(http.ResponseWriter, *http.Request, *Claims, *User, bool)

// Me resolves /me to the signed-in user; app-only tokens are rejected.
func (s *Kit) Me(h UserHandler) func(http.ResponseWriter, *http.Request, *Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *Claims) {
		if c.IsApp() {
			s.WriteError(w, r, 400, "BadRequest", "/me request is only valid with delegated authentication flow.")
			return
		}
		u := s.Dir.Find(c.Oid)
		if u == nil {
			s.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource '"+c.Oid+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		h(w, r, c, u, true)
	}
}

// Other resolves /users/{id|upn}.
func (s *Kit) Other(h UserHandler) func(http.ResponseWriter, *http.Request, *Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *Claims) {
		id := r.PathValue("id")
		u := s.Dir.Find(id)
		if u == nil {
			s.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
			return
		}
		h(w, r, c, u, !c.IsApp() && u.ID == c.Oid)
	}
}

// Fail writes ge.
func (s *Kit) Fail(w http.ResponseWriter, r *http.Request, ge *Error) {
	s.WriteError(w, r, ge.Status, ge.Code, ge.Message)
}

// BaseURL is the scheme and host the request came to; issuers, links and
// @odata.context are built on it.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// WriteJSONStatus writes v as plain JSON (the identity platform's and the
// control API's answers; Graph's go through WriteStatus).
func WriteJSONStatus(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store, no-cache")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Error is a Graph error answer.
type Error struct {
	Status        int
	Code, Message string
}

// ErrItemNotFound is Graph's 404 for an Outlook item (message, event, contact, folder).
var ErrItemNotFound = &Error{404, "ErrorItemNotFound", "The specified object was not found in the store."}

// QueryError maps an OData query error to Graph's 400.
func QueryError(err error) *Error {
	var oe *odata.Error
	if errors.As(err, &oe) {
		return &Error{400, oe.Code, oe.Message}
	}
	return &Error{400, "BadRequest", err.Error()}
}

// BadRequest is a 400 with Graph's generic code and msg.
func BadRequest(msg string) *Error { return &Error{400, "BadRequest", msg} }

// Err returns a Graph error answer.
func Err(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// Permitted reports whether c may make request r by Microsoft's table of
// permissions (package graphperm): a delegated token must hold one of
// the delegated permissions Microsoft lists for the request, an app-only
// token one of the application permissions. Which data the token reaches
// (its own user's, a shared item) is the workload's to check. A request
// Microsoft's table does not know, in any form graphperm.Lookup derives,
// is refused: Graph serves nothing without a permission. (The routes
// that need none of their own, $batch and /subscriptions, do not ask.)
func Permitted(r *http.Request, c *Claims) bool {
	return PermittedTo(c, r.Method, RoutePath(r))
}

// PermittedBeyondSelf is Permitted for a request on another user's data
// by a delegated token: only the permissions that reach beyond the
// signed-in user's own data count (graphperm.BeyondSelf: Files.Read.All,
// not Files.Read).
func PermittedBeyondSelf(r *http.Request, c *Claims) bool {
	if c.IsApp() {
		return Permitted(r, c)
	}
	var wide []string
	for _, p := range c.Scopes() {
		if graphperm.BeyondSelf(p) {
			wide = append(wide, p)
		}
	}
	g, ok := grant(r.Method, RoutePath(r))
	return ok && g.Allows(false, wide)
}

// PermittedTo is Permitted for method on path, a request that is not the
// one being served (GET of a subscription's resource).
func PermittedTo(c *Claims, method, path string) bool {
	g, ok := grant(method, path)
	if !ok {
		return false
	}
	if c.IsApp() {
		return g.Allows(true, c.Roles)
	}
	return g.Allows(false, c.Scopes())
}

func grant(method, path string) (graphperm.Grant, bool) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	g, _, ok := graphperm.Lookup(method, path)
	return g, ok
}

// RoutePath is the path of r that permissions are looked up by: the
// pattern of the route it reached, whose {name} segments stand for any key
// (a concrete key could spell a literal of Microsoft's table), with a final
// {name...} replaced by what it matched (a drive's items/{id}/children); the
// request's path when it reached no route.
func RoutePath(r *http.Request) string {
	p := r.Pattern
	if _, after, ok := strings.Cut(p, " "); ok {
		p = after
	}
	if !strings.HasPrefix(p, "/") {
		return r.URL.Path
	}
	if i := strings.LastIndex(p, "{"); i >= 0 && strings.HasSuffix(p, "...}") {
		p = p[:i] + r.PathValue(p[i+1:len(p)-len("...}")])
	}
	return p
}
