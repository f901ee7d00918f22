package e2e

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newAttackEnv is newEnv with the sandbox approving device codes by itself (so logins need no
// hand-holding and may run concurrently) and a private TMPDIR, so that what `run` and `proxy`
// write lands under t.TempDir() too.
func newAttackEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, envOptions{})
	st := e.sb.Settings()
	st.AutoApprove = true
	st.DeviceInterval = time.Second // the shortest a client honours (a 0 s interval means 5 s)
	e.sb.SetSettings(st)
	e.vars = append(e.vars, "TMPDIR="+t.TempDir())
	return e
}

// login signs in to the sandbox with the device code flow (auto-approved by newAttackEnv) and
// returns the result without failing the test, so it may run from several goroutines.
func (e *env) login(extra ...string) result {
	return e.run("", append([]string{"login", "microsoft", "--cloud", "sandbox", "--flow", "device_code"}, extra...)...)
}

// attackSignedIn is a home with one signed-in user connection ("default") and its access token.
func attackSignedIn(t *testing.T) (*env, string) {
	t.Helper()
	e := newAttackEnv(t)
	e.signInInProcess(t, e.sb.Info().Users[0].UserPrincipalName)
	tok := e.vaultToken(t)
	e.sb.ClearRequests()
	return e, tok
}

// runningProxy is an `authsome proxy --json` process of the test's env.
type runningProxy struct {
	cmd      *exec.Cmd
	ProxyURL string            `json:"proxy_url"`
	CAFile   string            `json:"ca_file"`
	CABundle string            `json:"ca_bundle"`
	BaseURLs map[string]string `json:"base_urls"`
	proxy    *url.URL
	roots    *x509.CertPool
}

func (e *env) startProxy(t *testing.T, extra ...string) *runningProxy {
	t.Helper()
	p := &runningProxy{}
	p.cmd = e.startJSON(t, p, append([]string{"proxy", "--json"}, extra...)...)
	u, err := url.Parse(p.ProxyURL)
	if err != nil {
		t.Fatal(err)
	}
	p.proxy = u
	pem, err := os.ReadFile(p.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	p.roots = x509.NewCertPool()
	p.roots.AppendCertsFromPEM(pem)
	return p
}

func (p *runningProxy) addr() string { return p.proxy.Host }

// authHeader is the Proxy-Authorization value with the proxy's per-run credentials.
func (p *runningProxy) authHeader() string {
	pass, _ := p.proxy.User.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(p.proxy.User.Username()+":"+pass))
}

// graphBase is the base URL the proxy serves Graph on.
func (p *runningProxy) graphBase() string { return p.BaseURLs["MICROSOFT_GRAPH_URL"] }

// client is an HTTP client behind the proxy that trusts its CA (HTTP/2 when h2).
func (p *runningProxy) client(h2 bool) *http.Client {
	tr := &http.Transport{Proxy: http.ProxyURL(p.proxy), TLSClientConfig: &tls.Config{RootCAs: p.roots}, ForceAttemptHTTP2: h2}
	if !h2 {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// connect sends CONNECT authority (with the credentials when auth) and reads the answer.
func (p *runningProxy) connect(t *testing.T, authority string, auth bool) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	return p.connectHost(t, authority, authority, auth)
}

// connectHost is connect with a Host header that may differ from the CONNECT target.
func (p *runningProxy) connectHost(t *testing.T, authority, host string, auth bool) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	req := "CONNECT " + authority + " HTTP/1.1\r\nHost: " + host + "\r\n"
	if auth {
		req += "Proxy-Authorization: " + p.authHeader() + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: "CONNECT"})
	if err != nil {
		t.Fatalf("CONNECT %q: %v", authority, err)
	}
	return c, br, resp
}

// mitm opens an intercepted TLS connection to host through the proxy, speaking HTTP/1.1 (or
// the given ALPN protocols), with serverName as SNI.
func (p *runningProxy) mitm(t *testing.T, host, serverName string, alpn ...string) (*tls.Conn, error) {
	t.Helper()
	c, br, resp := p.connect(t, host+":443", true)
	if resp.StatusCode != 200 {
		t.Fatalf("CONNECT %s: %s", host, resp.Status)
	}
	if len(alpn) == 0 {
		alpn = []string{"http/1.1"}
	}
	tc := tls.Client(&bufferedConn{Conn: c, r: br}, &tls.Config{ServerName: serverName, RootCAs: p.roots, NextProtos: alpn})
	tc.SetDeadline(time.Now().Add(30 * time.Second))
	return tc, tc.Handshake()
}

type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }

// exchange writes raw on conn and reads one response with its body; a closed connection
// yields a nil response.
func exchange(t *testing.T, conn net.Conn, br *bufio.Reader, raw, method string) (*http.Response, string) {
	t.Helper()
	if _, err := io.WriteString(conn, raw); err != nil {
		return nil, ""
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return nil, ""
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// graphRequestCount is how many requests for a Graph path (any) reached the sandbox.
func (e *env) graphRequestCount() int {
	n := 0
	for _, r := range e.sb.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") || strings.HasPrefix(r.Path, "/beta/") {
			n++
		}
	}
	return n
}

// homeFiles lists every regular file under dir (relative paths), failing the test on error.
func homeFiles(t *testing.T, dir string) map[string]os.FileInfo {
	t.Helper()
	out := map[string]os.FileInfo{}
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = fi
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustStatus fails unless resp (nil when the connection was closed) is one of want; 0 in want
// accepts a closed connection.
func mustStatus(t *testing.T, what string, resp *http.Response, want ...int) {
	t.Helper()
	got := 0
	if resp != nil {
		got = resp.StatusCode
	}
	for _, w := range want {
		if got == w {
			return
		}
	}
	t.Errorf("%s: status %d, want one of %v", what, got, want)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
