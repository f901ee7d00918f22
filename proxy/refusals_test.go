package proxy

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// setRefusalWindow shortens the summary window for servers made by the rest of the test.
func setRefusalWindow(t *testing.T, d time.Duration) {
	old := refusalWindow
	refusalWindow = d
	t.Cleanup(func() { refusalWindow = old })
}

// flood sends n copies of req (one complete HTTP/1.1 request) to addr over conns keep-alive
// connections, pipelined in batches, and checks every answer's status.
func flood(t *testing.T, addr, req string, n, conns, want int) {
	t.Helper()
	const batch = 50
	var wg sync.WaitGroup
	for c := range conns {
		share := n / conns
		if c == 0 {
			share += n % conns
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			br := bufio.NewReader(conn)
			for sent := 0; sent < share; {
				k := min(batch, share-sent)
				if _, err := io.WriteString(conn, strings.Repeat(req, k)); err != nil {
					t.Error(err)
					return
				}
				for range k {
					resp, err := http.ReadResponse(br, nil)
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != want {
						t.Errorf("status %d, want %d", resp.StatusCode, want)
						return
					}
				}
				sent += k
			}
		}()
	}
	wg.Wait()
}

// TestRefusalFloodKeepsAuditLog: anyone who can reach the proxy's ports, without its
// credentials or the base-URL secret, can send requests by the ten thousand. They are counted
// into summary lines, so the agent's own earlier request stays in the audit log (here rotated
// at a few KiB), and the counts add up to what was sent.
func TestRefusalFloodKeepsAuditLog(t *testing.T) {
	setAuditMaxSize(t, 16<<10)
	setRefusalWindow(t, 500*time.Millisecond)
	a, path := openTestAudit(t)
	h := newHarness(t, setup{auditTo: a.Write})
	resp, body, err := h.get(h.client(false), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("genuine request: %v %q %v", resp, body, err)
	}
	h.waitEntries(1)

	unauthenticated, wrongSecret := 20000, 2000
	if testing.Short() { // a quarter of the flood still overflows the 16 KiB log many times over unless summarised
		unauthenticated, wrongSecret = 5000, 500
	}
	base, _ := url.Parse(h.baseURL)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		flood(t, h.proxyAddr, "GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\n\r\n", unauthenticated, 2, http.StatusProxyAuthRequired)
	}()
	go func() {
		defer wg.Done()
		flood(t, base.Host, "GET /not-the-secret/graph.microsoft.com/v1.0/me HTTP/1.1\r\nHost: "+base.Host+"\r\n\r\n", wrongSecret, 1, http.StatusForbidden)
	}()
	wg.Wait()
	h.srv.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	recs, err := ReadAudit(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	genuine := false
	counts := map[int]int{}
	for _, r := range recs {
		if r.Injected && r.Path == "/v1.0/me" && r.Kind == KindRequest {
			genuine = true
		}
		if r.Kind != KindRefusals {
			continue
		}
		if r.Mode != ModeDenied || r.Count < 1 || r.Until.Before(r.Time) {
			t.Errorf("summary %+v", r)
		}
		if r.Status == http.StatusProxyAuthRequired && (r.Method != "GET" || r.Host != "example.com" || r.Path != "/x" || r.Error != "proxy authentication required") {
			t.Errorf("407 summary %+v, want the first refusal's request and the reason", r)
		}
		if r.Status == http.StatusForbidden && (r.Path != "" || r.Error != "wrong or missing base-URL secret") {
			t.Errorf("403 summary %+v (the path would hold a near-miss secret)", r)
		}
		counts[r.Status] += r.Count
	}
	if !genuine {
		t.Errorf("the injected request was evicted from the audit log by unauthenticated requests (%d records left)", len(recs))
	}
	if counts[http.StatusProxyAuthRequired] != unauthenticated || counts[http.StatusForbidden] != wrongSecret {
		t.Errorf("summaries count %v, want %d refusals with 407 and %d with 403", counts, unauthenticated, wrongSecret)
	}
	if len(recs) > (unauthenticated+wrongSecret)/20 {
		t.Errorf("%d audit records for %d refusals: not summarised", len(recs), unauthenticated+wrongSecret)
	}
}

// TestRefusalSummaryAfterWindow: a summary is audited when its window ends, without waiting
// for Close, and a later refusal starts a new one.
func TestRefusalSummaryAfterWindow(t *testing.T) {
	setRefusalWindow(t, 20*time.Millisecond)
	h := newHarness(t, setup{})
	tr := &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: h.proxyAddr})}
	defer tr.CloseIdleConnections()
	long := "/" + strings.Repeat("é", 20000) // the sample is cut short
	for i, path := range []string{"/0", long} {
		resp, err := (&http.Client{Transport: tr}).Get("http://example.test" + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		es := h.waitEntries(i + 1)
		if len(es) != i+1 {
			t.Fatalf("after refusal %d: audit %+v", i, es)
		}
		e := es[i]
		if e.Kind != KindRefusals || e.Count != 1 || e.Status != http.StatusProxyAuthRequired {
			t.Errorf("summary %+v", e)
		}
		if want := clip(path); e.Path != want || len(e.Path) > maxSample || !utf8.ValidString(e.Path) {
			t.Errorf("summary path %.60q (%d bytes), want %.60q", e.Path, len(e.Path), want)
		}
	}
}
