package provider

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// corpusDir holds provider files in the original authsome's forms (0.2.3, 0.3, 0.7 JSONC),
// written from its documented schema and bundled definitions; broken/ holds files that
// must be refused.
const corpusDir = "testdata/authsome"

func readCorpus(t *testing.T, name string) *Definition {
	t.Helper()
	d, err := Parse([]byte(mustRead(t, filepath.Join(corpusDir, name))))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

var microsoftScopes = []string{"User.Read", "offline_access", "Mail.ReadWrite", "Calendars.ReadWrite", "Files.ReadWrite", "Tasks.ReadWrite"}

// TestAuthsomeCorpus: every file of the corpus loads as written, with the expected name,
// flow, routes, exports, ignored keys and warnings.
func TestAuthsomeCorpus(t *testing.T) {
	tests := []struct {
		file      string
		name      string
		auth      AuthType
		flow      Flow
		microsoft bool
		hosts     []string // hosts the api_url routes (with "/" as the path, or the prefix)
		notHosts  []string
		export    map[string]string
		ignored   []string
		warnings  int
		check     func(t *testing.T, d *Definition)
	}{
		{file: "microsoft.json", name: "microsoft", auth: AuthOAuth2, flow: FlowPKCE, microsoft: true,
			hosts: []string{"graph.microsoft.com"}, export: map[string]string{"MICROSOFT_ACCESS_TOKEN": ExportAccessToken},
			check: checkMicrosoft},
		{file: "microsoft-0.2.3.json", name: "microsoft", auth: AuthOAuth2, flow: FlowPKCE, microsoft: true,
			hosts:  []string{"graph.microsoft.com"},
			export: map[string]string{"MICROSOFT_ACCESS_TOKEN": ExportAccessToken, "MICROSOFT_REFRESH_TOKEN": ExportRefreshToken},
			check:  checkMicrosoft},
		{file: "microsoft.jsonc", name: "microsoft", auth: AuthOAuth2, flow: FlowPKCE, microsoft: true,
			hosts: []string{"graph.microsoft.com"}, export: map[string]string{"MICROSOFT_ACCESS_TOKEN": ExportAccessToken},
			ignored: []string{"logo", "type"}, check: func(t *testing.T, d *Definition) {
				checkMicrosoft(t, d)
				if !strings.HasPrefix(d.Description, "Microsoft Graph access") {
					t.Errorf("description = %q", d.Description)
				}
			}},
		{file: "microsoft-outlook.jsonc", name: "microsoft-outlook", auth: AuthOAuth2, flow: FlowPKCE, microsoft: true,
			hosts:  []string{"graph.microsoft.com/v1.0/me/messages"},
			export: map[string]string{"MICROSOFT_OUTLOOK_ACCESS_TOKEN": ExportAccessToken}, ignored: []string{"logo", "type"},
			check: func(t *testing.T, d *Definition) {
				r, _ := ParseRoute(d.APIURL)
				if r.Match("graph.microsoft.com", "/v1.0/me/drive") {
					t.Error("the outlook route matches /v1.0/me/drive")
				}
			}},
		{file: "microsoft-usgov.json", name: "contoso-gov", auth: AuthOAuth2, flow: FlowDeviceCode, microsoft: true,
			hosts: []string{"graph.microsoft.us"}, export: map[string]string{"CONTOSO_GOV_TOKEN": ExportAccessToken}},
		{file: "github.json", name: "github", auth: AuthOAuth2, flow: FlowPKCE,
			hosts:  []string{"api.github.com"},
			export: map[string]string{"GITHUB_ACCESS_TOKEN": ExportAccessToken, "GH_TOKEN": ExportAccessToken},
			check: func(t *testing.T, d *Definition) {
				if d.OAuth.BaseURL != "https://github.com" || d.OAuth.TokenURL != "{base_url}/login/oauth/access_token" || !d.OAuth.SupportsDeviceCode {
					t.Errorf("oauth = %+v", d.OAuth)
				}
			}},
		{file: "gitlab-self-managed.jsonc", name: "gitlab", auth: AuthOAuth2, flow: FlowPKCE,
			export: map[string]string{"GITLAB_ACCESS_TOKEN": ExportAccessToken, "GITLAB_BASE_URL": ExportBaseURL},
			check: func(t *testing.T, d *Definition) {
				if !d.Templated() || d.OAuth.BaseURL != "" {
					t.Errorf("templated %v, base_url %q", d.Templated(), d.OAuth.BaseURL)
				}
			}},
		{file: "google.jsonc", name: "google", auth: AuthOAuth2, flow: FlowPKCE,
			hosts:    []string{"gmail.googleapis.com", "googleapis.com", "www.googleapis.com"},
			notHosts: []string{"googleapis.evil.test", "evilgoogleapis.com", "googleapis.com.evil.test", "accounts.google.com"},
			export:   map[string]string{"GOOGLE_ACCESS_TOKEN": ExportAccessToken}, ignored: []string{"logo", "type"}, warnings: 1,
			check: func(t *testing.T, d *Definition) {
				if d.APIURL != `regex:(?:.+\.)?googleapis\.com` || !strings.Contains(d.Warnings[0], "googleapis.com and its subdomains") {
					t.Errorf("api_url %q, warning %q", d.APIURL, d.Warnings)
				}
			}},
		{file: "linear.json", name: "linear", auth: AuthOAuth2, flow: FlowPKCE,
			hosts: []string{"api.linear.app", "mcp.linear.app"}, notHosts: []string{"linear.app.evil.test", "evil-linear.app"},
			export: map[string]string{"LINEAR_ACCESS_TOKEN": ExportAccessToken}},
		{file: "notion_dcr.json", name: "notion_dcr", auth: AuthOAuth2, flow: FlowDCRPKCE,
			hosts: []string{"mcp.notion.com"}, export: map[string]string{"NOTION_ACCESS_TOKEN": ExportAccessToken},
			ignored: []string{"logo"}, check: checkNotionDCR},
		{file: "notion_dcr-0.2.json", name: "notion_dcr", auth: AuthOAuth2, flow: FlowDCRPKCE,
			hosts:  []string{"mcp.notion.com"},
			export: map[string]string{"NOTION_ACCESS_TOKEN": ExportAccessToken, "NOTION_REFRESH_TOKEN": ExportRefreshToken},
			check:  checkNotionDCR},
		{file: "postiz.json", name: "postiz", auth: AuthOAuth2, flow: FlowDeviceCode,
			hosts: []string{"api.postiz.com"}, export: map[string]string{"POSTIZ_ACCESS_TOKEN": ExportAccessToken},
			check: func(t *testing.T, d *Definition) {
				if d.OAuth.DeviceTokenRequest != DeviceTokenJSON || d.OAuth.Scopes != nil {
					t.Errorf("oauth = %+v", d.OAuth)
				}
			}},
		{file: "openai.json", name: "openai", auth: AuthAPIKey, flow: FlowAPIKey,
			hosts: []string{"api.openai.com"}, export: map[string]string{"OPENAI_API_KEY": ExportAPIKey},
			check: apiKeyCheck(APIKey{HeaderName: "Authorization", HeaderPrefix: "Bearer", KeyPattern: "^sk-[A-Za-z0-9_-]{20,}$",
				KeyPatternHint: "OpenAI API keys start with 'sk-' followed by at least 20 letters, digits, '_' or '-'."})},
		{file: "brevo.jsonc", name: "brevo", auth: AuthAPIKey, flow: FlowAPIKey,
			hosts: []string{"api.brevo.com"}, export: map[string]string{"BREVO_API_KEY": ExportAPIKey}, ignored: []string{"logo", "type"},
			check: apiKeyCheck(APIKey{HeaderName: "api-key"})},
		{file: "bedrock.jsonc", name: "bedrock", auth: AuthAPIKey, flow: FlowAPIKey,
			hosts: []string{"bedrock-runtime.us-east-1.amazonaws.com"}, notHosts: []string{"bucket.s3.amazonaws.com"},
			export: map[string]string{"AWS_ACCESS_KEY_ID": ExportAPIKey}, ignored: []string{"logo", "type"},
			check: func(t *testing.T, d *Definition) {
				apiKeyCheck(APIKey{HeaderName: "X-Amz-Security-Token", EnvVar: "AWS_ACCESS_KEY_ID",
					KeyPatternHint: "Enter your AWS Access Key ID (AKIA... or ASIA...)."})(t, d)
				if !strings.Contains(d.Description, "// not a comment") {
					t.Errorf("description = %q", d.Description)
				}
			}},
		{file: "ashby.json", name: "ashby", auth: AuthAPIKey, flow: FlowAPIKey,
			hosts: []string{"api.ashbyhq.com"}, export: map[string]string{"ASHBY_API_KEY": ExportAPIKey},
			check: apiKeyCheck(APIKey{HeaderName: "Authorization", HeaderPrefix: "Basic"})},
		{file: "MyAPI.json", name: "myapi", auth: AuthAPIKey, flow: FlowAPIKey,
			hosts: []string{"api.my-api.io", "eu.api.my-api.io"}, notHosts: []string{"us.api.my-api.io", "my-api.io"},
			export: map[string]string{"MYAPI_KEY": ExportAPIKey, "MYAPI_URL": ExportAPIURL},
			check:  apiKeyCheck(APIKey{HeaderName: "Authorization", HeaderPrefix: "Bearer"})},
		{file: "zapier-0.2.json", name: "zapier", auth: AuthAPIKey, flow: FlowAPIKey, // no api_url: exported, routed nowhere
			export: map[string]string{"ZAPIER_API_KEY": ExportAPIKey}, check: func(t *testing.T, d *Definition) {
				if d.APIURL != "" {
					t.Errorf("api_url = %q", d.APIURL)
				}
			}},
		{file: "reddit.jsonc", name: "reddit", auth: AuthOAuth2, flow: FlowPKCE,
			hosts: []string{"oauth.reddit.com"}, notHosts: []string{"www.reddit.com"}, export: map[string]string{"REDDIT_ACCESS_TOKEN": ExportAccessToken},
			ignored: []string{"logo", "oauth._comment", "oauth.authorization_method", "oauth.authorization_params", "type"},
			check: func(t *testing.T, d *Definition) {
				if d.OAuth.BaseURL != "https://oauth.reddit.com" || d.Templated() {
					t.Errorf("base_url %q, templated %v", d.OAuth.BaseURL, d.Templated())
				}
			}},
		{file: "openai-0.1.json", name: "openai", auth: AuthAPIKey, flow: FlowAPIKey, // the first files' flow name
			export: map[string]string{"OPENAI_API_KEY": ExportAPIKey}, ignored: []string{"api_key.input_mode"},
			check: apiKeyCheck(APIKey{HeaderName: "Authorization", HeaderPrefix: "Bearer", EnvVar: "OPENAI_API_KEY"})},
		{file: "extras.json", name: "acme", auth: AuthOAuth2, flow: FlowPKCE,
			hosts:   []string{"api.acme.io"},
			export:  map[string]string{"ACME_TOKEN": ExportAccessToken, "ACME_REFRESH": ExportRefreshToken, "ACME_API_URL": ExportAPIURL},
			ignored: []string{"metadata", "oauth.client_secret_handling", "tags"},
			check: func(t *testing.T, d *Definition) {
				if !d.OAuth.PKCE {
					t.Error("pkce defaults to true")
				}
			}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			d := readCorpus(t, tt.file)
			if d.Name != tt.name || d.AuthType != tt.auth || d.Flow != tt.flow || d.IsMicrosoft() != tt.microsoft {
				t.Errorf("name/auth/flow/microsoft = %s/%s/%s/%v, want %s/%s/%s/%v", d.Name, d.AuthType, d.Flow, d.IsMicrosoft(), tt.name, tt.auth, tt.flow, tt.microsoft)
			}
			r, err := ParseRoute(d.APIURL)
			if err != nil && len(tt.hosts) > 0 {
				t.Fatal(err)
			}
			for _, h := range tt.hosts {
				host, path, _ := strings.Cut(h, "/")
				if !r.Match(host, "/"+path) {
					t.Errorf("route %s does not match %s", d.APIURL, h)
				}
			}
			for _, h := range tt.notHosts {
				if r.MatchHost(h) {
					t.Errorf("route %s matches %s", d.APIURL, h)
				}
			}
			if diff := cmp.Diff(tt.export, d.Export); diff != "" {
				t.Errorf("export (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.ignored, d.Ignored); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
			if len(d.Warnings) != tt.warnings {
				t.Errorf("warnings = %q, want %d", d.Warnings, tt.warnings)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.json*"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s is not in the table", f)
		}
	}
}

func checkMicrosoft(t *testing.T, d *Definition) {
	t.Helper()
	if d.OAuth.Dialect != DialectMicrosoft || d.OAuth.RevocationURL != "" || !d.OAuth.SupportsDeviceCode || d.OAuth.SupportsDCR || !d.OAuth.PKCE {
		t.Errorf("oauth = %+v", d.OAuth)
	}
	if diff := cmp.Diff(microsoftScopes, d.OAuth.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	bundled, _, err := NewCatalog("").Get("microsoft")
	if err != nil {
		t.Fatal(err)
	}
	if d.OAuth.AuthorizationURL != bundled.OAuth.AuthorizationURL || d.OAuth.TokenURL != bundled.OAuth.TokenURL ||
		d.OAuth.DeviceAuthorizationURL != bundled.OAuth.DeviceAuthorizationURL || d.APIURL != bundled.APIURL {
		t.Errorf("endpoints differ from the bundled definition: %+v", d.OAuth)
	}
}

func checkNotionDCR(t *testing.T, d *Definition) {
	t.Helper()
	if d.Registration == nil || d.Registration.RegistrationEndpoint != "https://mcp.notion.com/register" || !d.OAuth.SupportsDCR || d.OAuth.SupportsDeviceCode {
		t.Errorf("registration %+v, oauth %+v", d.Registration, d.OAuth)
	}
}

func apiKeyCheck(want APIKey) func(*testing.T, *Definition) {
	return func(t *testing.T, d *Definition) {
		t.Helper()
		if diff := cmp.Diff(&want, d.APIKey); diff != "" {
			t.Errorf("api_key (-want +got):\n%s", diff)
		}
	}
}

// TestAuthsomeCorpusBroken: the broken files are refused, each naming the field at fault.
func TestAuthsomeCorpusBroken(t *testing.T) {
	tests := map[string]struct{ field, reason string }{
		"typo-scopes.json":              {"oauth.scoeps", `did you mean "scopes"`},
		"typo-token-url.json":           {"oauth.tokn_url", `did you mean "token_url"`},
		"typo-top.jsonc":                {"api_ulr", `did you mean "api_url"`},
		"bad-regex.json":                {"api_url", "bad regex"},
		"loose-regex.json":              {"api_url", "no domain can be derived"},
		"loose-regex-two-domains.json":  {"api_url", "more than one domain"},
		"public-suffix-regex.json":      {"api_url", "no domain can be derived"},
		"missing-token-url.json":        {"oauth.token_url", "is required"},
		"dcr-without-registration.json": {"registration.registration_endpoint", "dcr_pkce"},
		"dcr-api-key.json":              {"registration", "only for oauth2"},
		"browser.jsonc":                 {"auth_type", "browser sessions"},
		"base-url-inside.json":          {"oauth.authorization_url", "only once, at the start"},
		"base-url-http.json":            {"oauth.base_url", "https"},
		"device-token-request.json":     {"oauth.device_token_request", "xml"},
		"host-url-differs.json":         {"host_url", "differs from api_url"},
		"reserved-export.json":          {"export.PATH", "reserved"},
		"unclosed-comment.jsonc":        {"(json)", "line 1 column 14: a /* comment is not closed"},
		"duplicate-key.jsonc":           {"name", "more than once"},
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "broken", "*"))
	if len(files) != len(tests) {
		t.Errorf("%d broken files, %d in the table", len(files), len(tests))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			tt, ok := tests[filepath.Base(f)]
			if !ok {
				t.Fatal("not in the table")
			}
			wantFieldError(t, mustRead(t, f), tt.field, tt.reason)
		})
	}
}

// TestAuthsomeCorpusInCatalog: the corpus dropped into the user folder as it is loads there
// too (a mixed-case file name included), and a broken file beside it is only a warning.
func TestAuthsomeCorpusInCatalog(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"google.jsonc", "MyAPI.json", "notion_dcr.json", "postiz.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(mustRead(t, filepath.Join(corpusDir, f))), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "typo.json"), []byte(mustRead(t, filepath.Join(corpusDir, "broken", "typo-scopes.json"))), 0o600); err != nil {
		t.Fatal(err)
	}
	c := NewCatalog(dir)
	entries, warns, err := c.ListWithWarnings()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Source{}
	for _, e := range entries {
		got[e.Def.Name] = e.Source
	}
	for name, want := range map[string]Source{"google": SourceOverride, "myapi": SourceUser, "notion_dcr": SourceOverride, "postiz": SourceOverride} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
	// One warning for the narrowed Google route, one for the skipped file.
	if len(warns) != 2 || !strings.Contains(warns[0].String(), "google.jsonc: api_url") || !strings.Contains(warns[1].String(), "typo.json: skipped") {
		t.Errorf("warnings = %q", warns)
	}
	if d, _, err := c.Get("MyAPI"); err != nil || d.Name != "myapi" {
		t.Errorf("Get(MyAPI) = %v, %v", d, err)
	}
	if _, _, err := c.Get("typo"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(typo) = %v", err)
	}
}
