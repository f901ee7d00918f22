package proxy

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Gate replaces the per-run proxy credentials with per-client ones and a decision per
// request: the gateway (`authsome serve`) implements it with agents and their grants.
type Gate interface {
	// Authenticate checks the Proxy-Authorization header of a forward-proxy request and
	// returns who sent it; false answers 407 (counted as a refusal before authentication).
	Authenticate(r *http.Request) (Client, bool)
}

// Client is an authenticated client of a [Gate].
type Client interface {
	// Name identifies the client in audit entries ([Entry.Agent]); never a secret.
	Name() string
	// Uses reports whether the client may receive provider/connection's credential. Routes
	// it may not use are ignored for its requests.
	Uses(provider, connection string) bool
	// Authorize is asked before each request the client sends inside an intercepted
	// connection, and before each [Server.ServeRoute], with the connection whose credential
	// the request would receive ("" when none). It may read r's body if it puts it back, and
	// may replace r.URL's path with an equivalent one. A non-nil error refuses the request
	// before anything is sent upstream: with the status of an error that has an HTTPStatus
	// method, else 403, and a JSON body {"error":{"code","message"}} carrying its text.
	Authorize(r *http.Request, provider, connection string) error
}

// Refusal is an error a [Client] returns to refuse a request with a given status and code.
// A [Credentials] may return one too (wrapped or not), to answer with its status instead of
// 502 when it cannot give the credential.
type Refusal struct {
	Status  int    // 0: 403
	Code    string // "" : "authsome_forbidden"
	Message string
	// RetryAfter, when set, is sent as Retry-After (whole seconds): the refusal is temporary.
	RetryAfter time.Duration
}

// setRetryAfter sets the Retry-After header of a temporary refusal.
func (e *Refusal) setRetryAfter(h http.Header) {
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

func (e *Refusal) Error() string { return e.Message }

// HTTPStatus is the status the request is refused with.
func (e *Refusal) HTTPStatus() int {
	if e.Status == 0 {
		return http.StatusForbidden
	}
	return e.Status
}

// ModeAPI marks a request served by [Server.ServeRoute].
const ModeAPI = "api"

type clientKey struct{}

// clientOf returns the authenticated client of a forward-proxy request under a Gate, or nil.
func clientOf(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

// authenticate checks a forward-proxy request: with a Gate, its client goes into the
// returned request's context; without one, the per-run credentials.
func (s *Server) authenticate(r *http.Request) (*http.Request, bool) {
	if s.gate == nil {
		return r, s.authorized(r)
	}
	c, ok := s.gate.Authenticate(r)
	if !ok || c == nil {
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), clientKey{}, c)), true
}

// gateRefuses asks c (when not nil) whether r may be sent with the credential of inject, and
// answers and audits a refusal. It reports whether r was refused.
func (s *Server) gateRefuses(w http.ResponseWriter, r *http.Request, c Client, st *reqState) bool {
	if c == nil {
		return false
	}
	var p, conn string
	if st.inject != nil {
		p, conn = st.inject.Provider, st.inject.Connection
	}
	err := c.Authorize(r, p, conn)
	if err == nil {
		return false
	}
	status, code := http.StatusForbidden, "authsome_forbidden"
	var hs interface{ HTTPStatus() int }
	if errors.As(err, &hs) {
		status = hs.HTTPStatus()
	}
	var rf *Refusal
	if errors.As(err, &rf) {
		rf.setRetryAfter(w.Header())
		if rf.Code != "" {
			code = rf.Code
		}
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": err.Error()}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body)
	s.record(Entry{Time: st.start, Agent: c.Name(), Provider: p, Connection: conn, Method: r.Method, Host: st.host, Path: r.URL.Path,
		Status: status, Duration: time.Since(st.start), Mode: ModeDenied, Error: err.Error()})
	return true
}

// Handler is the forward proxy ([Server.Serve]) as a handler, for a server the caller runs
// itself (for example behind TLS, beside other routes). [Server.Close] does not stop that
// server; it stops what the handler started (intercepted connections).
func (s *Server) Handler() http.Handler { return s.counted(http.HandlerFunc(s.serveForward)) }

// ServeRoute sends r to the upstream of the route of provider/connection, at path (escaped,
// with the query of r), with the route's credential when the route matches the path. c, when
// not nil, authorises it first ([Client.Authorize]). The Authorization header r carries (the
// caller's own credential) is never sent upstream. It answers 404 for an unknown route.
func (s *Server) ServeRoute(w http.ResponseWriter, r *http.Request, c Client, provider, connection, path string) {
	start := time.Now()
	rt := s.apiRoute(provider, connection)
	if rt == nil {
		s.refuse(w, r, start, "", http.StatusNotFound, "no route for "+provider+"/"+connection)
		return
	}
	s.active.Add(1)
	defer s.active.Add(-1)
	host := rt.Match.Host()
	r.Header.Del("Authorization")
	r.Header.Del("Proxy-Authorization")
	unescaped, err := url.PathUnescape(path)
	if err != nil || !strings.HasPrefix(path, "/") {
		s.refuse(w, r, start, host, http.StatusBadRequest, "malformed path")
		return
	}
	r.URL.Path, r.URL.RawPath = unescaped, path
	st := rt.upstreamState(ModeAPI, host, start)
	st.client = c
	if rt.Match.Match(host, r.URL.EscapedPath()) && !(rt.rank >= 2 && hasDotSegment(r.URL.EscapedPath())) {
		st.inject = rt
	}
	if s.gateRefuses(w, r, c, st) {
		return
	}
	s.forward(w, r, st)
}

// apiRoute is the route [Server.ServeRoute] uses for provider/connection: its first with a
// host. nil when there is none.
func (s *Server) apiRoute(provider, connection string) *route {
	for _, x := range s.routes {
		if x.Provider == provider && x.Connection == connection && x.Match.Host() != "" {
			return x
		}
	}
	return nil
}

// RouteHost returns the host [Server.ServeRoute] sends provider/connection's requests to (as
// the request's Host, whatever its Upstream), "" when it has no route.
func (s *Server) RouteHost(provider, connection string) string {
	if rt := s.apiRoute(provider, connection); rt != nil {
		return rt.Match.Host()
	}
	return ""
}

// Shutdown stops the listeners and the intercepted connections gracefully: requests in
// flight finish (until ctx ends), idle connections close, then [Server.Close] releases the
// rest. Servers the caller runs around [Server.Handler] are the caller's to shut down.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Shutdown(ctx))
	}
	errs = append(errs, s.mitm.Shutdown(ctx))
	errs = append(errs, s.Close())
	return errors.Join(errs...)
}

// ServerCertificate returns a certificate the CA issues for host (a DNS name it was created
// for), cached and renewed as the leaves of intercepted hosts are: for a TLS server of the
// caller's own, such as the gateway's listener.
func (c *CA) ServerCertificate(host string) (*tls.Certificate, error) { return c.leaf(host) }
