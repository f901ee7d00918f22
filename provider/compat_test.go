package provider

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStripJSONC(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"a": 1}`, `{"a": 1}`},
		{"// head\n{\"a\": 1} // tail", "{\"a\": 1}"},
		{`{"a": /* c */ 1}`, `{"a": 1}`},
		{`{"a": "x//y", "b": "/*z*/"}`, `{"a": "x//y", "b": "/*z*/"}`},
		{`{"a": "q\"//still a string", "b": 2}`, `{"a": "q\"//still a string", "b": 2}`},
		{`{"a": "back\\", "b": 2 // c` + "\n}", `{"a": "back\\", "b": 2}`},
		{`{"a": [1, 2,], "b": {"c": 3,},}`, `{"a": [1, 2], "b": {"c": 3}}`},
		{"{\"a\": 1, // c\n /* d */ }", `{"a": 1}`},
		{`{"a": "}", "b": ","}`, `{"a": "}", "b": ","}`},
	} {
		out, err := stripJSONC([]byte(tt.in))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(out) != len(tt.in) {
			t.Errorf("%q: length changed", tt.in)
		}
		var got, want any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Errorf("%q → %q: %v", tt.in, out, err)
			continue
		}
		json.Unmarshal([]byte(tt.want), &want)
		if g, w := mustJSON(got), mustJSON(want); g != w {
			t.Errorf("%q → %s, want %s", tt.in, g, w)
		}
	}
	// Commas that trail nothing stay, and stay invalid.
	for _, in := range []string{`{,}`, `[,]`, `[1,,]`, `{"a":,}`} {
		out, _ := stripJSONC([]byte(in))
		if json.Valid(out) {
			t.Errorf("%q became valid JSON %q", in, out)
		}
	}
	// A JSON error after comments keeps its line and column.
	wantFieldError(t, "// one\n/* two\n */ {\"name\": x}", "(json)", "line 3 column 15")
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"scopes", "scopes", 0}, {"scoeps", "scopes", 1}, {"tokn_url", "token_url", 1}, {"exprot", "export", 1},
		{"api_ulr", "api_url", 1}, {"logo", "flow", 3}, {"type", "name", 3}, {"", "abc", 3}, {"ca", "abc", 3},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCompatForms: details of the original authsome's forms.
func TestCompatForms(t *testing.T) {
	apiKey := func(extra string) string {
		return `{"name":"acme","display_name":"Acme","auth_type":"api_key","api_url":"api.acme.test",` + extra + `}`
	}
	for _, tt := range []struct {
		name, json string
		check      func(*Definition) bool
	}{
		{"header_prefix left out: Bearer", apiKey(`"api_key":{}`), func(d *Definition) bool { return d.APIKey.HeaderPrefix == "Bearer" }},
		{"header_prefix null: raw", apiKey(`"api_key":{"header_prefix":null}`), func(d *Definition) bool { return d.APIKey.HeaderPrefix == "" }},
		{"custom header: raw", apiKey(`"api_key":{"header_name":"X-Key"}`), func(d *Definition) bool { return d.APIKey.HeaderPrefix == "" }},
		{"flat sources in any case", apiKey(`"api_key":{},"export":{"ACME_KEY":"Api_Token","ACME_URL":"API_URL"}`), func(d *Definition) bool {
			return d.Export["ACME_KEY"] == ExportAPIKey && d.Export["ACME_URL"] == ExportAPIURL
		}},
		{"env form with null", apiKey(`"api_key":{},"export":{"env":{"api_key":"ACME_KEY","access_token":null,"auth_token":"X"}}`), func(d *Definition) bool {
			return len(d.Export) == 1 && d.Export["ACME_KEY"] == ExportAPIKey && strings.Join(d.Ignored, ",") == "export.env.auth_token"
		}},
		{"null blocks are absent", apiKey(`"api_key":{},"oauth":null,"registration":null`), func(d *Definition) bool { return d.OAuth == nil && d.Registration == nil }},
		{"both spellings agreeing", apiKey(`"api_key":{},"host_url":"api.acme.test"`), func(d *Definition) bool { return d.APIURL == "api.acme.test" }},
	} {
		d, err := Parse([]byte(tt.json))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !tt.check(d) {
			t.Errorf("%s: %+v %+v %v", tt.name, d.APIKey, d.Export, d.Ignored)
		}
	}
	d, err := Parse([]byte(apiKey(`"api_key":{},"export":{"ACME_KEY":"ACCESS_TOKEN"}`)))
	if err != nil || d.Export["ACME_KEY"] != ExportAPIKey {
		t.Errorf("ACCESS_TOKEN of an api_key provider: %v, %v", d, err)
	}
	// The project's own lower-case sources keep their meaning (and checks).
	wantFieldError(t, apiKey(`"api_key":{},"export":{"ACME_KEY":"access_token"}`), "export.ACME_KEY", "only available for oauth2")
	wantFieldError(t, apiKey(`"api_key":{},"export":{"ACME_KEY":"REFRESH_TOKEN"}`), "export.ACME_KEY", "only available for oauth2")
	wantFieldError(t, apiKey(`"api_key":{},"export":{"ACME_URL":"BASE_URL"}`), "export.ACME_URL", "base_url")
	wantFieldError(t, apiKey(`"api_key":{},"export":{"ACME_KEY":"API_KEY","env":{"api_key":"ACME_KEY","refresh_token":"ACME_KEY"}}`), "export.env.refresh_token", "exported twice")
	wantFieldError(t, apiKey(`"api_key":{"scheme":"x","header_nam":"X"}`), "api_key.header_nam", `did you mean "header_name"`)
	wantFieldError(t, apiKey(`"api_key":{"env_var":"A B"}`), "api_key.env_var", "not an environment variable")
	wantFieldError(t, apiKey(`"api_key":{},"export":{"env":{"acess_token":"A"}}`), "export.env.acess_token", `did you mean "access_token"`)
	wantFieldError(t, apiKey(`"api_key":[]`), "api_key", "must be a JSON object")
	wantFieldError(t, apiKey(`"api_key":{"header_name":1}`), "api_key.header_name", "must be a string")
	wantFieldError(t, `{"name":"MyAPI","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"a.b","oauth":{"authorization_url":"https://a.b/a","token_url":"https://a.b/t","supports_device_code":true,"supports_device_flow":false}}`,
		"oauth.supports_device_flow", "differs")
}

// TestIgnoredAndTypos: unknown keys are ignored and listed, at every level, unless they are
// one or two edits from a key read at that level (in any letter case).
func TestIgnoredAndTypos(t *testing.T) {
	d, err := Parse([]byte(`{"name":"o","display_name":"O","auth_type":"oauth2","flow":"pkce","api_url":"api.o.test",
		"type":"mcp","logo":"x","metadata":{"a":1},"categories":["x"],"registration":{"client_name":"x","registration_endpoint":"https://o.test/r"},
		"oauth":{"authorization_url":"https://o.test/a","token_url":"https://o.test/t","audience":"x","client_secret_handling":"basic"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "categories,logo,metadata,oauth.audience,oauth.client_secret_handling,registration.client_name,type"
	if got := strings.Join(d.Ignored, ","); got != want {
		t.Errorf("ignored = %s, want %s", got, want)
	}
	for _, tt := range []struct{ key, field, meant string }{
		{`"scope":["a"]`, "oauth.scope", "scopes"},
		{`"Scopes":["a"]`, "oauth.Scopes", "scopes"},
		{`"revocaton_url":"https://o.test/r"`, "oauth.revocaton_url", "revocation_url"},
		{`"revoke_url":"https://o.test/r"`, "oauth.revoke_url", ""},
		{`"supports_device":true`, "oauth.supports_device", ""},
	} {
		data := `{"name":"o","display_name":"O","auth_type":"oauth2","flow":"pkce","api_url":"api.o.test",
			"oauth":{"authorization_url":"https://o.test/a","token_url":"https://o.test/t",` + tt.key + `}}`
		if tt.meant == "" {
			if _, err := Parse([]byte(data)); err != nil {
				t.Errorf("%s: %v", tt.key, err)
			}
			continue
		}
		wantFieldError(t, data, tt.field, `did you mean "`+tt.meant+`"`)
	}
}

// TestResolve: {base_url} templates are filled with the given base URL or oauth.base_url.
func TestResolve(t *testing.T) {
	gh := readCorpus(t, "github.json")
	r, err := gh.Resolve("")
	if err != nil || r.OAuth.AuthorizationURL != "https://github.com/login/oauth/authorize" || r.OAuth.DeviceAuthorizationURL != "https://github.com/login/device/code" {
		t.Errorf("Resolve(\"\") = %+v, %v", r, err)
	}
	if gh.OAuth.TokenURL != "{base_url}/login/oauth/access_token" {
		t.Error("Resolve changed the original")
	}
	r, err = gh.Resolve("https://ghe.example.com/")
	if err != nil || r.OAuth.TokenURL != "https://ghe.example.com/login/oauth/access_token" || r.OAuth.BaseURL != "https://ghe.example.com" {
		t.Errorf("Resolve(ghe) = %+v, %v", r.OAuth, err)
	}
	for _, bad := range []string{"http://ghe.example.com", "https://ghe.example.com?x=1", "https://ghe.example.com/#f", "https://u:p@ghe.example.com",
		"ghe.example.com", "https://ghe.example.com:8443", "https://ghe.example.com/a b", "https://{base_url}"} {
		if _, err := gh.Resolve(bad); err == nil {
			t.Errorf("Resolve(%q) accepted", bad)
		}
	}
	gl := readCorpus(t, "gitlab-self-managed.jsonc")
	if _, err := gl.Resolve(""); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("an unfilled template: %v", err)
	}
	r, err = gl.Resolve("https://gitlab.example.com/gitlab")
	if err != nil || r.APIURL != "https://gitlab.example.com/gitlab/api/v4" || r.OAuth.RevocationURL != "https://gitlab.example.com/gitlab/oauth/revoke" || r.Templated() {
		t.Errorf("Resolve(gitlab) = %+v, %v", r, err)
	}
	route, _ := ParseRoute(r.APIURL)
	if !route.Match("gitlab.example.com", "/gitlab/api/v4/projects") || route.Match("gitlab.example.com", "/other") {
		t.Error("resolved route")
	}
	oa := readCorpus(t, "openai.json")
	if c, err := oa.Resolve(""); err != nil || c == oa || c.APIKey == oa.APIKey {
		t.Errorf("Resolve of an untemplated definition: %v (want a copy)", err)
	}
	if _, err := oa.Resolve("https://x.example.com"); err == nil {
		t.Error("a base URL for a definition without templates accepted")
	}
}

// TestMicrosoftDialectByEndpoint: a definition named microsoft or signing in at a Microsoft
// authority of any cloud keeps the Microsoft dialect; others do not get it.
func TestMicrosoftDialectByEndpoint(t *testing.T) {
	def := func(name, host string) string {
		return `{"name":"` + name + `","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"graph.microsoft.com",
			"oauth":{"authorization_url":"https://` + host + `/common/oauth2/v2.0/authorize","token_url":"https://` + host + `/common/oauth2/v2.0/token"}}`
	}
	for _, tt := range []struct {
		name, host string
		want       bool
	}{
		{"microsoft", "login.example.com", true},
		{"Microsoft", "login.example.com", true},
		{"contoso", "login.microsoftonline.com", true},
		{"contoso", "LOGIN.MICROSOFTONLINE.COM", true},
		{"contoso", "login.microsoftonline.us", true},
		{"contoso", "login.chinacloudapi.cn", true},
		{"contoso", "login.partner.microsoftonline.cn", true},
		{"contoso", "login.microsoftonline.com.evil.test", false},
		{"contoso", "evillogin.microsoftonline.com", false},
	} {
		d, err := Parse([]byte(def(tt.name, tt.host)))
		if err != nil {
			t.Fatal(err)
		}
		if d.IsMicrosoft() != tt.want {
			t.Errorf("%s at %s: microsoft %v, want %v", tt.name, tt.host, d.IsMicrosoft(), tt.want)
		}
	}
}
