package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// isolatedEnv is the environment every command test starts from, set once by TestMain so
// that tests may run in parallel: no keyring, no master key or passphrase, no home or sandbox
// from the developer's machine. A test that needs other values sets them with t.Setenv (and
// so stays serial).
var isolatedEnv = map[string]string{"AUTHSOME_KEYRING": "off"}

// unsetEnv are the variables TestMain removes from the environment.
var unsetEnv = []string{"AUTHSOME_MASTER_KEY", "AUTHSOME_PASSPHRASE", "AUTHSOME_HOME", "AUTHSOME_SANDBOX_URL", "AUTHSOME_SANDBOX_CA"}

// isolateEnv applies isolatedEnv and unsetEnv to the process.
func isolateEnv() {
	for k, v := range isolatedEnv {
		os.Setenv(k, v)
	}
	for _, k := range unsetEnv {
		os.Unsetenv(k)
	}
}

// testEnv returns a fresh home folder for a command test; the environment is isolatedEnv's.
func testEnv(t *testing.T) string {
	t.Helper()
	return t.TempDir()
}

type result struct {
	code           int
	stdout, stderr string
}

// run executes the command line with the given stdin.
func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ios, in, out, errOut := Test()
	in.WriteString(stdin)
	code := Run(t.Context(), ios, args)
	return result{code, out.String(), errOut.String()}
}

// runHome executes the command line against home.
func runHome(t *testing.T, home string, args ...string) result {
	t.Helper()
	return run(t, "", append([]string{"--home", home}, args...)...)
}

// oneLine checks that stderr is exactly one line and returns it.
func oneLine(t *testing.T, r result) string {
	t.Helper()
	s := strings.TrimSuffix(r.stderr, "\n")
	if s == "" || strings.Contains(s, "\n") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	return s
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	tests := []struct {
		name string
		args []string
		want string // in the message
	}{
		{"unknown command", []string{"frobnicate"}, "frobnicate"},
		{"unknown subcommand", []string{"providers", "frobnicate"}, "frobnicate"},
		{"unknown profile subcommand", []string{"profile", "frobnicate"}, "frobnicate"},
		{"unknown flag", []string{"list", "--frob"}, "--frob"},
		{"unknown shorthand", []string{"list", "-z"}, "-z"},
		{"flag without value", []string{"get", "microsoft", "--connection"}, "connection"},
		{"missing argument", []string{"get"}, "provider"},
		{"extra argument", []string{"get", "microsoft", "extra"}, "provider"},
		{"set-default one argument", []string{"set-default", "microsoft"}, "connection"},
		{"list with argument", []string{"list", "x"}, "no arguments"},
		{"bad --flow", []string{"login", "microsoft", "--flow", "magic"}, "magic"},
		{"bad --port", []string{"login", "microsoft", "--port", "70000"}, "70000"},
		{"non-numeric --port", []string{"login", "microsoft", "--port", "x"}, "port"},
		{"two stdin secrets", []string{"login", "microsoft", "--client-secret-stdin", "--api-key-stdin"}, "stdin"},
		{"bad --connection", []string{"login", "microsoft", "--connection", "../../x"}, "--connection"},
		{"mixed --scopes", []string{"login", "microsoft", "--scopes", "+Mail.Send,Contacts.Read"}, "mixes"},
		{"unknown scope preset", []string{"login", "microsoft", "--scopes", "+@mial"}, "@mail"},
		{"bad --connection for an API key", []string{"login", "openai", "--connection", "a b", "--api-key-stdin"}, "invalid connection name"},
		{"bad --format", []string{"export", "microsoft", "--format", "yaml"}, "yaml"},
		{"refresh token without --show-secret", []string{"get", "microsoft", "--field", "refresh_token"}, "--show-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runHome(t, home, tt.args...)
			wantCode(t, r, exitUsage)
			line := oneLine(t, r)
			if !strings.HasPrefix(line, "authsome: ") || !strings.Contains(line, tt.want) {
				t.Errorf("stderr %q, want \"authsome: ...%s...\"", line, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	// Flag problems are found before anything is written to the home folder.
	if entries, _ := os.ReadDir(home); len(entries) != 0 {
		t.Errorf("usage errors wrote to the home folder: %v", entries)
	}
}

// jsonError parses the --json error object on stderr.
func jsonError(t *testing.T, r result) (name, message string, code int) {
	t.Helper()
	var v struct {
		V        int    `json:"v"`
		Error    string `json:"error"`
		Message  string `json:"message"`
		ExitCode *int   `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &v); err != nil || v.V != 1 || v.ExitCode == nil || v.Error == "" || v.Message == "" {
		t.Fatalf("stderr is not a JSON error object with v 1, error, message and exit_code: %q (%v)", r.stderr, err)
	}
	if *v.ExitCode != r.code {
		t.Errorf("exit_code %d in JSON, process exit code %d", *v.ExitCode, r.code)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q on error, want nothing", r.stdout)
	}
	oneLine(t, r)
	return v.Error, v.Message, *v.ExitCode
}

func TestJSONErrors(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	tests := []struct {
		args      []string
		name      string
		code      int
		inMessage string
	}{
		{[]string{"--json", "get"}, "usage", exitUsage, "provider"},
		{[]string{"--json", "list", "--frob"}, "usage", exitUsage, "--frob"},
		{[]string{"list", "--json", "--frob"}, "usage", exitUsage, "--frob"},
		{[]string{"--json", "login", "microsoft", "--flow", "magic"}, "usage", exitUsage, "magic"},
		// --json selects the JSON format, whatever --format says.
		{[]string{"--json", "export", "microsoft", "--format", "yaml"}, "connection_not_found", exitConnectionNotFound, "microsoft"},
		{[]string{"--json", "get", "nosuch"}, "provider_not_found", exitProviderNotFound, "nosuch"},
		{[]string{"--json", "get", "microsoft"}, "connection_not_found", exitConnectionNotFound, "microsoft"},
		{[]string{"--json", "frobnicate"}, "usage", exitUsage, "frobnicate"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runHome(t, home, tt.args...)
			wantCode(t, r, tt.code)
			name, msg, _ := jsonError(t, r)
			if name != tt.name {
				t.Errorf("error %q, want %q", name, tt.name)
			}
			if !strings.Contains(msg, tt.inMessage) {
				t.Errorf("message %q does not mention %q", msg, tt.inMessage)
			}
		})
	}
}

func TestNotFoundCodes(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"get", "nosuch"}, exitProviderNotFound},
		{[]string{"login", "nosuch"}, exitProviderNotFound},
		{[]string{"export", "nosuch"}, exitProviderNotFound},
		{[]string{"inspect", "nosuch"}, exitProviderNotFound},
		{[]string{"providers", "show", "nosuch"}, exitProviderNotFound},
		{[]string{"get", "microsoft"}, exitConnectionNotFound},
		{[]string{"get", "microsoft", "--connection", "work"}, exitConnectionNotFound},
		{[]string{"get", "microsoft", "--field", "access_token"}, exitConnectionNotFound},
		{[]string{"export", "microsoft"}, exitConnectionNotFound},
		{[]string{"logout", "microsoft"}, exitConnectionNotFound},
		{[]string{"set-default", "microsoft", "work"}, exitConnectionNotFound},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runHome(t, home, tt.args...)
			wantCode(t, r, tt.code)
			line := oneLine(t, r)
			if !strings.HasPrefix(line, "authsome: ") {
				t.Errorf("stderr %q", line)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
}

// An API-key provider goes through login, get, export, set-default and logout without any
// network.
func TestAPIKeyConnectionCommands(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	key := "sk-" + strings.Repeat("Zz9-", 6)

	r := run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stdout+r.stderr, key) {
		t.Error("login printed the API key")
	}
	r = run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin")
	wantCode(t, r, exitAlreadyExists)
	if line := oneLine(t, r); !strings.Contains(line, "--force") {
		t.Errorf("already-exists message %q does not mention --force", line)
	}
	r = run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin", "--connection", "second")
	wantCode(t, r, exitOK)

	r = runHome(t, home, "get", "openai")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stdout, key) {
		t.Error("get shows the API key without --show-secret")
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("get output is not JSON: %v\n%s", err, r.stdout)
	}
	if rec["v"] != 1.0 || rec["connection_name"] != "default" || rec["is_default"] != true || rec["status"] != "connected" || rec["api_key"] != "***REDACTED***" {
		t.Errorf("get = %v", rec)
	}
	r = runHome(t, home, "get", "openai", "--field", "api_key")
	wantCode(t, r, exitOK)
	if r.stdout != key+"\n" {
		t.Errorf("--field api_key printed %q", r.stdout)
	}

	r = runHome(t, home, "get", "openai", "--field", "colour")
	wantCode(t, r, exitUsage)
	if line := oneLine(t, r); !strings.Contains(line, "colour") {
		t.Errorf("unknown --field: %q", line)
	}

	r = runHome(t, home, "export", "openai", "--format", "shell")
	wantCode(t, r, exitOK)
	if want := "export OPENAI_API_KEY='" + key + "'\n"; r.stdout != want {
		t.Errorf("export --format shell = %q, want %q", r.stdout, want)
	}

	r = runHome(t, home, "--json", "set-default", "openai", "second")
	wantCode(t, r, exitOK)
	r = runHome(t, home, "get", "openai", "--field", "connection")
	if r.stdout != "second\n" {
		t.Errorf("default after set-default = %q, want second", r.stdout)
	}

	r = runHome(t, home, "--json", "logout", "openai")
	wantCode(t, r, exitOK)
	var out map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out["connection"] != "second" || out["status"] != "logged_out" {
		t.Errorf("logout --json = %q (%v)", r.stdout, err)
	}
	r = runHome(t, home, "get", "openai", "--connection", "second")
	wantCode(t, r, exitConnectionNotFound)
	r = runHome(t, home, "get", "openai", "--field", "connection")
	if r.stdout != "default\n" {
		t.Errorf("default after logging out the default = %q, want default", r.stdout)
	}
}

const acmeJSON = `{
  "schema_version": 1,
  "name": "acme",
  "display_name": "Acme",
  "auth_type": "api_key",
  "flow": "api_key",
  "api_url": "api.acme.test",
  "api_key": {"header_name": "X-Acme-Key", "header_prefix": ""},
  "export": {"ACME_KEY": "api_key"}
}`

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProvidersAddMalformed(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	for _, tt := range []struct {
		name, data, field string
	}{
		{"unknown field", strings.Replace(acmeJSON, `"api_url"`, `"api_uri"`, 1), "api_uri"},
		{"missing display name", strings.Replace(acmeJSON, `"display_name": "Acme",`, "", 1), "display_name"},
		{"wrong type", strings.Replace(acmeJSON, `"schema_version": 1`, `"schema_version": "1"`, 1), "schema_version"},
		{"bad auth type", strings.Replace(acmeJSON, `"auth_type": "api_key"`, `"auth_type": "magic"`, 1), "auth_type"},
		{"bad export name", strings.Replace(acmeJSON, `"ACME_KEY"`, `"acme-key"`, 1), "export"},
		{"not JSON", `{"name": "acme",`, "json"},
		{"http token url", `{"name":"acme","display_name":"Acme","auth_type":"oauth2","flow":"pkce","api_url":"api.acme.test",
		  "oauth":{"authorization_url":"https://acme.test/auth","token_url":"http://acme.test/token","scopes":[]}}`, "oauth.token_url"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runHome(t, home, "providers", "add", writeFile(t, "acme.json", tt.data))
			wantCode(t, r, exitUsage)
			if line := oneLine(t, r); !strings.Contains(line, tt.field) {
				t.Errorf("message %q does not name %q", line, tt.field)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, "providers", "acme.json")); !os.IsNotExist(err) {
		t.Errorf("an invalid definition was written: %v", err)
	}
	r := runHome(t, home, "providers", "show", "acme")
	wantCode(t, r, exitProviderNotFound)
	r = runHome(t, home, "providers", "add", filepath.Join(t.TempDir(), "missing.json"))
	if r.code == exitOK {
		t.Error("adding a missing file succeeded")
	}
}

func TestProvidersAddShowRemove(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	r := runHome(t, home, "providers", "add", writeFile(t, "acme.json", acmeJSON))
	wantCode(t, r, exitOK)

	r = runHome(t, home, "providers", "show", "acme")
	wantCode(t, r, exitOK)
	if r.stderr != "# source: user\n" {
		t.Errorf("show stderr = %q, want the source line", r.stderr)
	}
	var def map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &def); err != nil || def["name"] != "acme" || def["display_name"] != "Acme" {
		t.Errorf("show stdout = %q (%v)", r.stdout, err)
	}

	// From stdin, overriding a bundled definition.
	openai := strings.NewReplacer(`"acme"`, `"openai"`, `"Acme"`, `"My OpenAI"`).Replace(acmeJSON)
	r = run(t, openai, "--home", home, "providers", "add", "-")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "overrides the bundled") {
		t.Errorf("overriding a bundled provider: stderr %q", r.stderr)
	}
	sources := func() map[string]string {
		t.Helper()
		r := runHome(t, home, "--json", "providers", "list")
		wantCode(t, r, exitOK)
		var out struct {
			Providers []struct{ Name, Source string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, e := range out.Providers {
			m[e.Name] = e.Source
		}
		return m
	}
	src := sources()
	if src["acme"] != "user" || src["openai"] != "user (overrides bundled)" || src["microsoft"] != "bundled" {
		t.Errorf("sources = %v", src)
	}

	// Bundled definitions cannot be removed; the user's override can, and the bundled one returns.
	r = runHome(t, home, "providers", "remove", "microsoft")
	wantCode(t, r, exitError)
	if line := oneLine(t, r); !strings.Contains(line, "bundled") {
		t.Errorf("remove bundled: %q", line)
	}
	r = runHome(t, home, "providers", "remove", "openai")
	wantCode(t, r, exitOK)
	r = runHome(t, home, "--json", "providers", "remove", "acme")
	wantCode(t, r, exitOK)
	src = sources()
	if _, ok := src["acme"]; ok || src["openai"] != "bundled" {
		t.Errorf("sources after remove = %v", src)
	}
}

func TestProfileRoundTrip(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	list := func() (active string, names []string) {
		t.Helper()
		r := runHome(t, home, "--json", "profile", "list")
		wantCode(t, r, exitOK)
		var v struct {
			Active   string   `json:"active"`
			Profiles []string `json:"profiles"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Profiles == nil {
			t.Fatalf("profile list --json = %q (%v)", r.stdout, err)
		}
		return v.Active, v.Profiles
	}
	if active, names := list(); active != "default" || len(names) != 0 {
		t.Errorf("fresh home: active %q, profiles %v", active, names)
	}

	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)
	r := runHome(t, home, "profile", "create", "work")
	wantCode(t, r, exitAlreadyExists)
	oneLine(t, r)
	r = runHome(t, home, "--json", "profile", "create", "work")
	if name, _, _ := jsonError(t, r); name != "already_exists" {
		t.Errorf("duplicate create --json error %q", name)
	}

	wantCode(t, runHome(t, home, "profile", "use", "work"), exitOK)
	if active, names := list(); active != "work" || !slices.Contains(names, "work") {
		t.Errorf("after use: active %q, profiles %v", active, names)
	}
	r = runHome(t, home, "profile", "list")
	if !strings.Contains(r.stdout, "* work\n") {
		t.Errorf("profile list does not mark the active profile: %q", r.stdout)
	}

	// Commands use the active profile: a connection made now lives in "work" only.
	r = run(t, "sk-"+strings.Repeat("w", 24)+"\n", "--home", home, "login", "openai", "--api-key-stdin")
	wantCode(t, r, exitOK)
	wantCode(t, runHome(t, home, "get", "openai"), exitOK)
	wantCode(t, runHome(t, home, "--profile", "default", "get", "openai"), exitConnectionNotFound)

	r = runHome(t, home, "profile", "delete", "work", "--yes")
	if r.code == exitOK {
		t.Error("deleting the active profile succeeded")
	}
	wantCode(t, runHome(t, home, "profile", "use", "default"), exitOK)
	wantCode(t, runHome(t, home, "profile", "delete", "work", "--yes"), exitOK)
	if _, names := list(); slices.Contains(names, "work") {
		t.Errorf("work still listed after delete: %v", names)
	}
	if _, err := os.Stat(filepath.Join(home, "profiles", "work")); !os.IsNotExist(err) {
		t.Errorf("the deleted profile's folder remains: %v", err)
	}
	r = runHome(t, home, "profile", "use", "nosuch")
	if r.code == exitOK {
		t.Error("using a missing profile succeeded")
	}
	r = runHome(t, home, "--profile", "nosuch", "list")
	if r.code == exitOK {
		t.Error("--profile with a missing profile succeeded")
	}
}

func TestVersionJSON(t *testing.T) {
	t.Parallel()
	testEnv(t)
	r := run(t, "", "version", "--json")
	wantCode(t, r, exitOK)
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v["v"] != 1.0 {
		t.Fatalf("version --json = %q: %v", r.stdout, err)
	}
	if v["version"] == "" || v["go"] != runtime.Version() || v["os"] != runtime.GOOS || v["arch"] != runtime.GOARCH {
		t.Errorf("version --json = %v", v)
	}
	r = run(t, "", "version")
	if !strings.HasPrefix(r.stdout, "authsome "+v["version"].(string)+" ") {
		t.Errorf("version = %q", r.stdout)
	}
}

func TestListJSONEmptyHome(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	r := runHome(t, home, "list", "--json")
	wantCode(t, r, exitOK)
	type providerOut struct {
		Name        string            `json:"name"`
		Source      string            `json:"source"`
		Connections []json.RawMessage `json:"connections"`
	}
	var v struct {
		V       int           `json:"v"`
		Profile string        `json:"profile"`
		Bundled []providerOut `json:"bundled"`
		Custom  []providerOut `json:"custom"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("list --json = %q: %v", r.stdout, err)
	}
	if v.V != 1 || v.Profile != "default" {
		t.Errorf("v %d profile %q, want 1 and default", v.V, v.Profile)
	}
	if v.Custom == nil || len(v.Custom) != 0 {
		t.Errorf("custom %v, want an empty array", v.Custom)
	}
	var names []string
	for _, p := range v.Bundled {
		names = append(names, p.Name)
		if p.Connections == nil || len(p.Connections) != 0 {
			t.Errorf("%s: connections %v, want an empty array", p.Name, p.Connections)
		}
	}
	if !slices.Contains(names, "microsoft") || !slices.Contains(names, "openai") || !slices.IsSorted(names) {
		t.Errorf("providers %v, want the bundled ones sorted", names)
	}
	if !strings.Contains(r.stdout, `"connections": []`) {
		t.Error("empty connections are not written as []")
	}
	// Piped plain output of an empty home lists nothing.
	r = runHome(t, home, "list")
	wantCode(t, r, exitOK)
	if r.stdout != "" {
		t.Errorf("list with no connections, piped: %q", r.stdout)
	}
}

func TestNewLoginCmdFlags(t *testing.T) {
	t.Parallel()
	testEnv(t)
	tests := []struct {
		args  []string
		check func(t *testing.T, o *loginOptions)
	}{
		{[]string{"microsoft"}, func(t *testing.T, o *loginOptions) {
			if o.Provider != "microsoft" || o.Flow != "" || o.flowSet || o.Port != 7998 || o.Force || o.NoBrowser {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{[]string{"microsoft", "--flow", "device_code", "--connection", "work", "--scopes", "User.Read,Mail.Read", "--tenant", "contoso.com", "--cloud", "sandbox", "--client-id", "abc", "--port", "0", "--no-browser", "--force"}, func(t *testing.T, o *loginOptions) {
			if o.Flow != "device_code" || !o.flowSet || o.Connection != "work" || !slices.Equal(o.Scopes, []string{"User.Read", "Mail.Read"}) ||
				o.Tenant != "contoso.com" || o.Cloud != "sandbox" || o.ClientID != "abc" || o.Port != 0 || !o.NoBrowser || !o.Force {
				t.Errorf("parsed: %+v", o)
			}
		}},
		{[]string{"gitlab", "--flow", "dcr_pkce", "--redirect-uri", "http://127.0.0.1/auth/callback/oauth", "--base-url", "https://gitlab.example.com"}, func(t *testing.T, o *loginOptions) {
			if o.Flow != "dcr_pkce" || o.RedirectURI != "http://127.0.0.1/auth/callback/oauth" || o.BaseURL != "https://gitlab.example.com" {
				t.Errorf("parsed: %+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := Test()
			var got *loginOptions
			cmd := newLoginCmd(&Factory{IO: ios}, func(o *loginOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.ExecuteContext(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("runF was not called")
			}
			tt.check(t, got)
		})
	}
	// Bad flags never reach runF.
	ios, _, _, _ := Test()
	cmd := newLoginCmd(&Factory{IO: ios}, func(*loginOptions) error { t.Error("runF called for a bad --flow"); return nil })
	cmd.SetArgs([]string{"microsoft", "--flow", "magic"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	var ue *usageError
	if err := cmd.ExecuteContext(t.Context()); !errors.As(err, &ue) {
		t.Errorf("bad --flow: %v, want a usage error", err)
	}
	for _, bad := range [][]string{
		{"--redirect-uri", "https://127.0.0.1/cb"}, {"--redirect-uri", "http://example.com/cb"},
		{"--base-url", "http://gitlab.example.com"}, {"--base-url", "https://gitlab.example.com/?x"},
	} {
		cmd := newLoginCmd(&Factory{IO: ios}, func(*loginOptions) error { t.Errorf("runF called for %v", bad); return nil })
		cmd.SetArgs(append([]string{"gitlab"}, bad...))
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		if err := cmd.ExecuteContext(t.Context()); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}

// On a terminal, export warns on stderr that it prints live credentials; piped, it does not.
func TestExportTTYNote(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	key := "sk-" + strings.Repeat("t", 24)
	wantCode(t, run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	for _, tty := range []bool{false, true} {
		ios, _, out, errOut := Test()
		ios.stdoutTTY = tty
		code := Run(t.Context(), ios, []string{"--home", home, "export", "openai"})
		if code != exitOK || out.String() != "OPENAI_API_KEY="+key+"\n" {
			t.Errorf("tty=%t: export = %d %q", tty, code, out.String())
		}
		if gotNote := strings.Contains(errOut.String(), "live credentials"); gotNote != tty {
			t.Errorf("tty=%t: stderr %q", tty, errOut.String())
		}
	}
}

// TestProfileFlagValidated: --profile takes only valid profile names, as profile create does;
// ".." and "../x" are usage errors and nothing is written (finding 11).
func TestProfileFlagValidated(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	if err := os.Mkdir(filepath.Join(home, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"..", "../x", "A"} {
		for _, args := range [][]string{{"list"}, {"get", "microsoft"}} {
			r := runHome(t, home, append([]string{"--profile", p}, args...)...)
			wantCode(t, r, exitUsage)
			if line := oneLine(t, r); !strings.Contains(line, "--profile") || !strings.Contains(line, "invalid profile name") {
				t.Errorf("--profile %q %v: %q", p, args, line)
			}
		}
	}
	r := run(t, "k\n", "--home", home, "--profile", "..", "login", "openai", "--api-key-stdin")
	wantCode(t, r, exitUsage)
	wantCode(t, runHome(t, home, "profile", "create", "../x"), exitUsage) // as the hint suggests
	for _, dir := range []string{home, filepath.Join(home, "x")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "x" {
				t.Errorf("%s written into %s", e.Name(), dir)
			}
		}
	}
}
