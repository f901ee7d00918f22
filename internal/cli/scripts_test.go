package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// oauthServer is a provider's token and revocation endpoints: client credentials give
// "at-<n>"; revocations are recorded.
type oauthServer struct {
	*httptest.Server
	mu      sync.Mutex
	revoked []string // token values
	secrets []string // client_secret of each revocation request
	issued  int
}

func newOAuthServer(t *testing.T) *oauthServer {
	s := &oauthServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		switch r.URL.Path {
		case "/token":
			s.issued++
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + string(rune('0'+s.issued)), "token_type": "Bearer", "expires_in": 3600})
		case "/revoke":
			s.revoked = append(s.revoked, r.PostForm.Get("token"))
			s.secrets = append(s.secrets, r.PostForm.Get("client_secret"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *oauthServer) revokedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.revoked)
}

// oauthDef is a user provider "widget" on srv, with a revocation endpoint unless revocation is
// false.
func oauthDef(srv string, revocation bool) string {
	rev := ""
	if revocation {
		rev = `"revocation_url": "` + srv + `/revoke",`
	}
	return `{"schema_version":1,"name":"widget","display_name":"Widget","auth_type":"oauth2","flow":"client_credentials",
 "api_url":"api.widget.test","oauth":{"authorization_url":"` + srv + `/authorize","token_url":"` + srv + `/token",` + rev + `
 "scopes":["read"]},"export":{"WIDGET_TOKEN":"access_token"}}`
}

// widgetHome is a home with the widget provider and two client-credentials connections.
func widgetHome(t *testing.T, revocation bool) (string, *oauthServer) {
	home := testEnv(t)
	srv := newOAuthServer(t)
	wantCode(t, runHome(t, home, "providers", "add", writeFile(t, "widget.json", oauthDef(srv.URL, revocation))), exitOK)
	for _, conn := range []string{"default", "ci"} {
		r := run(t, "client-secret-1\n", "--home", home, "login", "widget", "--flow", "client_credentials",
			"--client-id", "app-1", "--client-secret-stdin", "--connection", conn)
		wantCode(t, r, exitOK)
	}
	return home, srv
}

func TestRevokeRemoteRevocation(t *testing.T) {
	t.Parallel()
	home, srv := widgetHome(t, true)
	r := runHome(t, home, "--json", "revoke", "widget")
	wantCode(t, r, exitOK)
	var out revokeOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("revoke --json: %v\n%s", err, r.stdout)
	}
	want := []revokedConnOut{{Connection: "ci", Revoked: true}, {Connection: "default", Revoked: true}}
	if out.Status != "revoked" || out.Provider != "widget" || !slices.Equal(out.Connections, want) || !out.ClientRemoved {
		t.Errorf("revoke --json = %+v, want both connections revoked and the client removed", out)
	}
	if got := srv.revokedTokens(); len(got) != 2 || !slices.Contains(got, "at-1") || !slices.Contains(got, "at-2") {
		t.Errorf("revocation endpoint saw %q, want both access tokens", got)
	}
	srv.mu.Lock()
	if slices.ContainsFunc(srv.secrets, func(s string) bool { return s != "client-secret-1" }) {
		t.Errorf("revocation requests were not authenticated with the stored client: %d requests", len(srv.secrets))
	}
	srv.mu.Unlock()
	// Nothing is left: no connection, and the next login needs a client again.
	r = runHome(t, home, "get", "widget")
	wantCode(t, r, exitConnectionNotFound)
	r = run(t, "", "--home", home, "login", "widget", "--flow", "client_credentials")
	if r.code == exitOK {
		t.Error("login without --client-id succeeded after revoke: the stored client was kept")
	}
	// The definition stays; revoking again is fine and deletes nothing.
	r = runHome(t, home, "--json", "revoke", "widget")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"connections": []`) {
		t.Errorf("second revoke: %s", r.stdout)
	}
}

func TestRevokeWithoutRevocationEndpoint(t *testing.T) {
	t.Parallel()
	home, srv := widgetHome(t, false)
	r := runHome(t, home, "revoke", "widget")
	wantCode(t, r, exitOK)
	if line := oneLine(t, r); !strings.Contains(line, "2 connection(s) deleted") || strings.Contains(line, "revoked at") {
		t.Errorf("revoke said %q", line)
	}
	if got := srv.revokedTokens(); len(got) != 0 {
		t.Errorf("revocation requests without a revocation_url: %q", got)
	}
	wantCode(t, runHome(t, home, "get", "widget", "--connection", "ci"), exitConnectionNotFound)
	wantCode(t, runHome(t, home, "revoke", "nosuch"), exitProviderNotFound)
}

func TestRevokeFailedRemoteIsAWarning(t *testing.T) {
	t.Parallel()
	home, srv := widgetHome(t, true)
	srv.Close() // the revocation endpoint is gone
	r := runHome(t, home, "revoke", "widget")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "warning: remote revocation of widget/ci failed") {
		t.Errorf("stderr %q, want a warning per connection", r.stderr)
	}
	wantCode(t, runHome(t, home, "get", "widget"), exitConnectionNotFound)
	// --quiet drops the warning and the summary.
	home2, srv2 := widgetHome(t, true)
	srv2.Close()
	r = runHome(t, home2, "--quiet", "revoke", "widget")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("--quiet revoke printed %q", r.stderr)
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	home, srv := widgetHome(t, true)
	r := runHome(t, home, "--json", "remove", "widget")
	wantCode(t, r, exitOK)
	var out struct {
		Status            string `json:"status"`
		Connections       []revokedConnOut
		DefinitionRemoved bool `json:"definition_removed"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Status != "removed" || len(out.Connections) != 2 || !out.DefinitionRemoved {
		t.Errorf("remove --json = %s (%v)", r.stdout, err)
	}
	if len(srv.revokedTokens()) != 2 {
		t.Errorf("remove revoked %q, want both tokens", srv.revokedTokens())
	}
	if _, err := os.Stat(filepath.Join(home, "providers", "widget.json")); !os.IsNotExist(err) {
		t.Errorf("the definition file is still there: %v", err)
	}
	wantCode(t, runHome(t, home, "providers", "show", "widget"), exitProviderNotFound)

	// A bundled provider: its connections go, its definition stays.
	wantCode(t, run(t, "sk-remove-000000000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	r = runHome(t, home, "--json", "remove", "openai")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"definition_removed": false`) {
		t.Errorf("remove of a bundled provider: %s", r.stdout)
	}
	wantCode(t, runHome(t, home, "providers", "show", "openai"), exitOK)
	wantCode(t, runHome(t, home, "get", "openai"), exitConnectionNotFound)
}

// TestExportAllClash: without a provider, export prints every connection; a name two
// connections share is kept by the default one and becomes NAME_<PROVIDER>_<CONN> for the
// other, in every format.
func TestExportAllClash(t *testing.T) {
	t.Parallel()
	home, _ := widgetHome(t, false)
	wantCode(t, run(t, "sk-all-0000000000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	r := runHome(t, home, "export")
	wantCode(t, r, exitOK)
	want := "OPENAI_API_KEY=sk-all-0000000000000000000000\nWIDGET_TOKEN=at-1\nWIDGET_TOKEN_WIDGET_CI=at-2\n"
	if r.stdout != want {
		t.Errorf("export = %q, want %q", r.stdout, want)
	}
	r = runHome(t, home, "export", "--format", "shell")
	if !strings.Contains(r.stdout, "export WIDGET_TOKEN_WIDGET_CI='at-2'\n") {
		t.Errorf("export --format shell = %q", r.stdout)
	}
	r = runHome(t, home, "export", "--format", "json")
	var plain map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &plain); err != nil || len(plain) != 3 || plain["v"] != "" {
		t.Errorf("export --format json = %q (%v), want the three variables, no envelope", r.stdout, err)
	}
	r = runHome(t, home, "export", "--connection", "ci")
	wantCode(t, r, exitUsage)
	// The refresh token rule holds for all too (client credentials have none; no name appears).
	r = runHome(t, home, "export", "--include-refresh-token")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stdout, "REFRESH") {
		t.Errorf("export --include-refresh-token invented a refresh token: %q", r.stdout)
	}
}

func TestInitIdempotent(t *testing.T) {
	t.Parallel()
	home := filepath.Join(testEnv(t), "new-home")
	r := runHome(t, home, "--json", "init")
	wantCode(t, r, exitOK)
	var first initOut
	if err := json.Unmarshal([]byte(r.stdout), &first); err != nil || !first.Created || first.Profile != "default" || first.KeySource != "file" || first.Home != home {
		t.Fatalf("first init = %s (%v)", r.stdout, err)
	}
	fi, err := os.Stat(first.Vault)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("vault %s: %v %v", first.Vault, fi, err)
	}
	if hi, err := os.Stat(home); err != nil || hi.Mode().Perm() != 0o700 {
		t.Errorf("home mode %v (%v), want 0700", hi.Mode().Perm(), err)
	}
	before, _ := os.ReadFile(first.Vault)
	r = runHome(t, home, "--json", "init")
	wantCode(t, r, exitOK)
	var second initOut
	if err := json.Unmarshal([]byte(r.stdout), &second); err != nil || second.Created {
		t.Errorf("second init = %s (%v), want created false", r.stdout, err)
	}
	if after, _ := os.ReadFile(first.Vault); string(after) != string(before) {
		t.Error("a second init rewrote the vault")
	}
	r = runHome(t, home, "init")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "Home:       "+home+"\n") || !strings.Contains(r.stdout, "Key source: file\n") || r.stderr != "" {
		t.Errorf("init = %q, stderr %q", r.stdout, r.stderr)
	}
	// Another profile is created by init too.
	r = runHome(t, home, "--json", "--profile", "work", "init")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"profile": "work"`) || !strings.Contains(r.stdout, `"created": true`) {
		t.Errorf("init --profile work = %s", r.stdout)
	}
}

// TestQuiet: --quiet drops confirmations, hints and warnings from stderr, but not errors.
func TestQuiet(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	key := "sk-quiet-000000000000000000000"
	for _, args := range [][]string{
		{"login", "openai", "--api-key-stdin"},
		{"login", "openai", "--api-key-stdin", "--connection", "second"},
		{"set-default", "openai", "second"},
		{"get", "openai", "--show-secret"},
		{"providers", "show", "openai"},
		{"profile", "create", "work"},
		{"logout", "openai"},
	} {
		loud := run(t, key+"\n", append([]string{"--home", home}, args...)...)
		if loud.code != exitOK || loud.stderr == "" {
			t.Fatalf("%v: exit %d, stderr %q; want success with something on stderr", args, loud.code, loud.stderr)
		}
		if args[0] == "login" || args[0] == "profile" || args[0] == "logout" {
			// undo, so the quiet run does the same thing again
			switch args[0] {
			case "login":
				wantCode(t, runHome(t, home, "logout", "openai", "--connection", connFlag(args)), exitOK)
			case "profile":
				wantCode(t, runHome(t, home, "profile", "delete", "work", "--yes"), exitOK)
			case "logout":
				wantCode(t, run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin", "--connection", "second", "--force"), exitOK)
			}
		}
		quiet := run(t, key+"\n", append([]string{"--home", home, "--quiet"}, args...)...)
		wantCode(t, quiet, exitOK)
		if quiet.stderr != "" {
			t.Errorf("--quiet %v printed %q", args, quiet.stderr)
		}
		if quiet.stdout != loud.stdout && args[0] != "get" {
			t.Errorf("--quiet %v changed stdout: %q, was %q", args, quiet.stdout, loud.stdout)
		}
	}
	r := runHome(t, home, "--quiet", "get", "nosuch")
	wantCode(t, r, exitProviderNotFound)
	if !strings.Contains(oneLine(t, r), "nosuch") {
		t.Errorf("--quiet hid the error: %q", r.stderr)
	}
}

func connFlag(args []string) string {
	if i := slices.Index(args, "--connection"); i >= 0 {
		return args[i+1]
	}
	return "default"
}

// TestNoColor: doctor marks its lines in colour on a terminal, unless --no-color or NO_COLOR
// (TestNoColorEnv); piped output has none.
func TestNoColor(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	if out := doctorOutput(t, home, true); !strings.Contains(out, "\x1b[32mok  \x1b[0m") {
		t.Errorf("doctor on a terminal has no colour: %q", out)
	}
	for name, out := range map[string]string{"piped": doctorOutput(t, home, false), "--no-color": doctorOutput(t, home, true, "--no-color")} {
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%s: colour codes in %q", name, out)
		}
	}
}

// TestNoColorEnv: NO_COLOR turns doctor's colour off on a terminal. It is apart from
// TestNoColor because t.Setenv keeps it serial.
func TestNoColorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if out := doctorOutput(t, testEnv(t), true); strings.Contains(out, "\x1b[") || !strings.Contains(out, "ok  ") {
		t.Errorf("NO_COLOR: %q", out)
	}
}

// doctorOutput runs doctor on home, its stdout and stderr a terminal when tty, and returns
// its stdout.
func doctorOutput(t *testing.T, home string, tty bool, args ...string) string {
	t.Helper()
	ios, _, out, _ := Test()
	ios.stdoutTTY, ios.stderrTTY = tty, tty
	Run(t.Context(), ios, append([]string{"--home", home, "doctor"}, args...))
	return out.String()
}

// TestLogFile: --log-file gets the debug log (0600), without secrets; "" writes nothing.
func TestLogFile(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	key := "sk-logfile-00000000000000000000"
	logPath := filepath.Join(t.TempDir(), "authsome.log")
	wantCode(t, run(t, key+"\n", "--home", home, "--log-file", logPath, "login", "openai", "--api-key-stdin"), exitOK)
	r := runHome(t, home, "--log-file", logPath, "get", "openai", "--field", "api_key")
	wantCode(t, r, exitOK)
	fi, err := os.Stat(logPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log file: %v %v, want mode 0600", fi, err)
	}
	data, _ := os.ReadFile(logPath)
	if strings.Contains(string(data), key) {
		t.Error("the log file holds the API key")
	}
	if !strings.Contains(string(data), `"path":"authsome get"`) || !strings.Contains(string(data), `"path":"authsome login"`) {
		t.Errorf("log file = %q, want a line per command", data)
	}
	if r.stderr != "" {
		t.Errorf("--log-file wrote to stderr: %q", r.stderr)
	}
	// A symbolic link is refused, and --log-file "" is accepted.
	link := filepath.Join(t.TempDir(), "link.log")
	if err := os.Symlink(logPath, link); err != nil {
		t.Fatal(err)
	}
	wantCode(t, runHome(t, home, "--log-file", link, "list"), exitError)
	wantCode(t, runHome(t, home, "--log-file", "", "list"), exitOK)
}
