package proxy

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// testGate accepts the harness's proxy credentials as the client "agent-1", which may use the
// microsoft route and send anything but paths containing "/forbidden".
type testGate struct{ revoked atomic.Bool }

type testClient struct{ g *testGate }

func (g *testGate) Authenticate(r *http.Request) (Client, bool) {
	if r.Header.Get("Proxy-Authorization") != basicAuth(proxyUser, proxyPass) || g.revoked.Load() {
		return nil, false
	}
	return testClient{g}, true
}

func (testClient) Name() string                          { return "agent-1" }
func (testClient) Uses(provider, connection string) bool { return provider == "microsoft" }

func (c testClient) Authorize(r *http.Request, provider, connection string) error {
	switch {
	case c.g.revoked.Load():
		return &Refusal{Status: http.StatusUnauthorized, Code: "revoked", Message: "revoked"}
	case provider == "":
		return &Refusal{Message: "no connection"}
	case strings.Contains(r.URL.Path, "/forbidden"):
		return &Refusal{Code: "outside", Message: "outside the grant"}
	}
	return nil
}

func TestGate(t *testing.T) {
	t.Parallel()
	g := &testGate{}
	h := newHarness(t, setup{gate: g, routes: []string{graphHost, "api.example.com"}, deny: true})
	c := h.client(false)

	resp, _, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/me")
	if err != nil || resp.StatusCode != 200 || !h.graph.sawToken() {
		t.Fatalf("allowed request: %v %v", resp, err)
	}
	resp, body, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/forbidden")
	if err != nil || resp.StatusCode != 403 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("refused request: %v %v", resp, err)
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "outside" || e.Error.Message != "outside the grant" {
		t.Errorf("refusal body %s", body)
	}
	// The route of provider p1 is not the client's: its host gets no credential, so nothing.
	if resp, _, err := h.get(c, "GET", "https://api.example.com/x"); err != nil || resp.StatusCode != 403 {
		t.Errorf("a route the client may not use: %v %v", resp, err)
	}
	if n := len(h.graph.requests()); n != 1 {
		t.Errorf("%d requests reached the upstream, want only the allowed one", n)
	}
	es := h.waitEntries(3)
	if es[0].Agent != "agent-1" || es[1].Agent != "agent-1" || es[1].Mode != ModeDenied || es[1].Status != 403 || es[1].Provider != "microsoft" {
		t.Errorf("audit entries %+v", es[:2])
	}

	// Revoked: the open intercepted connection is refused per request, new ones at CONNECT.
	g.revoked.Store(true)
	if resp, _, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/me"); err != nil || resp.StatusCode != 401 {
		t.Errorf("revoked client on its open connection: %v %v", resp, err)
	}
	if _, _, resp := h.connect(graphHost+":443", true); resp.StatusCode != http.StatusProxyAuthRequired {
		t.Errorf("revoked client's CONNECT: %d", resp.StatusCode)
	}
	// Plain http is not forwarded under a gate.
	g.revoked.Store(false)
	if resp, _, err := h.get(c, "GET", "http://plain.example.com/"); err != nil || resp.StatusCode != 403 {
		t.Errorf("plain http: %v %v", resp, err)
	}
}

func TestServeRoute(t *testing.T) {
	t.Parallel()
	g := &testGate{}
	h := newHarness(t, setup{gate: g})
	serve := func(path string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "https://gateway.test/v1/graph/microsoft/default"+path+"?$top=1", nil)
		r.Header.Set("Authorization", "Bearer agent-credential")
		w := httptest.NewRecorder()
		h.srv.ServeRoute(w, r, testClient{g}, "microsoft", "default", path)
		return w
	}
	if w := serve("/v1.0/me/messages"); w.Code != 200 || w.Body.String() != "ok" {
		t.Fatalf("allowed: %d %s", w.Code, w.Body)
	}
	got := h.graph.requests()
	if len(got) != 1 || got[0].Path != "/v1.0/me/messages" || got[0].Query != "$top=1" || !strings.HasPrefix(got[0].Auth, "Bearer "+tokenPrefix) {
		t.Errorf("upstream saw %+v", got)
	}
	if w := serve("/v1.0/forbidden"); w.Code != 403 {
		t.Errorf("refused: %d", w.Code)
	}
	w := httptest.NewRecorder()
	h.srv.ServeRoute(w, httptest.NewRequest("GET", "/x", nil), testClient{g}, "microsoft", "nope", "/v1.0/me")
	if w.Code != 404 {
		t.Errorf("unknown route: %d", w.Code)
	}
	if len(h.graph.requests()) != 1 {
		t.Error("a refused request reached the upstream")
	}
}
