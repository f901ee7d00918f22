package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var timestampRE = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"`)

// normalize makes output comparable across runs: the home folder becomes $HOME_DIR and every
// RFC 3339 time "<time>".
func normalize(s, home string) string {
	s = strings.ReplaceAll(s, home, "$HOME_DIR")
	return timestampRE.ReplaceAllString(s, `"<time>"`)
}

// golden compares got with testdata/golden/NAME.json (rewritten with -update). It also checks
// that got is one JSON object with "v": 1 first.
func golden(t *testing.T, name, got string) {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatalf("%s: not one JSON object: %v\n%s", name, err, got)
	}
	if !strings.HasPrefix(strings.TrimLeft(got, "{ \n"), `"v": 1,`) && !strings.HasPrefix(got, `{"v":1,`) {
		t.Errorf("%s: \"v\": 1 is not the first field:\n%s", name, got)
	}
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -run TestGolden -update)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs from %s (run with -update if the change is meant; then update docs/json.md):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// goldenHome is a home with a user provider (acme) and two openai connections, both API keys.
func goldenHome(t *testing.T) string {
	t.Helper()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "providers", "add", writeFile(t, "acme.json", acmeJSON)), exitOK)
	wantCode(t, run(t, "acme-key-1\n", "--home", home, "login", "acme", "--api-key-stdin"), exitOK)
	wantCode(t, run(t, "sk-test-default-0000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	wantCode(t, run(t, "sk-test-second-00000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin", "--connection", "second"), exitOK)
	return home
}

// TestGolden pins the --json output of each command (docs/json.md documents these shapes).
func TestGolden(t *testing.T) {
	t.Parallel()
	home := goldenHome(t)
	ok := func(name string, args ...string) {
		t.Helper()
		r := runHome(t, home, append([]string{"--json"}, args...)...)
		wantCode(t, r, exitOK)
		golden(t, name, normalize(r.stdout, home))
	}
	fail := func(name string, code int, args ...string) {
		t.Helper()
		r := runHome(t, home, append([]string{"--json"}, args...)...)
		wantCode(t, r, code)
		if r.stdout != "" {
			t.Errorf("%s: stdout %q on error", name, r.stdout)
		}
		golden(t, name, normalize(r.stderr, home))
	}
	ok("list", "list")
	ok("get", "get", "openai")
	ok("get_connection", "get", "openai", "--connection", "second")
	ok("inspect", "inspect", "acme")
	ok("export_one", "export", "openai")
	ok("export_all", "export")
	ok("providers_list", "providers", "list")
	ok("providers_show", "providers", "show", "acme")
	ok("whoami", "whoami")
	ok("init", "init")
	ok("set_default", "set-default", "openai", "second")
	ok("logout", "logout", "openai", "--connection", "default")
	ok("revoke", "revoke", "acme")
	ok("remove", "remove", "acme")

	r := run(t, "sk-test-third-000000000000000000\n", "--home", home, "--json", "login", "openai", "--api-key-stdin", "--connection", "third")
	wantCode(t, r, exitOK)
	golden(t, "login", normalize(r.stdout, home))

	fail("error_usage", exitUsage, "get")
	fail("error_provider_not_found", exitProviderNotFound, "get", "nosuch")
	fail("error_connection_not_found", exitConnectionNotFound, "get", "openai", "--connection", "nosuch")
	fail("error_already_exists", exitAlreadyExists, "profile", "create", "default")
}
