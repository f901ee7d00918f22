package broker_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
)

// eventLog is an event sink that keeps what it receives.
type eventLog struct {
	mu     sync.Mutex
	events []broker.Event
}

func (l *eventLog) record(e broker.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

// take returns the events received since the last call.
func (l *eventLog) take() []broker.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

// newEventFixture is newFixture whose brokers record their events into the returned log.
func newEventFixture(t *testing.T) (*fixture, *eventLog) {
	t.Helper()
	f := newFixture(t)
	l := &eventLog{}
	f.events = l.record
	f.b = f.open(t, nil)
	return f, l
}

// wantOne checks that events is exactly one event like want (Time is checked against the
// fixture's clock).
func wantOne(t *testing.T, f *fixture, events []broker.Event, want broker.Event) {
	t.Helper()
	if len(events) != 1 {
		t.Fatalf("%d events, want one %s event: %+v", len(events), want.Kind, events)
	}
	got := events[0]
	if !got.Time.Equal(f.clock.Now()) {
		t.Errorf("%s event at %v, want the broker's clock %v", want.Kind, got.Time, f.clock.Now())
	}
	got.Time = time.Time{}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("event\n got %+v\nwant %+v", got, want)
	}
}

// TestEventsLifecycle: a sign-in, a refresh (one event for many callers, none for a cached
// token), an export and a logout each record one event with their fields.
func TestEventsLifecycle(t *testing.T) {
	t.Parallel()
	f, log := newEventFixture(t)
	ctx := t.Context()

	login := f.loginDevice(t, "work", f.user(0))
	if len(login.Scopes) == 0 {
		t.Fatal("the sign-in granted no scopes; the test proves nothing")
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventLogin, Provider: "microsoft", Connection: "work",
		Outcome: broker.OutcomeOK, Flow: "device_code", Scopes: login.Scopes})

	// A fresh token: no refresh, no event.
	if _, err := f.b.Token(ctx, "microsoft", "work"); err != nil {
		t.Fatal(err)
	}
	if ev := log.take(); len(ev) != 0 {
		t.Errorf("a fresh token recorded %+v", ev)
	}

	// Due: many callers in two brokers (as two processes) share one refresh, one event.
	f.clock.Advance(57 * time.Minute)
	brokers := []*broker.Broker{f.b, f.open(t, nil)}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := brokers[i%2].Token(ctx, "microsoft", "work"); err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := grants(f.sb, grantRefresh); n != 1 {
		t.Fatalf("%d refresh requests, want 1", n)
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventRefresh, Provider: "microsoft", Connection: "work", Outcome: broker.OutcomeOK})
	if _, err := f.b.Token(ctx, "microsoft", "work"); err != nil {
		t.Fatal(err)
	}
	if ev := log.take(); len(ev) != 0 {
		t.Errorf("a cached token after the refresh recorded %+v", ev)
	}

	if _, err := f.b.Export(ctx, "microsoft", "", true); err != nil {
		t.Fatal(err)
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventExport, Provider: "microsoft", Connection: "work", Outcome: broker.OutcomeOK})

	if _, err := f.b.Logout(ctx, "microsoft", "work"); err != nil {
		t.Fatal(err)
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventLogout, Provider: "microsoft", Connection: "work", Outcome: broker.OutcomeOK})

	// A logout that finds nothing records nothing.
	if _, err := f.b.Logout(ctx, "microsoft", "work"); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Fatalf("second Logout: %v", err)
	}
	if ev := log.take(); len(ev) != 0 {
		t.Errorf("a failed logout recorded %+v", ev)
	}
}

// TestEventsRefreshFailure: a refresh the identity platform refuses records one failed
// refresh with the error code; the later calls, which ask no one, record nothing.
func TestEventsRefreshFailure(t *testing.T) {
	t.Parallel()
	f, log := newEventFixture(t)
	upn := f.user(0)
	f.loginDevice(t, "", upn)
	log.take()
	if _, err := f.sb.RevokeRefreshTokens(upn); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Hour)
	if _, err := f.b.Token(t.Context(), "microsoft", ""); err == nil {
		t.Fatal("Token after the revocation succeeded")
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventRefresh, Provider: "microsoft", Connection: broker.DefaultConnection,
		Outcome: broker.OutcomeFailed, Error: "invalid_grant AADSTS50173"})
	if _, err := f.b.Token(t.Context(), "microsoft", ""); err == nil {
		t.Fatal("second Token succeeded")
	}
	if ev := log.take(); len(ev) != 0 {
		t.Errorf("a connection marked for a new sign-in recorded %+v", ev)
	}
}

// TestEventsRefreshUnreachable: a refresh that cannot reach the identity platform records a
// failed refresh even while the current token is still used.
func TestEventsRefreshUnreachable(t *testing.T) {
	t.Parallel()
	f, log := newEventFixture(t)
	f.loginDevice(t, "", f.user(0))
	log.take()
	if err := f.sb.Close(); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(57 * time.Minute)
	if _, err := f.b.Token(t.Context(), "microsoft", ""); err != nil {
		t.Fatalf("Token with a valid token and the endpoint down: %v", err)
	}
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventRefresh, Provider: "microsoft", Connection: broker.DefaultConnection,
		Outcome: broker.OutcomeFailed, Error: "unreachable"})
}

// TestRecord: Record fills the time and outcome, and does nothing without a sink.
func TestRecord(t *testing.T) {
	t.Parallel()
	f, log := newEventFixture(t)
	f.b.Record(broker.Event{Kind: broker.EventRevoke, Provider: "microsoft"})
	wantOne(t, f, log.take(), broker.Event{Kind: broker.EventRevoke, Provider: "microsoft", Outcome: broker.OutcomeOK})
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.b.Record(broker.Event{Time: at, Kind: broker.EventRevoke, Outcome: broker.OutcomeFailed})
	if ev := log.take(); len(ev) != 1 || !ev[0].Time.Equal(at) || ev[0].Outcome != broker.OutcomeFailed {
		t.Errorf("Record with a time and outcome: %+v", ev)
	}

	f.events = nil
	f.open(t, nil).Record(broker.Event{Kind: broker.EventRevoke}) // no sink: no panic
}

func TestEventError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&oauth.Error{Code: "invalid_grant", Description: "AADSTS70008: The refresh token has expired. Trace ID: x"}, "invalid_grant AADSTS70008"},
		{fmt.Errorf("wrapped: %w", &oauth.Error{Code: "bad\"code\n<x>" + string(make([]byte, 100))}), "badcodex"},
		{&oauth.Error{}, "oauth_error"},
		{fmt.Errorf("%w: dial tcp", broker.ErrUnreachable), "unreachable"},
		{errors.New("secret-looking text eyJhbGciOi"), "error"},
	} {
		if got := broker.EventError(tc.err); got != tc.want {
			t.Errorf("EventError(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if got := broker.EventError(&oauth.Error{Code: string(slices.Repeat([]byte("a"), 100))}); len(got) != 64 {
		t.Errorf("a long code is not cut to 64 bytes: %d", len(got))
	}
}

// TestEventsRevoke: revoking a provider records one revoke event per connection it removed
// (none of them remotely revocable here), and one for the provider when it had none.
func TestEventsRevoke(t *testing.T) {
	t.Parallel()
	f, l := newEventFixture(t)
	ctx := t.Context()
	loginKey(t, f.b, "one", testKey)
	loginKey(t, f.b, "two", testKey)
	l.take()
	if _, err := f.b.Revoke(ctx, "openai"); err != nil {
		t.Fatal(err)
	}
	got := l.take()
	if len(got) != 2 || got[0].Kind != broker.EventRevoke || got[0].Connection != "one" || got[1].Connection != "two" ||
		got[0].Provider != "openai" || got[0].Outcome != broker.OutcomeOK {
		t.Errorf("revoke events: %+v", got)
	}
	if _, err := f.b.Revoke(ctx, "openai"); err != nil {
		t.Fatal(err)
	}
	wantOne(t, f, l.take(), broker.Event{Kind: broker.EventRevoke, Provider: "openai", Outcome: broker.OutcomeOK})
}
