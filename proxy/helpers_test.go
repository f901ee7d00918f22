package proxy

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsome-go/authsome/provider"
)

const (
	graphHost   = "graph.microsoft.com"
	tokenPrefix = "real-token-"
	proxyUser   = "authsome"
	proxyPass   = "s3cret-proxy-pass"
)

// fakeCreds hands out "Bearer real-token-<gen>"; Invalidate moves to the next generation.
type fakeCreds struct {
	header        string // default Authorization
	calls         atomic.Int64
	invalidations atomic.Int64
	gen           atomic.Int64
	delay         time.Duration
	err           error
	// entered, when set, receives a value as each call starts; the call then waits for
	// release (when set) to be closed.
	entered chan struct{}
	release chan struct{}
}

func (f *fakeCreds) AuthHeader(ctx context.Context, prov, conn string) (string, string, error) {
	f.calls.Add(1)
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.release != nil {
		<-f.release
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if f.err != nil {
		return "", "", f.err
	}
	tok := fmt.Sprintf("%s%d", tokenPrefix, f.gen.Load()+1)
	if f.header != "" {
		return f.header, tok, nil
	}
	return "Authorization", "Bearer " + tok, nil
}

func (f *fakeCreds) Invalidate(ctx context.Context, prov, conn string) {
	f.invalidations.Add(1)
	f.gen.Add(1)
}

// seen is one request as a backend received it.
type seen struct {
	Method, Host, Path, Query string
	Auth, APIKey, ProxyAuth   string
	Proto                     string
	Body                      int64
}

// backend is an upstream test server that records what reaches it.
type backend struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []seen
	handler http.HandlerFunc // optional; default writes "ok"
}

func newBackend(t testing.TB, tlsOn bool, conf *tls.Config) *backend {
	b := &backend{}
	b.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.reqs = append(b.reqs, seen{Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"),
			APIKey: r.Header.Get("X-Api-Key"), ProxyAuth: r.Header.Get("Proxy-Authorization"), Proto: r.Proto})
		h := b.handler
		b.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		b.mu.Lock()
		b.reqs[len(b.reqs)-1].Body = n
		b.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	b.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsOn {
		b.EnableHTTP2 = true
		b.TLS = conf
		b.StartTLS()
	} else {
		b.Start()
	}
	t.Cleanup(b.Close)
	return b
}

func (b *backend) requests() []seen {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]seen(nil), b.reqs...)
}

func (b *backend) setHandler(h http.HandlerFunc) {
	b.mu.Lock()
	b.handler = h
	b.mu.Unlock()
}

// sawToken reports whether any request reaching b carried a real credential.
func (b *backend) sawToken() bool {
	for _, r := range b.requests() {
		if strings.Contains(r.Auth+r.APIKey+r.ProxyAuth, tokenPrefix) {
			return true
		}
	}
	return false
}

// testRoot is an unconstrained test CA that the "other" (non-routed) server mints from, so a
// tunnelled client can verify it.
type testRoot struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	mu   sync.Mutex
	m    map[string]*tls.Certificate
}

func newTestRoot(t testing.TB) *testRoot {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test root"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testRoot{cert: cert, key: key, m: map[string]*tls.Certificate{}}
}

func (r *testRoot) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.m[name]; c != nil {
		return c, nil
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if name == "" {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, r.cert, key.Public(), r.key)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	r.m[name] = c
	return c, nil
}

type setup struct {
	routes           []string // api_url of each route; default graph.microsoft.com
	caHosts          []string // extra CA hosts
	deny             bool
	creds            *fakeCreds
	ttl              time.Duration
	noRouteTransport bool // the graph route uses the default upstream transport (system roots)
	routeRoots       bool // the graph route trusts the graph backend through Route.RootCAs, not a Transport
	auditDelay       time.Duration
	auditTo          func(Entry) // also receives every audit entry
	upstream         http.RoundTripper
	now              func() time.Time // the credential entries' clock (nil: time.Now)
	gate             Gate
}

// harness is a proxy with a routed upstream (graph), a TLS server for every other host
// (other, certificates from root) and a plain-http server (plain) for port 80, all reached
// through the proxy's Dial.
type harness struct {
	t         testing.TB
	srv       *Server
	ca        *CA
	proxyURL  *url.URL
	proxyAddr string
	baseURL   string
	creds     *fakeCreds
	graph     *backend
	other     *backend
	plain     *backend
	root      *testRoot
	roots     *x509.CertPool

	mu    sync.Mutex
	dials []string
	audit []Entry
}

const baseSecret = "base-secret-0123"

func newHarness(t testing.TB, cfg setup) *harness {
	t.Helper()
	h := &harness{t: t, creds: cfg.creds, root: newTestRoot(t)}
	if h.creds == nil {
		h.creds = &fakeCreds{}
	}
	h.graph = newBackend(t, true, nil)
	h.other = newBackend(t, true, &tls.Config{GetCertificate: h.root.getCertificate})
	h.plain = newBackend(t, false, nil)
	if cfg.routes == nil {
		cfg.routes = []string{graphHost}
	}
	upURL, _ := url.Parse(h.graph.URL)
	var routes []Route
	hosts := append([]string(nil), cfg.caHosts...)
	for i, api := range cfg.routes {
		m, err := provider.ParseRoute(api)
		if err != nil {
			t.Fatal(err)
		}
		r := Route{Provider: "microsoft", Connection: "default", Match: m, Upstream: upURL, Transport: h.graph.Client().Transport}
		if i > 0 {
			r.Provider = fmt.Sprintf("p%d", i)
		}
		if cfg.noRouteTransport {
			r.Transport = nil
		}
		if cfg.routeRoots {
			r.Transport, r.RootCAs = nil, x509.NewCertPool()
			r.RootCAs.AddCert(h.graph.Certificate())
		}
		if m.Host() != "" {
			hosts = append(hosts, m.Host())
		}
		routes = append(routes, r)
	}
	ca, err := NewCA(hosts, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h.ca = ca
	h.srv, err = New(Options{
		Routes: routes, Credentials: h.creds, DenyUnmatched: cfg.deny, Username: proxyUser, Password: proxyPass, CA: ca,
		Upstream: cfg.upstream, Dial: h.dial, CredentialTTL: cfg.ttl, Gate: cfg.gate,
		Audit: func(e Entry) {
			time.Sleep(cfg.auditDelay)
			if cfg.auditTo != nil {
				cfg.auditTo(e)
			}
			h.mu.Lock()
			h.audit = append(h.audit, e)
			h.mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range h.srv.routes {
		r.cred.now = cfg.now
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go h.srv.Serve(ln)
	go h.srv.ServeBaseURL(bl, baseSecret)
	t.Cleanup(func() { h.srv.Close() })
	h.proxyAddr = ln.Addr().String()
	h.proxyURL = &url.URL{Scheme: "http", User: url.UserPassword(proxyUser, proxyPass), Host: h.proxyAddr}
	h.baseURL = "http://" + bl.Addr().String() + "/" + baseSecret
	h.roots = x509.NewCertPool()
	h.roots.AddCert(ca.Certificate())
	h.roots.AddCert(h.root.cert)
	return h
}

// dial sends port 80 to the plain server, "unreachable.test" nowhere, the graph backend's own
// address to it, the rest to other.
func (h *harness) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	h.mu.Lock()
	h.dials = append(h.dials, addr)
	h.mu.Unlock()
	var d net.Dialer
	switch {
	case addr == h.graph.Listener.Addr().String():
		return d.DialContext(ctx, network, addr)
	case strings.HasPrefix(addr, "unreachable.test:"):
		return nil, errors.New("no route to host")
	case strings.HasSuffix(addr, ":80"):
		return d.DialContext(ctx, network, h.plain.Listener.Addr().String())
	}
	return d.DialContext(ctx, network, h.other.Listener.Addr().String())
}

func (h *harness) dialed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.dials...)
}

// waitEntries waits until at least n audit entries arrived (entries are written after the
// response has gone to the child).
func (h *harness) waitEntries(n int) []Entry {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if es := h.entries(); len(es) >= n {
			return es
		}
		time.Sleep(5 * time.Millisecond)
	}
	return h.entries()
}

func (h *harness) entries() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Entry(nil), h.audit...)
}

// client is an HTTP client behind the proxy that trusts the proxy CA and the test root.
func (h *harness) client(http2 bool) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyURL(h.proxyURL),
		TLSClientConfig:       &tls.Config{RootCAs: h.roots},
		ForceAttemptHTTP2:     http2,
		ExpectContinueTimeout: 5 * time.Second,
	}
	if !http2 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	h.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// get sends a request with the placeholder credential through the proxy.
func (h *harness) get(c *http.Client, method, rawURL string) (*http.Response, string, error) {
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+Placeholder)
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

// connect opens a raw connection to the proxy and sends CONNECT for authority.
func (h *harness) connect(authority string, withAuth bool) (net.Conn, *bufio.Reader, *http.Response) {
	h.t.Helper()
	c, err := net.Dial("tcp", h.proxyAddr)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	req := "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n"
	if withAuth {
		req += "Proxy-Authorization: " + basicAuth(proxyUser, proxyPass) + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		h.t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		h.t.Fatalf("CONNECT %s: %v", authority, err)
	}
	return c, br, resp
}

// interceptTLS opens CONNECT host:443 and a TLS session (HTTP/1.1) with serverName.
func (h *harness) interceptTLS(host, serverName string) (*tls.Conn, error) {
	return h.interceptTLSConfig(host, &tls.Config{ServerName: serverName, RootCAs: h.roots, NextProtos: []string{"http/1.1"}})
}

func (h *harness) interceptTLSConfig(host string, conf *tls.Config) (*tls.Conn, error) {
	c, br, resp := h.connect(host+":443", true)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("CONNECT: %s", resp.Status)
	}
	if br.Buffered() > 0 {
		return nil, errors.New("unexpected bytes after CONNECT response")
	}
	tc := tls.Client(c, conf)
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		return nil, err
	}
	return tc, nil
}

// rawRequest writes raw into conn and reads one response.
func rawRequest(t *testing.T, conn net.Conn, raw string) *http.Response {
	t.Helper()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func basicAuth(user, pass string) string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// issuedByProxy reports whether the server certificate the client saw came from the proxy CA.
func (h *harness) issuedByProxy(resp *http.Response) bool {
	return resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 &&
		resp.TLS.PeerCertificates[0].CheckSignatureFrom(h.ca.Certificate()) == nil
}
