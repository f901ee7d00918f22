package proxy

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// reqState travels with one proxied request from the handler to the transport and back.
type reqState struct {
	mode   string
	scheme string // upstream scheme
	target string // upstream host[:port]
	host   string // the host the child addressed (audit)
	rt     http.RoundTripper
	inject *route // nil: no credential
	client Client // under a Gate, who sent it
	start  time.Time

	baseURL string // base-URL mode: the prefix that maps to https://<host>, for Location rewriting
	path    string // audit path when the request's own path must not be logged (base-URL secret)

	// Set by the transport.
	injected bool
	err      error
}

type reqStateKey struct{}

func stateOf(ctx context.Context) *reqState {
	st, _ := ctx.Value(reqStateKey{}).(*reqState)
	return st
}

// serveIntercepted handles requests the child sends inside an intercepted TLS connection.
func (s *Server) serveIntercepted(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ci, _ := r.Context().Value(connInfoKey{}).(*connInfo)
	if ci == nil {
		http.Error(w, "authsome proxy: unknown connection", http.StatusInternalServerError)
		return
	}
	if r.Method == http.MethodConnect {
		s.refuse(w, r, start, ci.host, http.StatusMethodNotAllowed, "CONNECT inside an intercepted connection")
		return
	}
	// The request must be for the host the tunnel was opened to: whatever the Host header
	// (or an absolute-form target, or :authority) says, only the CONNECT host is reached.
	// r.Host equal to the normalised CONNECT host is the usual case and needs no parsing.
	if r.Host != ci.host && !sameHost(r.Host, ci.host) {
		s.refuse(w, r, start, ci.host, http.StatusMisdirectedRequest, "request host does not match the CONNECT host")
		return
	}
	st := ci.route.upstreamState(ModeMITM, ci.host, start)
	st.client = ci.client
	st.inject = s.matchRoute(ci.client, ci.host, r.URL.EscapedPath())
	if s.gateRefuses(w, r, ci.client, st) {
		return
	}
	s.forward(w, r, st)
}

// sameHost reports whether authority names host, on the default https port or none.
func sameHost(authority, host string) bool {
	a, err := parseAuthority(authority, false)
	return err == nil && a.host == host && (a.port == "" || a.port == "443")
}

// matchRoute returns the route whose credential a request for host and path receives: the
// best-ranked route that matches and c (when not nil) may use, or nil (always under a relay). A tie between two connections is ambiguous and
// gets nothing. A path with dot segments never matches a prefix route, since the upstream
// may resolve it outside the prefix.
func (s *Server) matchRoute(c Client, host, path string) *route {
	if s.relay != nil {
		return nil // the relay injects
	}
	var best *route
	tie := false
	for _, r := range s.routes {
		if !r.Match.Match(host, path) || (r.rank >= 2 && hasDotSegment(path)) || (c != nil && !c.Uses(r.Provider, r.Connection)) {
			continue
		}
		switch {
		case best == nil || r.rank > best.rank:
			best, tie = r, false
		case r.rank == best.rank && (r.Provider != best.Provider || r.Connection != best.Connection):
			tie = true
		}
	}
	if tie {
		s.log.Warn("proxy: two connections match the request; injecting neither", "host", host)
		return nil
	}
	return best
}

func hasDotSegment(p string) bool {
	l := strings.ToLower(p)
	for _, seg := range strings.Split(l, "/") {
		seg = strings.ReplaceAll(seg, "%2e", ".")
		if seg == "." || seg == ".." {
			return true
		}
	}
	return strings.Contains(l, "%2f") || strings.Contains(l, "%5c") || strings.Contains(l, "\\")
}

// forward sends r upstream through the reverse proxy and audits it, also when the reverse
// proxy aborts the response (it panics with http.ErrAbortHandler when copying the body
// fails, for example because the child went away).
func (s *Server) forward(w http.ResponseWriter, r *http.Request, st *reqState) {
	if st.inject != nil && r.Method == http.MethodTrace {
		// TRACE asks the server to echo the request back, credential included.
		s.refuse(w, r, st.start, st.host, http.StatusMethodNotAllowed, "TRACE is not sent with a credential (the answer would echo it)")
		return
	}
	cw := &countingWriter{ResponseWriter: w}
	var body *countingBody
	if r.Body != nil && r.Body != http.NoBody {
		body = &countingBody{ReadCloser: r.Body}
		r.Body = body
	}
	aborted := true
	if s.audit != nil {
		defer func() { s.audit(s.entry(r, st, cw, body, aborted)) }()
	}
	s.rp.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), reqStateKey{}, st)))
	aborted = false
}

// entry is the audit record of a forwarded request.
func (s *Server) entry(r *http.Request, st *reqState, cw *countingWriter, body *countingBody, aborted bool) Entry {
	path := st.path
	if path == "" {
		path = r.URL.Path
	}
	e := Entry{
		Time: st.start, Method: r.Method, Host: st.host, Path: path, Status: cw.status,
		BytesOut: cw.n, Duration: time.Since(st.start), Injected: st.injected, Mode: st.mode,
	}
	if body != nil {
		e.BytesIn = body.n
	}
	if st.inject != nil {
		e.Provider, e.Connection = st.inject.Provider, st.inject.Connection
	}
	if st.client != nil {
		e.Agent = st.client.Name()
	}
	switch {
	case st.err != nil:
		e.Error = sanitize(st.err)
	case aborted:
		e.Error = "response cut short (the client or the upstream went away)"
	}
	if e.Status == 0 {
		e.Status = http.StatusOK
		if r.Header.Get("Upgrade") != "" && st.err == nil {
			e.Status = http.StatusSwitchingProtocols // the reverse proxy hijacked the connection
		}
	}
	if e.Status == http.StatusForbidden && e.Injected {
		e.Needs, e.Hint = GraphNeeds(e.Provider, e.Connection, r.Method, e.Host, e.Path)
	}
	return e
}

// rewrite aims the outbound request at the target. The child's path and query are kept;
// hop-by-hop headers (Proxy-Authorization included) are already gone.
func (s *Server) rewrite(pr *httputil.ProxyRequest) {
	st := stateOf(pr.In.Context())
	u := pr.Out.URL
	u.Scheme, u.Host, u.User = st.scheme, st.target, nil
	pr.Out.Host = ""
	switch {
	case st.mode == ModeHTTP:
		// The host and port the child addressed, the port left out when it is http's own,
		// as clients write it.
		pr.Out.Host = strings.TrimSuffix(st.target, ":80")
	case st.target != st.host:
		// A route's Upstream serves the host it replaces as a virtual host: it is told the
		// host the child addressed, so the links it builds (@odata.nextLink) point there.
		pr.Out.Host = st.host
	}
	pr.Out.Header.Del("Proxy-Authorization")
}

// injector is the reverse proxy's transport: it sets or strips the credential, so that a
// credential failure surfaces as a transport error (and reaches proxyError).
type injector struct{ s *Server }

// maxReplay is the largest request body buffered so that a 401 can be retried.
const maxReplay = 1 << 20

func (t injector) RoundTrip(req *http.Request) (*http.Response, error) {
	st := stateOf(req.Context())
	if st.inject == nil {
		stripPlaceholder(req.Header)
		return st.rt.RoundTrip(req)
	}
	ce := st.inject.cred
	name, value, err := ce.get(req.Context())
	if err != nil {
		closeBody(req)
		return nil, &credentialError{provider: ce.provider, connection: ce.connection, err: err}
	}
	replay, err := bufferBody(req)
	if err != nil {
		return nil, err
	}
	setCredential(req.Header, name, value)
	st.injected = true
	resp, err := st.rt.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !tokenRejected(resp) {
		return resp, err
	}
	// The token was refused: drop it so that later requests get a fresh one, and retry this
	// one if its body can be sent again.
	name2, value2, err := ce.reject(req.Context(), value)
	if err != nil || value2 == value || !replay {
		return resp, nil // nothing fresher to try, or no body to resend: the child sees the 401
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	t.s.log.Debug("proxy: upstream rejected the token; retrying once with a fresh one", "provider", ce.provider, "connection", ce.connection)
	req2 := req.Clone(req.Context())
	if req.GetBody != nil {
		if req2.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	setCredential(req2.Header, name2, value2)
	return st.rt.RoundTrip(req2)
}

func setCredential(h http.Header, name, value string) {
	if http.CanonicalHeaderKey(name) != "Authorization" {
		h.Del("Authorization")
	}
	h.Set(name, value)
}

// stripPlaceholder removes an Authorization header that carries only the placeholder, so a
// request that gets no credential does not send the placeholder either.
func stripPlaceholder(h http.Header) {
	for _, v := range h["Authorization"] {
		if strings.HasSuffix(strings.TrimSpace(v), Placeholder) {
			h.Del("Authorization")
			return
		}
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// bufferBody makes req's body replayable when it is small and its length known: it reads it
// into memory and sets GetBody. It reports whether the request can be sent twice. Bodies
// sent with Expect: 100-continue are left streaming.
func bufferBody(req *http.Request) (bool, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return true, nil
	}
	if req.GetBody != nil {
		return true, nil
	}
	if req.ContentLength <= 0 || req.ContentLength > maxReplay || req.Header.Get("Expect") != "" {
		return false, nil
	}
	buf := make([]byte, req.ContentLength)
	_, err := io.ReadFull(req.Body, buf)
	req.Body.Close()
	if err != nil {
		return false, err
	}
	req.Body = io.NopCloser(bytes.NewReader(buf))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	return true, nil
}

// tokenRejected reports whether a 401 says the token is invalid or expired: an
// invalid_token challenge (RFC 6750) or Graph's InvalidAuthenticationToken error code. It
// may read the start of the body and puts it back.
func tokenRejected(resp *http.Response) bool {
	for _, v := range resp.Header.Values("Www-Authenticate") {
		if strings.Contains(strings.ToLower(v), "invalid_token") {
			return true
		}
	}
	if resp.Body == nil {
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return bytes.Contains(head, []byte("InvalidAuthenticationToken"))
}

// credentialError is a failure to obtain the credential for a route.
type credentialError struct {
	provider, connection string
	err                  error
}

func (e *credentialError) Error() string {
	return fmt.Sprintf("no credential for %s/%s: %v", e.provider, e.connection, e.err)
}

func (e *credentialError) Unwrap() error { return e.err }

// proxyError answers a failed upstream exchange with a 502 and a Graph-shaped JSON body, or
// with the status, code and message of a [Refusal] the credentials gave instead.
func (s *Server) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	st := stateOf(r.Context())
	if st != nil {
		st.err = err
	}
	status, code, msg := http.StatusBadGateway, "authsome_upstream_error", "authsome proxy: upstream request failed: "+sanitize(err)
	var ce *credentialError
	var rf *Refusal
	switch {
	case errors.As(err, &rf):
		status, code, msg = rf.HTTPStatus(), cmp.Or(rf.Code, "authsome_credential_error"), rf.Message
		rf.setRetryAfter(w.Header())
	case errors.As(err, &ce):
		code, msg = "authsome_credential_error", "authsome proxy: "+sanitize(err)
	}
	if errors.Is(err, context.Canceled) {
		s.log.Debug("proxy: client went away", "host", r.Host)
	} else {
		s.log.Warn("proxy: upstream request failed", "host", r.Host, "error", sanitize(err))
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// sanitize renders err without the request URL, whose query may hold pre-authenticated
// download tokens.
func sanitize(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + sanitize(ue.Err)
	}
	return err.Error()
}

// modifyResponse rewrites, in base-URL mode, a Location pointing back at the routed host so
// that the child follows it through the proxy.
func (s *Server) modifyResponse(resp *http.Response) error {
	st := stateOf(resp.Request.Context())
	if st == nil || st.baseURL == "" {
		return nil
	}
	if err := rewriteLinks(resp, st.host, st.baseURL); err != nil {
		return err
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "https" || u.User != nil {
		return nil
	}
	if a, err := parseAuthority(u.Host, false); err == nil && a.host == st.host && (a.port == "" || a.port == "443") {
		resp.Header.Set("Location", st.baseURL+"/"+st.host+u.EscapedPath()+queryOf(u))
	}
	return nil
}

func queryOf(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

// credEntry caches one connection's credential header. Concurrent misses share one call to
// Credentials; a header the upstream rejected is dropped, and Invalidator told, once, and
// not again for [rejectBackoff].
type credEntry struct {
	src                  Credentials
	inv                  Invalidator
	provider, connection string
	ttl                  time.Duration    // < 0: no cache
	now                  func() time.Time // nil: time.Now; tests set a clock

	cur        atomic.Pointer[credValue] // read without the lock
	mu         sync.Mutex                // guards flight, rejectedAt and replacing cur
	flight     *credCall
	rejectedAt time.Time // when a rejection last dropped the header
}

// rejectBackoff is how long after a rejection a rejected header is not replaced: when the
// upstream refuses the fresh header too, something other than its age is wrong, and the child
// gets the 401 instead of the proxy redeeming the refresh token once per request (which would
// let the child decide how often that happens, and trip the identity platform's throttling).
// One refresh per connection per minute is all 401s can cause.
const rejectBackoff = time.Minute

func (e *credEntry) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// backingOff reports, with e.mu held, whether a rejection dropped the header less than
// rejectBackoff ago; if not, it records one now.
func (e *credEntry) backingOff() bool {
	now := e.clock()
	if !e.rejectedAt.IsZero() && now.Sub(e.rejectedAt) < rejectBackoff {
		return true
	}
	e.rejectedAt = now
	return false
}

type credValue struct {
	name, value string
	until       time.Time
}

type credCall struct {
	done        chan struct{}
	invalidate  bool
	name, value string
	err         error
}

func (e *credEntry) get(ctx context.Context) (string, string, error) {
	if e.ttl < 0 {
		return e.src.AuthHeader(ctx, e.provider, e.connection)
	}
	if v := e.cur.Load(); v != nil && e.clock().Before(v.until) {
		return v.name, v.value, nil
	}
	e.mu.Lock()
	if v := e.cur.Load(); v != nil && e.clock().Before(v.until) {
		e.mu.Unlock()
		return v.name, v.value, nil
	}
	c := e.flight
	if c == nil {
		c = e.start(ctx, false)
	}
	e.mu.Unlock()
	return c.wait(ctx)
}

// reject reports that upstream refused value and returns a fresher header, which equals
// value when there is none (an API key, a refresh that changed nothing, or a header obtained
// by a rejection less than [rejectBackoff] ago).
func (e *credEntry) reject(ctx context.Context, value string) (string, string, error) {
	if e.ttl < 0 {
		e.mu.Lock()
		backoff := e.backingOff()
		e.mu.Unlock()
		if !backoff && e.inv != nil {
			e.inv.Invalidate(ctx, e.provider, e.connection)
		}
		return e.src.AuthHeader(ctx, e.provider, e.connection)
	}
	for {
		e.mu.Lock()
		if v := e.cur.Load(); v != nil && v.value != value && e.clock().Before(v.until) {
			e.mu.Unlock()
			return v.name, v.value, nil // already replaced
		}
		c := e.flight
		if c == nil {
			if e.backingOff() {
				e.mu.Unlock()
				return e.get(ctx) // the current header, value itself unless it changed meanwhile
			}
			c = e.start(ctx, true)
		}
		e.mu.Unlock()
		name, v, err := c.wait(ctx)
		if err != nil || v != value || c.invalidate {
			return name, v, err
		}
		// A plain fetch that began before the rejection returned the rejected header:
		// start an invalidating one.
	}
}

// start begins a call to Credentials (with e.mu held). With invalidate, the cached header is
// dropped and Invalidator told first. The call outlives a caller that gives up waiting, so
// the others still get its result.
func (e *credEntry) start(ctx context.Context, invalidate bool) *credCall {
	c := &credCall{done: make(chan struct{}), invalidate: invalidate}
	e.flight = c
	if invalidate {
		e.cur.Store(nil)
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if invalidate && e.inv != nil {
			e.inv.Invalidate(ctx, e.provider, e.connection)
		}
		c.name, c.value, c.err = e.src.AuthHeader(ctx, e.provider, e.connection)
		e.mu.Lock()
		if c.err == nil {
			e.cur.Store(&credValue{name: c.name, value: c.value, until: e.clock().Add(e.ttl)})
		}
		e.flight = nil
		e.mu.Unlock()
		close(c.done)
	}()
	return c
}

func (c *credCall) wait(ctx context.Context) (string, string, error) {
	select {
	case <-c.done:
		return c.name, c.value, c.err
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

// countingWriter records the status and body bytes sent to the child. Unwrap lets
// http.ResponseController reach Flush and Hijack (upgrades) underneath.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}

// bufferPool recycles the reverse proxy's 32 KiB copy buffers.
type bufferPool struct{}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *(copyBufs.Get().(*[]byte)) }
func (bufferPool) Put(b []byte) { copyBufs.Put(&b) }
