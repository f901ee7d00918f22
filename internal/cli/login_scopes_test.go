package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestLoginScopesAdd: `login --scopes +SCOPE,+@preset` on an existing connection signs it in
// again with the added scopes, keeping it; plain --scopes keeps offline_access.
func TestLoginScopesAdd(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	startSandbox(t, home, sandbox.Options{AutoApprove: true, DeviceInterval: time.Second})
	login := func(args ...string) result {
		t.Helper()
		r := runHome(t, home, append([]string{"login", "microsoft", "--no-browser"}, args...)...)
		wantCode(t, r, exitOK)
		return r
	}
	scopes := func() string {
		t.Helper()
		r := runHome(t, home, "get", "microsoft", "--field", "scopes")
		wantCode(t, r, exitOK)
		return " " + strings.TrimSpace(r.stdout) + " "
	}
	login("--cloud", "sandbox", "--flow", "device_code")
	login("--scopes", "+Mail.Send,+@contacts")
	got := scopes()
	for _, s := range []string{"Mail.ReadWrite", "Mail.Send", "Contacts.ReadWrite", "offline_access"} {
		if !strings.Contains(got, " "+s+" ") {
			t.Errorf("scopes %q lack %s", got, s)
		}
	}
	login("--force", "--cloud", "sandbox", "--flow", "device_code", "--scopes", "Mail.Send")
	if got := scopes(); !strings.Contains(got, " offline_access ") || strings.Contains(got, " Mail.ReadWrite ") {
		t.Errorf("plain --scopes: scopes %q; want the defaults replaced and offline_access kept", got)
	}
}
