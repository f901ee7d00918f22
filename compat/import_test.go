package compat

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// TestImportMSALCache: a token cache written by MSAL for Go after a device code sign-in to the
// sandbox becomes an authsome connection (what `authsome import msal-cache` does) whose expired
// access token the broker renews with the imported refresh token; the rotated refresh token is
// stored.
func TestImportMSALCache(t *testing.T) {
	t.Parallel()
	for name, authority := range map[string]func(*fixture) string{
		"tenant":        (*fixture).tenantAuthority,
		"organizations": (*fixture).organizationsAuthority,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testImportMSALCache(t, authority)
		})
	}
}

func testImportMSALCache(t *testing.T, authority func(*fixture) string) {
	f := startSandbox(t, sandbox.Options{})
	st := f.sb.Settings()
	st.StrictRefreshRotation = true
	f.sb.SetSettings(st)
	u := f.user(t)
	mc := &memCache{}
	pca := f.publicClient(t, authority(f), f.info.PublicClientID, public.WithCache(mc))
	signedIn, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	file := filepath.Join(t.TempDir(), "msal_cache.json")
	if err := os.WriteFile(file, mc.snapshot(), 0o600); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), f.sb.Info()); err != nil {
		t.Fatal(err)
	}
	// The broker's clock is past the access token's expiry (MSAL does not cache one about to expire).
	b := openBroker(t, home, time.Now().Add(61*time.Minute))
	cache, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	conns, err := b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: cache, Connection: "work"})
	if err != nil {
		t.Fatalf("ImportMSAL: %v", err)
	}
	c := conns[0]
	if len(conns) != 1 || c.Name != "work" || c.Cloud != broker.CloudSandbox || c.ClientID != f.info.PublicClientID ||
		c.Tenant != f.info.TenantID || c.Account.Username != u.UserPrincipalName || c.Account.ObjectID != u.ID ||
		c.AccessToken != signedIn.AccessToken || c.RefreshToken == "" {
		t.Fatalf("imported %d connections; the first: %v, account %+v, tenant %q", len(conns), c, c.Account, c.Tenant)
	}

	fresh, err := b.Token(t.Context(), "microsoft", "work")
	if err != nil {
		t.Fatalf("Token on the imported connection: %v", err)
	}
	if fresh.AccessToken == signedIn.AccessToken {
		t.Fatal("the imported access token, due for renewal, was not refreshed")
	}
	f.verifyUserToken(t, fresh.AccessToken, u)
	refreshes := f.tokenRequests("refresh_token")
	if len(refreshes) != 1 || refreshes[0].Status != 200 || refreshes[0].Form["client_id"] != f.info.PublicClientID {
		t.Fatalf("refresh requests: %+v, want one of the MSAL client, answered 200", refreshes)
	}
	if fresh.RefreshToken == c.RefreshToken {
		t.Fatal("the sandbox did not rotate the refresh token; the test proves nothing")
	}

	// Strict rotation: only the stored, rotated refresh token works for the next refresh.
	again, err := openBroker(t, home, time.Now().Add(3*time.Hour)).Token(t.Context(), "microsoft", "work")
	if err != nil || again.AccessToken == fresh.AccessToken {
		t.Fatalf("second refresh from the stored refresh token: %v", err)
	}
}

// openBroker opens the default profile of home with a clock stopped at now.
func openBroker(t *testing.T, home string, now time.Time) *broker.Broker {
	t.Helper()
	b, err := broker.Open(t.Context(), broker.Options{Home: home, Profile: "default", Now: func() time.Time { return now },
		Keys: vault.FileKey(filepath.Join(home, "profiles", "default", vault.KeyFileName))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
