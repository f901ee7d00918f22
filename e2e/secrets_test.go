package e2e

import (
	"encoding/json"
	"time"

	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoSecretLeaks signs in and uses the connection with -v, then checks that no token or
// client secret appears in any output (other than the commands that exist to print one), in
// error messages, or in any file of the home folder other than the encrypted vault.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	info := e.sb.Info()
	var outputs []string
	collect := func(r result) { outputs = append(outputs, r.stdout, r.stderr) }

	p := e.start("-v", "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code")
	line := p.waitLine(t, func(l string) bool { return userCodeRE.MatchString(l) })
	if err := e.sb.ApproveDeviceCode(userCodeRE.FindStringSubmatch(line)[1], ""); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("login: exit %d\n%s", code, p.errb.String())
	}
	outputs = append(outputs, p.out.String(), p.errb.String())
	collect(e.ok("-v", "login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app"))

	access := strings.TrimSpace(e.ok("get", "microsoft", "--field", "access_token").stdout)
	refresh := strings.TrimSpace(e.ok("get", "microsoft", "--field", "refresh_token", "--show-secret").stdout)
	appToken := strings.TrimSpace(e.ok("get", "microsoft", "--connection", "app", "--field", "access_token").stdout)
	if access == "" || refresh == "" || appToken == "" {
		t.Fatal("could not read the tokens")
	}
	for _, args := range [][]string{
		{"-v", "list"}, {"-v", "list", "--json"}, {"-v", "get", "microsoft"}, {"-v", "get", "microsoft", "--json"},
		{"-v", "inspect", "microsoft"}, {"-v", "whoami", "--json"}, {"-v", "doctor"},
		{"-v", "get", "microsoft", "--connection", "app"},
	} {
		collect(e.ok(args...))
	}
	// Refresh at -v: make the token due (as time passing would), with short-lived new tokens
	// so that every later use refreshes again.
	st := e.sb.Settings()
	st.AccessTokenLifetime = time.Minute
	e.sb.SetSettings(st)
	e.makeDue(t)
	exp := e.ok("-v", "export", "microsoft", "--format", "json", "--include-refresh-token")
	outputs = append(outputs, exp.stderr) // stdout holds the credentials by design
	var latest map[string]string
	if err := json.Unmarshal([]byte(exp.stdout), &latest); err != nil {
		t.Fatal(err)
	}
	if latest["MICROSOFT_ACCESS_TOKEN"] == access {
		t.Fatal("export did not refresh the due token")
	}
	if _, err := e.sb.RevokeRefreshTokens(info.Users[0].UserPrincipalName); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "-v", "get", "microsoft", "--field", "access_token")
	if r.code != 5 {
		t.Errorf("revoked sign-in: exit %d, want 5 (%s)", r.code, r.stderr)
	}
	collect(r)
	collect(e.run("", "-v", "get", "microsoft", "--field", "access_token", "--json"))
	collect(e.run("", "-v", "list"))

	secrets := map[string]string{
		"access token": access, "refresh token": refresh, "app token": appToken,
		"client secret":          info.ConfidentialClientSecret,
		"refreshed access token": latest["MICROSOFT_ACCESS_TOKEN"], "rotated refresh token": latest["MICROSOFT_REFRESH_TOKEN"],
	}
	for _, out := range outputs {
		for name, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("the %s appears in command output:\n%s", name, out)
			}
		}
	}
	err := filepath.WalkDir(e.home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for name, s := range secrets {
			if name == "client secret" && filepath.Base(path) == "sandbox.json" {
				continue // the sandbox's own description of its fake app
			}
			if strings.Contains(string(data), s) {
				t.Errorf("the %s is stored in clear in %s", name, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
