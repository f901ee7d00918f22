package proxy

import (
	"net/url"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/provider"
)

// TestSetRoutes: routes swapped while the proxy runs apply to the next request, on a client
// connection opened before the swap too.
func TestSetRoutes(t *testing.T) {
	h := newHarness(t, setup{})
	c := h.client(false)
	lastAuth := func(path string) string {
		t.Helper()
		if resp, body, err := h.get(c, "GET", "https://"+graphHost+path); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v %s", path, resp, err, body)
		}
		reqs := h.graph.requests()
		return reqs[len(reqs)-1].Auth
	}
	if !strings.Contains(lastAuth("/v1.0/me"), tokenPrefix) {
		t.Fatal("no credential before the swap")
	}
	m, err := provider.ParseRoute("https://" + graphHost + "/beta")
	if err != nil {
		t.Fatal(err)
	}
	up, _ := url.Parse(h.graph.URL)
	if err := h.srv.SetRoutes([]Route{{Provider: "microsoft", Connection: "other", Match: m, Upstream: up,
		Transport: h.graph.Client().Transport}}); err != nil {
		t.Fatal(err)
	}
	if a := lastAuth("/v1.0/me"); strings.Contains(a, tokenPrefix) {
		t.Error("a path outside the new routes still got the credential")
	}
	if !strings.Contains(lastAuth("/beta/me"), tokenPrefix) {
		t.Error("the new route's path got no credential")
	}
	// Swaps while requests run: each request sees one set of routes or the other.
	beta := []Route{{Provider: "microsoft", Connection: "other", Match: m, Upstream: up, Transport: h.graph.Client().Transport}}
	whole, _ := provider.ParseRoute(graphHost)
	both := append([]Route{{Provider: "microsoft", Connection: "default", Match: whole, Upstream: up, Transport: h.graph.Client().Transport}}, beta...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			if err := h.srv.SetRoutes([][]Route{beta, both}[i%2]); err != nil {
				t.Error(err)
			}
		}
	}()
	for range 10 {
		lastAuth("/beta/me")
	}
	<-done
	if err := h.srv.SetRoutes([]Route{{Provider: ""}}); err == nil {
		t.Error("a route without a provider was accepted")
	}
}
