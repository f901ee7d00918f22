package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/proxy"
)

const exportedToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.exported-access-token"

// exportGateway is a gateway whose Token hands out exportedToken (or fails with tokenErr) and
// whose audit entries are kept; it has an agent "exporter" (export granted) and "keeper" (not).
type exportGateway struct {
	g                *Gateway
	exporter, keeper string // their credentials
	mu               sync.Mutex
	entries          []proxy.Entry
	tokenErr         error
	now              time.Time
	agents           *downAgents
}

func newExportGateway(t *testing.T, withToken bool) *exportGateway {
	t.Helper()
	ctx := context.Background()
	files, _, _ := twoStores(t)
	eg := &exportGateway{agents: &downAgents{AgentStore: files}, now: time.Now()}
	for _, name := range []string{"exporter", "keeper"} {
		g := grant.Grant{Connections: testGrant.Connections, ExportToken: name == "exporter"}
		a, cred, err := NewAgent(name, g, eg.now, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := eg.agents.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
		if name == "exporter" {
			eg.exporter = cred
		} else {
			eg.keeper = cred
		}
	}
	opts := gateway(eg.agents)
	opts.Now = func() time.Time { return eg.now }
	opts.Unavailable = func(err error) bool { return errors.Is(err, errDown) }
	opts.Audit = func(e proxy.Entry) {
		eg.mu.Lock()
		defer eg.mu.Unlock()
		eg.entries = append(eg.entries, e)
	}
	if withToken {
		opts.Token = func(_ context.Context, prov, conn string) (string, time.Time, error) {
			if eg.tokenErr != nil {
				return "", time.Time{}, eg.tokenErr
			}
			if prov != "microsoft" || conn != "work" {
				return "", time.Time{}, fmt.Errorf("no connection %s:%s", prov, conn)
			}
			return exportedToken, eg.now.Add(time.Hour), nil
		}
	}
	g, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	eg.g = g
	return eg
}

func (eg *exportGateway) send(method, target, cred string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Authorization", "Bearer "+cred)
	w := httptest.NewRecorder()
	eg.g.ServeHTTP(w, r)
	return w
}

func (eg *exportGateway) last() proxy.Entry {
	eg.mu.Lock()
	defer eg.mu.Unlock()
	if len(eg.entries) == 0 {
		return proxy.Entry{}
	}
	return eg.entries[len(eg.entries)-1]
}

// errorCode is the code of an {"error":{"code","message"}} body.
func errorCode(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%d %q: %v", w.Code, w.Body, err)
	}
	return body.Error.Code
}

// TestTokenExport: an agent whose grant allows export gets the connection's token, not
// cached, audited (without the token) and counted.
func TestTokenExport(t *testing.T) {
	eg := newExportGateway(t, true)
	w := eg.send("POST", "/v1/token/microsoft/work", eg.exporter)
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("export: %d %v %s", w.Code, w.Header(), w.Body)
	}
	var got struct {
		V           int    `json:"v"`
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresAt   string `json:"expires_at"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := eg.now.Add(time.Hour).UTC().Format(time.RFC3339)
	if got.V != 1 || got.AccessToken != exportedToken || got.TokenType != "Bearer" || got.ExpiresAt != want || got.ExpiresIn != 3600 {
		t.Errorf("export: %+v", got)
	}
	e := eg.last()
	if e.Mode != ModeExport || e.Agent != "exporter" || e.Provider != "microsoft" || e.Connection != "work" || e.Status != 200 || e.Injected {
		t.Errorf("audit entry: %+v", e)
	}
	if s := fmt.Sprintf("%+v", e); strings.Contains(s, exportedToken) || strings.Contains(s, "exported-access-token") {
		t.Errorf("the audit entry holds the token: %s", s)
	}
	if v := value(t, eg.g.metrics.tokenExports.WithLabelValues("exporter", "microsoft:work")); v != 1 {
		t.Errorf("%s: %v, want 1", MetricTokenExports, v)
	}
}

// TestTokenExportRefused: without export in the grant, outside the grant or for an unknown
// connection, with GET, without a credential or a Token function, no token is handed out and
// nothing is counted as an export.
func TestTokenExportRefused(t *testing.T) {
	eg := newExportGateway(t, true)
	for _, tc := range []struct {
		name, method, target, cred string
		status                     int
		code                       string
	}{
		{"no export in the grant", "POST", "/v1/token/microsoft/work", eg.keeper, 403, "authsome_export_not_granted"},
		{"outside the grant", "POST", "/v1/token/microsoft/home", eg.exporter, 403, "authsome_outside_grant"},
		{"unknown provider", "POST", "/v1/token/nosuch/work", eg.exporter, 403, "authsome_outside_grant"},
		{"GET", "GET", "/v1/token/microsoft/work", eg.exporter, 405, "method_not_allowed"},
		{"more segments", "POST", "/v1/token/microsoft/work/x", eg.exporter, 404, "not_found"},
		{"no connection", "POST", "/v1/token/microsoft", eg.exporter, 404, "not_found"},
		{"bad credential", "POST", "/v1/token/microsoft/work", "nonsense", 401, "authsome_agent_credential"},
	} {
		w := eg.send(tc.method, tc.target, tc.cred)
		if w.Code != tc.status || errorCode(t, w) != tc.code || strings.Contains(w.Body.String(), exportedToken) {
			t.Errorf("%s: %d %s; want %d %s", tc.name, w.Code, w.Body, tc.status, tc.code)
		}
	}
	if w := eg.send("GET", "/v1/token/microsoft/work", eg.exporter); w.Header().Get("Allow") != "POST" {
		t.Errorf("405 without Allow: POST: %v", w.Header())
	}
	if w := eg.send("POST", "/v1/token/microsoft/work", eg.keeper); !strings.Contains(w.Body.String(), "--allow-token-export") {
		t.Errorf("the refusal does not name the flag: %s", w.Body)
	}
	// Outside the grant and unknown: the same answer but for the names asked.
	a := eg.send("POST", "/v1/token/microsoft/home", eg.exporter).Body.String()
	b := eg.send("POST", "/v1/token/nosuch/home", eg.exporter).Body.String()
	if strings.Replace(a, "microsoft:home", "nosuch:home", 1) != b {
		t.Errorf("outside the grant %s, unknown %s", a, b)
	}
	e := eg.last()
	if e.Mode != proxy.ModeDenied || e.Status != 403 || e.Provider != "" {
		t.Errorf("audit of a refusal outside the grant: %+v", e)
	}
	eg.send("POST", "/v1/token/microsoft/work", eg.keeper)
	if e := eg.last(); e.Mode != proxy.ModeDenied || e.Agent != "keeper" || e.Connection != "work" || e.Status != 403 {
		t.Errorf("audit of a refusal for no export: %+v", e)
	}
	if v := value(t, eg.g.metrics.tokenExports.WithLabelValues("keeper", "microsoft:work")); v != 0 {
		t.Errorf("%s for keeper: %v", MetricTokenExports, v)
	}

	// Without Options.Token, the endpoint does not exist.
	none := newExportGateway(t, false)
	if w := none.send("POST", "/v1/token/microsoft/work", none.exporter); w.Code != 404 || errorCode(t, w) != "not_found" {
		t.Errorf("no Token: %d %s", w.Code, w.Body)
	}
}

// TestTokenExportUnavailable: the store down (agents or the token's) is a 503 with
// Retry-After; another failure to get the token a 502 that names nothing of it; neither is
// counted as an export.
func TestTokenExportUnavailable(t *testing.T) {
	eg := newExportGateway(t, true)
	eg.agents.down.Store(true)
	w := eg.send("POST", "/v1/token/microsoft/work", eg.exporter)
	if w.Code != 503 || errorCode(t, w) != "authsome_unavailable" || w.Header().Get("Retry-After") != "2" {
		t.Errorf("agents down: %d %s", w.Code, w.Body)
	}
	eg.agents.down.Store(false)

	eg.tokenErr = fmt.Errorf("reading the connection: %w", errDown)
	w = eg.send("POST", "/v1/token/microsoft/work", eg.exporter)
	if w.Code != 503 || errorCode(t, w) != "authsome_unavailable" || w.Header().Get("Retry-After") != "2" {
		t.Errorf("credentials down: %d %s", w.Code, w.Body)
	}
	if e := eg.last(); e.Mode != ModeExport || e.Status != 503 {
		t.Errorf("audit: %+v", e)
	}
	eg.tokenErr = errors.New("invalid_grant: the refresh token was revoked")
	w = eg.send("POST", "/v1/token/microsoft/work", eg.exporter)
	if w.Code != 502 || errorCode(t, w) != "authsome_token_unavailable" || strings.Contains(w.Body.String(), "invalid_grant") {
		t.Errorf("token failure: %d %s", w.Code, w.Body)
	}
	if v := value(t, eg.g.metrics.tokenExports.WithLabelValues("exporter", "microsoft:work")); v != 0 {
		t.Errorf("%s: %v, want 0", MetricTokenExports, v)
	}
}

// TestExportTokenStored: the file store keeps a grant's export_token; a grant without it reads
// as not exporting.
func TestExportTokenStored(t *testing.T) {
	ctx := context.Background()
	s1, s2, _ := twoStores(t)
	g := grant.Grant{Connections: testGrant.Connections, ExportToken: true}
	a, _, err := NewAgent("exporter", g, time.Now(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewAgent("keeper", testGrant, time.Now(), 0, nil)
	if err := s1.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(ctx, "exporter"); err != nil || !got.Grant.ExportToken {
		t.Errorf("exporter: %+v, %v", got, err)
	}
	if got, err := s2.Get(ctx, "keeper"); err != nil || got.Grant.ExportToken {
		t.Errorf("keeper: %+v, %v", got, err)
	}
	if _, _, err := NewAgent("both", grant.Grant{Connections: testGrant.Connections, ExportToken: true,
		Allow: []grant.Rule{{Method: "GET", Segs: []string{"v1.0", "me"}}}}, time.Now(), 0, nil); err == nil {
		t.Error("export with --allow rules accepted")
	}
}
