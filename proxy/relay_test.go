package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/provider"
)

// relayThrough starts a proxy that relays to h's proxy served over TLS (as the gateway serves
// its own), with header on each CONNECT; it returns a client of the relaying proxy.
// Its entries function closes the relaying proxy (so that its handlers have audited) and
// returns its audit entries.
func relayThrough(t *testing.T, h *harness, header http.Header) (c *http.Client, entries func() []Entry) {
	t.Helper()
	front := httptest.NewUnstartedServer(h.srv.Handler())
	front.StartTLS()
	t.Cleanup(front.Close)
	roots := x509.NewCertPool()
	roots.AddCert(front.Certificate())
	roots.AddCert(h.ca.Certificate())
	m, err := provider.ParseRoute(graphHost)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := NewCA([]string{graphHost}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(front.URL)
	var got []Entry
	srv, err := New(Options{
		Routes: []Route{{Provider: "microsoft", Connection: "default", Match: m, RootCAs: roots}},
		Relay:  &Relay{URL: u, Header: header}, CA: ca, Username: proxyUser, Password: "relay-pass",
		Audit: func(e Entry) { got = append(got, e) }, // one request at a time in these tests
	})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveLoopback(t, srv)
	cr := x509.NewCertPool()
	cr.AddCert(ca.Certificate())
	tr := &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", User: url.UserPassword(proxyUser, "relay-pass"), Host: addr}),
		TLSClientConfig: &tls.Config{RootCAs: cr}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, func() []Entry { srv.Close(); return got }
}

func TestRelayInjectsNothingAndForwardsToTheUpstreamProxy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	c, entries := relayThrough(t, h, http.Header{"Proxy-Authorization": {basicAuth(proxyUser, proxyPass)}})
	resp, body, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/me")
	if err != nil || resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("through the relay: %v %v %q", resp, err, body)
	}
	reqs := h.graph.requests()
	if len(reqs) != 1 || reqs[0].Auth != "Bearer "+tokenPrefix+"1" || reqs[0].ProxyAuth != "" || reqs[0].Path != "/v1.0/me" {
		t.Fatalf("the upstream saw %+v, want one request with the inner proxy's token", reqs)
	}
	es := entries()
	if len(es) != 1 || es[0].Mode != ModeMITM || es[0].Status != 200 {
		t.Fatalf("the relaying proxy audited %+v, want one intercepted request", es)
	}
	for _, e := range es {
		if e.Injected || e.Provider != "" {
			t.Errorf("the relaying proxy injected: %+v", e)
		}
	}
}

func TestRelayRefusedByTheUpstreamProxy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	c, _ := relayThrough(t, h, http.Header{"Proxy-Authorization": {basicAuth(proxyUser, "wrong")}})
	resp, body, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/me")
	if err != nil || resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "authsome_upstream_error") {
		t.Fatalf("a relay that refuses us: %v %v %q, want 502", resp, err, body)
	}
	if len(h.graph.requests()) != 0 {
		t.Error("the upstream was reached")
	}
}

func TestRelayOptions(t *testing.T) {
	t.Parallel()
	m, _ := provider.ParseRoute(graphHost)
	ca, err := NewCA([]string{graphHost}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	routes := []Route{{Provider: "microsoft", Match: m}}
	if _, err := New(Options{Routes: routes, CA: ca, Password: "p"}); err == nil {
		t.Error("routes without Credentials nor Relay were accepted")
	}
	if _, err := New(Options{Routes: routes, CA: ca, Password: "p", Relay: &Relay{URL: &url.URL{Scheme: "http", Host: "gw.test:80"}}}); err == nil {
		t.Error("a plain-http relay was accepted")
	}
}

// serveLoopback runs srv's forward proxy on a loopback port until the test ends and returns
// the address.
func serveLoopback(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}
