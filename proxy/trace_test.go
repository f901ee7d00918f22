package proxy

import (
	"net/http"
	"testing"
)

// TestTraceNotSentWithCredential: TRACE asks the server to echo the request, so a routed
// host's TRACE is refused instead of being sent with the injected token (in both modes).
func TestTraceNotSentWithCredential(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	for u, c := range map[string]*http.Client{
		"https://" + graphHost + "/v1.0/me":      h.client(false),
		h.baseURL + "/" + graphHost + "/v1.0/me": {},
	} {
		resp, _, err := h.get(c, http.MethodTrace, u)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("TRACE %s: %d, want 405", u, resp.StatusCode)
		}
	}
	if h.graph.sawToken() || len(h.graph.requests()) != 0 {
		t.Errorf("the routed host got %d requests (credential: %v)", len(h.graph.requests()), h.graph.sawToken())
	}
}
