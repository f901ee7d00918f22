package broker_test

import (
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
)

var testKey = "sk-" + strings.Repeat("Ab3_", 6)

func loginKey(t *testing.T, b *broker.Broker, conn, key string) {
	t.Helper()
	if _, err := b.Login(t.Context(), broker.LoginRequest{Provider: "openai", Connection: conn, APIKey: key}); err != nil {
		t.Fatal(err)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	b := f.b

	if _, err := b.Token(ctx, "microsoft", ""); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("Token with no connection: %v, want ErrConnectionNotFound", err)
	}
	loginKey(t, b, "main", testKey)
	if _, err := b.Token(ctx, "openai", "nope"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("Token of an unknown connection name: %v, want ErrConnectionNotFound", err)
	}
	for name, fn := range map[string]func() error{
		"Token":      func() error { _, err := b.Token(ctx, "nosuch", ""); return err },
		"Connection": func() error { _, err := b.Connection(ctx, "nosuch", ""); return err },
		"Export":     func() error { _, err := b.Export(ctx, "nosuch", "", false); return err },
		"SetDefault": func() error { return b.SetDefault(ctx, "nosuch", "main") },
		"Logout":     func() error { _, err := b.Logout(ctx, "nosuch", ""); return err },
	} {
		if err := fn(); !errors.Is(err, provider.ErrNotFound) {
			t.Errorf("%s of an unknown provider: %v, want provider.ErrNotFound", name, err)
		}
	}
	if err := b.SetDefault(ctx, "openai", "nope"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("SetDefault to an unknown connection: %v, want ErrConnectionNotFound", err)
	}
	if _, err := b.Logout(ctx, "openai", "nope"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("Logout of an unknown connection: %v, want ErrConnectionNotFound", err)
	}
}

func TestLogoutAndDefaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	b := f.b
	loginKey(t, b, "zeta", testKey) // the first connection becomes the default
	loginKey(t, b, "beta", testKey+"b")
	loginKey(t, b, "alpha", testKey+"a")
	def := func() string {
		t.Helper()
		c, err := b.Connection(ctx, "openai", "")
		if err != nil {
			t.Fatal(err)
		}
		return c.Name
	}
	if got := def(); got != "zeta" {
		t.Fatalf("default = %q, want the first connection zeta", got)
	}

	if err := b.SetDefault(ctx, "openai", "beta"); err != nil {
		t.Fatal(err)
	}
	if got := def(); got != "beta" {
		t.Errorf("after SetDefault: default = %q, want beta", got)
	}
	c, err := b.Token(ctx, "openai", "")
	if err != nil || c.Name != "beta" || c.APIKey != testKey+"b" {
		t.Errorf("Token of the default = %v, %v; want beta's key", c, err)
	}

	// Logging out the default picks another one (the first by name).
	if revokeErr, err := b.Logout(ctx, "openai", ""); err != nil || revokeErr != nil {
		t.Fatalf("Logout: %v, %v", revokeErr, err)
	}
	if _, err := b.Connection(ctx, "openai", "beta"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("beta still exists after logout: %v", err)
	}
	if got := def(); got != "alpha" {
		t.Errorf("after logging out the default: default = %q, want alpha", got)
	}
	// Logging out another connection keeps the default.
	if _, err := b.Logout(ctx, "openai", "zeta"); err != nil {
		t.Fatal(err)
	}
	if got := def(); got != "alpha" {
		t.Errorf("after logging out zeta: default = %q, want alpha", got)
	}
	if _, err := b.Logout(ctx, "openai", "alpha"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Connection(ctx, "openai", ""); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("no connections left, yet a default: %v", err)
	}
	// The next login becomes the default again.
	loginKey(t, b, "again", testKey)
	if got := def(); got != "again" {
		t.Errorf("default = %q, want again", got)
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	login := f.loginDevice(t, "", f.user(0))

	got, err := f.b.Export(ctx, "microsoft", "", false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"MICROSOFT_ACCESS_TOKEN": login.AccessToken}
	if !maps.Equal(got, want) {
		t.Errorf("Export without refresh token: keys %v, want only MICROSOFT_ACCESS_TOKEN with the access token", keys(got))
	}
	got, err = f.b.Export(ctx, "microsoft", "", true)
	if err != nil {
		t.Fatal(err)
	}
	want["MICROSOFT_REFRESH_TOKEN"] = login.RefreshToken
	if !maps.Equal(got, want) {
		t.Errorf("Export with refresh token: keys %v, want access and refresh tokens", keys(got))
	}

	loginKey(t, f.b, "", testKey)
	got, err = f.b.Export(ctx, "openai", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"OPENAI_API_KEY": testKey}; !maps.Equal(got, want) {
		t.Errorf("openai Export: keys %v, want OPENAI_API_KEY with the key", keys(got))
	}
	if _, err := f.b.Export(ctx, "openai", "nope", false); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("Export of an unknown connection: %v", err)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAuthHeader(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loginKey(t, f.b, "", testKey)
	name, value, err := f.b.AuthHeader(t.Context(), "openai", "")
	if err != nil {
		t.Fatal(err)
	}
	if name != "Authorization" || value != "Bearer "+testKey {
		t.Errorf("AuthHeader = %q: %q, want Authorization: Bearer %s", name, value, testKey)
	}

	// A provider whose key is sent raw in its own header.
	def := `{"name":"rawkey","display_name":"Raw","auth_type":"api_key","flow":"api_key","api_url":"api.raw.test",
	  "api_key":{"header_name":"X-Api-Key","header_prefix":""},"export":{"RAW_KEY":"api_key"}}`
	if _, err := f.b.Catalog().Add([]byte(def)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "rawkey", APIKey: "raw-secret"}); err != nil {
		t.Fatal(err)
	}
	name, value, err = f.b.AuthHeader(t.Context(), "rawkey", "")
	if err != nil || name != "X-Api-Key" || value != "raw-secret" {
		t.Errorf("AuthHeader = %q: %q, %v; want X-Api-Key: raw-secret", name, value, err)
	}
}

func TestTransport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loginKey(t, f.b, "", testKey)
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/models", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Caller", "kept")
	req.Header.Set("Authorization", "Bearer caller-placeholder")
	resp, err := f.b.HTTPClient(t.Context(), "openai", "").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	if len(seen) != 1 || seen[0].Get("Authorization") != "Bearer "+testKey || seen[0].Get("X-Caller") != "kept" {
		t.Errorf("server saw %v; want one request with the key and the caller's header", seen)
	}
	mu.Unlock()
	if h := req.Header.Get("Authorization"); h != "Bearer caller-placeholder" || len(req.Header) != 2 {
		t.Errorf("the caller's request was modified: %v", req.Header)
	}

	// A connection that cannot be used fails the request without sending it.
	tr := &broker.Transport{Broker: f.b, Provider: "openai", Connection: "nope"}
	req2, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	if _, err := tr.RoundTrip(req2); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("RoundTrip with an unknown connection: %v", err)
	}
	mu.Lock()
	if len(seen) != 1 {
		t.Error("the request was sent without a credential")
	}
	mu.Unlock()
}

// TestExportAllNames: names two connections share are kept by the first (the provider's
// default connection first) and suffixed _<PROVIDER>_<CONN> for the others, upper-cased with
// every other character turned into _.
func TestExportAllNames(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loginKey(t, f.b, "default", testKey)
	loginKey(t, f.b, "b-side.2", testKey+"2")
	loginKey(t, f.b, "a", testKey+"3")
	got, err := f.b.ExportAll(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"OPENAI_API_KEY":                 testKey,
		"OPENAI_API_KEY_OPENAI_A":        testKey + "3",
		"OPENAI_API_KEY_OPENAI_B_SIDE_2": testKey + "2",
	}
	if !maps.Equal(got, want) {
		t.Errorf("ExportAll names %v, want %v", keys(got), keys(want))
	}
}

// TestRevokeDeletesConnectionsAndClient: Revoke deletes every connection and the stored client;
// a provider without a revocation endpoint reports nothing revoked.
func TestRevokeDeletesConnectionsAndClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	loginKey(t, f.b, "one", testKey)
	loginKey(t, f.b, "two", testKey)
	res, err := f.b.Revoke(ctx, "OpenAI")
	if err != nil {
		t.Fatal(err)
	}
	if res.Provider != "openai" || len(res.Connections) != 2 || res.Connections[0].Name != "one" || res.Connections[0].Revoked || res.Client {
		t.Errorf("Revoke = %+v", res)
	}
	if _, err := f.b.Connection(ctx, "openai", ""); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("a connection is left: %v", err)
	}
	if _, err := f.b.Revoke(ctx, "nosuch"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Revoke of an unknown provider: %v", err)
	}
}
