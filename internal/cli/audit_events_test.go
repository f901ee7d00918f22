package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/proxy"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// TestCredentialEventsLog: sign-ins, a refresh, a refused refresh, an export and a logout
// each write one credential event to the profile's audit log, with their fields; `log
// --events` shows them alone (in a table and with --json), `log` among the requests; and no
// secret used on the way is in the log.
func TestCredentialEventsLog(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	sb := startSandbox(t, home, sandbox.Options{AutoApprove: true, DeviceInterval: time.Second})
	st := sb.Settings()
	st.AccessTokenLifetime = time.Minute // inside the refresh window: the next use refreshes
	sb.SetSettings(st)
	info := sb.Info()
	secrets := map[string]string{"client secret": info.ConfidentialClientSecret}

	wantCode(t, runHome(t, home, "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code", "--no-browser"), exitOK)
	wantCode(t, run(t, info.ConfidentialClientSecret+"\n", "--home", home, "login", "microsoft", "--connection", "app", "--cloud", "sandbox",
		"--flow", "client_credentials", "--client-id", info.ConfidentialClientID, "--client-secret-stdin"), exitOK)
	key := "sk-" + strings.Repeat("Qq7-", 6)
	secrets["API key"] = key
	wantCode(t, run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)

	r := runHome(t, home, "export", "microsoft", "--include-refresh-token", "--format", "json") // refreshes first
	wantCode(t, r, exitOK)
	var vars map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &vars); err != nil {
		t.Fatalf("export: %v: %s", err, r.stdout)
	}
	secrets["access token"], secrets["refresh token"] = vars["MICROSOFT_ACCESS_TOKEN"], vars["MICROSOFT_REFRESH_TOKEN"]
	if secrets["access token"] == "" || secrets["refresh token"] == "" {
		t.Fatalf("export gave no tokens: %v", vars)
	}

	if _, err := sb.RevokeRefreshTokens(info.Users[0].UserPrincipalName); err != nil {
		t.Fatal(err)
	}
	wantCode(t, runHome(t, home, "get", "microsoft", "--field", "access_token"), exitCredential)
	wantCode(t, runHome(t, home, "logout", "openai"), exitOK)

	r = runHome(t, home, "--json", "log", "--events")
	wantCode(t, r, exitOK)
	var out struct {
		V     int              `json:"v"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.V != 1 {
		t.Fatalf("log --events --json: %v: %s", err, r.stdout)
	}
	type ev struct{ event, conn, outcome, detail string }
	var got []ev
	for _, m := range out.Items {
		if m["kind"] != proxy.KindCredential {
			t.Errorf("log --events shows %v", m)
		}
		if _, ok := m["method"]; ok {
			t.Errorf("a credential event carries the request fields: %v", m)
		}
		detail, _ := m["flow"].(string)
		if e, ok := m["error"].(string); ok {
			detail = e
		}
		got = append(got, ev{m["event"].(string), m["provider"].(string) + "/" + m["connection"].(string), m["outcome"].(string), detail})
	}
	want := []ev{
		{"login", "microsoft/default", "ok", "device_code"},
		{"login", "microsoft/app", "ok", "client_credentials"},
		{"login", "openai/default", "ok", "api_key"},
		{"refresh", "microsoft/default", "ok", ""},
		{"export", "microsoft/default", "ok", ""},
		{"refresh", "microsoft/default", "failed", "invalid_grant AADSTS50173"},
		{"logout", "openai/default", "ok", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("events\n got %v\nwant %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %v, want %v", i, got[i], want[i])
		}
	}
	if scopes, _ := out.Items[0]["scopes"].([]any); len(scopes) == 0 {
		t.Errorf("the sign-in records no scopes: %v", out.Items[0])
	}

	// The table: one row per event; -n counts events only.
	r = runHome(t, home, "log", "--events", "-n", "2")
	wantCode(t, r, exitOK)
	rows := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(rows) != 2 || !strings.Contains(rows[0], "\trefresh\tmicrosoft\tdefault\tfailed\tinvalid_grant AADSTS50173") ||
		!strings.Contains(rows[1], "\tlogout\topenai\tdefault\tok\t-") {
		t.Errorf("log --events -n 2:\n%s", r.stdout)
	}
	r = runHome(t, home, "log")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "\tmicrosoft/app\tlogin\t-\t-\tok\t-\t-\tcredential\tflow client_credentials; scopes ") {
		t.Errorf("log does not show the events among the requests:\n%s", r.stdout)
	}

	keyFile, err := os.ReadFile(filepath.Join(home, "profiles", "default", vault.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	secrets["vault key file"] = strings.TrimSpace(string(keyFile))
	log, err := os.ReadFile(filepath.Join(home, "profiles", "default", auditFileName))
	if err != nil {
		t.Fatal(err)
	}
	for what, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("the %s %q is too short to look for", what, s)
		}
		if strings.Contains(string(log), s) {
			t.Errorf("the audit log holds the %s", what)
		}
	}
}
