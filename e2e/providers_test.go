package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrokenProviderFileLeavesToolWorking: a broken definition in <home>/providers/ (where the
// original authsome 0.2 kept custom providers) is skipped with a warning naming it; list,
// whoami and run keep working with the other providers' connections.
func TestBrokenProviderFileLeavesToolWorking(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{plainHTTP: true})
	if r := e.run("sk-"+strings.Repeat("a1B2", 8)+"\n", "login", "openai", "--api-key-stdin"); r.code != 0 {
		t.Fatalf("login openai: exit %d: %s", r.code, r.stderr)
	}
	dir := filepath.Join(e.home, "providers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"gitlab.json":  `{"name": "gitlab", "scoeps": ["api"]`,                 // truncated, and a typo
		"custom.jsonc": "// a comment\n{\"name\": \"custom\", \"auth_type\": ", // cut off
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"list"}, {"whoami"}, {"run", "--", "sh", "-c", `test "$OPENAI_API_KEY" = authsome-proxy-managed`}} {
		r := e.run("", args...)
		if r.code != 0 {
			t.Errorf("%s: exit %d with a broken provider file: %s", args[0], r.code, r.stderr)
		}
		if args[0] == "list" && (!strings.Contains(r.stderr, "gitlab.json") || !strings.Contains(r.stderr, "custom.jsonc")) {
			t.Errorf("list does not name the skipped files: %q", r.stderr)
		}
	}
}
