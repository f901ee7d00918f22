package broker_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

// postgresFixture is a fixture whose brokers keep the profile in one PostgreSQL database,
// each broker through its own pgstore handle: the replicas of a team gateway.
//
// Under -short the PostgreSQL variants skip: a PostgreSQL cluster (initdb and a server) costs
// this test binary more than all its other tests. What they check is still checked under
// -short in two halves: the broker's side by the same tests on the vault and memstore stores
// (TestTokenRefreshOnceForConcurrentCallers, TestTokenSeesOtherProcessChanges,
// TestRefreshInterruptedAfterSending), the store's by pgstore's tests of replicas
// (TestOneRefreshAcrossReplicas, TestVersionSeenByOtherReplicaViaNotify,
// TestLockConnectionExclusiveAcrossReplicas) and its store conformance run.
func postgresFixture(t *testing.T) *fixture {
	if testing.Short() {
		t.Skip("PostgreSQL variant: the broker's side runs on the other stores and pgstore's tests check replicas under -short")
	}
	dsn, key := pgtest.Start(t), filepath.Join(t.TempDir(), "store.key")
	open := func(t testing.TB) broker.Store {
		s, err := pgstore.Open(t.Context(), dsn, "default", vault.FileKey(key))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	f := &fixture{home: t.TempDir(), clock: newClock(), store: open(t), reopen: open,
		propagation: 10 * time.Second} // NOTIFY reaches the other replicas within about a second
	return f.start(t)
}

// TestTokenRefreshOnceOnPostgres: brokers on separate handles of one database (replicas)
// share one refresh of an expiring token, and the rotated refresh token reaches the database.
func TestTokenRefreshOnceOnPostgres(t *testing.T) {
	t.Parallel()
	testTokenRefreshOnce(t, postgresFixture(t))
}

// TestTokenSeesOtherReplicaChangesOnPostgres: a broker serving from memory notices what
// another replica wrote.
func TestTokenSeesOtherReplicaChangesOnPostgres(t *testing.T) {
	t.Parallel()
	testTokenSeesOtherChanges(t, postgresFixture(t))
}
