package pgstore_test

import (
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/storetest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

var _ broker.Store = (*pgstore.Store)(nil)

type handle struct {
	*pgstore.Store
	dsn, key string
}

func open(t testing.TB, dsn, key string) handle {
	s, err := pgstore.Open(t.Context(), dsn, "default", vault.FileKey(key))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return handle{Store: s, dsn: dsn, key: key}
}

// TestConformance runs the broker's store contract on PostgreSQL, the concurrency tests split
// between two handles on one database (two replicas).
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) broker.Store {
		return open(t, pgstore.StartMigrated(t), filepath.Join(t.TempDir(), "store.key"))
	}, storetest.Reopen(func(t *testing.T, s broker.Store) broker.Store {
		h := s.(handle)
		return open(t, h.dsn, h.key)
	}))
}
