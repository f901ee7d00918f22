package broker_test

import (
	"context"
	"errors"
	"os"
	"sync/atomic"

	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/memstore"
	"github.com/authsome-go/authsome/broker/storetest"
	"github.com/authsome-go/authsome/vault"
)

// TestVaultStoreConformance: the encrypted vault file, the broker's default store, passes the
// store conformance suite; its second handle is another vault.Store on the same folder, as
// another process opens it.
func TestVaultStoreConformance(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T, dir string) *vault.Store {
		st, err := vault.Open(dir, vault.FileKey(filepath.Join(dir, vault.KeyFileName)))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	storetest.Run(t, func(t *testing.T) broker.Store {
		return open(t, filepath.Join(t.TempDir(), "default"))
	}, storetest.Reopen(func(t *testing.T, s broker.Store) broker.Store {
		return open(t, s.(*vault.Store).Dir())
	}))
}

// TestOptionsStore: a broker on another store signs in and lists through it, and makes no vault.
func TestOptionsStore(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	f := newFixtureOn(t, store)
	if f.b.Vault() != nil || f.b.Store() != store || f.b.Profile() != "default" {
		t.Errorf("Vault %v, Store %T, Profile %q", f.b.Vault(), f.b.Store(), f.b.Profile())
	}
	f.loginDevice(t, "work", f.user(0))
	if _, err := os.Stat(filepath.Join(f.home, "profiles")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a broker on another store made the profiles folder: %v", err)
	}
	d, err := store.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := d.Connection("microsoft", "work"); !ok || c.RefreshToken == "" || c.Account.Username != f.user(0) {
		t.Fatalf("the sign-in is not in the store: %v", c)
	}
	list, err := f.open(t, nil).List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range list {
		found = found || p.Def.Name == "microsoft" && p.Default == "work" && len(p.Connections) == 1
	}
	if !found {
		t.Error("List on a second broker does not show microsoft/work")
	}
}

// countingStore counts the Loads of the store it wraps.
type countingStore struct {
	broker.Store
	loads atomic.Int32
}

func (s *countingStore) Load(ctx context.Context) (*vault.Data, error) {
	s.loads.Add(1)
	return s.Store.Load(ctx)
}

// TestTokenServedWhileVersionUnchanged: a fresh token comes from memory while the store's
// Version is unchanged, and from the store again once another broker changed it.
func TestTokenServedWhileVersionUnchanged(t *testing.T) {
	t.Parallel()
	shared := memstore.New()
	store := &countingStore{Store: shared}
	f := newFixtureOn(t, store)
	f.loginDevice(t, "", f.user(0))
	token := func() {
		t.Helper()
		if _, err := f.b.Token(t.Context(), "microsoft", ""); err != nil {
			t.Fatal(err)
		}
	}
	token()
	before := store.loads.Load()
	token()
	token()
	if n := store.loads.Load() - before; n != 0 {
		t.Errorf("%d Loads for fresh tokens of an unchanged store, want 0", n)
	}
	other, err := broker.Open(t.Context(), broker.Options{Home: f.home, Store: shared, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	other.Invalidate(t.Context(), "microsoft", "")
	token()
	if n := store.loads.Load() - before; n == 0 {
		t.Error("a change by another broker was not read")
	}
}
