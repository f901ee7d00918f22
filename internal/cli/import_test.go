package cli

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/msalcache"
	"github.com/authsome-go/authsome/sandbox"
)

// TestImport imports the committed sanitised MSAL for Python cache: from a file and from
// standard input, in both argument forms, refusing to replace connections without --force,
// and never printing a token.
func TestImport(t *testing.T) {
	t.Parallel()
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

// TestImportRefreshes: a token cache holding a real sandbox sign-in, whose access token has
// expired, is imported; `get --field access_token` then renews it with the imported refresh
// token.
func TestImportRefreshes(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	sb := startSandbox(t, home, sandbox.Options{AutoApprove: true, DeviceInterval: time.Second})
	wantCode(t, runHome(t, home, "login", "microsoft", "--no-browser", "--cloud", "sandbox", "--flow", "device_code", "--connection", "orig"), 0)
	b, err := broker.Open(t.Context(), broker.Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Connection(t.Context(), "microsoft", "orig")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	cache, err := msalcache.Add(nil, msalcache.SignIn{Environment: u.Host, HomeAccountID: c.Account.ObjectID + "." + c.Account.TenantID,
		ClientID: c.ClientID, Tenant: c.Account.TenantID, Username: c.Account.Username, ObjectID: c.Account.ObjectID,
		Scopes: c.Scopes, RefreshToken: c.RefreshToken, AccessToken: c.AccessToken, Expiry: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cache.json")
	if err := os.WriteFile(file, cache, 0o600); err != nil {
		t.Fatal(err)
	}
	wantCode(t, runHome(t, home, "logout", "microsoft", "--connection", "orig"), 0)

	r := runHome(t, home, "import", "msal-cache", file, "--connection", "work")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "Imported microsoft/work: "+c.Account.Username) || !strings.Contains(r.stderr, "cloud sandbox") {
		t.Errorf("stderr %q", r.stderr)
	}
	r = runHome(t, home, "get", "microsoft", "--connection", "work", "--field", "access_token")
	wantCode(t, r, 0)
	tok := strings.TrimSpace(r.stdout)
	if tok == c.AccessToken {
		t.Fatal("get returned the expired access token")
	}
	if claims, err := sb.VerifyAccessToken(tok); err != nil || claims.UPN != c.Account.Username {
		t.Fatalf("the renewed token: %v", err)
	}
	n := 0
	for _, req := range sb.Requests() {
		if req.Form["grant_type"] == "refresh_token" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}
