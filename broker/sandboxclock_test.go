package broker_test

import (
	"testing"
	"time"
)

// The sandbox's clock can run ahead of the broker's (POST /_sandbox/clock): the broker
// takes a token's expiry from expires_in by its own clock, so tokens whose iat and nbf
// lie in its future work. A test that wants the broker to see an expiry advances both.
func TestSandboxClockAhead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.sb.AdvanceClock(400 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	f.loginDevice(t, "work", f.user(0))
	me := func() int {
		t.Helper()
		ep, err := f.b.Graph(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ep.Client.Get(ep.URL + "/v1.0/me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := me(); st != 200 {
		t.Fatalf("GET /me with a token issued 400 days ahead: %d", st)
	}

	// Past the token's lifetime on the sandbox only: Graph refuses the token the broker holds.
	if _, err := f.sb.AdvanceClock(61 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if st := me(); st != 401 {
		t.Fatalf("GET /me after the sandbox's clock passed the token's expiry: %d, want 401", st)
	}
	// Both clocks: the broker refreshes and Graph takes the new token.
	f.clock.Advance(61 * time.Minute)
	if st := me(); st != 200 || grants(f.sb, grantRefresh) != 1 {
		t.Fatalf("GET /me after both clocks moved: %d, %d refreshes", st, grants(f.sb, grantRefresh))
	}
}
