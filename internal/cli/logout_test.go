package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestLogoutRevokeSessions: logout says Microsoft's access token stays valid (not with
// --quiet); --revoke-sessions without the permission fails with the scope to add and keeps
// the connection; with it, Graph's revokeSignInSessions ends the user's refresh tokens (another
// connection of the same user can no longer refresh) and the connection is deleted.
func TestLogoutRevokeSessions(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	sb := startSandbox(t, home, sandbox.Options{AutoApprove: true, DeviceInterval: time.Second})
	st := sb.Settings()
	st.AccessTokenLifetime = time.Minute // inside the refresh window: every use refreshes
	sb.SetSettings(st)
	login := func(conn, scopes string) {
		t.Helper()
		wantCode(t, runHome(t, home, "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code", "--no-browser",
			"--connection", conn, "--scopes", scopes), exitOK)
	}
	login("plain", "User.Read,offline_access")
	login("admin", "User.Read,User.RevokeSessions.All,offline_access")
	login("other", "User.Read,offline_access")

	r := runHome(t, home, "logout", "microsoft", "--connection", "plain", "--revoke-sessions")
	if r.code == exitOK {
		t.Fatalf("--revoke-sessions without User.RevokeSessions.All succeeded: %q", r.stderr)
	}
	if want := "add it with: authsome login microsoft --connection plain --scopes +User.RevokeSessions.All"; !strings.Contains(oneLine(t, r), want) {
		t.Errorf("stderr %q, want it to contain %q", r.stderr, want)
	}
	wantCode(t, runHome(t, home, "get", "microsoft", "--connection", "plain", "--field", "access_token"), exitOK) // kept

	r = runHome(t, home, "logout", "microsoft", "--connection", "plain")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "Logged out of microsoft/plain.\n") || !strings.Contains(r.stderr, "access token remains valid at Microsoft until it expires") {
		t.Errorf("logout stderr %q", r.stderr)
	}
	login("plain", "User.Read,offline_access")
	r = runHome(t, home, "--quiet", "logout", "microsoft", "--connection", "plain")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("--quiet logout printed %q", r.stderr)
	}

	r = runHome(t, home, "--json", "logout", "microsoft", "--connection", "admin", "--revoke-sessions")
	wantCode(t, r, exitOK)
	var out logoutOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || !out.SessionsRevoked || out.Connection != "admin" {
		t.Errorf("--json: %v %q", err, r.stdout)
	}
	if !strings.Contains(r.stderr, "Revoked the sign-in sessions of ") {
		t.Errorf("stderr %q does not report the revocation", r.stderr)
	}
	wantCode(t, runHome(t, home, "get", "microsoft", "--connection", "admin"), exitConnectionNotFound)
	// The other connection's refresh token was issued before: the sandbox refuses it now.
	wantCode(t, runHome(t, home, "get", "microsoft", "--connection", "other", "--field", "access_token"), exitCredential)

	wantCode(t, run(t, "sk-"+strings.Repeat("k", 24)+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	r = runHome(t, home, "logout", "openai", "--revoke-sessions")
	wantCode(t, r, exitUsage)
}
