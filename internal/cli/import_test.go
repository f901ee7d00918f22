package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImport imports the committed sanitised MSAL for Python cache: from a file and from
// standard input, in both argument forms, refusing to replace connections without --force,
// and never printing a token.
func TestImport(t *testing.T) {
	home := testEnv(t)
	sample := filepath.Join("..", "..", "broker", "msalcache", "testdata", "msal_python.json")
	noTokens := func(r result) {
		t.Helper()
		if strings.Contains(r.stdout+r.stderr, "sample-") || strings.Contains(r.stdout+r.stderr, "eyJ") {
			t.Errorf("a token was printed:\n%s\n%s", r.stdout, r.stderr)
		}
	}

	r := runHome(t, home, "import", "--json", "msal-cache", sample)
	wantCode(t, r, 0)
	noTokens(r)
	var out struct {
		Status   string `json:"status"`
		From     string `json:"from"`
		Imported []struct {
			Connection      string `json:"connection_name"`
			Default         bool   `json:"is_default"`
			Cloud           string `json:"cloud"`
			Tenant          string `json:"tenant"`
			ClientID        string `json:"client_id"`
			HasRefreshToken bool   `json:"has_refresh_token"`
			Account         struct {
				Username string `json:"username"`
			} `json:"account"`
		} `json:"imported"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("--json output: %v\n%s", err, r.stdout)
	}
	if out.Status != "imported" || out.From != "msal-cache" || len(out.Imported) != 2 {
		t.Fatalf("import --json: %+v", out)
	}
	ada := out.Imported[0]
	if ada.Connection != "ada" || !ada.Default || ada.Cloud != "global" || ada.Tenant != "22222222-2222-2222-2222-222222222222" ||
		ada.ClientID != "aaaaaaaa-0000-0000-0000-00000000c11e" || !ada.HasRefreshToken || ada.Account.Username != "ada@contoso.example" {
		t.Errorf("first imported connection: %+v", ada)
	}

	// The same sign-in again is refused (exit 6), then replaced with --force.
	r = runHome(t, home, "import", "msal-cache", sample)
	wantCode(t, r, 6)
	noTokens(r)
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	r = run(t, string(data), "--home", home, "import", "--from", "o365", "-", "--account", "grace@agency.example", "--connection", "gov")
	wantCode(t, r, 0)
	noTokens(r)
	if !strings.Contains(r.stderr, "Imported microsoft/gov: grace@agency.example") {
		t.Errorf("stderr %q", r.stderr)
	}
	r = runHome(t, home, "import", "msal-cache", sample, "--force")
	wantCode(t, r, 0)

	r = runHome(t, home, "list", "--json")
	wantCode(t, r, 0)
	noTokens(r)
	for _, name := range []string{`"ada"`, `"grace"`, `"gov"`} {
		if !strings.Contains(r.stdout, name) {
			t.Errorf("list does not show %s", name)
		}
	}

	// Formats it does not know.
	legacy := filepath.Join("..", "..", "broker", "msalcache", "testdata", "o365_legacy.txt")
	r = runHome(t, home, "import", "--from", "o365", legacy)
	wantCode(t, r, 1)
	noTokens(r)
	if !strings.Contains(r.stderr, "before 2.1") {
		t.Errorf("legacy o365 file: %q", r.stderr)
	}
	wantCode(t, runHome(t, home, "import", "keychain", sample), 2)
	wantCode(t, runHome(t, home, "import", "--from", "o365", "msal-cache", sample), 2)
}
