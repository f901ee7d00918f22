package broker_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/memstore"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// stores are the stores the refresh tests run on: nil for the profile's vault, and a new
// memory store.
func stores() map[string]func() broker.Store {
	return map[string]func() broker.Store{
		"vault":  func() broker.Store { return nil },
		"memory": func() broker.Store { return memstore.New() },
	}
}

func TestTokenRefreshOnceForConcurrentCallers(t *testing.T) {
	t.Parallel()
	for name, store := range stores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testTokenRefreshOnce(t, newFixtureOn(t, store()))
		})
	}
}

func testTokenRefreshOnce(t *testing.T, f *fixture) {
	login := f.loginDevice(t, "", f.user(0))
	st := f.sb.Settings()
	st.StrictRefreshRotation = true // an old refresh token stops working once redeemed
	f.sb.SetSettings(st)
	f.sb.ClearRequests()

	f.clock.Advance(50 * time.Minute) // 10 minutes left: outside the 5-minute refresh window
	c, err := f.b.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessToken != login.AccessToken {
		t.Error("a fresh token was replaced")
	}
	if n := len(f.sb.Requests()); n != 0 {
		t.Fatalf("Token on a fresh connection made %d requests, want 0", n)
	}

	f.clock.Advance(7 * time.Minute) // 3 minutes left: inside the refresh window
	// Half the callers use a second broker on the same home, as another process would: only
	// the store's connection lock and re-read keep it from refreshing too.
	brokers := []*broker.Broker{f.b, f.open(t, nil)}
	const callers = 32
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]*vault.Connection, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = brokers[i%2].Token(t.Context(), "microsoft", "")
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
	if n := grants(f.sb, grantRefresh); n != 1 {
		t.Fatalf("%d concurrent callers caused %d refresh requests, want 1", callers, n)
	}
	refreshed := results[0]
	for i, c := range results {
		if c.AccessToken != refreshed.AccessToken {
			t.Fatalf("caller %d got a different access token", i)
		}
	}
	if refreshed.AccessToken == login.AccessToken {
		t.Fatal("callers got the old access token")
	}
	if want := f.clock.Now().Add(time.Hour); !refreshed.Expiry.Equal(want) {
		t.Errorf("Expiry = %v, want %v", refreshed.Expiry, want)
	}
	if !refreshed.LastRefreshAt.Equal(f.clock.Now()) {
		t.Errorf("LastRefreshAt = %v, want the refresh time %v", refreshed.LastRefreshAt, f.clock.Now())
	}

	// The rotated refresh token is what the store holds.
	if refreshed.RefreshToken == login.RefreshToken {
		t.Fatal("the sandbox did not rotate the refresh token; the test proves nothing")
	}
	stored := f.stored(t, "microsoft", broker.DefaultConnection)
	if stored.RefreshToken != refreshed.RefreshToken || stored.AccessToken != refreshed.AccessToken {
		t.Error("the store does not hold the tokens of the refresh")
	}

	// Later, another process refreshes from the store: with strict rotation only the newest
	// refresh token works.
	f.clock.Advance(time.Hour)
	other := f.open(t, nil)
	c, err = other.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatalf("second refresh from the stored refresh token: %v", err)
	}
	if c.AccessToken == refreshed.AccessToken {
		t.Error("second refresh returned the expired token")
	}
	if n := grants(f.sb, grantRefresh); n != 2 {
		t.Errorf("%d refresh requests, want 2", n)
	}
}

func TestTokenRefreshRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	upn := f.user(0)
	login := f.loginDevice(t, "", upn)
	if _, err := f.sb.RevokeRefreshTokens(upn); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Hour)

	_, err := f.b.Token(t.Context(), "microsoft", "")
	var ce *broker.CredentialError
	if !errors.As(err, &ce) {
		t.Fatalf("Token after revocation: err = %v (%T), want *broker.CredentialError", err, err)
	}
	if ce.Provider != "microsoft" || ce.Connection != broker.DefaultConnection {
		t.Errorf("CredentialError names %s/%s", ce.Provider, ce.Connection)
	}
	var oe *oauth.Error
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" || oe.AADSTS() != 50173 {
		t.Errorf("CredentialError does not carry the invalid_grant AADSTS50173 cause: %v", err)
	}
	if !strings.Contains(err.Error(), "login") {
		t.Errorf("error %q does not tell the user to sign in again", err)
	}

	// The record is kept, marked for a new sign-in, with the reason.
	stored := f.stored(t, "microsoft", broker.DefaultConnection)
	if stored.Status != broker.StatusNeedsLogin {
		t.Errorf("Status = %q, want %q", stored.Status, broker.StatusNeedsLogin)
	}
	if !strings.Contains(stored.LastError, "50173") {
		t.Errorf("LastError = %q, want the AADSTS code", stored.LastError)
	}
	if stored.RefreshToken != login.RefreshToken || stored.Account.Username != upn {
		t.Error("the refused connection's record was not kept as it was")
	}

	// Later calls fail at once, without asking the identity platform again.
	f.sb.ClearRequests()
	_, err = f.open(t, nil).Token(t.Context(), "microsoft", "")
	if !errors.As(err, &ce) {
		t.Fatalf("second Token: err = %v, want *broker.CredentialError", err)
	}
	if n := len(f.sb.Requests()); n != 0 {
		t.Errorf("a connection that needs a sign-in made %d requests", n)
	}
}

func TestTokenUnreachable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	login := f.loginDevice(t, "", f.user(0))
	if err := f.sb.Close(); err != nil {
		t.Fatal(err)
	}

	// Due for refresh but still valid: the current token is good enough.
	f.clock.Advance(57 * time.Minute)
	c, err := f.b.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatalf("Token with the identity platform down and a valid token: %v", err)
	}
	if c.AccessToken != login.AccessToken {
		t.Error("did not return the current token")
	}

	// Expired: the caller learns that the endpoint is unreachable.
	f.clock.Advance(5 * time.Minute)
	_, err = f.b.Token(t.Context(), "microsoft", "")
	var ce *broker.CredentialError
	if !errors.As(err, &ce) || !errors.Is(err, broker.ErrUnreachable) {
		t.Fatalf("Token after expiry with the endpoint down: err = %v, want a CredentialError wrapping ErrUnreachable", err)
	}
	// A network failure is not a revoked sign-in.
	if st := f.stored(t, "microsoft", broker.DefaultConnection).Status; st != broker.StatusConnected {
		t.Errorf("Status after a network failure = %q, want %q", st, broker.StatusConnected)
	}
}

func TestTokenAPIKeyNeverRefreshes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key := "sk-" + strings.Repeat("k", 30)
	if _, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", APIKey: key}); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(365 * 24 * time.Hour)
	c, err := f.b.Token(t.Context(), "openai", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.APIKey != key || !c.LastRefreshAt.IsZero() {
		t.Errorf("API-key connection: key kept %t, LastRefreshAt %v", c.APIKey == key, c.LastRefreshAt)
	}
	if n := len(f.sb.Requests()); n != 0 {
		t.Errorf("API-key Token made %d requests", n)
	}
}

func TestTokenSource(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	login := f.loginDevice(t, "", f.user(0))
	ts := f.b.TokenSource(t.Context(), "microsoft", "")
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != login.AccessToken || !strings.EqualFold(tok.TokenType, "Bearer") || !tok.Expiry.Equal(login.Expiry) {
		t.Errorf("oauth2 token = {%t, %q, %v}, want the connection's access token, Bearer, %v", tok.AccessToken == login.AccessToken, tok.TokenType, tok.Expiry, login.Expiry)
	}
	if tok.RefreshToken != "" {
		t.Error("the token source hands out the refresh token")
	}

	// It refreshes through the broker.
	f.clock.Advance(58 * time.Minute)
	tok, err = ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == login.AccessToken || grants(f.sb, grantRefresh) != 1 {
		t.Error("the token source did not refresh a due token")
	}

	if _, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "openai", APIKey: "sk-" + strings.Repeat("k", 30)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.TokenSource(t.Context(), "openai", "").Token(); err == nil {
		t.Error("TokenSource on an API-key connection returned a token")
	}
}

// A caller that gives up (Ctrl-C, a request timeout) just as the identity platform answers a
// refresh must not lose the rotated refresh token: with rotation the old one is spent, and the
// connection would need a new sign-in.
func TestTokenCancelledCallerKeepsRotatedRefreshToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	plain := startSandbox(t, sandbox.Options{PlainHTTP: true})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rec := &recorder{base: http.DefaultTransport, answered: func(r recorded) {
		if r.form.Get("grant_type") == grantRefresh {
			cancel() // the caller goes away after the refresh was redeemed
		}
	}}
	b := f.open(t, &http.Client{Transport: rec})
	if _, err := b.Catalog().Add(acmeProvider(plain.URL())); err != nil {
		t.Fatal(err)
	}
	login, err := b.Login(t.Context(), broker.LoginRequest{
		Provider: "acme", ClientID: sandbox.PublicClientID, OnDeviceCode: approver(t, plain, ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	st := plain.Settings()
	st.StrictRefreshRotation = true
	plain.SetSettings(st)

	f.clock.Advance(58 * time.Minute)
	_, _ = b.Token(ctx, "acme", "") // may fail: its caller is gone
	if ctx.Err() == nil {
		t.Fatal("the refresh did not happen")
	}

	c, err := b.Token(t.Context(), "acme", "")
	if err != nil {
		t.Fatalf("Token after a cancelled refresh: %v", err)
	}
	if c.AccessToken == login.AccessToken || c.Status != broker.StatusConnected {
		t.Errorf("got the old token or status %q", c.Status)
	}
	if n := grants(plain, grantRefresh); n != 1 {
		t.Errorf("%d refresh requests, want 1 (the first one's result was kept)", n)
	}
}

// TestTokenSeesOtherProcessChanges: Token serves fresh tokens from memory, but a change to the
// store by another broker (process) is seen at once.
func TestTokenSeesOtherProcessChanges(t *testing.T) {
	t.Parallel()
	for name, store := range stores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testTokenSeesOtherChanges(t, newFixtureOn(t, store()))
		})
	}
}

func testTokenSeesOtherChanges(t *testing.T, f *fixture) {
	f.loginDevice(t, "default", f.user(0))
	b1, b2 := f.open(t, nil), f.open(t, nil)
	first, err := b1.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := b1.Token(t.Context(), "microsoft", "")
	if err != nil || again.AccessToken != first.AccessToken {
		t.Fatalf("second Token = %v, %v", again, err)
	}
	again.AccessToken = "mutated by the caller"
	if c, _ := b1.Token(t.Context(), "microsoft", ""); c.AccessToken != first.AccessToken {
		t.Fatal("a caller's change leaked into the cached connection")
	}
	if _, err := b2.Logout(t.Context(), "microsoft", ""); err != nil {
		t.Fatal(err)
	}
	// A store whose replicas learn of changes by notification (PostgreSQL) may answer from
	// memory for a moment; the contract is that the change is seen, not that it is instant.
	deadline := time.Now().Add(f.propagation)
	for {
		_, err := b1.Token(t.Context(), "microsoft", "")
		if errors.Is(err, broker.ErrConnectionNotFound) {
			return
		}
		if !time.Now().Before(deadline) {
			t.Fatalf("after another broker's logout: %v, want ErrConnectionNotFound", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
