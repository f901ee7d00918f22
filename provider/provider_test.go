package provider

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestBundledMicrosoft(t *testing.T) {
	d, src, err := NewCatalog("").Get("microsoft")
	if err != nil {
		t.Fatal(err)
	}
	if src != SourceBundled {
		t.Errorf("source = %q", src)
	}
	if d.Flow != FlowPKCE || d.AuthType != AuthOAuth2 || !d.IsMicrosoft() {
		t.Errorf("flow/auth/dialect = %s/%s/%v", d.Flow, d.AuthType, d.IsMicrosoft())
	}
	if !d.OAuth.SupportsDeviceCode || d.OAuth.SupportsDCR || !d.OAuth.PKCE {
		t.Errorf("capabilities wrong: %+v", d.OAuth)
	}
	wantScopes := []string{"User.Read", "offline_access", "Mail.ReadWrite", "Calendars.ReadWrite", "Files.ReadWrite", "Tasks.ReadWrite"}
	if diff := cmp.Diff(wantScopes, d.OAuth.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	if d.APIURL != "graph.microsoft.com" {
		t.Errorf("api_url = %q", d.APIURL)
	}
	wantExport := map[string]string{"MICROSOFT_ACCESS_TOKEN": "access_token", "MICROSOFT_REFRESH_TOKEN": "refresh_token"}
	if diff := cmp.Diff(wantExport, d.Export); diff != "" {
		t.Errorf("export (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(d.OAuth.TokenURL, "https://login.microsoftonline.com/common/") {
		t.Errorf("token_url = %q", d.OAuth.TokenURL)
	}
}

func TestBundledAllValid(t *testing.T) {
	defs, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range defs {
		names = append(names, d.Name)
	}
	for _, want := range []string{"github", "google", "microsoft", "openai"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("bundled providers %v lack %s", names, want)
		}
	}
}

const validUser = `{"name":"acme","display_name":"Acme","auth_type":"api_key","flow":"api_key","api_url":"api.acme.test",
 "api_key":{"header_name":"X-Acme-Key"},"export":{"ACME_KEY":"api_key"}}`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, json, field string
	}{
		{"syntax", `{"name": "x" "y"}`, "(json)"},
		{"unclosed comment", `{"name": "x" /* }`, "(json)"},
		{"not an object", `["name"]`, "(json)"},
		{"empty", ``, "(json)"},
		{"trailing", validUser + `{}`, "(file)"},
		{"misspelt key", `{"name":"x","display_name":"X","auth_type":"api_key","api_url":"a.b","api_key":{},"exprot":{}}`, "exprot"},
		{"misspelt oauth key", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"a.b","oauth":{"authorization_url":"https://a.b/auth","tokn_url":"https://a.b/t"}}`, "oauth.tokn_url"},
		{"key in another case", `{"Name":"x","display_name":"X"}`, "Name"},
		{"wrong type", `{"name":1}`, "name"},
		{"no name", `{"display_name":"X"}`, "name"},
		{"bad name", `{"name":"../x","display_name":"X"}`, "name"},
		{"api_url export without api_url", `{"name":"x","display_name":"X","auth_type":"api_key","api_key":{},"export":{"X_URL":"api_url"}}`, "export.X_URL"},
		{"api_url with scheme http", `{"name":"x","display_name":"X","auth_type":"api_key","api_key":{},"api_url":"http://a.b"}`, "api_url"},
		{"api_url port", `{"name":"x","display_name":"X","auth_type":"api_key","api_key":{},"api_url":"a.b:443"}`, "api_url"},
		{"bad regex", `{"name":"x","display_name":"X","auth_type":"api_key","api_key":{},"api_url":"regex:("}`, "api_url"},
		{"no auth type", `{"name":"x","display_name":"X","api_url":"a.b"}`, "auth_type"},
		{"oauth missing", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"a.b"}`, "oauth"},
		{"oauth no token url", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"a.b","oauth":{"authorization_url":"https://a.b/auth"}}`, "oauth.token_url"},
		{"oauth http token url", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"pkce","api_url":"a.b","oauth":{"authorization_url":"https://a.b/auth","token_url":"http://a.b/t"}}`, "oauth.token_url"},
		{"device without url", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"device_code","api_url":"a.b","oauth":{"token_url":"https://a.b/t","supports_device_code":true}}`, "oauth.device_authorization_url"},
		{"flow mismatch", `{"name":"x","display_name":"X","auth_type":"oauth2","flow":"api_key","api_url":"a.b","oauth":{"token_url":"https://a.b/t"}}`, "flow"},
		{"bad export name", `{"name":"x","display_name":"X","auth_type":"api_key","api_url":"a.b","api_key":{},"export":{"lower":"api_key"}}`, "export.lower"},
		{"bad export source", `{"name":"x","display_name":"X","auth_type":"api_key","api_url":"a.b","api_key":{},"export":{"K":"access_token"}}`, "export.K"},
		{"bad key pattern", `{"name":"x","display_name":"X","auth_type":"api_key","api_url":"a.b","api_key":{"key_pattern":"("}}`, "api_key.key_pattern"},
		{"bad header", `{"name":"x","display_name":"X","auth_type":"api_key","api_url":"a.b","api_key":{"header_name":"X Key"}}`, "api_key.header_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.json))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if ve.Field != tt.field {
				t.Errorf("field = %q, want %q (err: %v)", ve.Field, tt.field, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestCatalogOverrideAndRemove(t *testing.T) {
	dir := t.TempDir()
	c := NewCatalog(dir)
	override := strings.Replace(mustRead(t, "bundled/github.json"), `"display_name": "GitHub"`, `"display_name": "GitHub Enterprise"`, 1)
	if _, err := c.Add([]byte(override)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add([]byte(validUser)); err != nil {
		t.Fatal(err)
	}
	d, src, err := c.Get("github")
	if err != nil || src != SourceOverride || d.DisplayName != "GitHub Enterprise" {
		t.Fatalf("Get(github) = %v, %q, %v", d, src, err)
	}
	if _, src, _ := c.Get("acme"); src != SourceUser {
		t.Errorf("acme source = %q", src)
	}
	entries, err := c.List()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Source{}
	for _, e := range entries {
		got[e.Def.Name] = e.Source
	}
	if got["acme"] != SourceUser || got["github"] != SourceOverride || got["microsoft"] != SourceBundled {
		t.Errorf("list sources = %v", got)
	}
	fi, err := os.Stat(filepath.Join(dir, "acme.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("user file mode = %v, %v", fi, err)
	}

	if err := c.Remove("github"); err != nil {
		t.Fatal(err)
	}
	if d, src, _ := c.Get("github"); src != SourceBundled || d.DisplayName != "GitHub" {
		t.Errorf("after removing override: %q %q", src, d.DisplayName)
	}
	if err := c.Remove("github"); !errors.Is(err, ErrBundled) {
		t.Errorf("removing bundled: %v", err)
	}
	if err := c.Remove("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing unknown: %v", err)
	}
	if _, _, err := c.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
}

// TestCatalogSkipsBrokenUserFiles: a broken user file never breaks the catalog: List and Get
// skip it with one warning naming the file and the problem, and a bundled definition of that
// name stays available.
func TestCatalogSkipsBrokenUserFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("broken.json", `{"name":`)
	write("github.json", strings.Replace(mustRead(t, "bundled/github.json"), `"scopes"`, `"scoeps"`, 1))
	write("mismatch.json", validUser)
	write("acme.jsonc", "// Acme\n"+validUser)
	write("weather.json", weatherJSON("api.weather.example", `{"WEATHER_KEY":"api_key"}`))
	write("weather.jsonc", `{`)
	c := NewCatalog(dir)

	entries, warns, err := c.ListWithWarnings()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Source{}
	for _, e := range entries {
		got[e.Def.Name] = e.Source
	}
	want := map[string]Source{"acme": SourceUser, "weather": SourceUser, "github": SourceBundled}
	for name, src := range want {
		if got[name] != src {
			t.Errorf("%s: source %q, want %q", name, got[name], src)
		}
	}
	if _, ok := got["broken"]; ok {
		t.Error("broken listed")
	}
	wantWarn := map[string]string{
		"broken.json":   "(json)",
		"github.json":   `oauth.scoeps: unknown key; did you mean "scopes"?`,
		"mismatch.json": "does not match the file name",
		"weather.jsonc": "weather.json defines the same provider",
	}
	if len(warns) != len(wantWarn) {
		t.Errorf("warnings = %v, want one for each of %v", warns, wantWarn)
	}
	for _, w := range warns {
		if frag, ok := wantWarn[filepath.Base(w.File)]; !ok || !strings.Contains(w.String(), frag) || strings.Contains(w.String(), "\n") {
			t.Errorf("warning %q, want one line with %q", w, frag)
		}
	}

	d, src, warns, err := c.GetWithWarnings("github")
	if err != nil || src != SourceBundled || d.OAuth.Scopes == nil || len(warns) != 1 || !strings.Contains(warns[0].String(), "github.json: skipped") {
		t.Errorf("Get(github) = %v, %q, %v, %v", d, src, warns, err)
	}
	if _, _, warns, err := c.GetWithWarnings("broken"); !errors.Is(err, ErrNotFound) || len(warns) != 1 || !strings.Contains(err.Error(), "broken.json was skipped") {
		t.Errorf("Get(broken) = %v, %v", warns, err)
	}
	if _, src, err := c.Get("acme"); err != nil || src != SourceUser {
		t.Errorf("Get(acme) from a .jsonc file = %q, %v", src, err)
	}
	if _, _, warns, err := c.GetWithWarnings("weather"); err != nil || len(warns) != 1 {
		t.Errorf("Get(weather) = %v, %v", warns, err)
	}
}

// TestCatalogPut: Put refuses to replace a user definition unless asked, and replacing one
// also removes its other files (a .jsonc); Remove deletes every file of the name.
func TestCatalogPut(t *testing.T) {
	dir := t.TempDir()
	c := NewCatalog(dir)
	if err := os.WriteFile(filepath.Join(dir, "acme.jsonc"), []byte(validUser), 0o600); err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(validUser, `"Acme"`, `"Acme 2"`, 1)
	if _, err := c.Put([]byte(changed), false); !errors.Is(err, ErrExists) {
		t.Fatalf("Put over acme.jsonc: %v, want ErrExists", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme.json")); err == nil {
		t.Error("a refused Put wrote acme.json")
	}
	if _, err := c.Put([]byte(changed), true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "acme.jsonc")); err == nil {
		t.Error("replacing kept acme.jsonc")
	}
	if d, _, err := c.Get("acme"); err != nil || d.DisplayName != "Acme 2" {
		t.Errorf("after replace: %v, %v", d, err)
	}
	if _, err := c.Put([]byte(changed), false); !errors.Is(err, ErrExists) {
		t.Errorf("Put over acme.json: %v, want ErrExists", err)
	}
	// A new name is stored without replace; the stored file is this project's JSON.
	if _, err := c.Put([]byte("// Weather\n"+weatherJSON("api.weather.example", `{"WEATHER_KEY":"API_TOKEN",}`)), false); err != nil {
		t.Fatal(err)
	}
	if stored := mustRead(t, filepath.Join(dir, "weather.json")); !strings.Contains(stored, `"WEATHER_KEY": "api_key"`) || strings.Contains(stored, "//") {
		t.Errorf("stored form:\n%s", stored)
	}
	// A file of the name in other letters is the same definition: replaced, not doubled.
	if err := os.WriteFile(filepath.Join(dir, "ACME.jsonc"), []byte(validUser), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Put([]byte(changed), true); err != nil {
		t.Fatal(err)
	}
	if files, _ := c.filesFor("acme"); len(files) != 1 || filepath.Base(files[0]) != "acme.json" {
		t.Errorf("files for acme after replace: %v", files)
	}
	if err := c.Remove("acme"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get("acme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Remove: %v", err)
	}
}

func TestAddInvalidKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	c := NewCatalog(dir)
	if _, err := c.Add([]byte(validUser)); err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, filepath.Join(dir, "acme.json"))
	if _, err := c.Add([]byte(strings.Replace(validUser, `"api.acme.test"`, `"nope nope"`, 1))); err == nil {
		t.Fatal("invalid definition accepted")
	}
	if after := mustRead(t, filepath.Join(dir, "acme.json")); after != before {
		t.Error("invalid Add changed the stored file")
	}
}

func TestRoute(t *testing.T) {
	tests := []struct {
		api, host, path string
		want            bool
	}{
		{"graph.microsoft.com", "graph.microsoft.com", "/v1.0/me", true},
		{"graph.microsoft.com", "graph.microsoft.com.evil.test", "/", false},
		{"graph.microsoft.com", "evilgraph.microsoft.com", "/", false},
		{"graph.microsoft.com", "microsoft.com", "/", false},
		{"Graph.Microsoft.com", "graph.microsoft.com", "/", true},
		{"https://api.acme.test/v2", "api.acme.test", "/v2/things", true},
		{"https://api.acme.test/v2", "api.acme.test", "/v2", true},
		{"https://api.acme.test/v2", "api.acme.test", "/v20", false},
		{"https://api.acme.test/v2", "api.acme.test", "/v1", false},
		{`regex:^[a-z0-9-]+\.googleapis\.com$`, "gmail.googleapis.com", "/", true},
		{`regex:^[a-z0-9-]+\.googleapis\.com$`, "gmail.googleapis.com.evil.test", "/", false},
		{`regex:[a-z]+\.googleapis\.com`, "x.googleapis.com.evil.test", "/", false}, // anchored even without ^$
	}
	for _, tt := range tests {
		r, err := ParseRoute(tt.api)
		if err != nil {
			t.Fatalf("ParseRoute(%q): %v", tt.api, err)
		}
		if got := r.Match(tt.host, tt.path); got != tt.want {
			t.Errorf("%q.Match(%q, %q) = %v, want %v", tt.api, tt.host, tt.path, got, tt.want)
		}
	}
	if (Route{}).Match("a.b", "/") {
		t.Error("zero Route matched")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzParse(f *testing.F) {
	defs, _ := Bundled()
	for _, d := range defs {
		b, _ := d.MarshalIndent()
		f.Add(b)
	}
	f.Add([]byte(validUser))
	f.Add([]byte(`{"name":"x","api_url":"regex:(a|b)*"}`))
	f.Add([]byte("// c\n{\"name\":\"X\",\"display_name\":\"X\",\"auth_type\":\"oauth2\",\"flow\":\"pkce\",\"api_url\":\"regex:.*x.*\",\"logo\":1," +
		"\"oauth\":{\"base_url\":\"https://x.test\",\"authorization_url\":\"{base_url}/a\",\"token_url\":\"https://x.test/t\",},\"export\":{\"X_T\":\"ACCESS_TOKEN\",\"env\":{\"refresh_token\":\"X_R\"}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			if d != nil {
				t.Fatal("definition returned with error")
			}
			return
		}
		// A valid definition survives a round trip unchanged (what was ignored or narrowed
		// is reported by the first read only).
		b, err := d.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		d2, err := Parse(b)
		if err != nil {
			t.Fatalf("round trip failed: %v\n%s", err, b)
		}
		if diff := cmp.Diff(d, d2, cmpopts.IgnoreFields(Definition{}, "Ignored", "Warnings")); diff != "" {
			t.Fatalf("round trip changed the definition:\n%s", diff)
		}
	})
}

// TestEmptyListsMeanAbsent: "scopes": [] and "export": {} parse as if left out, so a
// definition reads back unchanged after it is written (found by FuzzParse).
func TestEmptyListsMeanAbsent(t *testing.T) {
	d, err := Parse([]byte(strings.Replace(validUser, `"export":{"ACME_KEY":"api_key"}`, `"export":{}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Export != nil {
		t.Errorf("export = %#v, want nil", d.Export)
	}
	d, err = Parse([]byte(`{"name":"o","display_name":"O","auth_type":"oauth2","flow":"pkce","api_url":"api.o.test",
		"oauth":{"authorization_url":"https://o.test/a","token_url":"https://o.test/t","scopes":[]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.OAuth.Scopes != nil {
		t.Errorf("scopes = %#v, want nil", d.OAuth.Scopes)
	}
}

// TestParseDuplicateKeys: a key given twice is an error naming it, not "last one wins"
// (finding 14), also when the two spellings differ only in case (encoding/json folds case).
func TestParseDuplicateKeys(t *testing.T) {
	tests := []struct{ name, json, field string }{
		{"top level", strings.Replace(validUser, `"name":"acme",`, `"name":"acme","name":"evil",`, 1), "name"},
		{"case", strings.Replace(validUser, `"name":"acme",`, `"name":"acme","NAME":"acme",`, 1), "NAME"},
		{"nested", strings.Replace(validUser, `{"header_name":"X-Acme-Key"}`, `{"header_name":"X-Acme-Key","header_name":"Authorization"}`, 1), "api_key.header_name"},
		{"export", strings.Replace(validUser, `{"ACME_KEY":"api_key"}`, `{"ACME_KEY":"api_key","ACME_KEY":"api_url"}`, 1), "export.ACME_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFieldError(t, tt.json, tt.field, "more than once") })
	}
	// The same key in different objects is fine, and so are arrays of objects.
	if _, err := Parse([]byte(`{"name":"o","display_name":"O","auth_type":"oauth2","flow":"pkce","api_url":"api.o.test",
		"oauth":{"authorization_url":"https://o.test/a","token_url":"https://o.test/t","scopes":["a","a"]}}`)); err != nil {
		t.Errorf("repeated array values: %v", err)
	}
}

// TestAPIKeyFlowDefault: an api_key provider without "flow" gets the api_key flow, so that
// a definition `providers add` accepts can also log in (finding 14).
func TestAPIKeyFlowDefault(t *testing.T) {
	d, err := Parse([]byte(strings.Replace(validUser, `"flow":"api_key",`, "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d.Flow != FlowAPIKey {
		t.Errorf("flow = %q, want %q", d.Flow, FlowAPIKey)
	}
	b, _ := d.MarshalIndent()
	if !strings.Contains(string(b), `"flow": "api_key"`) {
		t.Errorf("stored definition lacks the flow:\n%s", b)
	}
}

// TestFieldNamesEscaped: an error names a key from the file without passing its control
// characters to the terminal.
func TestFieldNamesEscaped(t *testing.T) {
	for _, tt := range []struct{ json, field string }{
		{strings.Replace(validUser, `{"ACME_KEY":"api_key"}`, `{"A\u001b[2J":"api_key"}`, 1), `export."A\x1b[2J"`},
		{strings.Replace(validUser, `{"ACME_KEY":"api_key"}`, `{"A\u0007":"api_key","A\u0007":"api_key"}`, 1), `export."A\a"`},
	} {
		wantFieldError(t, tt.json, tt.field)
	}
}
