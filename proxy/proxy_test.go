package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/provider"
)

func TestProxyAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	for _, tc := range []struct {
		name, header string
		want         int
	}{
		{"none", "", http.StatusProxyAuthRequired},
		{"wrong password", basicAuth(proxyUser, "nope"), http.StatusProxyAuthRequired},
		{"wrong user", basicAuth("someone", proxyPass), http.StatusProxyAuthRequired},
		{"not basic", "Bearer " + proxyPass, http.StatusProxyAuthRequired},
		{"garbage", "Basic !!!", http.StatusProxyAuthRequired},
		{"right", basicAuth(proxyUser, proxyPass), http.StatusOK},
		{"scheme in lower case", "basic " + strings.TrimPrefix(basicAuth(proxyUser, proxyPass), "Basic "), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", h.proxyAddr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\n"
			if tc.header != "" {
				req += "Proxy-Authorization: " + tc.header + "\r\n"
			}
			io.WriteString(c, req+"\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: "CONNECT"})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.want {
				t.Fatalf("got %s, want %d", resp.Status, tc.want)
			}
			if tc.want == http.StatusProxyAuthRequired && resp.Header.Get("Proxy-Authenticate") != `Basic realm="authsome"` {
				t.Errorf("Proxy-Authenticate = %q", resp.Header.Get("Proxy-Authenticate"))
			}
		})
	}
	// Plain http without credentials is refused too.
	tr := &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: h.proxyAddr})}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://example.test/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusProxyAuthRequired || len(h.plain.requests()) != 0 {
		t.Fatalf("plain http without credentials: %s", resp.Status)
	}
	// The refusals are counted into one summary, audited at the latest on Close.
	h.srv.Close()
	var summaries []Entry
	for _, e := range h.entries() {
		if e.Status == http.StatusProxyAuthRequired {
			summaries = append(summaries, e)
		}
	}
	if len(summaries) != 1 || summaries[0].Kind != KindRefusals || summaries[0].Count != 6 || summaries[0].Mode != ModeDenied {
		t.Errorf("407 audit entries %+v, want one summary counting 6", summaries)
	}
}

func TestInterceptProtocols(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	for _, h2 := range []bool{true, false} {
		resp, body, err := h.get(h.client(h2), "GET", "https://graph.microsoft.com/v1.0/me")
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 2, false: 1}[h2]; resp.ProtoMajor != want || body != "ok" {
			t.Errorf("h2=%v: child got %s %q", h2, resp.Proto, body)
		}
	}
	for _, r := range h.graph.requests() {
		if r.Proto != "HTTP/2.0" {
			t.Errorf("upstream got %s, want HTTP/2 from the pool", r.Proto)
		}
	}
	if got := h.creds.calls.Load(); got != 1 {
		t.Errorf("credential asked %d times, want 1 (cached)", got)
	}
}

func TestUpstreamTLSIsVerified(t *testing.T) {
	t.Parallel()
	// The graph route's upstream has a self-signed test certificate; without the route's
	// trusting transport, the default transport (system roots) must refuse it.
	h := newHarness(t, setup{noRouteTransport: true})
	resp, body, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "authsome_upstream_error") || !strings.Contains(body, "certificate") {
		t.Fatalf("got %s %s", resp.Status, body)
	}
	if len(h.graph.requests()) != 0 {
		t.Fatal("request reached an unverified upstream")
	}
}

// TestRouteRootCAs: a route that names the roots its upstream is verified against (how `run`
// reaches the sandbox) gets a pool of the proxy's own: TLS verified against those roots,
// HTTP/2, and the child's Accept-Encoding and body passed through as they are.
func TestRouteRootCAs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{routeRoots: true})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Accept-Encoding", r.Header.Get("Accept-Encoding"))
		io.WriteString(w, "ok")
	})
	c := h.client(false)
	c.Transport.(*http.Transport).DisableCompression = true // the child sends Accept-Encoding only when asked
	for _, ae := range []string{"", "br"} {
		req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("got %s %q", resp.Status, body)
		}
		if got := resp.Header.Get("X-Accept-Encoding"); got != ae {
			t.Errorf("upstream saw Accept-Encoding %q, the child sent %q", got, ae)
		}
	}
	for _, r := range h.graph.requests() {
		if r.Auth != "Bearer "+tokenPrefix+"1" || r.Proto != "HTTP/2.0" || r.Host != graphHost {
			t.Errorf("upstream saw %+v, want the token over HTTP/2 for Host %s", r, graphHost)
		}
	}
}

func TestCredentialError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{creds: &fakeCreds{err: errors.New("refresh was refused; run `authsome login microsoft`")}})
	resp, body, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Error struct{ Code, Message string }
	}
	if resp.StatusCode != http.StatusBadGateway || json.Unmarshal([]byte(body), &out) != nil || out.Error.Code != "authsome_credential_error" ||
		!strings.Contains(out.Error.Message, "authsome login") {
		t.Fatalf("got %s %s", resp.Status, body)
	}
	if len(h.graph.requests()) != 0 {
		t.Fatal("request sent without a credential")
	}
	es := h.waitEntries(1)
	if len(es) != 1 || es[0].Status != http.StatusBadGateway || es[0].Injected || !strings.Contains(es[0].Error, "refused") {
		t.Fatalf("audit %+v", es)
	}
}

func TestCredentialCacheCoalesces(t *testing.T) {
	t.Parallel()
	creds := &fakeCreds{delay: 50 * time.Millisecond}
	h := newHarness(t, setup{creds: creds})
	c := h.client(true)
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, _, err := h.get(c, "GET", "https://graph.microsoft.com/v1.0/me"); err != nil || resp.StatusCode != 200 {
				t.Errorf("%v %v", resp, err)
			}
		}()
	}
	wg.Wait()
	if got := creds.calls.Load(); got != 1 {
		t.Fatalf("%d credential calls for 64 concurrent requests, want 1", got)
	}

	// Without a cache every request asks.
	creds2 := &fakeCreds{}
	h2 := newHarness(t, setup{creds: creds2, ttl: -1})
	for range 3 {
		h2.get(h2.client(true), "GET", "https://graph.microsoft.com/v1.0/me")
	}
	if got := creds2.calls.Load(); got != 3 {
		t.Fatalf("%d calls without cache, want 3", got)
	}
}

// rejectStale answers 401 to every token but "Bearer real-token-<accept>".
func rejectStale(accept int, graphStyle bool) http.HandlerFunc {
	want := fmt.Sprintf("Bearer %s%d", tokenPrefix, accept)
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != want {
			w.Header().Set("Content-Type", "application/json")
			if !graphStyle {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="expired"`)
			}
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired."}}`)
			return
		}
		w.Write(append([]byte("ok:"), body...))
	}
}

func TestRetryOnRejectedToken(t *testing.T) {
	t.Parallel()
	for _, graphStyle := range []bool{false, true} {
		creds := &fakeCreds{}
		h := newHarness(t, setup{creds: creds})
		c := h.client(true)
		if _, _, err := h.get(c, "GET", "https://graph.microsoft.com/v1.0/me"); err != nil { // caches token 1
			t.Fatal(err)
		}
		// The upstream now wants token 2; the proxy still holds token 1.
		h.graph.setHandler(rejectStale(2, graphStyle))

		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", "https://graph.microsoft.com/v1.0/me/sendMail", strings.NewReader(`{"m":1}`))
				resp, err := c.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != `ok:{"m":1}` {
					t.Errorf("graphStyle=%v: %s %s", graphStyle, resp.Status, b)
				}
			}()
		}
		wg.Wait()
		if got := creds.invalidations.Load(); got != 1 {
			t.Errorf("graphStyle=%v: %d invalidations for 20 rejected requests, want 1", graphStyle, got)
		}
	}
}

func TestNoRetryWhenBodyCannotBeReplayed(t *testing.T) {
	t.Parallel()
	creds := &fakeCreds{}
	h := newHarness(t, setup{creds: creds})
	h.graph.setHandler(rejectStale(99, false))
	// A body of unknown length (chunked) is streamed, so it cannot be sent twice.
	pr, pw := io.Pipe()
	go func() { pw.Write([]byte("streamed")); pw.Close() }()
	req, _ := http.NewRequest("PUT", "https://graph.microsoft.com/v1.0/me/drive/root:/f:/content", pr)
	resp, err := h.client(true).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "InvalidAuthenticationToken") {
		t.Fatalf("got %s %s", resp.Status, b)
	}
	if n := len(h.graph.requests()); n != 1 {
		t.Fatalf("%d upstream requests, want 1", n)
	}
	if creds.invalidations.Load() != 1 {
		t.Fatal("the rejected token was not invalidated for later requests")
	}
	// A 401 without an expired-token signal is passed on untouched.
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	resp, _, err = h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil || resp.StatusCode != 401 || creds.invalidations.Load() != 1 {
		t.Fatalf("plain 401: %v %v, %d invalidations", resp, err, creds.invalidations.Load())
	}
}

func TestBlindTunnel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	c, br, resp := h.connect("files.example.test:443", true)
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	// Speak TLS straight through: the certificate is the other server's own, unchanged.
	tc := tls.Client(&bufConn{Conn: c, r: br}, &tls.Config{ServerName: "files.example.test", RootCAs: h.roots})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	want, _ := h.root.getCertificate(&tls.ClientHelloInfo{ServerName: "files.example.test"})
	if got := tc.ConnectionState().PeerCertificates[0].Raw; string(got) != string(want.Certificate[0]) {
		t.Fatal("tunnel did not present the upstream's certificate unchanged")
	}
	resp2 := rawRequest(t, tc, "GET /x HTTP/1.1\r\nHost: files.example.test\r\nAuthorization: Bearer "+Placeholder+"\r\n\r\n")
	if resp2.StatusCode != 200 {
		t.Fatal(resp2.Status)
	}
	tc.Close()
	// The placeholder went through untouched: the proxy never saw the plaintext.
	if r := h.other.requests(); len(r) != 1 || r[0].Auth != "Bearer "+Placeholder {
		t.Fatalf("other saw %+v", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range h.entries() {
			if e.Mode == ModeTunnel {
				if e.Host != "files.example.test" || e.BytesIn == 0 || e.BytesOut == 0 || e.Injected || e.Method != "CONNECT" {
					t.Fatalf("tunnel entry %+v", e)
				}
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no tunnel audit entry")
}

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func TestTunnelDialFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	_, _, resp := h.connect("unreachable.test:443", true)
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %s", resp.Status)
	}
}

func TestWebSocketUpgrade(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" {
			http.Error(w, "want upgrade", 400)
			return
		}
		w.Header().Set("Upgrade", "websocket")
		w.Header().Set("Connection", "Upgrade")
		w.WriteHeader(http.StatusSwitchingProtocols)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		brw.Flush()
		io.Copy(conn, brw) // echo
	})
	tc, err := h.interceptTLS(graphHost, graphHost)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(tc, "GET /v1.0/subscriptions/socket HTTP/1.1\r\nHost: graph.microsoft.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer "+Placeholder+"\r\n\r\n")
	br := bufio.NewReader(tc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("%v %v", resp, err)
	}
	io.WriteString(tc, "ping-frame")
	buf := make([]byte, len("ping-frame"))
	if _, err := io.ReadFull(br, buf); err != nil || string(buf) != "ping-frame" {
		t.Fatalf("echo %q %v", buf, err)
	}
	if r := h.graph.requests(); len(r) != 1 || r[0].Auth != "Bearer real-token-1" {
		t.Fatalf("upstream saw %+v", r)
	}
	tc.Close()
	if es := h.waitEntries(1); len(es) != 1 || es[0].Status != http.StatusSwitchingProtocols || !es[0].Injected {
		t.Fatalf("audit %+v", es)
	}
}

func TestExpectContinue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	var gotBody int
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/reject" {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		b, _ := io.ReadAll(r.Body)
		gotBody = len(b)
		w.WriteHeader(http.StatusCreated)
	})
	c := h.client(false)
	for _, tc := range []struct {
		path string
		want int
	}{{"/accept", http.StatusCreated}, {"/reject", http.StatusRequestEntityTooLarge}} {
		req, _ := http.NewRequest("PUT", "https://graph.microsoft.com"+tc.path, strings.NewReader(strings.Repeat("x", 3<<20)))
		req.Header.Set("Expect", "100-continue")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Fatalf("%s: %s", tc.path, resp.Status)
		}
	}
	if gotBody != 3<<20 {
		t.Fatalf("upstream read %d bytes", gotBody)
	}
}

func TestStreamingResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	release := make(chan struct{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "first;")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "second")
	})
	resp, err := h.client(true).Get("https://graph.microsoft.com/v1.0/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 6)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "first;" {
		t.Fatalf("first chunk %q %v: the proxy buffered the response", buf, err)
	}
	close(release)
	rest, _ := io.ReadAll(resp.Body)
	if string(rest) != "second" {
		t.Fatalf("rest %q", rest)
	}
}

func TestAuditEntries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	c := h.client(true)
	h.get(c, "POST", "https://graph.microsoft.com/v1.0/me/messages?$filter=secret")
	h.get(c, "GET", "http://plain.test/page?q=1")
	h.get(http.DefaultClient, "GET", h.baseURL+"/graph.microsoft.com/v1.0/me")
	es := h.waitEntries(3)
	if len(es) != 3 {
		t.Fatalf("entries %+v", es)
	}
	m := es[0]
	if m.Mode != ModeMITM || !m.Injected || m.Provider != "microsoft" || m.Connection != "default" || m.Method != "POST" ||
		m.Host != graphHost || m.Path != "/v1.0/me/messages" || m.Status != 200 || m.BytesOut != 2 || m.Time.IsZero() || m.Duration <= 0 {
		t.Errorf("mitm entry %+v", m)
	}
	if p := es[1]; p.Mode != ModeHTTP || p.Injected || p.Host != "plain.test" || p.Path != "/page" {
		t.Errorf("http entry %+v", p)
	}
	if b := es[2]; b.Mode != ModeBaseURL || !b.Injected || b.Host != graphHost || b.Path != "/v1.0/me" {
		t.Errorf("base-url entry %+v", b)
	}
}

func TestBaseURLRedirectStaysOnBaseURL(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.0/old":
			http.Redirect(w, r, "https://graph.microsoft.com/v1.0/new?x=1", http.StatusMovedPermanently)
		case "/v1.0/away":
			http.Redirect(w, r, "https://tenant.sharepoint.test/file?tempauth=t", http.StatusFound)
		default:
			io.WriteString(w, r.URL.Path+"?"+r.URL.RawQuery)
		}
	})
	resp, body, err := h.get(http.DefaultClient, "GET", h.baseURL+"/graph.microsoft.com/v1.0/old")
	if err != nil || resp.StatusCode != 200 || body != "/v1.0/new?x=1" {
		t.Fatalf("%v %q %v", resp, body, err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _, err = h.get(c, "GET", h.baseURL+"/graph.microsoft.com/v1.0/away")
	if err != nil || resp.Header.Get("Location") != "https://tenant.sharepoint.test/file?tempauth=t" {
		t.Fatalf("other-host redirect rewritten: %v %v", resp.Header, err)
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	m, _ := provider.ParseRoute(graphHost)
	ca, _ := NewCA([]string{graphHost}, time.Hour)
	ok := Options{Routes: []Route{{Provider: "microsoft", Match: m}}, Credentials: &fakeCreds{}, Username: "u", Password: "p", CA: ca}
	for name, mut := range map[string]func(*Options){
		"no password":   func(o *Options) { o.Password = "" },
		"colon in user": func(o *Options) { o.Username = "a:b" },
		"no CA":         func(o *Options) { o.CA = nil },
		"no creds":      func(o *Options) { o.Credentials = nil },
		"http upstream": func(o *Options) {
			o.Routes = []Route{{Provider: "microsoft", Match: m, Upstream: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}}}
		},
	} {
		o := ok
		mut(&o)
		if s, err := New(o); err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
		}
	}
	s, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	time.Sleep(20 * time.Millisecond)
	s.Close()
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve returned %v", err)
	}
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := s.Serve(ln2); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Close returned %v", err)
	}
	if err := s.ServeBaseURL(ln2, "a/b"); err == nil {
		t.Fatal("bad secret accepted")
	}
}

func TestCloseEndsTunnels(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	c, _, resp := h.connect("files.example.test:443", true)
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	h.srv.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		t.Fatalf("tunnel still open after Close: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestCredentialEntry(t *testing.T) {
	t.Parallel()
	creds := &fakeCreds{}
	var mu sync.Mutex
	clock := time.Unix(1_700_000_000, 0)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	e := &credEntry{src: creds, inv: creds, provider: "p", connection: "c", ttl: 30 * time.Second, now: now}
	ctx := t.Context()
	_, v1, _ := e.get(ctx)
	_, again, _ := e.get(ctx)
	if v1 != "Bearer real-token-1" || again != v1 || creds.calls.Load() != 1 {
		t.Fatalf("cached: %q %q, %d calls", v1, again, creds.calls.Load())
	}
	advance(40 * time.Second)
	if _, v, _ := e.get(ctx); v != v1 || creds.calls.Load() != 2 {
		t.Fatalf("after the TTL: %q, %d calls, want a new call", v, creds.calls.Load())
	}
	// A rejection invalidates once; a second rejection of the same old value does not.
	_, v2, _ := e.reject(ctx, v1)
	_, v2b, _ := e.reject(ctx, v1)
	if v2 != "Bearer real-token-2" || v2b != v2 || creds.invalidations.Load() != 1 {
		t.Fatalf("reject: %q %q, %d invalidations", v2, v2b, creds.invalidations.Load())
	}
	// An error is not cached.
	creds.err = errors.New("offline")
	e2 := &credEntry{src: creds, provider: "p", connection: "c", ttl: time.Minute}
	if _, _, err := e2.get(ctx); err == nil {
		t.Fatal("no error")
	}
	creds.err = nil
	if _, v, err := e2.get(ctx); err != nil || v == "" {
		t.Fatalf("after recovery: %q %v", v, err)
	}
	// A caller that gives up does not cancel the call the others share: the call is held
	// until the impatient caller has returned.
	slow := &fakeCreds{entered: make(chan struct{}, 1), release: make(chan struct{})}
	e3 := &credEntry{src: slow, provider: "p", connection: "c", ttl: time.Minute}
	cctx, cancel := context.WithCancel(ctx)
	go func() { <-slow.entered; cancel() }()
	if _, _, err := e3.get(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("impatient caller: %v", err)
	}
	close(slow.release)
	if _, v, err := e3.get(ctx); err != nil || v == "" || slow.calls.Load() != 1 {
		t.Fatalf("shared call: %q %v, %d calls", v, err, slow.calls.Load())
	}
}

// connectFirst is a connection whose first Read consumes the proxy's answer to CONNECT, so a
// TLS client can send its ClientHello before that answer arrives (pipelining).
type connectFirst struct {
	net.Conn
	br     *bufio.Reader
	once   sync.Once
	status int
}

func (c *connectFirst) Read(p []byte) (int, error) {
	c.once.Do(func() {
		if resp, err := http.ReadResponse(c.br, &http.Request{Method: "CONNECT"}); err == nil {
			c.status = resp.StatusCode
		}
	})
	return c.br.Read(p)
}

func TestPipelinedConnect(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	for _, host := range []string{graphHost, "files.example.test"} {
		c, err := net.Dial("tcp", h.proxyAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "CONNECT "+host+":443 HTTP/1.1\r\nHost: "+host+":443\r\nProxy-Authorization: "+basicAuth(proxyUser, proxyPass)+"\r\n\r\n")
		cf := &connectFirst{Conn: c, br: bufio.NewReader(c)}
		tc := tls.Client(cf, &tls.Config{ServerName: host, RootCAs: h.roots, NextProtos: []string{"http/1.1"}})
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil || cf.status != 200 {
			t.Fatalf("%s: handshake %v, CONNECT status %d", host, err, cf.status)
		}
		if resp := rawRequest(t, tc, "GET /v1.0/me HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); resp.StatusCode != 200 {
			t.Fatalf("%s: %s", host, resp.Status)
		}
	}
	if len(h.graph.requests()) != 1 || len(h.other.requests()) != 1 || !h.graph.sawToken() || h.other.sawToken() {
		t.Fatalf("graph %+v other %+v", h.graph.requests(), h.other.requests())
	}
}

// TestUntrustingClientIsReported: a child that does not trust the proxy's CA fails its
// handshake; the proxy audits it with the host and says what to do, and never reaches the
// upstream.
func TestUntrustingClientIsReported(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	for range 2 {
		_, err := h.interceptTLSConfig(graphHost, &tls.Config{ServerName: graphHost, RootCAs: x509.NewCertPool(), NextProtos: []string{"http/1.1"}})
		if err == nil {
			t.Fatal("handshake succeeded without trusting the proxy CA")
		}
	}
	es := h.waitEntries(2)
	if len(es) != 2 {
		t.Fatalf("%d audit entries, want 2: %+v", len(es), es)
	}
	for _, e := range es {
		if e.Host != graphHost || e.Mode != ModeMITM || e.Injected || !strings.Contains(e.Error, "does not trust the proxy's CA") ||
			!strings.Contains(e.Error, "SSL_CERT_FILE") {
			t.Errorf("entry %+v", e)
		}
	}
	if len(h.graph.requests()) != 0 {
		t.Error("a request reached the upstream")
	}
	// A trusting client on the same host still works.
	resp, body, err := h.get(h.client(false), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil || resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("trusting client: %v %v %q", resp, err, body)
	}
}

// TestCloseWaitsForAudit: Close cuts a request in flight but returns only after its handler
// has made its audit entry, so `run` closing the audit log right after loses nothing.
func TestCloseWaitsForAudit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{auditDelay: 50 * time.Millisecond})
	arrived := make(chan struct{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done() // until the proxy gives up on the request
	})
	go h.get(h.client(false), "GET", "https://graph.microsoft.com/v1.0/slow")
	<-arrived
	if err := h.srv.Close(); err != nil {
		t.Log(err)
	}
	es := h.entries()
	if len(es) != 1 || es[0].Path != "/v1.0/slow" {
		t.Fatalf("after Close, audit holds %+v; want the cut request", es)
	}
}

// TestAbortedResponseIsAudited: when the upstream dies in the middle of a body, the reverse
// proxy aborts the child's response; the request is still audited, as cut short.
func TestAbortedResponseIsAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write(make([]byte, 10))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	resp, _, err := h.get(h.client(false), "GET", "https://graph.microsoft.com/v1.0/me/drive/items/x/content")
	if err == nil && resp.StatusCode == 200 {
		t.Log("the child read a short body without an error") // acceptable: the length tells
	}
	es := h.waitEntries(1)
	if len(es) != 1 || !strings.Contains(es[0].Error, "cut short") || es[0].Path != "/v1.0/me/drive/items/x/content" {
		t.Fatalf("audit %+v, want the request marked as cut short", es)
	}
}
