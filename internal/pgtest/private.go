package pgtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Cluster is a PostgreSQL cluster of one test's own, which the test may stop and start again
// (to see what its code does while the database is down, and after it is back), unlike the
// package's shared cluster. Get one with [Private].
type Cluster struct {
	c *cluster
}

// Private starts a cluster for t alone (a copy of the test binary's initdb output, and a
// server's start-up), stopped and removed when the test ends. It skips the test when
// PostgreSQL is not installed, unless the CI variable is set.
func Private(t testing.TB) *Cluster {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: call pgtest.Main from the package's TestMain")
	}
	c, err := newCluster()
	if err != nil {
		t.Fatalf("pgtest: starting a private PostgreSQL: %v", err)
	}
	if c == nil {
		skipWithout(t) // not installed
	}
	t.Cleanup(c.stop)
	return &Cluster{c: c}
}

// DSN is the connection string (key=value form) of the cluster's database, "postgres". It
// stays the same across Stop and Start: same socket folder, same port.
func (p *Cluster) DSN() string { return p.c.dsn("postgres") }

// Stop shuts the server down in fast mode, as `pg_ctl stop -m fast` does: open sessions
// are ended (their transactions rolled back), and the server writes a checkpoint and exits.
// Its data stays for Start.
func (p *Cluster) Stop(t testing.TB) {
	t.Helper()
	p.c.halt()
}

// Start starts the server again on the same data folder, socket and port, and waits until it
// accepts connections.
func (p *Cluster) Start(t testing.TB) {
	t.Helper()
	if err := p.c.serve(); err != nil {
		t.Fatalf("pgtest: restarting PostgreSQL: %v", err)
	}
}

// Dump returns pg_dump's plain-text dump of the cluster's database.
func (p *Cluster) Dump(t testing.TB) string {
	t.Helper()
	return p.c.dump(t, p.DSN())
}

// Log returns what the server wrote to its log so far.
func (p *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.c.dir, "server.log"))
	return string(b)
}
