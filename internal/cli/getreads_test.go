package cli

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsome-go/authsome/vault"
)

// storeToken puts a microsoft connection with a valid access token into home's default profile.
func storeToken(t *testing.T, home, token string) {
	t.Helper()
	s, err := vault.Open(vault.Home{Dir: home}.ProfileDir("default"), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(t.Context(), func(d *vault.Data) error {
		return d.Put(&vault.Connection{Provider: "microsoft", Name: "default", AuthType: "oauth2", Flow: "device_code",
			AccessToken: token, RefreshToken: "refresh-" + token, Expiry: time.Now().Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// countReads counts the reads of vault files until the test ends.
func countReads(t *testing.T) *atomic.Int64 {
	var n atomic.Int64
	t.Cleanup(vault.SetReadHook(func(string) { n.Add(1) }))
	return &n
}

// TestGetReadsVaultOnce: get, with a cached valid token, reads vault.json once (the key source
// settles from the header that read brought, instead of reading it again). It stays serial:
// the read hook counts every vault read in the process.
func TestGetReadsVaultOnce(t *testing.T) {
	home := testEnv(t)
	storeToken(t, home, "tok-123")
	for _, args := range [][]string{
		{"get", "microsoft", "--field", "access_token"},
		{"get", "microsoft", "--field", "expires_at"},
		{"get", "microsoft"},
	} {
		reads := countReads(t)
		r := runHome(t, home, args...)
		wantCode(t, r, exitOK)
		if got := reads.Load(); got != 1 {
			t.Errorf("%s: %d reads of the vault, want 1", strings.Join(args, " "), got)
		}
		if args[len(args)-1] == "access_token" && r.stdout != "tok-123\n" {
			t.Errorf("--field access_token printed %q", r.stdout)
		}
	}
}
