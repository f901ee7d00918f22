package broker_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
)

func TestLoginDeviceCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	upn := f.user(1) // not the first seeded user: the account must be the one who approved
	c := f.loginDevice(t, "", upn)

	if c.Provider != "microsoft" || c.Name != broker.DefaultConnection {
		t.Errorf("connection is %s/%s, want microsoft/%s", c.Provider, c.Name, broker.DefaultConnection)
	}
	if c.Account.Username != upn {
		t.Errorf("Account.Username = %q, want %q", c.Account.Username, upn)
	}
	if c.Account.ObjectID != f.sb.Info().Users[1].ID {
		t.Errorf("Account.ObjectID = %q, want %q", c.Account.ObjectID, f.sb.Info().Users[1].ID)
	}
	if c.Tenant != sandbox.TenantID {
		t.Errorf("Tenant = %q, want the resolved tenant id %q (not common)", c.Tenant, sandbox.TenantID)
	}
	if c.Cloud != broker.CloudSandbox {
		t.Errorf("Cloud = %q, want %q", c.Cloud, broker.CloudSandbox)
	}
	for _, s := range []string{"openid", "profile"} {
		if !hasScope(c.Scopes, s) {
			t.Errorf("Scopes %v lack %q", c.Scopes, s)
		}
	}
	if c.AccessToken == "" || c.RefreshToken == "" {
		t.Errorf("tokens missing: access %t, refresh %t", c.AccessToken != "", c.RefreshToken != "")
	}
	if c.Flow != string(provider.FlowDeviceCode) || c.Status != broker.StatusConnected {
		t.Errorf("Flow, Status = %q, %q; want device_code, connected", c.Flow, c.Status)
	}
	if c.ClientID != sandbox.PublicClientID {
		t.Errorf("ClientID = %q, want the sandbox's public client", c.ClientID)
	}
	if want := f.clock.Now().Add(time.Hour); !c.Expiry.Equal(want) {
		t.Errorf("Expiry = %v, want now+1h by the broker's clock (%v)", c.Expiry, want)
	}

	// What Login returned is what the vault holds, and it is the provider's default.
	got := f.stored(t, "microsoft", broker.DefaultConnection)
	if got.RefreshToken != c.RefreshToken || got.Account.Username != upn || got.Tenant != sandbox.TenantID {
		t.Errorf("stored connection differs from the returned one: %v vs %v", got, c)
	}
	def, err := f.b.Connection(t.Context(), "microsoft", "")
	if err != nil || def.Name != broker.DefaultConnection {
		t.Errorf("default connection = %v, %v; want %q", def, err, broker.DefaultConnection)
	}
	// A sandbox login uses the seeded client and does not store it as the user's client.
	d, err := f.b.Vault().Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cl := d.Providers["microsoft"].Client; cl != nil {
		t.Errorf("a sandbox login stored an OAuth client: %v", cl)
	}
}

func TestLoginClientCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Connection: "app", Cloud: broker.CloudSandbox, Flow: provider.FlowClientCredentials,
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Tenant != sandbox.TenantID {
		t.Errorf("Tenant = %q, want %q", c.Tenant, sandbox.TenantID)
	}
	if c.ClientID != sandbox.ConfidentialClientID {
		t.Errorf("ClientID = %q, want the sandbox's confidential client", c.ClientID)
	}
	if want := "app " + sandbox.ConfidentialClientID; c.Account.Name != want || c.Account.Username != "" {
		t.Errorf("Account = %+v, want Name %q and no user", c.Account, want)
	}
	if c.AccessToken == "" || c.RefreshToken != "" {
		t.Errorf("app-only sign-in: access token %t, refresh token %t; want true, false", c.AccessToken != "", c.RefreshToken != "")
	}
	if len(c.Scopes) != 1 || !strings.HasSuffix(c.Scopes[0], "/.default") {
		t.Errorf("Scopes = %v, want the single .default scope", c.Scopes)
	}

	// App-only connections renew with the client credentials again, not a refresh token.
	f.clock.Advance(2 * time.Hour)
	got, err := f.b.Token(t.Context(), "microsoft", "app")
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken == c.AccessToken || !got.Expiry.After(f.clock.Now()) {
		t.Errorf("expired app token was not renewed: same token %t, expiry %v", got.AccessToken == c.AccessToken, got.Expiry)
	}
	if n := grants(f.sb, "client_credentials"); n != 2 {
		t.Errorf("%d client_credentials requests, want 2 (login and renewal)", n)
	}
	if n := grants(f.sb, grantRefresh); n != 0 {
		t.Errorf("%d refresh_token requests for an app-only connection, want 0", n)
	}
}

func TestLoginAlreadyExists(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.loginDevice(t, "work", f.user(0))
	f.sb.ClearRequests()

	_, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Connection: "work", Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode,
		OnDeviceCode: approver(t, f.sb, f.user(1)),
	})
	if !errors.Is(err, broker.ErrAlreadyExists) {
		t.Fatalf("second login without Force: err = %v, want ErrAlreadyExists", err)
	}
	if n := len(f.sb.Requests()); n != 0 {
		t.Errorf("the refused login made %d requests; it must fail before signing in", n)
	}
	if got := f.stored(t, "microsoft", "work"); got.RefreshToken != first.RefreshToken {
		t.Error("the refused login changed the stored connection")
	}

	// Force replaces it. A --client-id for the sandbox is used but not stored as the user's
	// Microsoft client (it would break later logins to the real cloud).
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Connection: "work", Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode,
		OnDeviceCode: approver(t, f.sb, f.user(1)), Force: true, ClientID: sandbox.PublicClientID,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.stored(t, "microsoft", "work"); got.Account.Username != f.user(1) || got.RefreshToken != c.RefreshToken {
		t.Errorf("forced login stored account %q, want %q", got.Account.Username, f.user(1))
	}
	d, err := f.b.Vault().Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if cl := d.Providers["microsoft"].Client; cl != nil {
		t.Errorf("a --client-id for the sandbox was stored as the Microsoft client: %v", cl)
	}
	for _, r := range f.sb.Requests() {
		if _, ok := r.Headers["Authorization"]; ok {
			t.Errorf("the public client sent an Authorization header to %s", r.Path)
		}
	}
}

func TestLoginAPIKey(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key := "sk-" + strings.Repeat("a1B2", 6)
	c, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", APIKey: "  " + key + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.APIKey != key || c.AuthType != string(provider.AuthAPIKey) || c.Flow != string(provider.FlowAPIKey) {
		t.Errorf("connection = %v (key %q); want the trimmed key as an api_key connection", c, c.APIKey)
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", APIKey: key})
	if !errors.Is(err, broker.ErrAlreadyExists) {
		t.Errorf("second API-key login: err = %v, want ErrAlreadyExists", err)
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", Connection: "other", APIKey: "not-a-key"})
	if err == nil || !strings.Contains(err.Error(), "sk-") {
		t.Errorf("malformed key: err = %v, want the provider's key hint", err)
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", Connection: "other"})
	if err == nil {
		t.Error("API-key login with no key and no prompt succeeded")
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", Connection: "other", Flow: provider.FlowDeviceCode})
	if err == nil {
		t.Error("--flow device_code on an API-key provider succeeded")
	}
	if _, err := f.b.Connection(t.Context(), "openai", "other"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("failed logins left a connection behind: %v", err)
	}
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	_, err := f.b.Login(ctx, broker.LoginRequest{Provider: "nosuch"})
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("unknown provider: err = %v, want provider.ErrNotFound", err)
	}
	_, err = f.b.Login(ctx, broker.LoginRequest{Provider: "openai", Connection: "bad name", APIKey: "sk-" + strings.Repeat("x", 24)})
	if !errors.Is(err, broker.ErrInvalidConnectionName) || !strings.Contains(err.Error(), "connection name") {
		t.Errorf("invalid connection name: err = %v", err)
	}
	// App-only sign-in outside the sandbox needs a real tenant; found before any request.
	_, err = f.b.Login(ctx, broker.LoginRequest{Provider: "microsoft", Flow: provider.FlowClientCredentials, ClientID: "id", ClientSecret: "s"})
	if err == nil || !strings.Contains(err.Error(), "--tenant") {
		t.Errorf("client credentials on common: err = %v, want a --tenant hint", err)
	}
	if n := len(f.sb.Requests()); n != 0 {
		t.Errorf("failed logins made %d requests", n)
	}
}

// acmeProvider is a generic OAuth provider (no Microsoft dialect) served by a plain-HTTP
// sandbox: its endpoints are the sandbox tenant's, its API host is anything.
func acmeProvider(base string) []byte {
	ep := base + "/" + sandbox.TenantID + "/oauth2/v2.0/"
	return fmt.Appendf(nil, `{
  "schema_version": 1,
  "name": "acme",
  "display_name": "Acme",
  "auth_type": "oauth2",
  "flow": "device_code",
  "api_url": "api.acme.test",
  "oauth": {
    "authorization_url": %q,
    "token_url": %q,
    "device_authorization_url": %q,
    "scopes": ["User.Read", "offline_access"],
    "pkce": true,
    "supports_device_code": true
  },
  "export": {"ACME_TOKEN": "access_token"}
}`, ep+"authorize", ep+"token", ep+"devicecode")
}

func TestLoginClientIDPersistedAndPublic(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	plain := startSandbox(t, sandbox.Options{PlainHTTP: true})
	rec := &recorder{base: http.DefaultTransport}
	b := f.open(t, &http.Client{Transport: rec})
	if _, err := b.Catalog().Add(acmeProvider(plain.URL())); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	first, err := b.Login(ctx, broker.LoginRequest{
		Provider: "acme", Connection: "first", ClientID: sandbox.PublicClientID,
		OnDeviceCode: approver(t, plain, ""),
	})
	if err != nil {
		t.Fatalf("login with --client-id: %v", err)
	}
	if first.ClientID != sandbox.PublicClientID || first.Tenant != "" || first.Cloud != "" {
		t.Errorf("connection ClientID, Tenant, Cloud = %q, %q, %q; want the client and no Microsoft fields", first.ClientID, first.Tenant, first.Cloud)
	}
	d, err := b.Vault().Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cl := d.Providers["acme"].Client; cl == nil || cl.ClientID != sandbox.PublicClientID || cl.ClientSecret != "" {
		t.Fatalf("stored client = %v, want %s without a secret", cl, sandbox.PublicClientID)
	}

	// No --client-id and no way to ask: only the stored client can make this work.
	second, err := b.Login(ctx, broker.LoginRequest{
		Provider: "acme", Connection: "second",
		OnDeviceCode: approver(t, plain, ""),
	})
	if err != nil {
		t.Fatalf("second login did not reuse the stored client: %v", err)
	}
	if second.ClientID != sandbox.PublicClientID {
		t.Errorf("second connection ClientID = %q, want the stored %q", second.ClientID, sandbox.PublicClientID)
	}

	f.clock.Advance(58 * time.Minute)
	if _, err := b.Token(ctx, "acme", "first"); err != nil {
		t.Fatalf("refresh with the public client: %v", err)
	}

	seen := map[string]int{}
	for _, r := range rec.requests() {
		if v := r.form.Get("client_secret"); v != "" {
			t.Errorf("%s: a public client sent client_secret", r.path)
		}
		if r.header.Get("Authorization") != "" {
			t.Errorf("%s: a public client sent an Authorization header", r.path)
		}
		if id := r.form.Get("client_id"); id != sandbox.PublicClientID {
			t.Errorf("%s: client_id = %q, want %q", r.path, id, sandbox.PublicClientID)
		}
		seen[r.form.Get("grant_type")]++
	}
	if seen[grantRefresh] != 1 || seen["urn:ietf:params:oauth:grant-type:device_code"] < 2 {
		t.Errorf("requests by grant type = %v, want both device logins and one refresh through the client", seen)
	}
	for _, r := range plain.Requests() {
		if _, ok := r.Headers["Authorization"]; ok {
			t.Errorf("sandbox saw an Authorization header on %s", r.Path)
		}
	}
}
