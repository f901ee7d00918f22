package account

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/msalcache"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// signedInCache signs in to a TLS sandbox as its first user and writes an MSAL token cache
// (as python-o365 keeps it) holding that sign-in, with an access token that has expired.
func signedInCache(t *testing.T, sb *sandbox.Server) (path string, login *vault.Connection) {
	t.Helper()
	home := t.TempDir()
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), sb.Info()); err != nil {
		t.Fatal(err)
	}
	b, err := broker.Open(t.Context(), broker.Options{Home: home, Profile: "default",
		Keys: vault.FileKey(filepath.Join(home, "profiles", "default", vault.KeyFileName))})
	if err != nil {
		t.Fatal(err)
	}
	upn := sb.Info().Users[0].UserPrincipalName
	login, err = b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Cloud: broker.CloudSandbox,
		Flow: provider.FlowDeviceCode, OnDeviceCode: func(da *oauth.DeviceAuth) {
			if err := sb.ApproveDeviceCode(da.UserCode, upn); err != nil {
				t.Error(err)
			}
			da.Interval = time.Millisecond // approved already: the first poll gets the token
		}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := msalcache.Add(nil, cacheSignIn(t, sb.URL(), login, time.Now().Add(-time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "o365_token.txt")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, login
}

// cacheSignIn is an MSAL sign-in of connection c, signed in at the sandbox serving baseURL,
// with its access token expiring at expiry.
func cacheSignIn(t *testing.T, baseURL string, c *vault.Connection, expiry time.Time) msalcache.SignIn {
	t.Helper()
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	return msalcache.SignIn{Environment: u.Host, HomeAccountID: c.Account.ObjectID + "." + c.Account.TenantID,
		ClientID: c.ClientID, Tenant: c.Account.TenantID, Username: c.Account.Username, ObjectID: c.Account.ObjectID,
		Scopes: c.Scopes, RefreshToken: c.RefreshToken, AccessToken: c.AccessToken, Expiry: expiry}
}

func refreshes(sb *sandbox.Server) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Form["grant_type"] == "refresh_token" {
			n++
		}
	}
	return n
}

// TestFromTokenCache: a program outside `authsome run` uses Graph as the sign-in of its token
// cache; concurrent requests with an expired access token cause one refresh, whose rotated
// refresh token is written back to the cache (0600), where another process finds it.
func TestFromTokenCache(t *testing.T) {
	t.Setenv("AUTHSOME_SANDBOX_URL", "")
	os.Unsetenv("AUTHSOME_SANDBOX_URL")
	sb := startSandbox(t)
	st := sb.Settings()
	st.StrictRefreshRotation = true // a spent refresh token is refused
	sb.SetSettings(st)
	path, login := signedInCache(t, sb)

	opts := CacheOptions{GraphURL: sb.URL(), HTTPClient: sb.Client()}
	acct, err := FromTokenCache(t.Context(), FileCache(path), opts)
	if err != nil {
		t.Fatal(err)
	}
	if acct.UserPrincipalName != login.Account.Username {
		t.Errorf("UserPrincipalName %q", acct.UserPrincipalName)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if me, _, err := acct.Users.Me(t.Context(), nil); err != nil || me.UserPrincipalName != login.Account.Username {
				t.Errorf("Me: %v, %v", me, err)
			}
		})
	}
	wg.Wait()
	if n := refreshes(sb); n != 1 {
		t.Fatalf("%d refreshes for 8 concurrent requests, want 1", n)
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := msalcache.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	s := c.SignIns()[0]
	if s.RefreshToken == login.RefreshToken || s.AccessToken == login.AccessToken || !s.Expiry.After(time.Now()) {
		t.Error("the cache does not hold the renewed tokens")
	}
	if fi, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("cache file: %v, %v", fi.Mode(), err)
	}

	// Another process, later: its refresh succeeds only with the rotated refresh token.
	later := opts
	later.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	other, err := FromTokenCache(t.Context(), FileCache(path), later)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Users.Me(t.Context(), nil); err != nil {
		t.Fatalf("Me after a second refresh: %v", err)
	}
	if n := refreshes(sb); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}
