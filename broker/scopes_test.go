package broker_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
)

// scp returns the scopes of a sandbox access token (a JWT with an scp claim).
func scp(t *testing.T, accessToken string) []string {
	t.Helper()
	parts := strings.Split(accessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("access token is not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Scp string `json:"scp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return strings.Fields(claims.Scp)
}

// TestLoginAddScopes: +scopes on an existing connection sign it in again for the union of its
// scopes and the new ones, keeping its name, its account, its flow and cloud, and which
// connection is the default.
func TestLoginAddScopes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	upn := f.user(1)
	f.loginDevice(t, "", f.user(0))
	before := f.loginDevice(t, "work", upn)
	if hasScope(before.Scopes, "Mail.Send") {
		t.Fatalf("the default scopes %v already hold Mail.Send", before.Scopes)
	}

	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Connection: "work", Scopes: []string{"Mail.Send", "@contacts"}, AddScopes: true,
		OnDeviceCode: approver(t, f.sb, upn),
	})
	if err != nil {
		t.Fatalf("login with added scopes: %v", err)
	}
	if c.Name != "work" || c.Account.Username != upn || c.Flow != string(provider.FlowDeviceCode) || c.Cloud != broker.CloudSandbox {
		t.Errorf("connection %s as %s (%s, %s); want work as %s, device_code, sandbox", c.Name, c.Account.Username, c.Flow, c.Cloud, upn)
	}
	for _, s := range []string{"Mail.ReadWrite", "Mail.Send", "Contacts.ReadWrite", "offline_access"} {
		if !hasScope(c.Scopes, s) {
			t.Errorf("Scopes %v lack %q", c.Scopes, s)
		}
	}
	got := scp(t, c.AccessToken)
	for _, s := range []string{"Mail.ReadWrite", "Mail.Send", "Contacts.ReadWrite"} {
		if !hasScope(got, s) {
			t.Errorf("the token's scp %v lacks %q", got, s)
		}
	}
	if c.RefreshToken == "" {
		t.Error("no refresh token")
	}
	def, err := f.b.Connection(t.Context(), "microsoft", "")
	if err != nil || def.Name != broker.DefaultConnection {
		t.Errorf("default connection = %v, %v; want %q still", def, err, broker.DefaultConnection)
	}

	// A new connection starts from the provider's defaults.
	n, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Connection: "new", Scopes: []string{"Mail.Send"}, AddScopes: true,
		Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode, OnDeviceCode: approver(t, f.sb, upn),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasScope(n.Scopes, "Mail.ReadWrite") || !hasScope(n.Scopes, "Mail.Send") {
		t.Errorf("new connection's scopes %v: want the defaults and Mail.Send", n.Scopes)
	}
}

// TestLoginReplaceScopesKeepsOfflineAccess: scopes given without AddScopes replace the
// defaults but keep offline_access, so the connection still refreshes.
func TestLoginReplaceScopesKeepsOfflineAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	upn := f.user(0)
	f.loginDevice(t, "", upn)
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Scopes: []string{"Mail.Send", "Contacts.ReadWrite"}, Force: true,
		Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode, OnDeviceCode: approver(t, f.sb, upn),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasScope(c.Scopes, "offline_access") || hasScope(c.Scopes, "Mail.ReadWrite") {
		t.Errorf("Scopes %v: want offline_access kept and the defaults replaced", c.Scopes)
	}
	if c.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	f.clock.Advance(2 * time.Hour)
	r, err := f.b.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if r.AccessToken == c.AccessToken || r.Status != broker.StatusConnected {
		t.Errorf("after refresh: same access token %t, status %q", r.AccessToken == c.AccessToken, r.Status)
	}
}

// TestLoginScopePresets: @presets expand to the provider's scopes; an unknown one fails,
// naming the known ones.
func TestLoginScopePresets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	upn := f.user(0)
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Scopes: []string{"@mail", "@calendar"},
		Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode, OnDeviceCode: approver(t, f.sb, upn),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "offline_access"} {
		if !hasScope(c.Scopes, s) {
			t.Errorf("Scopes %v lack %q", c.Scopes, s)
		}
	}
	if hasScope(c.Scopes, "Files.ReadWrite") {
		t.Errorf("Scopes %v: presets replace the defaults", c.Scopes)
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Connection: "x", Scopes: []string{"@mial"}, Cloud: broker.CloudSandbox})
	if !errors.Is(err, provider.ErrUnknownPreset) || !strings.Contains(err.Error(), "@mail") {
		t.Errorf("unknown preset: %v; want ErrUnknownPreset naming @mail", err)
	}
}

// TestLoginWarnsWithoutRefreshToken: a sign-in that asked for offline_access but got no
// refresh token says on Notify that the connection cannot refresh.
func TestLoginWarnsWithoutRefreshToken(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	a.mu.Lock()
	a.noRefresh = true
	a.mu.Unlock()
	def := &provider.Definition{
		SchemaVersion: 1, Name: "acme", DisplayName: "Acme", AuthType: provider.AuthOAuth2, Flow: provider.FlowDeviceCode,
		APIURL: "api.acme.test",
		OAuth: &provider.OAuth{
			AuthorizationURL: a.URL + "/authorize", TokenURL: a.URL + "/token", DeviceAuthorizationURL: a.URL + "/devicecode",
			Scopes: []string{"read", "offline_access"}, PKCE: true, SupportsDeviceCode: true,
		},
	}
	b, _ := openWith(t, newClock(), def)
	var notes []string
	c, err := b.Login(t.Context(), broker.LoginRequest{Provider: "acme", ClientID: "cid", Scopes: []string{"write"},
		Notify: func(m string) { notes = append(notes, m) }, OnDeviceCode: pollAtOnce})
	if err != nil {
		t.Fatal(err)
	}
	if !hasScope(c.Scopes, "offline_access") {
		t.Errorf("Scopes %v: offline_access (in the defaults) is kept", c.Scopes)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "warning: ") || !strings.Contains(notes[0], "cannot refresh") {
		t.Errorf("notes %q; want one warning that the connection cannot refresh", notes)
	}

	a.mu.Lock()
	a.noRefresh = false
	a.mu.Unlock()
	notes = nil
	if _, err := b.Login(t.Context(), broker.LoginRequest{Provider: "acme", ClientID: "cid", Force: true,
		Notify: func(m string) { notes = append(notes, m) }, OnDeviceCode: pollAtOnce}); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q with a refresh token; want none", notes)
	}
}

// TestLoginAddScopesAppOnly: an app-only connection has no scopes to add to; it is refused
// and kept, and its sign-in warns of no missing refresh token.
func TestLoginAddScopesAppOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var notes []string
	c, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Connection: "app", Cloud: broker.CloudSandbox,
		Flow: provider.FlowClientCredentials, Notify: func(m string) { notes = append(notes, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("app-only sign-in notes %q; want none (it never gets a refresh token)", notes)
	}
	_, err = f.b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Connection: "app", Scopes: []string{"Mail.Send"}, AddScopes: true})
	if err == nil || !strings.Contains(err.Error(), "app-only") {
		t.Errorf("adding scopes to an app-only connection: %v; want a refusal", err)
	}
	if got := f.stored(t, "microsoft", "app"); got.AccessToken != c.AccessToken {
		t.Error("the refused login changed the connection")
	}
}
