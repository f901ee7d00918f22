package e2e

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestAttackProxy runs the proxy rows of the "What held" table against the real binary
// (`authsome run` and `authsome proxy`) in front of the in-process sandbox.
func TestAttackProxy(t *testing.T) {
	t.Parallel()
	e, tok := attackSignedIn(t)
	p := e.startProxy(t)
	sawToken := func(t *testing.T, bodies ...string) {
		t.Helper()
		for _, b := range bodies {
			if strings.Contains(b, tok) {
				t.Errorf("the token reached the client: %.200s", b)
			}
		}
	}

	// Row 10: the CA `run` makes for one run is constrained to the routed host.
	t.Run("held-10-run-ca-constraints", func(t *testing.T) {
		r := e.ok("run", "--", "sh", "-c", `cat "$NODE_EXTRA_CA_CERTS"`)
		block, _ := pem.Decode([]byte(r.stdout))
		if block == nil {
			t.Fatalf("the child could not read the run's CA:\n%s", r.stdout)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !cert.IsCA || cert.MaxPathLen != 0 || !cert.MaxPathLenZero {
			t.Errorf("CA %v, path length %d (zero %v), want a CA with path length 0", cert.IsCA, cert.MaxPathLen, cert.MaxPathLenZero)
		}
		if !cert.PermittedDNSDomainsCritical || strings.Join(cert.PermittedDNSDomains, ",") != "graph.microsoft.com" {
			t.Errorf("permitted names %v (critical %v), want only graph.microsoft.com, critical", cert.PermittedDNSDomains, cert.PermittedDNSDomainsCritical)
		}
		var excluded []string
		for _, n := range cert.ExcludedIPRanges {
			excluded = append(excluded, n.String())
		}
		if strings.Join(excluded, ",") != "0.0.0.0/0,::/0" {
			t.Errorf("excluded IP ranges %v, want every IPv4 and IPv6 address", excluded)
		}
		for _, ext := range cert.Extensions {
			if ext.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 30}) && !ext.Critical {
				t.Error("the name constraints extension is not critical")
			}
		}
		if d := cert.NotAfter.Sub(cert.NotBefore); d > 7*24*time.Hour+time.Hour {
			t.Errorf("the run CA is valid for %v, want at most 7 days", d)
		}
	})

	// Row 11: missing, wrong or prefix credentials, and a keep-alive second request without
	// them, get 407; so does another local user.
	t.Run("held-11-proxy-auth", func(t *testing.T) {
		full := p.authHeader()
		pass, _ := p.proxy.User.Password()
		for name, hdr := range map[string]string{
			"none":            "",
			"wrong":           "Basic " + b64("authsome:"+strings.Repeat("0", len(pass))),
			"password prefix": "Basic " + b64("authsome:"+pass[:len(pass)-1]),
			"password suffix": "Basic " + b64("authsome:"+pass+"0"),
			"user prefix":     "Basic " + b64("authsom:"+pass),
			"header prefix":   full[:len(full)-2],
		} {
			c, err := net.Dial("tcp", p.addr())
			if err != nil {
				t.Fatal(err)
			}
			req := "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\n"
			if hdr != "" {
				req += "Proxy-Authorization: " + hdr + "\r\n"
			}
			resp, _ := exchange(t, c, bufio.NewReader(c), req+"\r\n", "CONNECT")
			mustStatus(t, name, resp, http.StatusProxyAuthRequired)
			c.Close()
		}
		// Keep-alive: the first plain request carries the credentials, the second does not.
		rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "reached") }))
		defer rec.Close()
		target := rec.URL + "/x"
		c, err := net.Dial("tcp", p.addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		br := bufio.NewReader(c)
		host := strings.TrimPrefix(rec.URL, "http://")
		resp, body := exchange(t, c, br, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\nProxy-Authorization: "+full+"\r\n\r\n", "GET")
		if resp == nil || resp.StatusCode != 200 || body != "reached" {
			t.Fatalf("authenticated plain request: %v %q", resp, body)
		}
		resp, body = exchange(t, c, br, "GET "+target+" HTTP/1.1\r\nHost: "+host+"\r\n\r\n", "GET")
		mustStatus(t, "second request on the connection without credentials", resp, http.StatusProxyAuthRequired, 0)
		if body == "reached" {
			t.Error("the second request without credentials was forwarded")
		}
		// Another local user (needs root to switch, and curl).
		if os.Getuid() != 0 {
			t.Log("not root: the other-user case is not run")
			return
		}
		if _, err := exec.LookPath("curl"); err != nil {
			return
		}
		other := exec.Command("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-x", "http://"+p.addr(), target)
		other.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, _ := other.Output()
		if string(out) != "407" {
			t.Errorf("another user's request: %q, want 407", out)
		}
	})

	// Row 12: inside an intercepted connection, a Host naming an IP, or two Host headers, is
	// refused (evil host, trailing dot and other port: proxy TestHostConfusion).
	t.Run("held-12-host-inside-mitm", func(t *testing.T) {
		e.sb.ClearRequests()
		for name, hosts := range map[string][]string{
			"IPv4":      {"127.0.0.1"},
			"IPv6":      {"[::1]"},
			"evil":      {"evil.com"},
			"two hosts": {"graph.microsoft.com", "evil.com"},
			"two same":  {"graph.microsoft.com", "graph.microsoft.com"},
		} {
			tc, err := p.mitm(t, "graph.microsoft.com", "graph.microsoft.com")
			if err != nil {
				t.Fatal(err)
			}
			raw := "GET /v1.0/me HTTP/1.1\r\n"
			for _, h := range hosts {
				raw += "Host: " + h + "\r\n"
			}
			resp, body := exchange(t, tc, bufio.NewReader(tc), raw+"Authorization: Bearer authsome-proxy-managed\r\n\r\n", "GET")
			mustStatus(t, name, resp, http.StatusMisdirectedRequest, http.StatusBadRequest)
			sawToken(t, body)
			tc.Close()
		}
		if n := e.graphRequestCount(); n != 0 {
			t.Errorf("%d requests reached Graph", n)
		}
	})

	// Row 15: HTTP/2 :authority of another host, with a trailing dot or an IP, gets 421
	// (evil host alone: proxy TestHostConfusion).
	t.Run("held-15-h2-authority", func(t *testing.T) {
		e.sb.ClearRequests()
		c := p.client(true)
		for _, authority := range []string{"evil.com", "graph.microsoft.com.", "127.0.0.1", "graph.microsoft.com:8443"} {
			req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
			req.Host = authority
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", authority, err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf(":authority %s: %s %s, want HTTP/2 421", authority, resp.Proto, resp.Status)
			}
			sawToken(t, string(b))
		}
		if n := e.graphRequestCount(); n != 0 {
			t.Errorf("%d requests reached Graph", n)
		}
	})

	// Row 16: only the canonical routed host (any case) on port 443 is intercepted. Run with
	// --deny-unmatched so nothing is dialled: anything not intercepted is refused.
	t.Run("held-16-connect-spellings", func(t *testing.T) {
		deny := e.startProxy(t, "--deny-unmatched")
		for _, authority := range []string{
			"[::1]:443", "2130706433:443", "0x7f000001:443", "0x7f.0.0.1:443", "127.1:443",
			"graph.microsoft.com.:443", "graph.microsoft.com..:443", "graph..microsoft.com:443", "..:443",
			"x.graph.microsoft.com:443", "xn--grph-63d.microsoft.com:443",
			"graph.microsoft.com:80", "graph.microsoft.com:8443", "graph.microsoft.com:65536", "graph.microsoft.com:+443",
			"graph.microsoft.com:0443", "graph.microsoft.com:443 ", "user@graph.microsoft.com:443", "graph%2emicrosoft.com:443",
			"graph.microsoft.com\t:443", "[graph.microsoft.com]:443", "graph.microsoft.com:443:443",
		} {
			// The Host header as the target, and as the canonical host (so that only the
			// proxy's reading of the target can let it through).
			for _, host := range []string{authority, "graph.microsoft.com:443"} {
				c, br, resp := deny.connectHost(t, authority, host, true)
				if resp.StatusCode == 200 {
					tc := tls.Client(&bufferedConn{Conn: c, r: br}, &tls.Config{ServerName: "graph.microsoft.com", RootCAs: deny.roots})
					if tc.Handshake() == nil {
						t.Errorf("CONNECT %q (Host %q) was intercepted", authority, host)
					}
					continue
				}
				if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusBadGateway {
					t.Errorf("CONNECT %q (Host %q): %s, want 400/403/502", authority, host, resp.Status)
				}
			}
		}
		for _, host := range []string{"graph.microsoft.com", "GRAPH.Microsoft.COM"} {
			if _, err := deny.mitm(t, host, "graph.microsoft.com"); err != nil {
				t.Errorf("the canonical host %s was not intercepted: %v", host, err)
			}
		}
	})

	// Row 17: a placeholder Authorization on plain HTTP to another host is stripped (plain
	// HTTP to the routed host without the token: proxy TestHostConfusion).
	t.Run("held-17-plain-http-placeholder", func(t *testing.T) {
		seen := make(chan string, 4)
		rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen <- r.Header.Get("Authorization") + "|" + r.Header.Get("Proxy-Authorization")
		}))
		defer rec.Close()
		req, _ := http.NewRequest("GET", rec.URL+"/x", nil)
		req.Header.Set("Authorization", "Bearer authsome-proxy-managed")
		resp, err := p.client(false).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := <-seen; got != "|" {
			t.Errorf("the other host saw Authorization|Proxy-Authorization %q, want neither", got)
		}
	})

	// Rows 18 and 19: the base URL refuses a wrong, missing, prefixed or percent-encoded
	// secret, absolute-form and CONNECT, and host tricks; it never leaves the routed host.
	t.Run("held-18-19-base-url", func(t *testing.T) {
		base := p.graphBase()
		i := strings.LastIndex(base, "/graph.microsoft.com")
		root := base[:i]
		secret := root[strings.LastIndex(root, "/")+1:]
		origin := root[:strings.LastIndex(root, "/")]
		enc := ""
		for _, ch := range secret {
			enc += fmt.Sprintf("%%%02x", ch)
		}
		e.sb.ClearRequests()
		for _, u := range []string{
			origin + "/graph.microsoft.com/v1.0/me",
			origin + "/" + enc + "/graph.microsoft.com/v1.0/me",
			origin + "/" + secret[:len(secret)-1] + "/graph.microsoft.com/v1.0/me",
			origin + "/" + secret + "0/graph.microsoft.com/v1.0/me",
			origin + "/" + strings.ToUpper(secret) + "/graph.microsoft.com/v1.0/me",
			root + "/../evil.com/v1.0/me",
			root + "/evil.com/v1.0/me",
			root + "/graph.microsoft.com%2f..%2f..%2fevil.com/v1.0/me",
			root + "/evil.com%2fgraph.microsoft.com/v1.0/me",
			root + "/graph.microsoft.com:443/v1.0/me",
			root + "/127.0.0.1/v1.0/me",
			root + "//v1.0/me",
			root + "/",
			root,
		} {
			resp, err := http.Get(u)
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %s, want a refusal", strings.Replace(u, secret, "SECRET", 1), resp.Status)
			}
			sawToken(t, string(b))
		}
		if n := e.graphRequestCount(); n != 0 {
			t.Errorf("%d refused base-URL requests reached Graph", n)
		}
		hostport := strings.TrimPrefix(origin, "http://")
		for name, raw := range map[string]string{
			"absolute-form": "GET http://evil.com/" + secret + "/graph.microsoft.com/v1.0/me HTTP/1.1\r\nHost: evil.com\r\n\r\n",
			"CONNECT":       "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\n\r\n",
		} {
			c, err := net.Dial("tcp", hostport)
			if err != nil {
				t.Fatal(err)
			}
			method := strings.Fields(raw)[0]
			resp, _ := exchange(t, c, bufio.NewReader(c), raw, method)
			mustStatus(t, name, resp, http.StatusForbidden, http.StatusBadRequest, http.StatusMethodNotAllowed)
			c.Close()
		}
		// A spoofed Host header does not move the request off the routed host.
		req, _ := http.NewRequest("GET", base+"/v1.0/me", nil)
		req.Host = "evil.com"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || e.withToken(t, "/v1.0/me", tok) != 1 {
			t.Errorf("Host-spoofed base-URL request: %s, want it served by the routed host", resp.Status)
		}
	})

	// Row 21: request smuggling inside an intercepted connection. The proxy re-frames every
	// request for the upstream, so requests cannot hide in each other: every request that
	// reaches Graph has its answer come back to the child, in order; ambiguous framing is
	// refused (400/501); TRACE is not echoed; the token never comes back.
	t.Run("held-21-smuggling", func(t *testing.T) {
		smuggled := "GET /v1.0/me/messages HTTP/1.1\r\nHost: graph.microsoft.com\r\n\r\n"
		sentinel := "GET /v1.0/me/mailFolders HTTP/1.1\r\nHost: graph.microsoft.com\r\nConnection: close\r\n\r\n"
		for _, c := range []struct {
			name, raw string
			first     []int // accepted statuses of the first answer; 0 = connection closed
		}{
			{"CL.TE", "POST /v1.0/me/sendMail HTTP/1.1\r\nHost: graph.microsoft.com\r\nContent-Length: " + fmt.Sprint(5+len(smuggled)) +
				"\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{0, 400, 403}},
			{"TE chunked, identity", "POST /v1.0/me/sendMail HTTP/1.1\r\nHost: graph.microsoft.com\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + smuggled, []int{0, 400, 501}},
			{"duplicate CL", "POST /v1.0/me/sendMail HTTP/1.1\r\nHost: graph.microsoft.com\r\nContent-Length: 0\r\nContent-Length: " + fmt.Sprint(len(smuggled)) + "\r\n\r\n" + smuggled, []int{0, 400}},
			{"TRACE", "TRACE /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\n\r\n", []int{0, 400, 405, 501}},
			{"Connection: Authorization", "GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\nConnection: Authorization\r\n" +
				"Authorization: Bearer authsome-proxy-managed\r\n\r\n", []int{200}},
		} {
			e.sb.ClearRequests()
			tc, err := p.mitm(t, "graph.microsoft.com", "graph.microsoft.com")
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(tc)
			method := strings.Fields(c.raw)[0]
			resp, body := exchange(t, tc, br, c.raw, method)
			mustStatus(t, c.name, resp, c.first...)
			sawToken(t, body)
			answers := 0
			if resp != nil {
				answers++
				// Read whatever else comes back, up to the sentinel's answer and the close.
				io.WriteString(tc, sentinel)
				for {
					next, body := exchange(t, tc, br, "", "GET")
					if next == nil {
						break
					}
					sawToken(t, body)
					answers++
				}
			}
			if n := len(e.sb.Requests()); n > answers {
				t.Errorf("%s: %d requests reached Graph but the child got %d answers: a request was hidden in another", c.name, n, answers)
			}
			tc.Close()
		}
	})

	// Row 22: a 2 MB header is refused with 431; 20,000 small headers are handled (refused or
	// served), and the proxy keeps serving.
	t.Run("held-22-huge-headers", func(t *testing.T) {
		tc, err := p.mitm(t, "graph.microsoft.com", "graph.microsoft.com")
		if err != nil {
			t.Fatal(err)
		}
		resp, _ := exchange(t, tc, bufio.NewReader(tc), "GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\nX-Big: "+strings.Repeat("a", 2<<20)+"\r\n\r\n", "GET")
		mustStatus(t, "2 MB header", resp, http.StatusRequestHeaderFieldsTooLarge, 0)
		tc.Close()
		var many strings.Builder
		for i := range 20000 {
			fmt.Fprintf(&many, "X-H%d: v\r\n", i)
		}
		tc, err = p.mitm(t, "graph.microsoft.com", "graph.microsoft.com")
		if err != nil {
			t.Fatal(err)
		}
		resp, _ = exchange(t, tc, bufio.NewReader(tc), "GET /v1.0/me HTTP/1.1\r\nHost: graph.microsoft.com\r\n"+many.String()+"\r\n", "GET")
		mustStatus(t, "20,000 headers", resp, http.StatusRequestHeaderFieldsTooLarge, 200, 400, 0)
		tc.Close()
		// The same on the proxy's own listener, before any CONNECT.
		c, err := net.Dial("tcp", p.addr())
		if err != nil {
			t.Fatal(err)
		}
		resp, _ = exchange(t, c, bufio.NewReader(c), "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\nX-Big: "+strings.Repeat("a", 2<<20)+"\r\n\r\n", "CONNECT")
		mustStatus(t, "2 MB header on CONNECT", resp, http.StatusRequestHeaderFieldsTooLarge, 0)
		c.Close()
		resp, body, err := getVia(p.client(false), "https://graph.microsoft.com/v1.0/me")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("a legitimate request afterwards: %v %v", resp, err)
		}
		sawToken(t, body)
	})
}

func getVia(c *http.Client, u string) (*http.Response, string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// TestAttackProxyLoad runs the heavy proxy rows: slow and idle connections must not starve a
// legitimate request or leak descriptors, and many MITM keep-alive connections are all served.
func TestAttackProxyLoad(t *testing.T) {
	t.Parallel()
	skipShort(t)
	e, _ := attackSignedIn(t)
	p := e.startProxy(t)
	fds := func() int {
		ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
		if err != nil {
			t.Skip("no /proc")
		}
		return len(ents)
	}
	// Warm up (CA leaf, credential, upstream connection), then take the baseline.
	if resp, _, err := getVia(p.client(false), "https://graph.microsoft.com/v1.0/me"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("warm-up: %v %v", resp, err)
	}
	base := fds()

	// Row 23: 300 slowloris connections (a header line that never ends) and 100
	// authenticated CONNECTs that never start TLS; a legitimate client is served throughout.
	t.Run("held-23-slowloris", func(t *testing.T) {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for i := range 300 {
			c, err := net.Dial("tcp", p.addr())
			if err != nil {
				t.Fatalf("slow connection %d: %v", i, err)
			}
			io.WriteString(c, "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\nX-Slow: ")
			conns = append(conns, c)
		}
		for i := range 100 {
			c, err := net.Dial("tcp", p.addr())
			if err != nil {
				t.Fatalf("idle CONNECT %d: %v", i, err)
			}
			io.WriteString(c, "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\nProxy-Authorization: "+p.authHeader()+"\r\n\r\n")
			conns = append(conns, c)
		}
		for i := range 5 {
			c := p.client(i%2 == 0)
			if resp, _, err := getVia(c, "https://graph.microsoft.com/v1.0/me"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("legitimate request %d with 400 slow connections open: %v %v", i, resp, err)
			}
			c.CloseIdleConnections()
			for _, c := range conns[:10] {
				c.Write([]byte("a")) // keep trickling
			}
		}
		for _, c := range conns {
			c.Close()
		}
		conns = nil
		// Descriptors come back near the baseline once the clients go.
		deadline := time.Now().Add(30 * time.Second)
		for fds() > base+20 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if n := fds(); n > base+20 {
			t.Errorf("the proxy holds %d descriptors after the slow clients left, baseline %d", n, base)
		}
	})

	// Row 24: 200 concurrent MITM keep-alive connections, each two requests: all 200.
	t.Run("held-24-many-mitm-connections", func(t *testing.T) {
		const n = 200
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := p.client(i%2 == 0)
				defer c.CloseIdleConnections()
				<-start
				for range 2 { // the second request reuses the connection
					resp, _, err := getVia(c, "https://graph.microsoft.com/v1.0/me?$select=id")
					if err == nil && resp.StatusCode != 200 {
						err = fmt.Errorf("status %s", resp.Status)
					}
					if err != nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(failures) > 0 {
			t.Errorf("%d of %d connections failed, e.g. %v", len(failures), n, failures[:min(3, len(failures))])
		}
	})
}
