// Package storetest is the conformance suite of [broker.Store]: every implementation runs it
// from its own tests,
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) broker.Store { return openEmptyStore(t) },
//			storetest.Reopen(func(t *testing.T, s broker.Store) broker.Store { return openAgain(t, s) }))
//	}
//
// It checks what the broker relies on: Load returns copies, Update commits atomically and
// commits nothing when its function fails, concurrent Updates lose nothing, LockConnection
// excludes every other holder of the same connection's lock, and Version changes with the data.
// See docs/storage.md.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/vault"
)

// Option adjusts [Run].
type Option func(*config)

type config struct {
	reopen func(t *testing.T, s broker.Store) broker.Store
}

// Reopen lets the suite open a second handle on the data behind a store, as another process or
// replica would (the same file, the same database): the concurrency tests then split their
// callers between the two handles. Without it they use one handle.
func Reopen(f func(t *testing.T, s broker.Store) broker.Store) Option {
	return func(c *config) { c.reopen = f }
}

// Run runs the conformance tests as parallel subtests of t. open returns a new, empty store,
// independent of the others; it is called once per subtest and should clean up with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) broker.Store, opts ...Option) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.reopen == nil {
		c.reopen = func(_ *testing.T, s broker.Store) broker.Store { return s }
	}
	s := suite{open: open, config: c}
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"LoadEmpty", s.loadEmpty},
		{"RoundTrip", s.roundTrip},
		{"LoadReturnsCopies", s.loadReturnsCopies},
		{"UpdateKeepsNoReference", s.updateKeepsNoReference},
		{"UpdateAbortsOnError", s.updateAbortsOnError},
		{"ConcurrentUpdates", s.concurrentUpdates},
		{"LockConnectionExclusive", s.lockExclusive},
		{"LockConnectionPerConnection", s.lockPerConnection},
		{"LockConnectionCancelled", s.lockCancelled},
		{"Version", s.version},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t)
		})
	}
}

type suite struct {
	open func(t *testing.T) broker.Store
	config
}

// stuck bounds waits that only a broken store makes long, so that it fails instead of hanging.
const stuck = time.Minute

// pair opens a store and a second handle on its data.
func (s suite) pair(t *testing.T) (broker.Store, broker.Store) {
	st := s.open(t)
	return st, s.reopen(t, st)
}

func sample() *vault.Connection {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return &vault.Connection{
		Provider: "microsoft", Name: "work", AuthType: "oauth2", Flow: "device_code",
		AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", IDToken: "id-1",
		Expiry: at.Add(time.Hour), ObtainedAt: at, Scopes: []string{"User.Read", "offline_access"},
		Cloud: "global", Tenant: "contoso.example", ClientID: "client-1",
		Account:  vault.Account{Username: "ada@contoso.example", ObjectID: "oid-1", TenantID: "tid-1"},
		Status:   vault.StatusConnected,
		Metadata: map[string]string{"k": "v"},
	}
}

func put(t *testing.T, st broker.Store, c *vault.Connection) {
	t.Helper()
	err := st.Update(t.Context(), func(d *vault.Data) error { return d.Put(c) })
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func load(t *testing.T, st broker.Store) *vault.Data {
	t.Helper()
	d, err := st.Load(t.Context())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if d == nil {
		t.Fatal("Load returned nil data")
	}
	return d
}

func conn(t *testing.T, d *vault.Data, prov, name string) *vault.Connection {
	t.Helper()
	c, ok := d.Connection(prov, name)
	if !ok {
		t.Fatalf("%s/%s is not in the store", prov, name)
	}
	return c
}

func (s suite) loadEmpty(t *testing.T) {
	st := s.open(t)
	if d := load(t, st); len(d.Connections()) != 0 {
		t.Errorf("a new store holds %d connections", len(d.Connections()))
	}
}

func (s suite) roundTrip(t *testing.T) {
	st, other := s.pair(t)
	want := sample()
	put(t, st, want)
	err := st.Update(t.Context(), func(d *vault.Data) error {
		d.SetClient("microsoft", &vault.Client{ClientID: "client-1", ClientSecret: "secret-1"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range []broker.Store{st, other} {
		d := load(t, h)
		if diff := cmp.Diff(want, conn(t, d, "microsoft", "work")); diff != "" {
			t.Errorf("handle %d: the stored connection differs (-put +loaded):\n%s", i, diff)
		}
		ps := d.Provider("microsoft")
		if ps.Default != "work" || ps.Client == nil || ps.Client.ClientSecret != "secret-1" {
			t.Errorf("handle %d: default %q, client %v", i, ps.Default, ps.Client)
		}
	}
}

func (s suite) loadReturnsCopies(t *testing.T) {
	st := s.open(t)
	put(t, st, sample())
	d := load(t, st)
	c := conn(t, d, "microsoft", "work")
	c.AccessToken = "changed"
	c.Scopes[0] = "changed"
	c.Metadata["k"] = "changed"
	d.Provider("microsoft").Default = "other"
	d.Delete("microsoft", "work")
	if err := d.Put(&vault.Connection{Provider: "github", Name: "x"}); err != nil {
		t.Fatal(err)
	}
	again := load(t, st)
	if diff := cmp.Diff(sample(), conn(t, again, "microsoft", "work")); diff != "" {
		t.Errorf("changing loaded data changed the store (-want +got):\n%s", diff)
	}
	if _, ok := again.Connection("github", "x"); ok {
		t.Error("a connection added to loaded data appeared in the store")
	}
}

func (s suite) updateKeepsNoReference(t *testing.T) {
	st := s.open(t)
	var kept *vault.Data
	err := st.Update(t.Context(), func(d *vault.Data) error {
		kept = d
		return d.Put(sample())
	})
	if err != nil {
		t.Fatal(err)
	}
	conn(t, kept, "microsoft", "work").AccessToken = "changed after Update"
	if got := conn(t, load(t, st), "microsoft", "work").AccessToken; got != "at-1" {
		t.Errorf("changing the data after Update returned changed the store: access token %q", got)
	}
}

func (s suite) updateAbortsOnError(t *testing.T) {
	st, other := s.pair(t)
	put(t, st, sample())
	errStop := errors.New("stop")
	err := st.Update(t.Context(), func(d *vault.Data) error {
		conn(t, d, "microsoft", "work").AccessToken = "half-done"
		d.Delete("microsoft", "work")
		_ = d.Put(&vault.Connection{Provider: "github", Name: "x"})
		return fmt.Errorf("wrapped: %w", errStop)
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	for i, h := range []broker.Store{st, other} {
		d := load(t, h)
		if diff := cmp.Diff(sample(), conn(t, d, "microsoft", "work")); diff != "" {
			t.Errorf("handle %d: a failed Update changed the store (-want +got):\n%s", i, diff)
		}
		if _, ok := d.Connection("github", "x"); ok {
			t.Errorf("handle %d: a failed Update added a connection", i)
		}
	}
}

// concurrentUpdates: every caller increments a counter with read-modify-write in Update; a
// lost update shows as a smaller count.
func (s suite) concurrentUpdates(t *testing.T) {
	st, other := s.pair(t)
	put(t, st, sample())
	const callers = 24
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		h := []broker.Store{st, other}[i%2]
		wg.Go(func() {
			errs <- h.Update(t.Context(), func(d *vault.Data) error {
				c, ok := d.Connection("microsoft", "work")
				if !ok {
					return errors.New("connection missing")
				}
				n, _ := strconv.Atoi(c.Metadata["n"])
				c.Metadata["n"] = strconv.Itoa(n + 1)
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	if n := conn(t, load(t, other), "microsoft", "work").Metadata["n"]; n != strconv.Itoa(callers) {
		t.Errorf("%d concurrent increments left the counter at %s: updates were lost", callers, n)
	}
}

// lockExclusive: callers on both handles take the same connection's lock; no two are ever
// inside at once, and every one gets in.
func (s suite) lockExclusive(t *testing.T) {
	st, other := s.pair(t)
	ctx, cancel := context.WithTimeout(t.Context(), stuck)
	defer cancel()
	const callers = 16
	var inside, most, entered atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		h := []broker.Store{st, other}[i%2]
		wg.Go(func() {
			unlock, err := h.LockConnection(ctx, "microsoft", "work")
			if err != nil {
				errs <- err
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			entered.Add(1)
			// Stay inside while another caller could barge in.
			_ = st.Update(ctx, func(d *vault.Data) error { return d.Put(sample()) })
			inside.Add(-1)
			unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("LockConnection: %v", err)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d holders of one connection's lock at once, want 1", m)
	}
	if n := entered.Load(); n != callers {
		t.Errorf("%d of %d callers got the lock", n, callers)
	}
}

// lockPerConnection: the lock of one connection does not hold up another's.
func (s suite) lockPerConnection(t *testing.T) {
	st, other := s.pair(t)
	ctx, cancel := context.WithTimeout(t.Context(), stuck)
	defer cancel()
	unlock, err := st.LockConnection(ctx, "microsoft", "work")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, k := range [][2]string{{"microsoft", "home"}, {"github", "work"}} {
		u, err := other.LockConnection(ctx, k[0], k[1])
		if err != nil {
			t.Fatalf("LockConnection(%s/%s) while microsoft/work is locked: %v", k[0], k[1], err)
		}
		u()
	}
}

// lockCancelled: a caller waiting for a held lock gives up when its context ends, and the lock
// is free again once released.
func (s suite) lockCancelled(t *testing.T) {
	st, other := s.pair(t)
	unlock, err := st.LockConnection(t.Context(), "microsoft", "work")
	if err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if u, err := other.LockConnection(done, "microsoft", "work"); err == nil {
		u()
		t.Fatal("LockConnection with an ended context took a held lock")
	}
	unlock()
	ctx, cancelWait := context.WithTimeout(t.Context(), stuck)
	defer cancelWait()
	u, err := other.LockConnection(ctx, "microsoft", "work")
	if err != nil {
		t.Fatalf("LockConnection after unlock: %v", err)
	}
	u()
}

func (s suite) version(t *testing.T) {
	st, other := s.pair(t)
	ctx := t.Context()
	version := func(h broker.Store) string {
		t.Helper()
		v, err := h.Version(ctx)
		if err != nil {
			t.Fatalf("Version: %v", err)
		}
		return v
	}
	seen := map[string]bool{version(st): true}
	for i := range 5 {
		before := version(other)
		c := sample()
		c.AccessToken = "at-" + strconv.Itoa(i) // the same size every time
		put(t, st, c)
		load(t, st)
		next := version(st)
		if seen[next] {
			t.Fatalf("update %d: Version %q was seen before", i, next)
		}
		seen[next] = true
		if again := version(st); again != next {
			t.Errorf("Version changed without a change: %q, then %q", next, again)
		}
		// Another handle (process, replica) may learn of the change by notification: it must
		// within a second; allow more on a busy machine.
		deadline := time.Now().Add(10 * time.Second)
		for version(other) == before {
			if !time.Now().Before(deadline) {
				t.Fatalf("update %d: the second handle's Version stayed %q", i, before)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
