package broker_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/memstore"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// A holder of a connection's refresh lock that dies after the provider redeemed the refresh
// token and before the new tokens are stored leaves the connection needing a new sign-in,
// said once and clearly: the next holder does not present the spent refresh token again.
func TestRefreshInterruptedAfterSending(t *testing.T) {
	t.Parallel()
	for name, store := range stores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testRefreshInterrupted(t, newFixtureOn(t, store()))
		})
	}
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		testRefreshInterrupted(t, postgresFixture(t))
	})
}

// dieAfter returns an HTTP client whose goroutine ends (runtime.Goexit, running the deferred
// calls that release the connection's lock, as a dead process's lock is released) once the
// identity platform has answered a request of grant type grant, and a channel closed then.
func dieAfter(grant string) (*http.Client, <-chan struct{}) {
	died := make(chan struct{})
	rec := &recorder{base: http.DefaultTransport, answered: func(r recorded) {
		if r.form.Get("grant_type") == grant {
			close(died)
			runtime.Goexit()
		}
	}}
	return &http.Client{Transport: rec}, died
}

// refreshDies has a broker with client hc refresh the connection; its refresh dies with the
// client, and Token returns when died is closed.
func refreshDies(t *testing.T, b *broker.Broker, prov string, died <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-died; cancel() }()
	if _, err := b.Token(ctx, prov, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("Token with a refresh that dies: %v", err)
	}
}

func testRefreshInterrupted(t *testing.T, f *fixture) {
	plain := startSandbox(t, sandbox.Options{PlainHTTP: true})
	if _, err := f.b.Catalog().Add(acmeProvider(plain.URL())); err != nil {
		t.Fatal(err)
	}
	login := broker.LoginRequest{Provider: "acme", ClientID: sandbox.PublicClientID, OnDeviceCode: approver(t, plain, "")}
	if _, err := f.b.Login(t.Context(), login); err != nil {
		t.Fatal(err)
	}
	st := plain.Settings()
	st.StrictRefreshRotation = true
	plain.SetSettings(st)

	f.clock.Advance(58 * time.Minute)
	hc, died := dieAfter(grantRefresh)
	refreshDies(t, f.open(t, hc), "acme", died)
	if got := plain.RefreshStats(); got.Grants != 1 {
		t.Fatalf("the dying refresh was not redeemed: %+v", got)
	}
	if c := f.stored(t, "acme", broker.DefaultConnection); c.RefreshSent == nil || c.RefreshSent.Fingerprint == "" ||
		strings.Contains(c.RefreshSent.Fingerprint, c.RefreshToken) {
		t.Fatalf("the store has no record of the refresh in flight: %+v", c.RefreshSent)
	}

	other := f.open(t, nil)
	_, err := other.Token(t.Context(), "acme", "")
	var ce *broker.CredentialError
	if !errors.As(err, &ce) || !errors.Is(err, broker.ErrRefreshInterrupted) {
		t.Fatalf("Token after an interrupted refresh: %v, want a CredentialError for ErrRefreshInterrupted", err)
	}
	if !strings.Contains(err.Error(), "authsome login acme --connection default --force") {
		t.Errorf("the error does not say how to sign in again: %v", err)
	}
	c := f.stored(t, "acme", broker.DefaultConnection)
	if c.Status != broker.StatusNeedsLogin || !strings.Contains(c.LastError, "interrupted") || c.RefreshSent != nil {
		t.Errorf("stored: status %q, last error %q, refresh in flight %v", c.Status, c.LastError, c.RefreshSent)
	}
	if got := plain.RefreshStats(); got != (sandbox.RefreshStats{Grants: 1}) {
		t.Fatalf("after the interrupted refresh: %+v, want the one grant and no reuse", got)
	}

	// Every later call fails at once, without a request: no retry loop.
	plain.ClearRequests()
	for range 3 {
		_, err := f.open(t, nil).Token(t.Context(), "acme", "")
		if !errors.Is(err, broker.ErrRefreshInterrupted) || !strings.Contains(err.Error(), "sign in again: `authsome login acme --connection default --force`") {
			t.Fatalf("later Token: %v", err)
		}
	}
	if n := len(plain.Requests()); n != 0 {
		t.Errorf("the connection needing a sign-in made %d requests", n)
	}

	// A new sign-in makes it usable again.
	login.Force = true
	if _, err := f.b.Login(t.Context(), login); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(58 * time.Minute)
	if c, err := f.open(t, nil).Token(t.Context(), "acme", ""); err != nil || c.Status != broker.StatusConnected {
		t.Fatalf("Token after signing in again: %v", err)
	}
	if got := plain.RefreshStats(); got.Reuses != 0 || got.Grants != 2 {
		t.Errorf("refresh stats %+v, want 2 grants and no reuse", got)
	}
	if c := f.stored(t, "acme", broker.DefaultConnection); c.RefreshSent != nil {
		t.Error("a completed refresh left its record in the store")
	}
}

// A refresh the provider refuses for a passing reason, or that cannot reach it, is seen by a
// live holder: its record is cleared and the next call refreshes again.
func TestRefreshFailureClearsRecord(t *testing.T) {
	t.Parallel()
	f := newFixtureOn(t, memstore.New())
	f.loginDevice(t, "", f.user(0))
	f.clock.Advance(2 * time.Hour)
	if _, err := f.sb.AddFault(sandbox.Fault{Path: "/oauth2/v2.0/token$", Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.Token(t.Context(), "microsoft", ""); err == nil || errors.Is(err, broker.ErrRefreshInterrupted) {
		t.Fatalf("Token against a failing identity platform: %v", err)
	}
	if c := f.stored(t, "microsoft", broker.DefaultConnection); c.RefreshSent != nil || c.Status == broker.StatusNeedsLogin {
		t.Fatalf("after a 503: refresh in flight %v, status %q", c.RefreshSent, c.Status)
	}
	if _, err := f.b.Token(t.Context(), "microsoft", ""); err != nil {
		t.Fatalf("Token once the identity platform answers: %v", err)
	}
}

// App-only connections have no refresh token to lose: a renewal that dies is simply done again.
func TestClientCredentialsRenewalInterrupted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	plain := startSandbox(t, sandbox.Options{PlainHTTP: true})
	if _, err := f.b.Catalog().Add(acmeProvider(plain.URL())); err != nil {
		t.Fatal(err)
	}
	_, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "acme", Flow: provider.FlowClientCredentials,
		ClientID: sandbox.ConfidentialClientID, ClientSecret: sandbox.ConfidentialClientSecret,
		Scopes: []string{"https://graph.microsoft.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Hour)
	hc, died := dieAfter("client_credentials")
	refreshDies(t, f.open(t, hc), "acme", died)
	if c := f.stored(t, "acme", broker.DefaultConnection); c.RefreshSent != nil {
		t.Fatal("an app-only renewal was recorded as a refresh in flight")
	}
	if c, err := f.open(t, nil).Token(t.Context(), "acme", ""); err != nil || c.Status != broker.StatusConnected {
		t.Fatalf("Token after an interrupted app-only renewal: %v", err)
	}
}

// failingStore refuses every write: a refresh that cannot be recorded is not sent.
type failingStore struct{ broker.Store }

func (failingStore) Update(context.Context, func(*vault.Data) error) error {
	return errors.New("the store is read-only")
}

func TestRefreshNotSentUnlessRecorded(t *testing.T) {
	t.Parallel()
	mem := memstore.New()
	f := newFixtureOn(t, mem)
	f.loginDevice(t, "", f.user(0))
	f.clock.Advance(2 * time.Hour)
	f.store = failingStore{mem}
	f.sb.ClearRequests()
	_, err := f.open(t, nil).Token(t.Context(), "microsoft", "")
	if err == nil || !strings.Contains(err.Error(), "not sent") {
		t.Fatalf("Token with a store that refuses writes: %v", err)
	}
	if n := grants(f.sb, grantRefresh); n != 0 {
		t.Errorf("%d refresh requests sent without a record of them", n)
	}
}
