package proxy

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestHostConfusion proves that the credential reaches only the routed host, whatever the
// child does to spell, hide or redirect the host. After each case no request seen by the
// non-routed servers carries the token; graphToken says whether the routed upstream got it.
func TestHostConfusion(t *testing.T) {
	t.Parallel()
	type tc struct {
		name       string
		setup      setup
		graphToken bool
		run        func(t *testing.T, h *harness)
	}
	// tunnelled asserts a request to rawURL was tunnelled blind (certificate of the other
	// server, not the proxy CA) and dialled as dialAddr.
	tunnelled := func(rawURL, dialAddr string) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			resp, _, err := h.get(h.client(true), "GET", rawURL)
			if err == nil && h.issuedByProxy(resp) {
				t.Fatalf("%s was intercepted", rawURL)
			}
			if !slices.Contains(h.dialed(), dialAddr) {
				t.Fatalf("dialled %v, want %s", h.dialed(), dialAddr)
			}
			if len(h.graph.requests()) != 0 {
				t.Fatalf("routed upstream reached: %v", h.graph.requests())
			}
		}
	}
	// badConnect asserts the proxy refuses a CONNECT authority with 400 without dialling.
	badConnect := func(authority string) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			_, _, resp := h.connect(authority, true)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("CONNECT %q: %s, want 400", authority, resp.Status)
			}
			if len(h.dialed()) != 0 {
				t.Fatalf("dialled %v", h.dialed())
			}
		}
	}
	// insideTunnel sends raw inside an intercepted connection and expects status.
	insideTunnel := func(raw string, status int) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			conn, err := h.interceptTLS(graphHost, graphHost)
			if err != nil {
				t.Fatal(err)
			}
			if resp := rawRequest(t, conn, raw); resp.StatusCode != status {
				t.Fatalf("got %s, want %d", resp.Status, status)
			}
			if n := len(h.graph.requests()); n != 0 {
				t.Fatalf("routed upstream got %d requests", n)
			}
		}
	}
	expectAuth := func(path, want string) func(t *testing.T, h *harness) {
		return func(t *testing.T, h *harness) {
			resp, _, err := h.get(h.client(true), "GET", "https://graph.microsoft.com"+path)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 {
				t.Fatalf("status %s", resp.Status)
			}
			reqs := h.graph.requests()
			if len(reqs) != 1 || reqs[0].Auth != want {
				t.Fatalf("upstream saw %+v, want Authorization %q", reqs, want)
			}
		}
	}
	prefix := setup{routes: []string{"https://graph.microsoft.com/v1.0"}}
	cases := []tc{
		{name: "routed host gets the token, placeholder replaced", graphToken: true, run: func(t *testing.T, h *harness) {
			resp, _, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me?$select=id")
			if err != nil {
				t.Fatal(err)
			}
			if !h.issuedByProxy(resp) {
				t.Error("not intercepted")
			}
			r := h.graph.requests()
			if len(r) != 1 || r[0].Auth != "Bearer real-token-1" || r[0].ProxyAuth != "" || r[0].Query != "$select=id" {
				t.Fatalf("upstream saw %+v", r)
			}
		}},
		{name: "upper-case host is the routed host", graphToken: true, run: func(t *testing.T, h *harness) {
			resp, _, err := h.get(h.client(true), "GET", "https://GRAPH.MICROSOFT.COM/v1.0/me")
			if err != nil || !h.issuedByProxy(resp) {
				t.Fatalf("err %v", err)
			}
		}},
		{name: "child's own Authorization is replaced", graphToken: true, run: func(t *testing.T, h *harness) {
			req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
			req.Header.Set("Authorization", "Bearer chosen-by-child")
			resp, err := h.client(false).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if r := h.graph.requests(); r[0].Auth != "Bearer real-token-1" {
				t.Fatalf("upstream saw %q", r[0].Auth)
			}
		}},
		{name: "suffix trick graph.microsoft.com.evil.test", run: tunnelled("https://graph.microsoft.com.evil.test/v1.0/me", "graph.microsoft.com.evil.test:443")},
		{name: "prefix trick evilgraph.microsoft.com", run: tunnelled("https://evilgraph.microsoft.com/v1.0/me", "evilgraph.microsoft.com:443")},
		{name: "subdomain of the routed host", run: tunnelled("https://x.graph.microsoft.com/v1.0/me", "x.graph.microsoft.com:443")},
		{name: "trailing dot", run: tunnelled("https://graph.microsoft.com./v1.0/me", "graph.microsoft.com.:443")},
		{name: "routed host on another port", run: tunnelled("https://graph.microsoft.com:8443/v1.0/me", "graph.microsoft.com:8443")},
		{name: "IDN look-alike in punycode (Cyrillic a)", run: tunnelled("https://xn--grph-63d.microsoft.com/v1.0/me", "xn--grph-63d.microsoft.com:443")},
		{name: "IPv4 literal", run: tunnelled("https://127.0.0.1/v1.0/me", "127.0.0.1:443")},
		{name: "IPv6 literal", run: tunnelled("https://[::1]/v1.0/me", "[::1]:443")},
		{name: "IDN look-alike in raw UTF-8", run: badConnect("gr\u0430ph.microsoft.com:443")},
		{name: "userinfo in CONNECT", run: badConnect("user@graph.microsoft.com:443")},
		{name: "userinfo hiding another host", run: badConnect("graph.microsoft.com:443@evil.test:443")},
		{name: "percent-encoded dot", run: badConnect("graph%2Emicrosoft.com:443")},
		{name: "CONNECT without port", run: badConnect("graph.microsoft.com")},
		{name: "port with a leading zero", run: badConnect("graph.microsoft.com:0443")},
		{name: "Host header names another host", run: insideTunnel("GET /v1.0/me HTTP/1.1\r\nHost: evil.test\r\nAuthorization: Bearer "+Placeholder+"\r\n\r\n", http.StatusMisdirectedRequest)},
		{name: "Host header with trailing dot", run: insideTunnel("GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com.\r\n\r\n", http.StatusMisdirectedRequest)},
		{name: "Host header with another port", run: insideTunnel("GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com:8443\r\n\r\n", http.StatusMisdirectedRequest)},
		{name: "absolute-form target for another host inside the tunnel", run: insideTunnel("GET https://evil.test/v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\n\r\n", http.StatusMisdirectedRequest)},
		{name: "double CONNECT inside the tunnel", run: func(t *testing.T, h *harness) {
			insideTunnel("CONNECT evil.test:443 HTTP/1.1\r\nHost: evil.test:443\r\n\r\n", http.StatusMethodNotAllowed)(t, h)
			if len(h.dialed()) != 0 {
				t.Fatalf("dialled %v", h.dialed())
			}
		}},
		{name: "HTTP/2 :authority names another host", run: func(t *testing.T, h *harness) {
			req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
			req.Host = "evil.test"
			resp, err := h.client(true).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMisdirectedRequest || resp.ProtoMajor != 2 {
				t.Fatalf("got %s %s, want HTTP/2 421", resp.Proto, resp.Status)
			}
		}},
		{name: "TLS server name of another host", run: func(t *testing.T, h *harness) {
			// The client does not even check the certificate: the proxy itself must refuse.
			conf := &tls.Config{ServerName: "evil.test", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}}
			if _, err := h.interceptTLSConfig(graphHost, conf); err == nil {
				t.Fatal("handshake with a mismatched SNI succeeded")
			}
		}},
		{name: "redirect to another host is not followed by the proxy", graphToken: true, run: func(t *testing.T, h *harness) {
			h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://evil.test/landing", http.StatusFound)
			})
			c := h.client(true)
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, _, err := h.get(c, "GET", "https://graph.microsoft.com/v1.0/me")
			if err != nil || resp.StatusCode != http.StatusFound {
				t.Fatalf("got %v %v, want the 302 itself", resp, err)
			}
			if len(h.other.requests()) != 0 || len(h.dialed()) != 0 {
				t.Fatal("the proxy followed the redirect")
			}
		}},
		{name: "download redirect to a pre-authenticated URL, followed by the child", graphToken: true, run: func(t *testing.T, h *harness) {
			h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://tenant.sharepoint.test/download.aspx?tempauth=SECRET", http.StatusFound)
			})
			req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me/drive/items/1/content", nil)
			req.Header.Set("Authorization", "Bearer "+Placeholder)
			resp, err := h.client(true).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if o := h.other.requests(); len(o) != 1 || o[0].Host != "tenant.sharepoint.test" {
				t.Fatalf("other saw %+v", o)
			}
			for _, e := range h.entries() {
				if strings.Contains(fmt.Sprint(e), "tempauth") || strings.Contains(fmt.Sprint(e), "SECRET") {
					t.Fatalf("audit holds the query: %+v", e)
				}
			}
		}},
		{name: "upload URL on another host", graphToken: true, run: func(t *testing.T, h *harness) {
			h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, `{"uploadUrl":"https://tenant.sharepoint.test/upload?tempauth=x"}`)
			})
			c := h.client(true)
			if _, _, err := h.get(c, "POST", "https://graph.microsoft.com/v1.0/me/drive/root:/f:/createUploadSession"); err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("PUT", "https://tenant.sharepoint.test/upload?tempauth=x", strings.NewReader("chunk"))
			req.Header.Set("Authorization", "Bearer "+Placeholder) // a careless child
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if o := h.other.requests(); len(o) != 1 || o[0].Method != "PUT" {
				t.Fatalf("other saw %+v", o)
			}
		}},
		{name: "absolute-form http to the routed host: no token", run: func(t *testing.T, h *harness) {
			resp, _, err := h.get(h.client(true), "GET", "http://graph.microsoft.com/v1.0/me")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%v %v", resp, err)
			}
			if p := h.plain.requests(); len(p) != 1 || p[0].Auth != "" || p[0].ProxyAuth != "" {
				t.Fatalf("plain upstream saw %+v", p)
			}
		}},
		{name: "prefix route: path inside", setup: prefix, graphToken: true, run: expectAuth("/v1.0/me", "Bearer real-token-1")},
		{name: "prefix route: the prefix itself", setup: prefix, graphToken: true, run: expectAuth("/v1.0", "Bearer real-token-1")},
		{name: "prefix route: path outside, placeholder stripped", setup: prefix, run: expectAuth("/beta/me", "")},
		{name: "prefix route: longer segment", setup: prefix, run: expectAuth("/v1.0x/me", "")},
		{name: "prefix route: dot segments", setup: prefix, run: expectAuth("/v1.0/../beta/me", "")},
		{name: "prefix route: encoded dot segments", setup: prefix, run: expectAuth("/v1.0/%2e%2e/beta/me", "")},
		{name: "regex route: a host in the CA is intercepted", graphToken: true,
			setup: setup{routes: []string{`regex:api[0-9]\.example\.test`}, caHosts: []string{"api1.example.test"}},
			run: func(t *testing.T, h *harness) {
				resp, _, err := h.get(h.client(true), "GET", "https://api1.example.test/x")
				if err != nil || !h.issuedByProxy(resp) {
					t.Fatalf("%v", err)
				}
			}},
		{name: "regex route: anchored at the end", setup: setup{routes: []string{`regex:api[0-9]\.example\.test`}, caHosts: []string{"api1.example.test"}},
			run: tunnelled("https://api1.example.test.evil.test/x", "api1.example.test.evil.test:443")},
		{name: "regex route: anchored at the start", setup: setup{routes: []string{`regex:api[0-9]\.example\.test`}, caHosts: []string{"api1.example.test"}},
			run: tunnelled("https://xapi1.example.test/x", "xapi1.example.test:443")},
		{name: "regex route: a matching host outside the CA is not intercepted", setup: setup{routes: []string{`regex:api[0-9]\.example\.test`}, caHosts: []string{"api1.example.test"}},
			run: tunnelled("https://api2.example.test/x", "api2.example.test:443")},
		{name: "API-key header: the child's Authorization is dropped", setup: setup{creds: &fakeCreds{header: "X-Api-Key"}}, graphToken: true, run: func(t *testing.T, h *harness) {
			if _, _, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1"); err != nil {
				t.Fatal(err)
			}
			if r := h.graph.requests(); r[0].Auth != "" || r[0].APIKey != "real-token-1" {
				t.Fatalf("upstream saw %+v", r[0])
			}
		}},
		{name: "deny unmatched: other hosts refused, routed host served", setup: setup{deny: true}, graphToken: true, run: func(t *testing.T, h *harness) {
			_, _, resp := h.connect("evil.test:443", true)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("CONNECT evil.test: %s", resp.Status)
			}
			resp2, _, err := h.get(h.client(true), "GET", "http://evil.test/")
			if err != nil || resp2.StatusCode != http.StatusForbidden {
				t.Fatalf("plain http: %v %v", resp2, err)
			}
			if _, _, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me"); err != nil {
				t.Fatal(err)
			}
			_, _, resp3 := h.connect("graph.microsoft.com:8443", true)
			if resp3.StatusCode != http.StatusForbidden {
				t.Fatalf("CONNECT to the routed host on another port: %s", resp3.Status)
			}
			if len(h.dialed()) != 0 {
				t.Fatalf("dialled %v", h.dialed())
			}
			// Plain http to the routed host is still forwarded, without the token.
			resp4, _, err := h.get(h.client(true), "GET", "http://graph.microsoft.com/v1.0/me")
			if err != nil || resp4.StatusCode != 200 || len(h.plain.requests()) != 1 || h.plain.requests()[0].Auth != "" {
				t.Fatalf("plain http to the routed host: %v %v %+v", resp4, err, h.plain.requests())
			}
		}},
		{name: "base URL: routed host", graphToken: true, run: func(t *testing.T, h *harness) {
			resp, _, err := h.get(http.DefaultClient, "GET", h.baseURL+"/GRAPH.MICROSOFT.COM/v1.0/me?$top=1")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%v %v", resp, err)
			}
			if r := h.graph.requests(); r[0].Path != "/v1.0/me" || r[0].Query != "$top=1" {
				t.Fatalf("upstream saw %+v", r[0])
			}
		}},
		{name: "base URL: refusals", run: func(t *testing.T, h *harness) {
			root := strings.TrimSuffix(h.baseURL, "/"+baseSecret)
			for _, u := range []string{
				h.baseURL + "/graph.microsoft.com.evil.test/v1.0/me",
				h.baseURL + "/evilgraph.microsoft.com/v1.0/me",
				h.baseURL + "/graph.microsoft.com./v1.0/me",
				h.baseURL + "/graph.microsoft.com:8443/v1.0/me",
				h.baseURL + "/127.0.0.1/v1.0/me",
				h.baseURL + "/user@graph.microsoft.com/v1.0/me",
				root + "/wrong-secret/graph.microsoft.com/v1.0/me",
				root + "/graph.microsoft.com/v1.0/me",
				root + "/" + baseSecret + "x/graph.microsoft.com/v1.0/me",
			} {
				resp, _, err := h.get(http.DefaultClient, "GET", u)
				if err != nil || resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s: %v %v, want 403", u, resp.Status, err)
				}
			}
			if n := len(h.graph.requests()) + len(h.dialed()); n != 0 {
				t.Fatalf("%d requests left the proxy", n)
			}
		}},
	}
	if len(cases) < 20 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.setup)
			c.run(t, h)
			if h.other.sawToken() || h.plain.sawToken() {
				t.Errorf("a non-routed host received the token: other %+v plain %+v", h.other.requests(), h.plain.requests())
			}
			if got := h.graph.sawToken(); got != c.graphToken {
				t.Errorf("routed upstream saw the token: %v, want %v (%+v)", got, c.graphToken, h.graph.requests())
			}
			for _, e := range h.entries() {
				if strings.Contains(e.Error+e.Path+e.Host, tokenPrefix) || strings.Contains(e.Path, baseSecret) {
					t.Errorf("audit entry holds a secret: %+v", e)
				}
			}
		})
	}
}
