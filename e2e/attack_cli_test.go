package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAttackCLI runs the rows about hostile names, provider files and arguments given to the
// real binary.
func TestAttackCLI(t *testing.T) {
	t.Parallel()
	skipShort(t)
	e := newAttackEnv(t)
	e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app")
	vault := e.vaultPath()
	before, err := os.ReadFile(vault)
	if err != nil {
		t.Fatal(err)
	}
	// untouched fails when the home folder gained an entry or the vault changed.
	entries := func() map[string]bool {
		out := map[string]bool{}
		for p := range homeFiles(t, e.home) {
			out[p] = true
		}
		return out
	}
	home := entries()
	untouched := func(t *testing.T) {
		t.Helper()
		for p := range entries() {
			if !home[p] {
				t.Errorf("%s was created", p)
			}
		}
		if now, _ := os.ReadFile(vault); string(now) != string(before) {
			t.Error("the vault changed")
		}
	}
	hostile := []string{"../../etc", "../profiles/default/vault", strings.Repeat("c", 5000), "connexión", "ü/../x", "a\x1b[2Jb", "a\nb", "a\tb", "..", "."}

	// Row 50: hostile connection names are not found (exit 3) on reads; login refuses them.
	t.Run("held-50-connection-names", func(t *testing.T) {
		for _, name := range hostile {
			for _, args := range [][]string{
				{"get", "microsoft", "--connection", name}, {"export", "microsoft", "--connection", name},
				{"logout", "microsoft", "--connection", name}, {"set-default", "microsoft", name},
			} {
				if r := e.run("", args...); r.code != 3 {
					t.Errorf("%q: %s: exit %d, want 3 (%s)", name, args[0], r.code, r.stderr)
				}
			}
			if r := e.run("", "login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", name); r.code == 0 {
				t.Errorf("login accepted the connection name %q", name)
			}
		}
		untouched(t)
	})

	// Row 51: hostile provider names are rejected or not found, and `providers remove` cannot
	// reach outside the providers folder.
	t.Run("held-51-provider-names", func(t *testing.T) {
		for _, name := range append(hostile, "../providers/microsoft", "microsoft/../microsoft") {
			for _, args := range [][]string{{"get", name}, {"inspect", name}, {"providers", "show", name}, {"providers", "remove", name}, {"login", name}} {
				if r := e.run("", args...); r.code != 4 && r.code != 2 {
					t.Errorf("%q: %v: exit %d, want 4 or 2 (%s)", name, args[:len(args)-1], r.code, r.stderr)
				}
			}
		}
		for _, name := range []string{"../evil", "ac\x00me", "a/b", ".."} { // "ACME" is read as acme (authsome's names)
			def := `{"name":` + strconv.Quote(name) + `,"display_name":"Acme","auth_type":"api_key","flow":"api_key","api_url":"api.acme.test","api_key":{"header_name":"X-Key"},"export":{"ACME_KEY":"api_key"}}`
			if r := e.run("", "providers", "add", bad(t, def)); r.code != 2 {
				t.Errorf("a definition named %q: exit %d, want 2 (%s)", name, r.code, r.stderr)
			}
		}
		if r := e.run("", "providers", "remove", "../profiles/default/vault"); r.code == 0 {
			t.Error("providers remove ../profiles/default/vault succeeded")
		}
		if r := e.run("", "providers", "remove", "../profiles/default/vault.json"); r.code == 0 {
			t.Error("providers remove ../profiles/default/vault.json succeeded")
		}
		untouched(t)
		e.ok("get", "microsoft", "--connection", "app")
	})

	// Row 52: hostile provider files are rejected, or harmless (RE2 patterns) (unknown
	// fields and an http token URL: TestBadProviderJSON, cli TestProvidersAddMalformed).
	t.Run("held-52-provider-files", func(t *testing.T) {
		apiKey := func(extra string) string {
			return `{"name":"acme","display_name":"Acme","auth_type":"api_key","flow":"api_key","api_url":"api.acme.test",` + extra +
				`,"export":{"ACME_KEY":"api_key"}}`
		}
		oauth := func(authURL, tokenURL string) string {
			return `{"name":"acme","display_name":"Acme","auth_type":"oauth2","flow":"pkce","api_url":"api.acme.test",` +
				`"oauth":{"authorization_url":"` + authURL + `","token_url":"` + tokenURL + `","scopes":["x"],"pkce":true},"export":{"ACME_TOKEN":"access_token"}}`
		}
		big := filepath.Join(t.TempDir(), "big.json")
		f, err := os.Create(big)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(`{"name":"acme","display_name":"`)
		chunk := strings.Repeat("x", 1<<20)
		for range 50 {
			f.WriteString(chunk)
		}
		f.WriteString(`"}`)
		f.Close()
		for name, path := range map[string]string{
			"BOM":                      bad(t, "\ufeff"+apiKey(`"api_key":{"header_name":"X-Key"}`)),
			"CRLF in header name":      bad(t, apiKey(`"api_key":{"header_name":"X-Key\r\nX-Evil: 1"}`)),
			"CRLF in header prefix":    bad(t, apiKey(`"api_key":{"header_name":"Authorization","header_prefix":"Bearer\r\nX-Evil: 1 "}`)),
			"javascript: authorize":    bad(t, oauth("javascript:alert(1)", "https://acme.test/token")),
			"javascript: token":        bad(t, oauth("https://acme.test/auth", "javascript:alert(1)")),
			"javascript: docs":         bad(t, strings.Replace(apiKey(`"api_key":{"header_name":"X-Key"}`), `"flow"`, `"docs_url":"javascript:alert(1)","flow"`, 1)),
			"100k nesting":             bad(t, `{"name":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+`}`),
			"50 MB file":               big,
			"export name with a space": bad(t, `{"name":"acme","display_name":"Acme","auth_type":"api_key","flow":"api_key","api_url":"api.acme.test","api_key":{"header_name":"X-Key"},"export":{"ACME_KEY":"api_key","acme key":"api_key"}}`),
		} {
			if r := e.run("", "providers", "add", path); r.code != 2 {
				t.Errorf("%s: exit %d, want 2 (%.200s)", name, r.code, r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(e.home, "providers", "acme.json")); err == nil {
			t.Error("a rejected definition was stored")
		}
		// A catastrophic-backtracking pattern is linear in RE2: the login answers at once.
		e.ok("providers", "add", bad(t, apiKey(`"api_key":{"header_name":"X-Key","key_pattern":"^(a+)+$"}`)))
		if r := e.run(strings.Repeat("a", 60000)+"!\n", "login", "acme", "--api-key-stdin"); r.code == 0 {
			t.Error("a key that does not match key_pattern was accepted")
		}
		e.ok("providers", "remove", "acme")
	})

	// Row 53: negative and overflowing -n are usage errors (unknown flags, a bad --flow and
	// --port 70000: cli TestUsageErrors).
	t.Run("held-53-bad-arguments", func(t *testing.T) {
		for _, args := range [][]string{
			{"log", "-n", "-5"}, {"log", "-n", "0"}, {"log", "-n", "99999999999999999999999"},
			{"login", "microsoft", "--port", "-1"}, {"login", "microsoft", "--port", "99999999999999999999"},
		} {
			if r := e.run("", args...); r.code != 2 {
				t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
			}
		}
	})

	// Row 54: `api` never sends the token off the Graph host: absolute and user-info URLs
	// to another host are refused, protocol-relative and backslash forms stay on the Graph
	// host, and a method with spaces or CRLF is refused before sending (an absolute URL to
	// another host alone: TestAPI).
	t.Run("held-54-api-targets", func(t *testing.T) {
		for _, target := range []string{
			"//evil.com/x", "https://evil.com/x", "https:evil.com/x", `\\evil.com\x`, "https://" + strings.TrimPrefix(e.sb.URL(), "https://") + "@evil.com/x",
		} {
			e.sb.ClearRequests()
			r := e.run("", "api", target, "--connection", "app")
			refused := r.code == 2 && strings.Contains(r.stderr, "refusing to send the Graph token")
			if !refused && len(e.sb.Requests()) == 0 {
				t.Errorf("api %q neither refused nor stayed on the Graph host: exit %d %s", target, r.code, r.stderr)
			}
		}
		for _, method := range []string{"GET /x HTTP/1.1\r\nHost: evil.com\r\n\r\nGET", "GET X"} {
			e.sb.ClearRequests()
			if r := e.run("", "api", "-X", method, "/me", "--connection", "app"); r.code == 0 || len(e.sb.Requests()) != 0 {
				t.Errorf("api -X %q: exit %d, %d requests sent", method, r.code, len(e.sb.Requests()))
			}
		}
	})
}
