package proxy

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRejectBackoff: an upstream that refuses every token (a child hammering an endpoint that
// answers 401 InvalidAuthenticationToken) gets one refresh, then its 401s pass to the child
// until a minute has gone by: the child cannot make the proxy redeem the refresh token once
// per request.
func TestRejectBackoff(t *testing.T) {
	t.Parallel()
	for name, ttl := range map[string]time.Duration{"cached": 0, "uncached": -1} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clock := &testClock{t: time.Now()}
			creds := &fakeCreds{}
			h := newHarness(t, setup{creds: creds, ttl: ttl, now: clock.Now})
			h.graph.setHandler(rejectStale(0, true)) // no token is ever accepted
			c := h.client(false)
			send := func(n int) {
				t.Helper()
				for range n {
					resp, body, err := h.get(c, "GET", "https://"+graphHost+"/v1.0/me/drive")
					if err != nil {
						t.Fatal(err)
					}
					if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "InvalidAuthenticationToken") {
						t.Fatalf("got %d %q, want Graph's 401", resp.StatusCode, body)
					}
				}
			}
			send(50)
			if got := creds.invalidations.Load(); got != 1 {
				t.Errorf("%d refreshes for 50 refused requests, want 1", got)
			}
			if got := len(h.graph.requests()); got != 51 {
				t.Errorf("%d upstream requests, want 51 (the first retried once with the fresh token)", got)
			}

			clock.Advance(rejectBackoff)
			send(20)
			if got := creds.invalidations.Load(); got != 2 {
				t.Errorf("%d refreshes after a minute and 20 more refused requests, want 2", got)
			}
		})
	}
}
