package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func weatherDef(apiURL, export string) string {
	return `{"schema_version":1,"name":"weather","display_name":"Weather API","auth_type":"api_key","flow":"api_key",
 "api_url":"` + apiURL + `","api_key":{"header_name":"X-Api-Key"},"export":` + export + `}`
}

// TestProvidersAddRefusesHijackingDefinitions: the shared definitions of the attack report
// (finding 6) are refused by `providers add` with one line naming the field and why.
func TestProvidersAddRefusesHijackingDefinitions(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{"PROMPT_COMMAND from api_url", weatherDef("https://api.weather.example/v1;touch pwned-by-provider",
			`{"WEATHER_API_KEY":"api_key","PROMPT_COMMAND":"api_url"}`), []string{"api_url", "path"}},
		{"PROMPT_COMMAND", weatherDef("https://api.weather.example/v1", `{"WEATHER_API_KEY":"api_key","PROMPT_COMMAND":"api_url"}`),
			[]string{"export.PROMPT_COMMAND", "reserved"}},
		{"HTTPS_PROXY", weatherDef("api.weather.example", `{"HTTPS_PROXY":"api_key"}`), []string{"export.HTTPS_PROXY", "reserved", "authsome run sets it"}},
		{"SSL_CERT_FILE", weatherDef("api.weather.example", `{"SSL_CERT_FILE":"api_key"}`), []string{"export.SSL_CERT_FILE", "reserved"}},
		{"PATH", weatherDef("api.weather.example", `{"PATH":"api_key"}`), []string{"export.PATH", "reserved"}},
		{"api_url with a space", weatherDef("https://api.weather.example/v1 x", `{}`), []string{"api_url"}},
		{"duplicate key", strings.Replace(weatherDef("api.weather.example", `{}`), `"name":"weather",`, `"name":"weather","name":"other",`, 1),
			[]string{"name", "more than once"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runHome(t, home, "providers", "add", writeFile(t, "weather.json", tt.data))
			wantCode(t, r, exitUsage)
			line := oneLine(t, r)
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("message %q does not say %q", line, w)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, "providers", "weather.json")); !os.IsNotExist(err) {
		t.Errorf("a refused definition was written: %v", err)
	}
}

// TestAPIKeyProviderWithoutFlowLogsIn: an api_key definition without "flow" is accepted and
// can log in (finding 14: it validated, then login said "--flow  does not apply").
func TestAPIKeyProviderWithoutFlowLogsIn(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	def := strings.Replace(weatherDef("api.weather.example", `{"WEATHER_API_KEY":"api_key"}`), `"flow":"api_key",`, "", 1)
	wantCode(t, runHome(t, home, "providers", "add", writeFile(t, "weather.json", def)), exitOK)
	r := run(t, "k-123\n", "--home", home, "login", "weather", "--api-key-stdin")
	wantCode(t, r, exitOK)
	r = runHome(t, home, "export", "weather")
	wantCode(t, r, exitOK)
	if r.stdout != "WEATHER_API_KEY=k-123\n" {
		t.Errorf("export = %q", r.stdout)
	}
}

// TestExportShellQuotesProviderValues: a stored key and an api_url holding shell syntax come
// out of `export --format shell` as exact values that run nothing when evaluated.
func TestExportShellQuotesProviderValues(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	home := testEnv(t)
	def := weatherDef("https://api.weather.example/v1", `{"WEATHER_API_KEY":"api_key","WEATHER_API_URL":"api_url"}`)
	wantCode(t, runHome(t, home, "providers", "add", writeFile(t, "weather.json", def)), exitOK)
	key := `k'$(touch pwned)'"; touch pwned2 #`
	wantCode(t, run(t, key+"\n", "--home", home, "login", "weather", "--api-key-stdin"), exitOK)
	r := runHome(t, home, "export", "weather", "--format", "shell")
	wantCode(t, r, exitOK)
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), sh, "-c", `eval "$1" && printf '%s\n%s' "$WEATHER_API_KEY" "$WEATHER_API_URL"`, "sh", r.stdout)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, r.stdout)
	}
	if want := key + "\nhttps://api.weather.example/v1"; string(out) != want {
		t.Errorf("shell has %q, want %q", out, want)
	}
	for _, f := range []string{"pwned", "pwned2"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("evaluating the export ran a command (%s exists)", f)
		}
	}
}

// authsomeGoogle is the original authsome's 0.7 google.jsonc in form: comments, keys this
// project does not use, the flat export map and a loose regex api_url.
const authsomeGoogle = `// Google
// auth: oauth2 | flow: pkce
{
  "schema_version": 1,
  "name": "google",
  "display_name": "Google",
  "logo": "img.logo.dev/name/google",
  "description": "Google APIs.",
  "type": "app",
  "auth_type": "oauth2",
  "flow": "pkce",
  "api_url": "regex:.*googleapis.*",
  "oauth": {
    "authorization_url": "https://accounts.google.com/o/oauth2/v2/auth",
    "token_url": "https://oauth2.googleapis.com/token",
    "revocation_url": null,
    "scopes": ["openid", "profile"],
    "pkce": true,
    "supports_device_code": false,
    "supports_dcr": false
  },
  "export": {"GOOGLE_ACCESS_TOKEN": "ACCESS_TOKEN"}
}
`

// TestProvidersAddAuthsomeFile: `providers add` takes the original authsome's files, says
// once what it left out and changed, and replaces an existing user definition only with
// --force.
func TestProvidersAddAuthsomeFile(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	file := writeFile(t, "google.jsonc", authsomeGoogle)
	r := runHome(t, home, "providers", "add", file)
	wantCode(t, r, exitOK)
	for _, w := range []string{"ignored keys", "logo, type", `api_url "regex:.*googleapis.*"`, "googleapis.com", "overrides the bundled"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
	r = runHome(t, home, "providers", "add", file)
	wantCode(t, r, exitAlreadyExists)
	if line := oneLine(t, r); !strings.Contains(line, "--force") {
		t.Errorf("refusal %q does not mention --force", line)
	}
	r = runHome(t, home, "providers", "add", "--force", file)
	wantCode(t, r, exitOK)
	r = runHome(t, home, "--json", "providers", "show", "google")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"api_url": "regex:(?:.+\\.)?googleapis\\.com"`) || strings.Contains(r.stdout, "logo") {
		t.Errorf("stored definition:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("the stored definition warns again: %q", r.stderr)
	}
}

// TestProvidersBrokenUserFile: a broken file in the providers folder does not break the
// tool; list and show name it in one warning and go on.
func TestProvidersBrokenUserFile(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	dir := filepath.Join(home, "providers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "github.json"), []byte(`{"name":"github",`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runHome(t, home, "providers", "list")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "microsoft") || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "github.json: skipped") {
		t.Errorf("list: stdout %q stderr %q", r.stdout, r.stderr)
	}
	r = runHome(t, home, "providers", "show", "github")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "github.json: skipped") || !strings.Contains(r.stderr, "# source: bundled") {
		t.Errorf("show: stderr %q", r.stderr)
	}
}
