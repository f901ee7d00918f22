// Package pgtest runs a throwaway PostgreSQL cluster for a package's tests: one cluster per test
// binary, in a temporary folder, reachable only through a unix socket in that folder, and a fresh
// database for every test that asks for one.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.Start(t) // a new, empty database
//		...
//	}
//
// The cluster is started on the first Start, with fsync off and no TCP listener, and stopped by
// Main when the tests end (and killed with the test binary should it die). When running as root
// it runs as the "postgres" user, as PostgreSQL refuses root. Without PostgreSQL's binaries
// (initdb and postgres on PATH or in /usr/lib/postgresql/*/bin) the tests that need it are
// skipped, except under CI (the CI variable set), where they fail.
//
// initdb runs once per test binary; every cluster (the shared one, and those [Private] gives)
// starts on a copy of its output. The folders live in /dev/shm when it has room.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
)

var (
	mainCalled atomic.Bool
	startOnce  sync.Once
	running    *cluster
	startErr   error
	dbSeq      atomic.Int64
	templates  sync.Map // name → *template
)

// Main runs the tests (m.Run) and then stops the cluster if one was started; call it from
// TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	mainCalled.Store(true)
	code := m.Run()
	if running != nil {
		running.stop()
	}
	removeBase()
	return code
}

// Start returns the connection string (key=value form) of a new, empty database in the
// package's cluster, owned by the cluster's superuser; the database is dropped when the test
// ends. It skips the test when PostgreSQL is not installed, unless the CI variable is set.
func Start(t testing.TB) string {
	t.Helper()
	return shared(t).newDatabase(t, "template1")
}

// template is a database that StartFrom's databases are copies of.
type template struct {
	once sync.Once
	err  error
}

var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,40}$`)

// StartFrom is Start, except that the new database is a copy of the template called name
// rather than empty: prepare fills the template, once per test binary, on the first StartFrom
// that names it (prepare must close the connections it opens). Copying a prepared database
// costs the server less than running the same statements in every test's database; the tests
// of what prepare does (migrations, say) use Start. Names are lower-case letters, digits and
// underscores.
func StartFrom(t testing.TB, name string, prepare func(ctx context.Context, dsn string) error) string {
	t.Helper()
	if !templateName.MatchString(name) {
		t.Fatalf("pgtest: template name %q is not lower-case letters, digits and underscores", name)
	}
	c := shared(t)
	v, _ := templates.LoadOrStore(name, &template{})
	tm := v.(*template)
	db := "template_" + name
	tm.once.Do(func() { tm.err = c.makeTemplate(db, prepare) })
	if tm.err != nil {
		t.Fatalf("pgtest: preparing the template %s: %v", name, tm.err)
	}
	return c.newDatabase(t, db)
}

// shared returns the package's cluster, starting it on the first call; it skips t when
// PostgreSQL is not installed (fails it under CI).
func shared(t testing.TB) *cluster {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: call pgtest.Main from the package's TestMain")
	}
	startOnce.Do(func() { running, startErr = newCluster() })
	if startErr != nil {
		t.Fatalf("pgtest: starting PostgreSQL: %v", startErr)
	}
	skipWithout(t)
	return running
}

// newDatabase creates a database copied from template, dropped when t ends, and returns its
// connection string.
func (c *cluster) newDatabase(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", dbSeq.Add(1))
	// FILE_COPY copies the template's files; the default, WAL_LOG, also writes every block of
	// them to the WAL, which costs more for the small databases of tests.
	if err := c.exec(context.Background(), "CREATE DATABASE "+name+" TEMPLATE "+template+" STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c.dsn(name)
}

// makeTemplate creates the database db, has prepare fill it, and closes it to connections (a
// database is copied only while no one is connected to it).
func (c *cluster) makeTemplate(db string, prepare func(ctx context.Context, dsn string) error) error {
	ctx := context.Background()
	if err := c.exec(ctx, "CREATE DATABASE "+db+" STRATEGY FILE_COPY"); err != nil {
		return err
	}
	if err := prepare(ctx, c.dsn(db)); err != nil {
		return err
	}
	if err := c.exec(ctx, "ALTER DATABASE "+db+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	return c.exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+db+"'")
}

// skipWithout skips the test when PostgreSQL is not installed, or fails it under CI.
func skipWithout(t testing.TB) {
	t.Helper()
	if skipReason != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %s (CI is set, so PostgreSQL must be installed)", skipReason)
		}
		t.Skip("pgtest: " + skipReason)
	}
}

// Dump returns pg_dump's plain-text dump of the database of dsn (one Start gave).
func Dump(t testing.TB, dsn string) string {
	t.Helper()
	if running == nil {
		t.Fatal("pgtest: no cluster running")
	}
	return running.dump(t, dsn)
}
