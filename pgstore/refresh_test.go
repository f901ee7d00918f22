package pgstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authsome-go/authsome/vault"
)

// TestOneRefreshAcrossReplicas follows the refresh protocol of a gateway (lock the connection,
// read it again, refresh only if it is still expired, commit the new tokens, unlock) on two
// replicas at once: exactly one refresh happens and every caller ends with the new token.
func TestOneRefreshAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	replicas := []*Store{openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)}
	put(t, replicas[0], &vault.Data{Providers: map[string]*vault.ProviderState{"microsoft": {
		Default: "work",
		Connections: map[string]*vault.Connection{"work": {Provider: "microsoft", Name: "work",
			AccessToken: "at-old", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Minute)}},
	}}})
	var refreshes atomic.Int32
	tokens := make(chan string, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		s := replicas[i%2]
		wg.Go(func() {
			unlock, err := s.LockConnection(ctx, "microsoft", "work")
			if err != nil {
				t.Error(err)
				return
			}
			defer unlock()
			d, err := s.Load(ctx) // read again under the lock
			if err != nil {
				t.Error(err)
				return
			}
			c, _ := d.Connection("microsoft", "work")
			if time.Now().Before(c.Expiry) {
				tokens <- c.AccessToken
				return
			}
			if c.RefreshToken != "rt-1" {
				t.Errorf("refresh token %q redeemed again", c.RefreshToken)
			}
			refreshes.Add(1) // the provider's token endpoint, with a rotating refresh token
			err = s.Update(ctx, func(d *vault.Data) error {
				c, _ := d.Connection("microsoft", "work")
				c.AccessToken, c.RefreshToken, c.Expiry = "at-new", "rt-2", time.Now().Add(time.Hour)
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
			tokens <- "at-new"
		})
	}
	wg.Wait()
	close(tokens)
	if n := refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
	for tok := range tokens {
		if tok != "at-new" {
			t.Errorf("a caller got %q", tok)
		}
	}
}
