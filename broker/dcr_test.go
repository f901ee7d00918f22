package broker_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// dcrDef is a dcr_pkce provider whose endpoints are a's.
func dcrDef(a *fakeAS) *provider.Definition {
	return &provider.Definition{
		SchemaVersion: 1, Name: "mcpdemo", DisplayName: "MCP demo", AuthType: provider.AuthOAuth2, Flow: provider.FlowDCRPKCE,
		APIURL: "mcp.demo.test",
		OAuth: &provider.OAuth{
			AuthorizationURL: a.URL + "/authorize", TokenURL: a.URL + "/token",
			Scopes: []string{"read"}, PKCE: true, SupportsDCR: true,
		},
		Registration: &provider.Registration{RegistrationEndpoint: a.URL + "/register"},
		Export:       map[string]string{"MCPDEMO_TOKEN": provider.ExportAccessToken},
	}
}

func TestLoginDCRPKCE(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	a.mu.Lock()
	a.expiresAt = time.Now().Add(24 * time.Hour).Unix()
	a.mu.Unlock()
	clk := newClock()
	b, home := openWith(t, clk, dcrDef(a))
	ctx := t.Context()
	pages := make(chan string, 1)

	// First login: no client yet, so one is registered, then PKCE runs as that client.
	c, err := b.Login(ctx, broker.LoginRequest{Provider: "mcpdemo", Port: -1, Open: followBrowser(pages)})
	if err != nil {
		t.Fatalf("dcr_pkce login: %v", err)
	}
	pageOK(t, pages)
	regs, types := a.registrations()
	if len(regs) != 1 {
		t.Fatalf("%d registrations, want 1", len(regs))
	}
	redirect, _ := regs[0]["redirect_uris"].([]any)
	want := map[string]any{
		"client_name": "authsome", "redirect_uris": redirect,
		"grant_types": []any{"authorization_code", "refresh_token"}, "response_types": []any{"code"},
		"token_endpoint_auth_method": "none",
	}
	if diff := cmp.Diff(want, regs[0]); diff != "" || types[0] != "application/json" {
		t.Errorf("registration request (content type %q) (-want +got):\n%s", types[0], diff)
	}
	if len(redirect) != 1 || !strings.HasPrefix(redirect[0].(string), "http://127.0.0.1:") {
		t.Fatalf("registered redirect_uris = %v, want the loopback URI", redirect)
	}
	if c.ClientID != "dcr-client-1" || c.AccessToken != "AT-1" || c.RefreshToken != "RT-1" || c.Flow != string(provider.FlowDCRPKCE) {
		t.Errorf("connection client %q, tokens %q %q, flow %q", c.ClientID, c.AccessToken, c.RefreshToken, c.Flow)
	}
	if got := stored(t, home, "mcpdemo", "default"); got.AccessToken != "AT-1" {
		t.Errorf("stored access token %q, want AT-1", got.AccessToken)
	}
	cl := storedClient(t, home, "mcpdemo")
	if cl == nil || cl.ClientID != "dcr-client-1" || cl.ClientSecret != "dcr-secret-dcr-client-1" ||
		cl.RegistrationEndpoint != a.URL+"/register" || cl.RedirectURI != redirect[0] || !cl.ExpiresAt.Equal(time.Unix(a.expiresAt, 0)) {
		t.Fatalf("stored client = %+v", cl)
	}
	raw, err := os.ReadFile(filepath.Join(home, "profiles", "default", "vault.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "dcr-secret") || strings.Contains(string(raw), "dcr-client-1") {
		t.Error("the registered client is in the vault file in clear")
	}

	// Second login on the same redirect URI: the stored client is reused, nothing registered.
	port := portOf(t, cl.RedirectURI)
	if _, err := b.Login(ctx, broker.LoginRequest{Provider: "mcpdemo", Connection: "second", Port: port, Open: followBrowser(pages)}); err != nil {
		t.Fatalf("second login: %v", err)
	}
	pageOK(t, pages)
	if regs, _ := a.registrations(); len(regs) != 1 {
		t.Errorf("%d registrations after the second login, want the stored client reused", len(regs))
	}
	toks, _ := a.tokenRequests()
	if last := toks[len(toks)-1]; last.Get("client_id") != "dcr-client-1" || last.Get("client_secret") != "dcr-secret-dcr-client-1" {
		t.Errorf("second token request client %q (secret sent %t)", last.Get("client_id"), last.Get("client_secret") != "")
	}

	// Refresh goes through the registered client too.
	clk.Advance(2 * time.Hour)
	if got, err := b.Token(ctx, "mcpdemo", "second"); err != nil || got.AccessToken == "AT-2" {
		t.Fatalf("refresh: %v, %v", got, err)
	}
	toks, _ = a.tokenRequests()
	if last := toks[len(toks)-1]; last.Get("grant_type") != "refresh_token" || last.Get("client_id") != "dcr-client-1" {
		t.Errorf("refresh request = %v", last)
	}

	// Once the client's secret has expired, the next login registers again and stores the new one.
	clk.Advance(24 * time.Hour)
	if _, err := b.Login(ctx, broker.LoginRequest{Provider: "mcpdemo", Connection: "third", Port: port, Open: followBrowser(pages)}); err != nil {
		t.Fatalf("login after expiry: %v", err)
	}
	pageOK(t, pages)
	if regs, _ := a.registrations(); len(regs) != 2 {
		t.Errorf("%d registrations after the client expired, want 2", len(regs))
	}
	if cl := storedClient(t, home, "mcpdemo"); cl.ClientID != "dcr-client-2" {
		t.Errorf("stored client after re-registration = %q, want dcr-client-2", cl.ClientID)
	}
}

func TestLoginDCRRegistrationError(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	a.mu.Lock()
	a.refuse = "registration closed " + strings.Repeat("Zq9", 20)
	a.mu.Unlock()
	def := dcrDef(a)
	b, home := openWith(t, newClock(), def)
	_, err := b.Login(t.Context(), broker.LoginRequest{Provider: "mcpdemo", Port: -1, Open: func(string) error {
		t.Error("the browser was opened although registration failed")
		return nil
	}})
	if err == nil || !strings.Contains(err.Error(), "invalid_client_metadata") || !strings.Contains(err.Error(), "registration closed") ||
		strings.Contains(err.Error(), strings.Repeat("Zq9", 20)) {
		t.Errorf("err = %v, want the RFC 7591 error, redacted", err)
	}
	if cl := storedClient(t, home, "mcpdemo"); cl != nil {
		t.Errorf("a failed registration stored a client: %v", cl)
	}
	// A provider without a registration endpoint cannot use the flow.
	def2 := dcrDef(a)
	def2.Name, def2.Registration = "noreg", nil
	b2, _ := openWith(t, newClock(), def2)
	if _, err := b2.Login(t.Context(), broker.LoginRequest{Provider: "noreg", Port: -1}); err == nil || !strings.Contains(err.Error(), "registration") {
		t.Errorf("dcr_pkce without an endpoint: err = %v", err)
	}
}

func portOf(t *testing.T, raw string) int {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openStore(t *testing.T, home string) *vault.Data {
	t.Helper()
	dir := filepath.Join(home, "profiles", "default")
	st, err := vault.Open(dir, vault.FileKey(filepath.Join(dir, vault.KeyFileName)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func stored(t *testing.T, home, prov, name string) *vault.Connection {
	t.Helper()
	c, ok := openStore(t, home).Connection(prov, name)
	if !ok {
		t.Fatalf("%s/%s is not in the vault", prov, name)
	}
	return c
}

func storedClient(t *testing.T, home, prov string) *vault.Client {
	t.Helper()
	if ps := openStore(t, home).Providers[prov]; ps != nil {
		return ps.Client
	}
	return nil
}
