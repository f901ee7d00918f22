package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// noSecrets fails for every named secret found in any of outs.
func noSecrets(t *testing.T, secrets map[string]string, outs ...string) {
	t.Helper()
	for _, out := range outs {
		for name, s := range secrets {
			if s != "" && strings.Contains(out, s) {
				t.Errorf("the %s appears in:\n%.400s", name, out)
			}
		}
	}
}

// vaultKey is the profile's key file content (base64), as a secret to look for.
func (e *env) vaultKey(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.home, "profiles", "default", "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestAttackSecrets runs the secret-handling rows of the "What held" table.
func TestAttackSecrets(t *testing.T) {
	t.Parallel()
	skipShort(t)
	// One signed-in home (a user and an app connection) for the rows that only read it.
	e, tok := attackSignedIn(t)
	e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app")

	// Row 1: -v on every command that shows a connection or the home, --json too: no token,
	// refresh token, client secret or vault key (TestNoSecretLeaks checks the tokens for
	// list/get/inspect/whoami/doctor/export; this adds log, api, providers, profile, and the
	// vault key everywhere).
	t.Run("held-01-verbose-commands", func(t *testing.T) {
		e.ok("run", "--", binary, "demo", "--agent") // something in the audit log
		exp := map[string]string{}
		json.Unmarshal([]byte(e.ok("export", "microsoft", "--format", "json", "--include-refresh-token").stdout), &exp)
		secrets := map[string]string{
			"access token": tok, "refresh token": exp["MICROSOFT_REFRESH_TOKEN"], "vault key": e.vaultKey(t),
			"app token":     strings.TrimSpace(e.ok("get", "microsoft", "--connection", "app", "--field", "access_token").stdout),
			"client secret": e.sb.Info().ConfidentialClientSecret,
		}
		if secrets["refresh token"] == "" || secrets["app token"] == "" {
			t.Fatal("could not read the secrets to look for")
		}
		var outs []string
		for _, args := range [][]string{
			{"list"}, {"list", "--json"}, {"get", "microsoft"}, {"get", "microsoft", "--json"},
			{"get", "microsoft", "--connection", "app"}, {"inspect", "microsoft"}, {"inspect", "microsoft", "--json"},
			{"whoami"}, {"whoami", "--json"}, {"doctor"}, {"doctor", "--json"}, {"log"}, {"log", "--json"},
			{"providers", "list"}, {"providers", "show", "microsoft", "--json"}, {"profile", "list", "--json"},
			{"api", "/me"}, {"api", "/me", "--connection", "app"},
		} {
			r := e.run("", append([]string{"-v"}, args...)...)
			outs = append(outs, r.stdout, r.stderr)
		}
		r := e.ok("-v", "export", "microsoft", "--format", "json")
		outs = append(outs, r.stderr) // stdout holds the access token by design
		delete(secrets, "access token")
		noSecrets(t, map[string]string{"access token": tok}, outs[:len(outs)-1]...)
		noSecrets(t, secrets, outs...)
	})

	// Row 3: get without --show-secret shows the secrets redacted, for a user and an app
	// connection, in both output formats.
	t.Run("held-03-get-redacts", func(t *testing.T) {
		for _, args := range [][]string{{"get", "microsoft"}, {"get", "microsoft", "--json"}, {"get", "microsoft", "--connection", "app", "--json"}} {
			out := e.ok(args...).stdout
			if strings.Contains(out, tok) || !strings.Contains(out, "***REDACTED***") {
				t.Errorf("%v does not redact the token:\n%s", args, out)
			}
		}
		var c map[string]any
		json.Unmarshal([]byte(e.ok("get", "microsoft", "--json").stdout), &c)
		if c["access_token"] != "***REDACTED***" || c["refresh_token"] != "***REDACTED***" {
			t.Errorf("get --json: access_token %v, refresh_token %v", c["access_token"], c["refresh_token"])
		}
	})

	// Row 2: `-v run` with a rejected token (retried after a refresh), a query-string secret
	// and base-URL requests: neither stderr nor the audit log holds a token, the query or the
	// base URL's secret.
	t.Run("held-02-verbose-run-and-audit", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("needs curl")
		}
		e, tok := attackSignedIn(t) // its own: the tokens change here
		before := map[string]string{}
		json.Unmarshal([]byte(e.ok("export", "microsoft", "--format", "json", "--include-refresh-token").stdout), &before)
		if _, err := e.sb.AddFault(sandbox.Fault{Path: "^/v1.0/me$", Status: 401, Count: 1}); err != nil {
			t.Fatal(err)
		}
		r := e.ok("-v", "run", "--", "sh", "-c", `set -e
curl -sS --fail -o /dev/null https://graph.microsoft.com/v1.0/me
curl -sS --fail -o /dev/null 'https://graph.microsoft.com/v1.0/me/messages?$top=1&sig=QUERY-SECRET-42'
curl -sS --fail -o /dev/null -H "Authorization: Bearer $MICROSOFT_ACCESS_TOKEN" "$MICROSOFT_GRAPH_URL/v1.0/me?sig=QUERY-SECRET-42"
printf %s "$MICROSOFT_GRAPH_URL"`)
		if e.refreshCount() == 0 {
			t.Error("the rejected token was not refreshed")
		}
		base := strings.TrimSuffix(r.stdout, "/graph.microsoft.com")
		baseSecret := base[strings.LastIndex(base, "/")+1:]
		after := map[string]string{}
		json.Unmarshal([]byte(e.ok("export", "microsoft", "--format", "json", "--include-refresh-token").stdout), &after)
		audit, err := os.ReadFile(filepath.Join(e.home, "profiles", "default", "audit.log"))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(audit, []byte(`"injected":true`)); n < 3 {
			t.Errorf("%d injected requests in the audit log, want at least 3", n)
		}
		logOut := e.ok("log", "-n", "20").stdout
		noSecrets(t, map[string]string{
			"old access token": tok, "old refresh token": before["MICROSOFT_REFRESH_TOKEN"],
			"new access token": after["MICROSOFT_ACCESS_TOKEN"], "new refresh token": after["MICROSOFT_REFRESH_TOKEN"],
			"query secret": "QUERY-SECRET-42", "base URL secret": baseSecret, "vault key": e.vaultKey(t),
		}, r.stderr, string(audit), logOut)
	})

	// Row 4: export in every format, for a user and an app connection, without
	// --include-refresh-token: no refresh token.
	t.Run("held-04-export-no-refresh-token", func(t *testing.T) {
		all := map[string]string{}
		json.Unmarshal([]byte(e.ok("export", "microsoft", "--format", "json", "--include-refresh-token").stdout), &all)
		rt := all["MICROSOFT_REFRESH_TOKEN"]
		if rt == "" {
			t.Fatal("no refresh token to look for")
		}
		for _, conn := range []string{"default", "app"} {
			for _, format := range []string{"env", "shell", "json"} {
				out := e.ok("export", "microsoft", "--connection", conn, "--format", format).stdout
				if strings.Contains(out, rt) || strings.Contains(out, "REFRESH") {
					t.Errorf("export --connection %s --format %s printed the refresh token:\n%s", conn, format, out)
				}
				if !strings.Contains(out, "MICROSOFT_ACCESS_TOKEN") {
					t.Errorf("export --connection %s --format %s has no access token:\n%s", conn, format, out)
				}
			}
		}
	})

	// Row 5: the stored client secret of a custom OAuth provider is never printed.
	t.Run("held-05-custom-client-secret", func(t *testing.T) {
		e := newAttackEnv(t)
		const secret = "cs~Very-Secret-Client-Value-9f3e"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			w.Header().Set("Content-Type", "application/json")
			if r.Form.Get("client_secret") != secret {
				w.WriteHeader(401)
				io.WriteString(w, `{"error":"invalid_client"}`)
				return
			}
			io.WriteString(w, `{"access_token":"at-custom-1234567890","token_type":"Bearer","expires_in":3600}`)
		}))
		defer srv.Close()
		def := fmt.Sprintf(`{"name":"acme","display_name":"Acme","auth_type":"oauth2","flow":"client_credentials","api_url":"api.acme.test",
			"oauth":{"token_url":"%s/token","scopes":["x"]},"export":{"ACME_TOKEN":"access_token"}}`, srv.URL)
		e.ok("providers", "add", bad(t, def))
		if r := e.run(secret+"\n", "login", "acme", "--client-id", "cid", "--client-secret-stdin"); r.code != 0 {
			t.Fatalf("login: exit %d: %s", r.code, r.stderr)
		}
		var outs []string
		for _, args := range [][]string{
			{"inspect", "acme"}, {"inspect", "acme", "--json"}, {"get", "acme"}, {"get", "acme", "--json"}, {"list"}, {"list", "--json"},
			{"export", "acme"}, {"export", "acme", "--include-refresh-token", "--format", "json"}, {"providers", "show", "acme"},
			{"providers", "show", "acme", "--json"}, {"doctor"}, {"whoami"}, {"whoami", "--json"},
		} {
			r := e.run("", append([]string{"-v"}, args...)...)
			outs = append(outs, r.stdout, r.stderr)
		}
		noSecrets(t, map[string]string{"client secret": secret}, outs...)
		for path := range homeFiles(t, e.home) {
			b, _ := os.ReadFile(filepath.Join(e.home, path))
			noSecrets(t, map[string]string{"client secret in " + path: secret}, string(b))
		}
	})

	// Row 7: what `run` writes: its CA and trust bundle (0600 in a 0700 folder, removed at
	// exit) and the audit log; no private key on disk at any time.
	t.Run("held-07-run-files", func(t *testing.T) {
		tmp := t.TempDir()
		vars := e.vars
		defer func() { e.vars = vars }()
		e.vars = append(e.vars, "TMPDIR="+tmp, "ATTACK_HOME="+e.home, "ATTACK_TMP="+tmp)
		before := homeFiles(t, e.home)
		r := e.ok("run", "--", "sh", "-c", `d=$(dirname "$SSL_CERT_FILE")
stat -c '%n %a' "$d" "$d"/*
grep -rl 'PRIVATE KEY' "$ATTACK_HOME" "$ATTACK_TMP" || true`)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		var names []string
		for _, l := range lines {
			name, mode, _ := strings.Cut(l, " ")
			switch {
			case !strings.HasPrefix(name, tmp):
				t.Errorf("run wrote outside TMPDIR, or a private key is on disk: %s", l)
			case strings.HasSuffix(name, ".pem"):
				names = append(names, filepath.Base(name))
				if mode != "600" {
					t.Errorf("%s has mode %s, want 600", name, mode)
				}
			default:
				if mode != "700" {
					t.Errorf("run's folder %s has mode %s, want 700", name, mode)
				}
			}
		}
		slices.Sort(names)
		if strings.Join(names, ",") != "ca-bundle.pem,ca.pem" {
			t.Errorf("run's folder holds %v, want ca.pem and ca-bundle.pem", names)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("run left %d entries in TMPDIR", len(left))
		}
		for path := range homeFiles(t, e.home) {
			if _, ok := before[path]; !ok && path != filepath.Join("profiles", "default", "audit.log") {
				t.Errorf("run wrote %s into the home folder", path)
			}
		}
	})

	// Row 8: under umask 000 every file authsome writes is 0600 and every folder 0700 (the
	// proxy's public CA certificate may be readable, never writable, by others).
	t.Run("held-08-umask-000", func(t *testing.T) {
		e := newAttackEnv(t)
		umask := func(args ...string) result {
			t.Helper()
			c := exec.Command("sh", append([]string{"-c", `umask 000; exec "$0" "$@"`, binary}, args...)...)
			c.Env = e.vars
			var out, errb bytes.Buffer
			c.Stdout, c.Stderr = &out, &errb
			err := c.Run()
			r := result{stdout: out.String(), stderr: errb.String()}
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			return r
		}
		for _, args := range [][]string{
			{"login", "microsoft", "--cloud", "sandbox", "--flow", "device_code"},
			{"login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app"},
			{"providers", "add", bad(t, `{"name":"acme","display_name":"Acme","auth_type":"api_key","flow":"api_key","api_url":"api.acme.test","api_key":{"header_name":"X-Key"},"export":{"ACME_KEY":"api_key"}}`)},
			{"profile", "create", "work"}, {"profile", "use", "work"}, {"profile", "use", "default"},
			{"run", "--", "true"}, {"rekey"}, {"get", "microsoft", "--field", "access_token"},
		} {
			if r := umask(args...); r.code != 0 {
				t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
			}
		}
		// The long-running proxy makes its CA in the profile folder.
		var info map[string]any
		pc := exec.CommandContext(t.Context(), "sh", "-c", `umask 000; exec "$0" "$@"`, binary, "proxy", "--json")
		pc.Env = e.vars
		stdout, _ := pc.StdoutPipe()
		if err := pc.Start(); err != nil {
			t.Fatal(err)
		}
		p := pc
		if err := json.NewDecoder(stdout).Decode(&info); err != nil {
			t.Errorf("proxy under umask 000: %v", err)
		}
		p.Process.Kill()
		p.Wait()
		for path, fi := range homeFiles(t, e.home) {
			mode := fi.Mode().Perm()
			switch {
			case path == "sandbox.json": // written by the test
			case fi.IsDir() && mode != 0o700:
				t.Errorf("folder %s has mode %o, want 700", path, mode)
			case !fi.IsDir() && path == filepath.Join("profiles", "default", "proxy-ca", "ca.pem"):
				if mode&0o022 != 0 {
					t.Errorf("the proxy CA certificate has mode %o: writable by others", mode)
				}
			case !fi.IsDir() && mode != 0o600:
				t.Errorf("file %s has mode %o, want 600", path, mode)
			}
		}
		if _, err := os.Stat(filepath.Join(e.home, "profiles", "default", "proxy-ca", "ca-key.pem")); err != nil {
			t.Errorf("the proxy made no CA key to check: %v", err)
		}
	})

	// Row 9: the `run` child inherits no descriptor of authsome's: the same set as a process
	// the test starts directly (stdio and whatever the test itself inherited).
	t.Run("held-09-child-descriptors", func(t *testing.T) {
		list := `for f in /proc/$$/fd/*; do printf '%s ' "${f##*/}"; done`
		direct := exec.Command("sh", "-c", list)
		var out bytes.Buffer
		direct.Stdin, direct.Stdout, direct.Stderr = strings.NewReader(""), &out, io.Discard
		if err := direct.Run(); err != nil {
			t.Fatal(err)
		}
		under := e.ok("run", "--", "sh", "-c", list).stdout
		if under != out.String() {
			t.Errorf("the run child holds descriptors %q, a directly started process %q", under, out.String())
		}
	})
}
