package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// runningGateway is an `authsome serve --json` process.
type runningGateway struct {
	cmd    *exec.Cmd
	Listen string `json:"listen"`
	URL    string `json:"url"`
	CAFile string `json:"ca_file"`
	roots  *x509.CertPool
	logs   safeBuffer // its stderr: JSON logs
}

func (e *env) startGateway(t *testing.T, extra ...string) *runningGateway {
	t.Helper()
	g := &runningGateway{}
	g.cmd = e.cmd(t.Context(), append([]string{"serve", "--listen", "127.0.0.1:0", "--hostname", "gateway.test", "--json"}, extra...)...)
	g.cmd.Stderr = &g.logs
	stdout, err := g.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if g.cmd.ProcessState == nil {
			g.cmd.Process.Kill()
			g.cmd.Wait()
		}
	})
	if err := json.NewDecoder(stdout).Decode(g); err != nil {
		g.cmd.Wait()
		t.Fatalf("serve: reading its JSON: %v; stderr:\n%s", err, g.logs.String())
	}
	pemData, err := os.ReadFile(g.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	g.roots = x509.NewCertPool()
	g.roots.AppendCertsFromPEM(pemData)
	return g
}

// proxyClient is an HTTP client that uses the gateway as its HTTPS proxy with an agent's
// credential, trusting the gateway's CA (for the proxy and the intercepted Graph host).
func (g *runningGateway) proxyClient(name, cred string) *http.Client {
	u, _ := url.Parse(g.URL)
	u.User = url.UserPassword(name, cred)
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(u),
		TLSClientConfig: &tls.Config{RootCAs: g.roots}, DialContext: g.dial}}
}

// dial reaches the gateway, which agents know as gateway.test, on its loopback address.
func (g *runningGateway) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, g.Listen)
}

// apiClient is an HTTP client for the gateway's own endpoints.
func (g *runningGateway) apiClient() *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: g.roots}, DialContext: g.dial}}
}

// do sends method url (with the agent's Bearer credential when cred is set) and returns the
// status and body; a transport error is status 0.
func do(t *testing.T, c *http.Client, method, u, cred, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if cred != "" {
		req.Header.Set("Authorization", "Bearer "+cred)
	}
	if strings.HasPrefix(u, "https://graph.microsoft.com/") {
		req.Header.Set("Authorization", "Bearer authsome-proxy-managed")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// addAgent runs `agent add` and returns the credential.
func (e *env) addAgent(t *testing.T, args ...string) string {
	t.Helper()
	var out struct {
		Credential string `json:"credential"`
	}
	r := e.ok(append([]string{"agent", "add", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || !strings.HasPrefix(out.Credential, "asa1.") {
		t.Fatalf("agent add: %q (%v)", r.stdout, err)
	}
	return out.Credential
}

// holdingFront puts a TLS server in front of the sandbox, as the gateway's Graph upstream:
// it forwards every request, except that those carrying X-Test-Hold wait for release after
// signalling arrived.
func holdingFront(t *testing.T, e *env) (arrived chan struct{}, release chan struct{}) {
	t.Helper()
	arrived, release = make(chan struct{}, 2), make(chan struct{})
	target, _ := url.Parse(e.sb.URL())
	rp := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(target); pr.Out.Host = pr.In.Host },
		Transport: e.sb.Client().Transport,
	}
	front := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test-Hold") != "" {
			arrived <- struct{}{}
			<-release
		}
		rp.ServeHTTP(w, r)
	}))
	front.StartTLS()
	t.Cleanup(front.Close)
	caFile := filepath.Join(t.TempDir(), "front.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: front.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	info := e.sb.Info()
	info.URL, info.CAFile = front.URL, caFile
	if err := sandbox.WriteInfo(filepath.Join(e.home, "sandbox.json"), info); err != nil {
		t.Fatal(err)
	}
	return arrived, release
}

// sandboxSaw reports whether a request for path reached the sandbox.
func (e *env) sandboxSaw(path string) bool {
	for _, r := range e.sb.Requests() {
		if strings.EqualFold(r.Path, path) {
			return true
		}
	}
	return false
}

// metricValue returns the value of the sample of name whose labels include every label
// (`key="value"`), or -1.
func metricValue(t *testing.T, text, name string, labels ...string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\{([^}]*)\} (\S+)$`)
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(","+m[1]+",", ","+l+",")
		}
		if ok {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	return -1
}

const graphMe = "https://graph.microsoft.com/v1.0/me"

func TestGateway(t *testing.T) {
	skipShort(t)
	e, tok := attackSignedIn(t)
	arrived, release := holdingFront(t, e)
	reader := e.addAgent(t, "reader", "--grant", "microsoft:default", "--allow", "GET /v1.0/me/messages*", "--allow", "GET /v1.0/me/messages/*")
	other := e.addAgent(t, "other", "--grant", "microsoft:default")
	late := e.addAgent(t, "late", "--grant", "microsoft:default", "--expires", "30d")
	if r := e.run("", "agent", "add", "bad", "--grant", "microsoft:nope"); r.code == 0 {
		t.Error("an agent was added for a connection that does not exist")
	}
	g1, g2 := e.startGateway(t), e.startGateway(t)
	api := g1.apiClient()
	e.sb.ClearRequests()

	t.Run("proxy", func(t *testing.T) {
		c := g1.proxyClient("reader", reader)
		if st, body := do(t, c, "GET", graphMe+"/messages?$top=2", "", ""); st != 200 || !strings.Contains(body, `"value"`) {
			t.Fatalf("GET /me/messages through the proxy: %d %s", st, body)
		}
		st, body := do(t, c, "GET", graphMe+"/contacts", "", "")
		if st != 403 || !strings.Contains(body, "authsome_outside_grant") || !strings.Contains(body, "outside the agent's grant") {
			t.Errorf("GET /me/contacts: %d %s, want 403 outside the grant", st, body)
		}
		for _, p := range []string{"/messages/..%2fcontacts", "/messages/%2e%2e/contacts", "/MESSAGES/%252e%252e/contacts"} {
			if st, body := do(t, c, "GET", graphMe+p, "", ""); st != 403 {
				t.Errorf("GET /me%s: %d %s, want 403", p, st, body)
			}
		}
		batch := `{"requests":[{"id":"1","method":"GET","url":"/me/messages"},{"id":"2","method":"GET","url":"/me/contacts"}]}`
		if st, body := do(t, c, "POST", "https://graph.microsoft.com/v1.0/$batch", "", batch); st != 403 || !strings.Contains(body, `\"2\"`) {
			t.Errorf("$batch with a contacts item: %d %s, want 403 naming item 2", st, body)
		}
		if st, _ := do(t, c, "GET", graphMe+"/messages?$expand=attachments", "", ""); st != 403 {
			t.Errorf("$expand=attachments: %d, want 403", st)
		}
		if st, _ := do(t, g1.proxyClient("reader", "asa1.nope.nope"), "GET", graphMe+"/messages", "", ""); st != 0 && st != 407 {
			t.Errorf("a wrong credential: %d, want the proxy to refuse (407)", st)
		}
	})

	t.Run("api", func(t *testing.T) {
		st, body := do(t, api, "GET", g1.URL+"/v1/connections", reader, "")
		if st != 200 || !strings.Contains(body, `"provider":"microsoft"`) || !strings.Contains(body, `"url":"/v1/graph/microsoft/default"`) {
			t.Fatalf("GET /v1/connections: %d %s", st, body)
		}
		if st, body := do(t, api, "GET", g1.URL+"/v1/graph/microsoft/default/v1.0/me/messages?$top=1", reader, ""); st != 200 || !strings.Contains(body, `"value"`) {
			t.Errorf("GET /v1/graph/.../me/messages: %d %s", st, body)
		}
		if st, body := do(t, api, "GET", g1.URL+"/v1/graph/microsoft/default/v1.0/me/contacts", reader, ""); st != 403 || !strings.Contains(body, "authsome_outside_grant") {
			t.Errorf("GET /v1/graph/.../me/contacts: %d %s", st, body)
		}
		if st, _ := do(t, api, "GET", g1.URL+"/v1/graph/microsoft/other/v1.0/me/messages", reader, ""); st != 403 {
			t.Errorf("a connection outside the grant: %d, want 403", st)
		}
		if st, _ := do(t, api, "GET", g1.URL+"/v1/connections", "", ""); st != 401 {
			t.Errorf("no credential: %d, want 401", st)
		}
		if st, _ := do(t, api, "GET", g1.URL+"/v1/connections", reader+"x", ""); st != 401 {
			t.Errorf("a wrong credential: %d, want 401", st)
		}
	})
	if e.sandboxSaw("/v1.0/me/contacts") || e.sandboxSaw("/v1.0/$batch") {
		t.Error("a request outside the grant reached the sandbox")
	}
	if !e.sandboxSaw("/v1.0/me/messages") {
		t.Error("no allowed request reached the sandbox")
	}

	t.Run("health and metrics", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			if st, body := do(t, api, "GET", g1.URL+p, "", ""); st != 200 {
				t.Errorf("%s: %d %s", p, st, body)
			}
		}
		_, text := do(t, api, "GET", g1.URL+"/metrics", "", "")
		agent, conn := `agent="reader"`, `connection="microsoft:default"`
		if v := metricValue(t, text, "authsome_gateway_injections_total", agent, conn); v != 2 {
			t.Errorf("injections of reader: %v, want 2\n%s", v, text)
		}
		if v := metricValue(t, text, "authsome_gateway_requests_total", agent, conn, `mode="mitm"`, `code="200"`); v != 1 {
			t.Errorf("requests through the proxy: %v, want 1", v)
		}
		if v := metricValue(t, text, "authsome_gateway_requests_total", agent, conn, `mode="api"`, `code="200"`); v != 1 {
			t.Errorf("requests through the API: %v, want 1", v)
		}
		if v := metricValue(t, text, "authsome_gateway_refusals_total", agent, conn); v < 7 {
			t.Errorf("refusals of reader: %v, want at least 7", v)
		}
		if v := metricValue(t, text, "authsome_gateway_request_duration_seconds_count", agent, conn); v < 9 {
			t.Errorf("latency observations: %v", v)
		}
		if v := metricValue(t, text, "authsome_gateway_authentication_failures_total", `mode="api"`); v != 2 {
			t.Errorf("API authentication failures: %v, want 2", v)
		}
		for _, name := range []string{"authsome_gateway_refreshes_total", "authsome_gateway_refresh_failures_total"} {
			if !strings.Contains(text, "# TYPE "+name+" counter") {
				t.Errorf("no %s", name)
			}
		}
		if strings.Contains(text, reader) {
			t.Error("the metrics hold a credential")
		}
	})

	t.Run("allowed batch", func(t *testing.T) {
		// The body read for checking is sent on intact.
		batch := `{"requests":[{"id":"1","method":"GET","url":"/me/messages?$top=1"},{"id":"2","method":"GET","url":"/users/` +
			firstUser(t).UserPrincipalName + `/messages?$top=1"}]}`
		st, body := do(t, g1.proxyClient("reader", reader), "POST", "https://graph.microsoft.com/v1.0/$batch", "", batch)
		if st != 200 || strings.Count(body, `"status":200`) != 2 {
			t.Errorf("$batch of allowed items: %d %s", st, body)
		}
	})

	t.Run("revoke, rotate, expiry", func(t *testing.T) {
		keep := g2.proxyClient("other", other) // its intercepted connection stays open across the revocation
		if st, _ := do(t, keep, "GET", graphMe+"/messages", "", ""); st != 200 {
			t.Fatalf("other before revocation: %d", st)
		}
		e.ok("agent", "revoke", "other")
		for i, g := range []*runningGateway{g1, g2} {
			if st, _ := do(t, g.apiClient(), "GET", g.URL+"/v1/connections", other, ""); st != 401 {
				t.Errorf("gateway %d: revoked agent on the API: %d, want 401", i+1, st)
			}
			if st, _ := do(t, g.proxyClient("other", other), "GET", graphMe+"/messages", "", ""); st == 200 {
				t.Errorf("gateway %d: revoked agent through the proxy: 200", i+1)
			}
		}
		if st, _ := do(t, keep, "GET", graphMe+"/messages", "", ""); st != 401 {
			t.Errorf("revoked agent on its open connection: %d, want 401", st)
		}

		var rot struct {
			Credential string `json:"credential"`
		}
		if err := json.Unmarshal([]byte(e.ok("agent", "rotate", "reader", "--json").stdout), &rot); err != nil {
			t.Fatal(err)
		}
		if st, _ := do(t, api, "GET", g1.URL+"/v1/connections", reader, ""); st != 401 {
			t.Errorf("rotated-away credential: %d, want 401", st)
		}
		if st, _ := do(t, api, "GET", g1.URL+"/v1/connections", rot.Credential, ""); st != 200 {
			t.Errorf("new credential: %d, want 200", st)
		}

		if st, _ := do(t, api, "GET", g1.URL+"/v1/connections", late, ""); st != 200 {
			t.Fatalf("late before expiry: %d", st)
		}
		expireAgent(t, filepath.Join(e.home, "profiles", "default", "agents.json"), "late")
		if st, _ := do(t, api, "GET", g2.URL+"/v1/connections", late, ""); st != 401 {
			t.Errorf("expired agent: %d, want 401", st)
		}
		var list struct {
			Agents []struct {
				Name, Status string
			} `json:"agents"`
		}
		out := e.ok("agent", "list", "--json").stdout
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(list.Agents)
		if got != "[{late expired} {other revoked} {reader active}]" {
			t.Errorf("agent list: %s", got)
		}
		for _, secret := range []string{reader, other, late, rot.Credential} {
			if strings.Contains(out, secret) || strings.Contains(readFile(t, filepath.Join(e.home, "profiles", "default", "agents.json")), secret) {
				t.Error("a credential is kept or listed in clear")
			}
		}
	})

	t.Run("mtls", func(t *testing.T) {
		cert, certFile := clientCertificate(t)
		var added struct {
			CertSHA256 string `json:"cert_sha256"`
		}
		out := e.ok("agent", "add", "certbot", "--grant", "microsoft:default", "--allow", "GET /v1.0/me/messages*", "--client-cert", certFile, "--json").stdout
		if err := json.Unmarshal([]byte(out), &added); err != nil || len(added.CertSHA256) != 64 || strings.Contains(out, "credential") {
			t.Fatalf("agent add --client-cert: %s", out)
		}
		api := withCert(g2.apiClient(), cert)
		if st, body := do(t, api, "GET", g2.URL+"/v1/connections", "", ""); st != 200 || !strings.Contains(body, `"agent":"certbot"`) {
			t.Fatalf("API with the client certificate: %d %s", st, body)
		}
		pc := withCert(g2.proxyClient("", ""), cert)
		pc.Transport.(*http.Transport).Proxy = http.ProxyURL(&url.URL{Scheme: "https", Host: strings.TrimPrefix(g2.URL, "https://")})
		if st, body := do(t, pc, "GET", graphMe+"/messages?$top=1", "", ""); st != 200 {
			t.Errorf("proxy with the client certificate: %d %s", st, body)
		}
		if st, _ := do(t, pc, "GET", graphMe+"/contacts", "", ""); st != 403 {
			t.Errorf("proxy with the client certificate, outside the grant: %d", st)
		}
		if st, _ := do(t, g2.apiClient(), "GET", g2.URL+"/v1/connections", "", ""); st != 401 {
			t.Errorf("API without certificate or credential: %d", st)
		}
		other, _ := clientCertificate(t)
		if st, _ := do(t, withCert(g2.apiClient(), other), "GET", g2.URL+"/v1/connections", "", ""); st != 401 {
			t.Errorf("API with an unknown certificate: %d", st)
		}
		e.ok("agent", "revoke", "certbot")
		if st, _ := do(t, withCert(g2.apiClient(), cert), "GET", g2.URL+"/v1/connections", "", ""); st != 401 {
			t.Errorf("revoked certificate agent: %d", st)
		}
	})

	t.Run("graceful shutdown", func(t *testing.T) {
		cred := e.addAgent(t, "other2", "--grant", "microsoft:default")
		type answer struct {
			st   int
			body string
		}
		// One request through the proxy and one through the API, both held upstream.
		done := make(chan answer, 2)
		send := func(c *http.Client, u, bearer string) {
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("X-Test-Hold", "1")
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			resp, err := c.Do(req)
			if err != nil {
				done <- answer{0, err.Error()}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			done <- answer{resp.StatusCode, string(b)}
		}
		go send(g1.proxyClient("other2", cred), graphMe+"/messages", "")
		go send(g1.apiClient(), g1.URL+"/v1/graph/microsoft/default/v1.0/me/messages", cred)
		for range 2 {
			select {
			case <-arrived:
			case a := <-done:
				t.Fatalf("a held request ended early: %d %s", a.st, a.body)
			}
		}
		if err := g1.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		// The gateway stops accepting connections while the request is in flight.
		for deadline := time.Now().Add(30 * time.Second); ; {
			conn, err := net.Dial("tcp", g1.Listen)
			if err != nil {
				break
			}
			conn.Close()
			if time.Now().After(deadline) {
				t.Fatal("the gateway still accepts connections after SIGTERM")
			}
			time.Sleep(10 * time.Millisecond)
		}
		close(release)
		for range 2 {
			if a := <-done; a.st != 200 || !strings.Contains(a.body, `"value"`) {
				t.Errorf("a request in flight: %d %s, want it finished", a.st, a.body)
			}
		}
		if err := g1.cmd.Wait(); err != nil {
			t.Errorf("serve after SIGTERM: %v", err)
		}
	})
	if st, body := do(t, g2.apiClient(), "GET", g2.URL+"/readyz", "", ""); st != 200 {
		t.Errorf("the other replica: %d %s", st, body)
	}

	// The refusals are in the profile's audit log, with the agent; no secret is in the logs.
	audit := readFile(t, filepath.Join(e.home, "profiles", "default", "audit.log"))
	if !regexp.MustCompile(`"agent":"reader"[^\n]*"path":"/v1.0/me/contacts","status":403[^\n]*"mode":"denied"`).MatchString(audit) {
		t.Errorf("no audit entry for the refused request:\n%s", audit)
	}
	logs := g1.logs.String() + g2.logs.String()
	if !strings.Contains(logs, `"msg":"request"`) || !strings.Contains(logs, `"agent":"reader"`) {
		t.Errorf("no JSON request logs:\n%s", logs)
	}
	for _, secret := range []string{tok, reader, other, late} {
		if strings.Contains(logs, secret) || strings.Contains(audit, secret) {
			t.Error("a secret is in the gateway's logs or the audit log")
		}
	}
}

// expireAgent sets an agent's expiry in the past in the agents file, as time would.
func expireAgent(t *testing.T, path, name string) {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal([]byte(readFile(t, path)), &f); err != nil {
		t.Fatal(err)
	}
	for _, a := range f["agents"].([]any) {
		if m := a.(map[string]any); m["name"] == name {
			m["expires_at"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)
		}
	}
	b, _ := json.Marshal(f)
	tmp := path + ".test"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(b))
}

// clientCertificate makes a self-signed client certificate and writes it as PEM.
func clientCertificate(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, der, err := selfSigned(&x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "agent"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "agent.pem")
	if err := writeCertPEM(path, der); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, path
}

// withCert makes c present cert in its TLS handshakes.
func withCert(c *http.Client, cert tls.Certificate) *http.Client {
	c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{cert}
	return c
}
