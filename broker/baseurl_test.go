package broker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
)

// selfHosted is a templated device-code provider (a self-hosted forge) that polls with a JSON
// body, as Postiz does.
func selfHosted() *provider.Definition {
	ph := provider.BaseURLPlaceholder
	return &provider.Definition{
		SchemaVersion: 1, Name: "forge", DisplayName: "Forge", AuthType: provider.AuthOAuth2, Flow: provider.FlowDeviceCode,
		APIURL: ph + "/api/v4",
		OAuth: &provider.OAuth{
			AuthorizationURL: ph + "/authorize", TokenURL: ph + "/token", DeviceAuthorizationURL: ph + "/devicecode",
			Scopes: []string{"api"}, SupportsDeviceCode: true, BaseURL: "https://forge.example.com",
			DeviceTokenRequest: provider.DeviceTokenJSON,
		},
		Export: map[string]string{"FORGE_TOKEN": provider.ExportAccessToken, "FORGE_URL": provider.ExportBaseURL, "FORGE_API": provider.ExportAPIURL},
	}
}

func TestLoginBaseURLAndJSONDevicePolling(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	clk := newClock()
	def := selfHosted()
	b, _ := openWith(t, clk, def)
	ctx := t.Context()

	var shown *oauth.DeviceAuth
	c, err := b.Login(ctx, broker.LoginRequest{Provider: "forge", BaseURL: a.URL + "/", ClientID: "cid",
		OnDeviceCode: func(da *oauth.DeviceAuth) { shown = da }})
	if err != nil {
		t.Fatalf("login --base-url: %v", err)
	}
	if shown == nil || shown.UserCode != "ABCD" {
		t.Errorf("device code shown: %v", shown)
	}
	if c.Metadata[broker.MetadataBaseURL] != a.URL {
		t.Errorf("connection base URL = %q, want %q (trailing slash dropped)", c.Metadata[broker.MetadataBaseURL], a.URL)
	}
	// Polling sent JSON: {"device_code", "client_id", "grant_type"}.
	toks, types := a.tokenRequests()
	if len(toks) != 1 || types[0] != "application/json" {
		t.Fatalf("token requests %v, content types %v; want one JSON poll", toks, types)
	}
	if got := toks[0]; got.Get("device_code") != "DEV-CODE" || got.Get("client_id") != "cid" ||
		got.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || len(got) != 3 {
		t.Errorf("device poll body = %v", got)
	}

	// The connection's resolved definition routes and exports with its base URL.
	rdef, err := broker.ResolveFor(def, c)
	if err != nil || rdef.APIURL != a.URL+"/api/v4" || rdef.OAuth.TokenURL != a.URL+"/token" {
		t.Fatalf("ResolveFor = %v, %v", rdef, err)
	}
	env, err := b.Export(ctx, "forge", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if env["FORGE_URL"] != a.URL || env["FORGE_API"] != a.URL+"/api/v4" || env["FORGE_TOKEN"] != c.AccessToken {
		t.Errorf("export = %v", env)
	}

	// Refresh goes to the resolved token endpoint.
	clk.Advance(2 * time.Hour)
	if _, err := b.Token(ctx, "forge", ""); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if toks, _ := a.tokenRequests(); len(toks) != 2 || toks[1].Get("grant_type") != "refresh_token" {
		t.Errorf("token requests after refresh: %v", toks)
	}
}

func TestLoginBaseURLRefused(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	b, _ := openWith(t, newClock(), selfHosted(), dcrDef(a))
	ctx := t.Context()
	for _, tc := range []struct{ prov, base, want string }{
		{"forge", "http://forge.example.com", "https"},
		{"forge", "https://forge.example.com/?q=1", "query"},
		{"mcpdemo", "https://forge.example.com", "--base-url applies only"},
	} {
		_, err := b.Login(ctx, broker.LoginRequest{Provider: tc.prov, BaseURL: tc.base, ClientID: "cid", Port: -1})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s --base-url %s: err = %v, want %q", tc.prov, tc.base, err, tc.want)
		}
	}
	if regs, _ := a.registrations(); len(regs) != 0 {
		t.Errorf("refused logins registered %d clients", len(regs))
	}
}

func TestLoginDeviceFormPollingByDefault(t *testing.T) {
	t.Parallel()
	a := newFakeAS(t)
	def := selfHosted()
	def.OAuth.DeviceTokenRequest = ""
	b, _ := openWith(t, newClock(), def)
	if _, err := b.Login(t.Context(), broker.LoginRequest{Provider: "forge", BaseURL: a.URL, ClientID: "cid", OnDeviceCode: func(*oauth.DeviceAuth) {}}); err != nil {
		t.Fatal(err)
	}
	toks, types := a.tokenRequests()
	if len(toks) != 1 || types[0] != "application/x-www-form-urlencoded" || toks[0].Get("device_code") != "DEV-CODE" {
		t.Errorf("form poll: %v %v", toks, types)
	}
}

func TestLoginAPIKeyPatternFullMatch(t *testing.T) {
	t.Parallel()
	def := &provider.Definition{
		SchemaVersion: 1, Name: "keyed", DisplayName: "Keyed", AuthType: provider.AuthAPIKey, Flow: provider.FlowAPIKey,
		APIURL: "api.keyed.test",
		APIKey: &provider.APIKey{KeyPattern: `sk-[a-z]{4}`, KeyPatternHint: "keys look like sk- and four letters"},
	}
	b, _ := openWith(t, newClock(), def)
	ctx := t.Context()
	for i, key := range []string{"xsk-abcd", "sk-abcdz", "sk-ab"} {
		_, err := b.Login(ctx, broker.LoginRequest{Provider: "keyed", Connection: "bad" + string(rune('a'+i)), APIKey: key})
		if err == nil || !strings.Contains(err.Error(), "keys look like sk- and four letters") || strings.Contains(err.Error(), key) {
			t.Errorf("key %q: err = %v, want the hint (and not the key)", key, err)
		}
	}
	if c, err := b.Login(ctx, broker.LoginRequest{Provider: "keyed", APIKey: " sk-abcd\n"}); err != nil || c.APIKey != "sk-abcd" {
		t.Errorf("valid key: %v, %v", c, err)
	}
	// Without a hint, the error names the pattern.
	def.APIKey.KeyPatternHint = ""
	if _, err := b.Login(ctx, broker.LoginRequest{Provider: "keyed", Connection: "nohint", APIKey: "nope"}); err == nil || !strings.Contains(err.Error(), `sk-[a-z]{4}`) {
		t.Errorf("no hint: err = %v", err)
	}
}
