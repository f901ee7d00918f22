package proxy

import (
	"bytes"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/authsome-go/authsome/provider"
)

// Placeholder is the value the child holds instead of a credential. Requests that do not
// receive the credential have an Authorization header carrying it removed.
const Placeholder = provider.ProxyPlaceholder

// Credentials supplies the header to inject for a route. AuthHeader must be safe for
// concurrent use. *broker.Broker implements it.
type Credentials interface {
	AuthHeader(ctx context.Context, provider, connection string) (header, value string, err error)
}

// Invalidator is optionally implemented by a [Credentials] to force a refresh after the
// upstream has rejected a token as invalid or expired. *broker.Broker implements it.
type Invalidator interface {
	Invalidate(ctx context.Context, provider, connection string)
}

// Route selects the requests that receive one connection's credential.
type Route struct {
	Provider, Connection string
	// Match selects the requests (host, and path for prefix routes) that get the credential.
	Match provider.Route
	// Upstream, when set, replaces the host: every request the proxy intercepts for a host
	// this route matches goes to Upstream's scheme and host instead (keeping path and query),
	// whether or not its path receives the credential, with the routed host in its Host header
	// (TLS is verified for Upstream's host). This is how graph.microsoft.com is served by the
	// offline sandbox (https://127.0.0.1:PORT). nil: the request's own host.
	Upstream *url.URL
	// RootCAs, when set, is the certificate pool this route's upstream is verified against
	// instead of the system roots, for example the system roots plus the sandbox's CA. The
	// proxy gives such routes a keep-alive pool of their own, configured like the default one.
	RootCAs *x509.CertPool
	// Transport carries this route's requests upstream. nil: a pool for RootCAs if set, else
	// Options.Upstream. It must verify TLS.
	Transport http.RoundTripper
}

// Options configure a [Server]. Username, Password and, when there are routes, CA and
// Credentials are required.
type Options struct {
	Routes      []Route
	Credentials Credentials
	// DenyUnmatched refuses (403) every CONNECT that is not intercepted (instead of a blind
	// tunnel) and plain-http requests to hosts no route matches (instead of forwarding them).
	DenyUnmatched bool
	// Username and Password are the per-run proxy credentials every client must present
	// (Proxy-Authorization: Basic). Password must not be empty.
	Username, Password string
	// CA signs leaf certificates for intercepted hosts. A route's host is intercepted only
	// if the CA was created for it ([NewCA]); other hosts, such as those of regex routes
	// not listed in the CA, are tunnelled or denied.
	CA *CA
	// Upstream carries requests upstream. nil: a shared *http.Transport with a keep-alive
	// pool, HTTP/2, the system roots and Dial. TLS is always verified.
	Upstream http.RoundTripper
	// Dial opens TCP connections for blind tunnels, plain-http forwarding and the upstream
	// transports the proxy makes (the default one and those for Route.RootCAs).
	// nil: a net.Dialer with a 30 s timeout.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Audit receives one Entry per proxied request, CONNECT tunnel or refusal, except that
	// requests refused before authentication (407, or 403 for a wrong base-URL secret) are
	// counted and reported as one summary Entry (Kind [KindRefusals]) per reason every 10 s
	// and on Close, so that anyone who can reach the port cannot flood the log. It is called
	// from many goroutines at once and must not block for long. Entries hold no secrets.
	Audit func(Entry)
	// Logger receives debug and warning messages (never secrets). nil: discard.
	Logger *slog.Logger
	// Gate, when set, authenticates forward-proxy clients instead of Username and Password
	// (then optional), picks the routes each may use and authorises each of its requests
	// inside intercepted connections. See [Gate].
	Gate Gate
	// CredentialTTL is how long a credential header is reused from memory before asking
	// Credentials again (asking reads the vault). 0 means 30 s; negative disables the cache.
	// It is capped at 30 s: the broker hands out tokens valid for minutes past its refresh
	// skew, so a cached header never outlives its token, and a rejected one is dropped at once.
	CredentialTTL time.Duration
	// Relay, when set, sends the requests of every route (intercepted and base-URL) through
	// an upstream HTTPS proxy that injects the credentials itself: the gateway, for
	// `authsome run --gateway`. Routes then only pick the hosts to intercept and their
	// upstream trust (Route.RootCAs verifies the relay and the hosts it intercepts); nothing is
	// injected here, so Credentials is not needed. Blind tunnels and plain http do not use it.
	Relay *Relay
}

// Relay is an upstream HTTPS proxy ([Options.Relay]).
type Relay struct {
	// URL is the proxy, https://HOST:PORT.
	URL *url.URL
	// Header is sent with every CONNECT to it, e.g. Proxy-Authorization. It is never logged.
	Header http.Header
}

// Entry is one audit record. It never holds a credential, a query string or a body.
type Entry struct {
	Time                 time.Time
	Agent                string // the [Client] that sent the request, under a [Gate]
	Provider, Connection string // the route whose credential was injected, if any
	Method, Host, Path   string // Path has no query
	Status               int
	BytesIn, BytesOut    int64 // body bytes from and to the child (tunnels: all bytes)
	Duration             time.Duration
	Injected             bool
	Mode                 string // "mitm", "tunnel", "base-url", "http" or "denied"
	Error                string
	// Needs is, for a request with a credential that Microsoft Graph answered 403, the least
	// privileged delegated permission Microsoft lists for it ("" when it lists none); Hint is
	// the command that adds it to the connection. See [GraphNeeds].
	Needs, Hint string

	// Kind is "" for one request, or KindRefusals for a summary of Count requests refused
	// before authentication with the same Status and Error, from Time to Until; Method, Host
	// and Path are then those of the first of them (cut to 256 bytes), and Duration is zero.
	Kind  string
	Count int
	Until time.Time
}

// KindRefusals marks an [Entry] that summarises refusals before authentication.
const KindRefusals = "refusals"

// Audit modes.
const (
	ModeMITM    = "mitm"
	ModeTunnel  = "tunnel"
	ModeBaseURL = "base-url"
	ModeHTTP    = "http"
	ModeDenied  = "denied"
)

const maxCredentialTTL = 30 * time.Second

// flushInterval bounds how long response bytes of known length wait in the proxy's write
// buffer. Responses of unknown length (chunked, streaming) and text/event-stream are flushed
// on every write regardless (httputil.ReverseProxy does so); a known-length response usually
// leaves in one write when it ends, headers included. Flushing after every write instead
// (-1) measured slower in bench/proxy (one more system call and TLS record per response).
const flushInterval = 50 * time.Millisecond

// Server is the credential-injecting proxy. Create it with [New]; it is safe for concurrent
// use. One Server may serve several listeners at once.
type Server struct {
	table    atomic.Pointer[[]*route] // the routes in use: see routes and SetRoutes
	routeOpt routeOptions
	ca       *CA
	deny     bool
	authHdr  string // "Basic base64(user:pass)"
	authPair []byte // "user:pass"
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	upstream http.RoundTripper
	ownedRT  []*http.Transport // upstream transports the proxy made, closed by Close
	audit    func(Entry)
	refused  *refusals // counts refusals before authentication into summary entries
	gate     Gate
	log      *slog.Logger
	rp       *httputil.ReverseProxy
	relay    *Relay // nil: inject here

	mitm      *http.Server
	mitmLn    *chanListener
	mitmConns sync.Map // *tls.Conn → *connInfo, until the MITM server picks it up
	tlsConfs  sync.Map // host → *tls.Config
	warned    sync.Map // host → true once an untrusting client was reported

	active atomic.Int64 // handlers running; Close waits for them so their audit entries land
	closed atomic.Bool  // set by Close; read under mu where servers and tunnels are registered

	mu      sync.Mutex
	servers []*http.Server
	tunnels map[net.Conn]struct{}
}

// New checks opts and returns a Server. It does not listen: call [Server.Serve] and
// [Server.ServeBaseURL] with listeners the caller bound to loopback.
func New(opts Options) (*Server, error) {
	if opts.Password == "" && opts.Gate == nil {
		return nil, errors.New("proxy: Options.Password is required (per-run proxy credentials)")
	}
	if strings.Contains(opts.Username, ":") {
		return nil, errors.New("proxy: Options.Username must not contain ':'")
	}
	if len(opts.Routes) > 0 && (opts.CA == nil || opts.Credentials == nil && opts.Relay == nil) {
		return nil, errors.New("proxy: routes need Options.CA and Options.Credentials")
	}
	if u := opts.Relay; u != nil && (u.URL == nil || u.URL.Scheme != "https" || u.URL.Host == "") {
		return nil, errors.New("proxy: Options.Relay needs an https URL")
	}
	s := &Server{
		ca:      opts.CA,
		deny:    opts.DenyUnmatched,
		audit:   opts.Audit,
		gate:    opts.Gate,
		refused: &refusals{audit: opts.Audit, window: refusalWindow},
		log:     opts.Logger,
		dial:    opts.Dial,
		tunnels: map[net.Conn]struct{}{},
		relay:   opts.Relay,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		s.dial = d.DialContext
	}
	pair := opts.Username + ":" + opts.Password
	s.authPair = []byte(pair)
	s.authHdr = "Basic " + base64.StdEncoding.EncodeToString(s.authPair)
	s.upstream = opts.Upstream
	if s.upstream == nil {
		s.upstream = s.newTransport(nil, false)
	}
	ttl := opts.CredentialTTL
	if ttl == 0 || ttl > maxCredentialTTL {
		ttl = maxCredentialTTL
	}
	inv, _ := opts.Credentials.(Invalidator)
	s.routeOpt = routeOptions{creds: opts.Credentials, inv: inv, ttl: ttl, pools: map[*x509.CertPool]http.RoundTripper{}}
	if err := s.SetRoutes(opts.Routes); err != nil {
		return nil, err
	}
	s.rp = &httputil.ReverseProxy{
		Rewrite:        s.rewrite,
		Transport:      injector{s},
		FlushInterval:  flushInterval,
		BufferPool:     bufferPool{},
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ErrorHandler:   s.proxyError,
		ModifyResponse: s.modifyResponse,
	}
	s.mitmLn = newChanListener()
	s.mitm = &http.Server{
		Handler:           s.counted(http.HandlerFunc(s.serveIntercepted)),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if tc, ok := c.(*tls.Conn); ok {
				if v, ok := s.mitmConns.LoadAndDelete(tc); ok {
					return context.WithValue(ctx, connInfoKey{}, v.(*connInfo))
				}
			}
			return ctx
		},
	}
	go s.mitm.Serve(s.mitmLn)
	return s, nil
}

// Serve runs the forward proxy on l (CONNECT and absolute-form http requests). It returns
// http.ErrServerClosed after [Server.Close], or the listener's error.
func (s *Server) Serve(l net.Listener) error {
	return s.serve(l, http.HandlerFunc(s.serveForward))
}

func (s *Server) serve(l net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           s.counted(h),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	var p http.Protocols
	p.SetHTTP1(true)
	srv.Protocols = &p
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		l.Close()
		return http.ErrServerClosed
	}
	s.servers = append(s.servers, srv)
	s.mu.Unlock()
	return srv.Serve(l)
}

// counted wraps a handler so that Close can wait for it to return.
func (s *Server) counted(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.active.Add(1)
		defer s.active.Add(-1)
		if s.closed.Load() {
			http.Error(w, "authsome proxy: shutting down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// closeWait bounds how long Close waits for handlers whose connections it has cut.
const closeWait = 5 * time.Second

// Close stops every listener, the intercepted connections and the tunnels, and releases
// idle upstream connections. Requests in flight are cut off; Close returns once their
// handlers have returned (and so made their audit entries), or after closeWait; the
// refusals counted since the last summary are audited last.
func (s *Server) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.mu.Lock()
	servers := s.servers
	tunnels := s.tunnels
	s.tunnels = nil
	owned := s.ownedRT
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Close())
	}
	errs = append(errs, s.mitm.Close())
	for c := range tunnels {
		c.Close()
	}
	for _, t := range owned {
		t.CloseIdleConnections()
	}
	for deadline := time.Now().Add(closeWait); s.active.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	s.refused.close()
	return errors.Join(errs...)
}

// authorized reports whether r carries the proxy credentials (constant-time).
func (s *Server) authorized(r *http.Request) bool {
	v := r.Header.Get("Proxy-Authorization")
	if subtle.ConstantTimeCompare([]byte(v), []byte(s.authHdr)) == 1 {
		return true
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
	return err == nil && subtle.ConstantTimeCompare(got, s.authPair) == 1
}

// serveForward handles the forward-proxy listener: CONNECT and absolute-form http.
func (s *Server) serveForward(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("Proxy-Authenticate", `Basic realm="authsome"`)
		http.Error(w, "authsome proxy: proxy authentication required", http.StatusProxyAuthRequired)
		s.refused.add(Entry{Time: start, Method: r.Method, Host: r.Host, Path: r.URL.Path, Status: http.StatusProxyAuthRequired, Mode: ModeDenied, Error: "proxy authentication required"})
		return
	}
	r.Header.Del("Proxy-Authorization")
	if r.Method == http.MethodConnect {
		s.serveConnect(w, r, start)
		return
	}
	if s.gate != nil {
		s.refuse(w, r, start, r.Host, http.StatusForbidden, "plain http is not forwarded under a gate: send CONNECT")
		return
	}
	if r.URL.Scheme != "http" || r.URL.Host == "" || r.URL.User != nil {
		s.refuse(w, r, start, r.Host, http.StatusBadRequest, "this is a proxy: send CONNECT, or an absolute http:// URL")
		return
	}
	a, err := parseAuthority(r.URL.Host, false)
	if err != nil {
		s.refuse(w, r, start, r.URL.Host, http.StatusBadRequest, "malformed host")
		return
	}
	if a.port == "" {
		a.port = "80"
	}
	if s.deny && !s.routedHost(a) {
		s.refuse(w, r, start, a.host, http.StatusForbidden, "host not routed by authsome (--deny-unmatched)")
		return
	}
	// Plain http never carries a credential, routed host or not.
	s.forward(w, r, &reqState{mode: ModeHTTP, scheme: "http", target: a.hostPort(), host: a.host, rt: s.upstream, start: start})
}

// routedHost reports whether a route matches a's host (any port, IP literals never).
func (s *Server) routedHost(a authority) bool {
	if a.ip {
		return false
	}
	for _, r := range s.routes {
		if r.Match.MatchHost(a.host) {
			return true
		}
	}
	return false
}

// interceptRoute returns the route whose connections to a are intercepted: port 443, a
// DNS name the CA covers, matched by a route's host. nil otherwise.
func (s *Server) interceptRoute(a authority) *route {
	if a.ip || a.port != "443" || s.ca == nil || !s.ca.Permits(a.host) {
		return nil
	}
	return s.hostRoute(a.host)
}

// hostRoute returns the best-ranked route whose host matches host, or nil. Its Upstream and
// transport serve every request for host, whichever route's credential the path gets.
func (s *Server) hostRoute(host string) *route {
	var best *route
	for _, r := range s.routes {
		if r.Match.MatchHost(host) && (best == nil || r.rank > best.rank) {
			best = r
		}
	}
	return best
}

// upstreamState starts the state of a request for host served by rt: its Upstream when set,
// else host itself over https, through rt's transport.
func (rt *route) upstreamState(mode, host string, start time.Time) *reqState {
	st := &reqState{mode: mode, scheme: "https", target: host, host: host, rt: rt.rt, start: start}
	if u := rt.Upstream; u != nil {
		st.scheme, st.target = u.Scheme, u.Host
	}
	return st
}

func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request, start time.Time) {
	a, err := parseAuthority(r.RequestURI, true)
	if err != nil {
		s.refuse(w, r, start, "", http.StatusBadRequest, "malformed CONNECT authority")
		return
	}
	if rt := s.interceptRoute(a); rt != nil {
		s.intercept(w, r, a, rt, start)
		return
	}
	if s.deny {
		s.refuse(w, r, start, a.host, http.StatusForbidden, "host not routed by authsome (--deny-unmatched)")
		return
	}
	s.tunnel(w, r, a, start)
}

// refuse answers with a short error and audits it as denied.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, start time.Time, host string, status int, msg string) {
	http.Error(w, "authsome proxy: "+msg, status)
	s.record(Entry{Time: start, Method: r.Method, Host: host, Path: r.URL.Path, Status: status, Duration: time.Since(start), Mode: ModeDenied, Error: msg})
}

func (s *Server) record(e Entry) {
	if s.audit != nil {
		s.audit(e)
	}
}

// hijack takes over the client connection after a 200 to CONNECT. Bytes the client sent
// early (already buffered by the server) are returned in buffered.
func hijack(w http.ResponseWriter) (c net.Conn, buffered []byte, err error) {
	c, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, err
	}
	c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		c.Close()
		return nil, nil, err
	}
	if n := brw.Reader.Buffered(); n > 0 {
		buffered, _ = brw.Reader.Peek(n)
		buffered = append([]byte(nil), buffered...)
	}
	return c, buffered, nil
}

// tunnel relays bytes blind between the client and a.
func (s *Server) tunnel(w http.ResponseWriter, r *http.Request, a authority, start time.Time) {
	up, err := s.dial(r.Context(), "tcp", a.hostPort())
	if err != nil {
		http.Error(w, "authsome proxy: cannot reach "+a.hostPort(), http.StatusBadGateway)
		s.record(Entry{Time: start, Method: r.Method, Host: a.host, Status: http.StatusBadGateway, Duration: time.Since(start), Mode: ModeTunnel, Error: sanitize(err)})
		return
	}
	c, early, err := hijack(w)
	if err != nil {
		up.Close()
		return
	}
	if !s.track(c, up) {
		c.Close()
		up.Close()
		return
	}
	defer s.untrack(c, up)
	var in, out int64
	if len(early) > 0 {
		n, _ := up.Write(early)
		in += int64(n)
	}
	done := make(chan int64, 1)
	go func() {
		n, _ := io.Copy(c, up)
		closeWrite(c)
		done <- n
	}()
	n, _ := io.Copy(up, c)
	in += n
	closeWrite(up)
	out = <-done
	c.Close()
	up.Close()
	s.record(Entry{Time: start, Method: r.Method, Host: a.host, Status: http.StatusOK, BytesIn: in, BytesOut: out, Duration: time.Since(start), Mode: ModeTunnel})
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
		return
	}
	c.Close()
}

func (s *Server) track(cs ...net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed.Load() {
		return false
	}
	for _, c := range cs {
		s.tunnels[c] = struct{}{}
	}
	return true
}

func (s *Server) untrack(cs ...net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		delete(s.tunnels, c)
	}
}

// connInfo is what an intercepted connection was opened for.
type connInfo struct {
	host   string // the CONNECT host, normalised
	route  *route // the route whose host matched; its Upstream and Transport serve the host
	client Client // who opened it, under a Gate
}

type connInfoKey struct{}

// intercept answers 200, then hands the connection, wrapped in TLS with a leaf for the
// CONNECT host, to the MITM HTTP server (HTTP/1.1 and HTTP/2).
func (s *Server) intercept(w http.ResponseWriter, r *http.Request, a authority, rt *route, start time.Time) {
	conf, err := s.tlsConfig(a.host)
	if err != nil {
		http.Error(w, "authsome proxy: cannot intercept "+a.host, http.StatusBadGateway)
		s.record(Entry{Time: start, Method: r.Method, Host: a.host, Status: http.StatusBadGateway, Duration: time.Since(start), Mode: ModeMITM, Error: err.Error()})
		return
	}
	c, early, err := hijack(w)
	if err != nil {
		return
	}
	if len(early) > 0 {
		c = &prefixConn{Conn: c, r: io.MultiReader(bytes.NewReader(early), c)}
	}
	tc := tls.Server(c, conf)
	// The handshake happens here rather than in the MITM server, so that a client that
	// refuses the leaf (it does not trust this proxy's CA) is reported with its host.
	if !s.track(c) {
		c.Close()
		return
	}
	tc.SetDeadline(time.Now().Add(handshakeTimeout))
	err = tc.HandshakeContext(r.Context())
	s.untrack(c)
	if err != nil {
		c.Close()
		s.handshakeFailed(r, a.host, start, err)
		return
	}
	tc.SetDeadline(time.Time{})
	s.mitmConns.Store(tc, &connInfo{host: a.host, route: rt, client: clientOf(r.Context())})
	if !s.mitmLn.push(tc) {
		s.mitmConns.Delete(tc)
		c.Close()
	}
}

const handshakeTimeout = 30 * time.Second

// handshakeFailed audits a failed TLS handshake with the child and, once per host, warns when
// the child gave up on the proxy's certificate: the commonest set-up mistake, a client that
// ignores the CA trust variables.
func (s *Server) handshakeFailed(r *http.Request, host string, start time.Time, err error) {
	msg := "TLS handshake with the client failed: " + err.Error()
	if refusedCert(err) {
		msg = "the client gave up the TLS handshake for " + host + " (" + err.Error() + "), most likely because it does not trust " +
			"the proxy's CA: give it the CA bundle (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS...) or use the base-URL variable"
		if _, warned := s.warned.LoadOrStore(host, true); !warned {
			s.log.Warn("proxy: "+msg, "host", host)
		}
	} else {
		s.log.Debug("proxy: "+msg, "host", host)
	}
	s.record(Entry{Time: start, Method: r.Method, Host: host, Duration: time.Since(start), Mode: ModeMITM, Error: msg})
}

// refusedCert reports whether a server-side handshake error is how clients end a handshake
// whose certificate they could not verify: a certificate alert, an alert that arrives
// undecryptable (OpenSSL under TLS 1.3: "bad record MAC"), or a close.
func refusedCert(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	m := err.Error()
	for _, s := range []string{"bad certificate", "unsupported certificate", "certificate revoked", "certificate expired",
		"certificate unknown", "unknown certificate authority", "bad record MAC"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// tlsConfig returns the cached server TLS configuration for an intercepted host. A client
// whose SNI names another host is refused during the handshake; no SNI means the CONNECT host.
func (s *Server) tlsConfig(host string) (*tls.Config, error) {
	if v, ok := s.tlsConfs.Load(host); ok {
		return v.(*tls.Config), nil
	}
	if _, err := s.ca.leaf(host); err != nil {
		return nil, err
	}
	conf := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if hello.ServerName != "" && !strings.EqualFold(hello.ServerName, host) {
				return nil, fmt.Errorf("proxy: TLS server name %q does not match CONNECT host %q", hello.ServerName, host)
			}
			return s.ca.leaf(host)
		},
	}
	v, _ := s.tlsConfs.LoadOrStore(host, conf)
	return v.(*tls.Config), nil
}

// prefixConn replays bytes read ahead before the rest of the connection.
type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// chanListener is a net.Listener fed by the CONNECT handler with intercepted connections.
type chanListener struct {
	ch     chan net.Conn
	done   chan struct{}
	closeO sync.Once
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) push(c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.closeO.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
