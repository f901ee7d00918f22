package compat

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/authsome-go/authsome/sandbox"
)

// TestClockAhead: MSAL signs in to a sandbox whose clock runs 400 days ahead
// (tokens' iat, nbf and exp in MSAL's future): MSAL keeps expiry by expires_in
// and its own clock, so it takes the tokens and serves them from its cache.
// When only the sandbox's clock passes a token's expiry, MSAL still serves the
// cached token, which Graph now refuses; a claims request (what a client does
// with Graph's 401 claims challenge) makes it redeem the refresh token.
func TestClockAhead(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{})
	if _, err := f.sb.AdvanceClock(400 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	u := f.user(t)
	pca := f.publicClient(t, f.tenantAuthority(), f.info.PublicClientID)
	first, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	c := f.verifyUserToken(t, first.AccessToken, u)
	if iat := time.Unix(c.Iat, 0); iat.Before(time.Now().Add(399 * 24 * time.Hour)) {
		t.Errorf("iat %v, want 400 days ahead", iat)
	}
	ctx := context.Background()
	cached, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account))
	if err != nil || cached.AccessToken != first.AccessToken || cached.Metadata.TokenSource != public.TokenSourceCache {
		t.Fatalf("AcquireTokenSilent: %v (from the cache: %t)", err, err == nil && cached.AccessToken == first.AccessToken)
	}

	if _, err := f.sb.AdvanceClock(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	stale, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account))
	if err != nil || stale.AccessToken != first.AccessToken {
		t.Fatalf("AcquireTokenSilent after the sandbox's clock moved: %v (cached token: %t)", err, err == nil && stale.AccessToken == first.AccessToken)
	}
	if _, err := f.sb.VerifyAccessToken(stale.AccessToken); !errors.Is(err, sandbox.ErrTokenExpired) {
		t.Errorf("the cached token on the sandbox: %v, want expired", err)
	}
	fresh, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account),
		public.WithClaims(`{"access_token":{"nbf":{"essential":true,"value":"`+strconv.FormatInt(time.Now().Unix(), 10)+`"}}}`))
	if err != nil {
		t.Fatalf("AcquireTokenSilent with claims: %v", err)
	}
	if fresh.AccessToken == first.AccessToken || fresh.Metadata.TokenSource != public.TokenSourceIdentityProvider {
		t.Fatal("a claims request did not redeem the refresh token")
	}
	f.verifyUserToken(t, fresh.AccessToken, u)
}
