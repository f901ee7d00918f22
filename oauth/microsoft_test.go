package oauth

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLookupCloud(t *testing.T) {
	t.Parallel()
	tests := map[string]Cloud{
		"":          {"global", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
		"global":    {"global", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
		"USGov":     {"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"},
		"usgov-dod": {"usgov-dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"},
		"china":     {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
	}
	for name, want := range tests {
		got, err := LookupCloud(name)
		if err != nil {
			t.Errorf("%q: %v", name, err)
		}
		if got != want {
			t.Errorf("%q: %+v, want %+v", name, got, want)
		}
	}
	_, err := LookupCloud("germany")
	if err == nil || !strings.Contains(err.Error(), "global, usgov, usgov-dod, china") {
		t.Errorf("err = %v", err)
	}
}

func TestMicrosoftEndpoint(t *testing.T) {
	t.Parallel()
	want := Endpoint{
		AuthURL:       "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
		TokenURL:      "https://login.microsoftonline.com/common/oauth2/v2.0/token",
		DeviceAuthURL: "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
	}
	if diff := cmp.Diff(want, MicrosoftEndpoint("https://login.microsoftonline.com/", "")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	got := MicrosoftEndpoint("login.microsoftonline.us", "contoso.onmicrosoft.us")
	if got.TokenURL != "https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token" || got.RevocationURL != "" {
		t.Errorf("got %+v", got)
	}
	if got := MicrosoftEndpoint("http://127.0.0.1:8443", "a/b").AuthURL; got != "http://127.0.0.1:8443/a%2Fb/oauth2/v2.0/authorize" {
		t.Errorf("escaped tenant: %s", got)
	}
}

func TestQualifyScopes(t *testing.T) {
	t.Parallel()
	in := []string{"openid", "profile", "email", "offline_access", "Mail.Read", ".default",
		"https://graph.microsoft.us/User.Read", "api://app/x", "00000003-0000-0000-c000-000000000000/Files.Read"}
	want := []string{"openid", "profile", "email", "offline_access", "https://graph.microsoft.us/Mail.Read",
		"https://graph.microsoft.us/.default", "https://graph.microsoft.us/User.Read", "api://app/x",
		"00000003-0000-0000-c000-000000000000/Files.Read"}
	if diff := cmp.Diff(want, QualifyScopes(in, "https://graph.microsoft.us/")); diff != "" {
		t.Errorf("usgov (-want +got):\n%s", diff)
	}
	if got := QualifyScopes([]string{"Mail.Read"}, "microsoftgraph.chinacloudapi.cn"); got[0] != "https://microsoftgraph.chinacloudapi.cn/Mail.Read" {
		t.Errorf("china: %v", got)
	}
	for _, host := range []string{"https://graph.microsoft.com", "graph.microsoft.com", ""} {
		got := QualifyScopes(in, host)
		if diff := cmp.Diff(in, got); diff != "" {
			t.Errorf("global %q changed scopes: %s", host, diff)
		}
		got[0] = "changed"
		if in[0] != "openid" {
			t.Fatal("input modified")
		}
	}
}

func TestValidateTenant(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"", "common", "Organizations", "consumers", "72f988bf-86f1-41af-91ab-2d7cd011db47",
		"contoso.onmicrosoft.com", "contoso.com", "sub.contoso.co.uk"} {
		if err := ValidateTenant(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"contoso", "a/b", "../common", "contoso.com/", "-x.com", "x.-com", "a b.com",
		"72f988bf-86f1-41af-91ab", strings.Repeat("a", 250) + ".com", "contoso.123"} {
		if err := ValidateTenant(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func jwt(payload string) string {
	return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestParseIDTokenClaims(t *testing.T) {
	t.Parallel()
	tests := map[string]IDClaims{
		jwt(`{"tid":"t1","oid":"o1","preferred_username":"adele@contoso.com","upn":"x","name":"Adele Vance"}`): {"t1", "o1", "adele@contoso.com", "Adele Vance"},
		jwt(`{"tid":"t1","upn":"adele@contoso.com"}`):                                                          {TenantID: "t1", Username: "adele@contoso.com"},
		jwt(`{"email":"me@example.com","tid":5}`):                                                              {TenantID: "5", Username: "me@example.com"},
		"h." + base64.URLEncoding.EncodeToString([]byte(`{"name":"Padded"}`)) + ".s":                           {Name: "Padded"},
	}
	for tok, want := range tests {
		got, err := ParseIDTokenClaims(tok)
		if err != nil {
			t.Errorf("%s: %v", tok, err)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", tok, got, want)
		}
	}
	for _, bad := range []string{"", "abc", "a.b", "a.b.c.d.e", "a.!!!.c", jwt(`[1]`), jwt(`not json`),
		"a." + strings.Repeat("A", maxIDToken) + ".c"} {
		if _, err := ParseIDTokenClaims(bad); err == nil {
			t.Errorf("%.40q accepted", bad)
		}
	}
}

func FuzzParseIDTokenClaims(f *testing.F) {
	f.Add(jwt(`{"tid":"t","oid":"o","preferred_username":"u","name":"n"}`))
	f.Add("a.b.c")
	f.Add("..")
	f.Add(jwt(`{"tid":{"x":1},"name":null}`))
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := ParseIDTokenClaims(tok)
		if err != nil && c != (IDClaims{}) {
			t.Fatalf("claims with error: %+v", c)
		}
	})
}
