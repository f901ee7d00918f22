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
	if err := h.srv.SetRoutes([]Route{{Provider: ""}}); err == nil {
		t.Error("a route without a provider was accepted")
	}
}
