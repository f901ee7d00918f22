package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

var errDown = errors.New("the database is down")

// downAgents is an agent store that can be taken down.
type downAgents struct {
	AgentStore
	down atomic.Bool
}

func (d *downAgents) Lookup(ctx context.Context, id string) (*Agent, error) {
	if d.down.Load() {
		return nil, errDown
	}
	return d.AgentStore.Lookup(ctx, id)
}

func (d *downAgents) List(ctx context.Context) ([]*Agent, error) {
	if d.down.Load() {
		return nil, errDown
	}
	return d.AgentStore.List(ctx)
}

type failingCreds struct{ err error }

func (f failingCreds) AuthHeader(context.Context, string, string) (string, string, error) {
	return "", "", f.err
}

// TestStoreDown: while the store cannot be read, the agents' requests get 503 with
// Retry-After (JSON on the API, plain text on CONNECT), never 401 or 407; /readyz is 503,
// /healthz 200; the failures are counted. A malformed credential is still 407.
func TestStoreDown(t *testing.T) {
	ctx := context.Background()
	files, _, _ := twoStores(t)
	agents := &downAgents{AgentStore: files}
	a, cred, err := NewAgent("bot", testGrant, time.Now(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := agents.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	g, err := New(gateway(agents))
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, target, header, value string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		if header != "" {
			r.Header.Set(header, value)
		}
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		return w
	}
	if w := send("GET", "/v1/connections", "Authorization", "Bearer "+cred); w.Code != 200 {
		t.Fatalf("store up: %d %s", w.Code, w.Body)
	}

	agents.down.Store(true)
	for _, tc := range []struct {
		name, method, target, header, value string
		status                              int
		contentType, body                   string
	}{
		{"API", "GET", "/v1/connections", "Authorization", "Bearer " + cred, 503, "application/json", `"code":"authsome_unavailable"`},
		{"API route", "GET", "/v1/graph/microsoft/work/v1.0/me", "Authorization", "Bearer " + cred, 503, "application/json", `"code":"authsome_unavailable"`},
		{"CONNECT", "CONNECT", "graph.microsoft.com:443", "Proxy-Authorization", "Bearer " + cred, 503, "text/plain", "store is unavailable"},
		{"CONNECT, malformed credential", "CONNECT", "graph.microsoft.com:443", "Proxy-Authorization", "Bearer nonsense", 407, "text/plain", "authentication required"},
		{"readyz", "GET", "/readyz", "", "", 503, "application/json", "agents_unavailable"},
		{"healthz", "GET", "/healthz", "", "", 200, "application/json", "ok"},
	} {
		w := send(tc.method, tc.target, tc.header, tc.value)
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.contentType) || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s: %d %s %q; want %d %s with %q", tc.name, w.Code, w.Header().Get("Content-Type"), w.Body, tc.status, tc.contentType, tc.body)
		}
		if strings.Contains(w.Body.String(), errDown.Error()) {
			t.Errorf("%s: the answer shows the store's error: %s", tc.name, w.Body)
		}
		if ra := w.Header().Get("Retry-After"); (tc.status == 503 && tc.name != "readyz") != (ra == "2") {
			t.Errorf("%s: Retry-After %q", tc.name, ra)
		}
	}
	m := g.metrics
	if v := value(t, m.storeErrors.WithLabelValues(storeOpAgents)); v != 3 {
		t.Errorf("store errors (agents): %v, want 3", v)
	}
	if v := value(t, m.storeErrors.WithLabelValues(storeOpReady)); v != 1 {
		t.Errorf("store errors (ready): %v, want 1", v)
	}
	if v := value(t, m.authFailures.WithLabelValues(proxy.ModeAPI)); v != 0 {
		t.Errorf("authentication failures: %v, want none (the agent is not to blame)", v)
	}

	agents.down.Store(false)
	if w := send("GET", "/v1/connections", "Authorization", "Bearer "+cred); w.Code != 200 {
		t.Fatalf("store back: %d %s", w.Code, w.Body)
	}
}

// TestCredentialsUnavailable: a credential read that fails because the store cannot be read
// becomes a 503 refusal with Retry-After; other failures stay as they are (a 502).
func TestCredentialsUnavailable(t *testing.T) {
	g := &Gateway{metrics: newMetrics(), log: discard(), unavail: func(err error) bool { return errors.Is(err, errDown) }}
	_, _, err := credentials{g: g, inner: failingCreds{err: errDown}}.AuthHeader(context.Background(), "microsoft", "work")
	var rf *proxy.Refusal
	if !errors.As(err, &rf) || rf.HTTPStatus() != http.StatusServiceUnavailable || rf.RetryAfter != RetryAfter {
		t.Errorf("store down: %v", err)
	}
	other := errors.New("refresh refused")
	if _, _, err := (credentials{g: g, inner: failingCreds{err: other}}).AuthHeader(context.Background(), "microsoft", "work"); err != other {
		t.Errorf("another failure: %v", err)
	}
	if v := value(t, g.metrics.storeErrors.WithLabelValues(storeOpCredentials)); v != 1 {
		t.Errorf("store errors (credentials): %v, want 1", v)
	}
}

// gateway is the options of a gateway on agents, with no connection.
func gateway(agents AgentStore) Options {
	return Options{Agents: agents, TLS: &tls.Config{MinVersion: tls.VersionTLS12}, Logger: discard()}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestReadyzHidesTheCause: /readyz, open to anyone who reaches the gateway, says which part is
// not ready but not the store's error (a database error names hosts, users and databases); the
// error goes to the gateway's log.
func TestReadyzHidesTheCause(t *testing.T) {
	files, _, _ := twoStores(t)
	var logged strings.Builder
	opts := gateway(files)
	opts.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	secretish := errors.New(`failed to connect to host=db.internal user=authsome database=gw`)
	opts.Ready = func(context.Context) error { return secretish }
	g, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"code":"not_ready"`) {
		t.Errorf("/readyz: %d %s, want 503 not_ready", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "db.internal") {
		t.Errorf("/readyz shows the store's error: %s", w.Body)
	}
	if !strings.Contains(logged.String(), "db.internal") {
		t.Errorf("the cause is not in the log: %q", logged.String())
	}
}
