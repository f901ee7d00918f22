package pgstore

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/vault"
)

func TestLockConnectionExclusiveAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	replicas := []*Store{openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)}
	var inside, entered atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		s := replicas[i%2]
		wg.Go(func() {
			unlock, err := s.LockConnection(ctx, "microsoft", "work")
			if err != nil {
				t.Error(err)
				return
			}
			if n := inside.Add(1); n != 1 {
				t.Errorf("%d holders of one connection's lock at once", n)
			}
			entered.Add(1)
			// Another connection's lock is independent of this one.
			other, err := s.LockConnection(ctx, "microsoft", "home")
			if err != nil {
				t.Error(err)
			} else {
				other()
			}
			inside.Add(-1)
			unlock()
			unlock() // idempotent
		})
	}
	wg.Wait()
	if entered.Load() != 8 {
		t.Fatalf("%d of 8 lockers got the lock", entered.Load())
	}
}

func TestLockConnectionWaitsForHolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a, b := openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)
	db := connect(t, dsn)
	unlock, err := a.LockConnection(ctx, "microsoft", "work")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := b.LockConnection(ctx, "microsoft", "work")
		if err == nil {
			u()
		}
		got <- err
	}()
	waitFor(t, "the second replica to wait for the lock", func() bool { return advisoryWaiters(t, db) == 1 })
	select {
	case err := <-got:
		t.Fatalf("second replica got the lock while it was held (%v)", err)
	default:
	}
	unlock()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// A waiter whose context ends gives up without the lock.
	unlock, _ = a.LockConnection(ctx, "microsoft", "work")
	defer unlock()
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		waitFor(t, "a waiter", func() bool { return advisoryWaiters(t, db) == 1 })
		cancel()
	}()
	if _, err := b.LockConnection(cctx, "microsoft", "work"); err == nil {
		t.Fatal("a cancelled waiter got the lock")
	}
}

// advisoryWaiters counts the sessions waiting for an advisory lock.
func advisoryWaiters(t *testing.T, db *pgx.Conn) int {
	var n int
	if err := db.QueryRow(context.Background(),
		"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond for up to 30 s (a bound for a stuck test, not a timing under test).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

func TestLockReleasedByKilledHolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	s := openStore(t, dsn, "default", key)
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), envHolderDSN+"="+dsn, envHolderKey+"="+key)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("child said %q", line)
	}
	var free bool
	if err := connect(t, dsn).QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockKey("default", "microsoft", "work")).Scan(&free); err != nil || free {
		t.Fatalf("the child's lock is free (%v, %v)", free, err)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	lctx, cancel := context.WithTimeout(ctx, 30*time.Second) // a bound for a stuck test
	defer cancel()
	unlock, err := s.LockConnection(lctx, "microsoft", "work")
	if err != nil {
		t.Fatalf("lock after its holder was killed: %v", err)
	}
	unlock()
}

func TestVersionSeenByOtherReplicaViaNotify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a, b := openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)
	db := connect(t, dsn)
	listeners := func() (n int) {
		if err := db.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
			listenerName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// A Store listens from its first Version on: until then it needs no LISTEN connection.
	if n := listeners(); n != 0 {
		t.Fatalf("%d listeners before any Version, want none", n)
	}
	b.Version(ctx)
	waitFor(t, "the listener", b.ver.listening.Load)
	if n := listeners(); n != 1 {
		t.Fatalf("%d listeners after one Store's Version, want 1", n)
	}
	before, err := b.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, sample())
	// Answered from memory while the listener is up: only NOTIFY can change it.
	waitFor(t, "the other replica to see the new version", func() bool {
		v, _ := b.Version(ctx)
		return v != before || !b.ver.listening.Load()
	})
	if !b.ver.listening.Load() {
		t.Fatal("the listener went down")
	}

	// A listener whose session ends comes back and catches up.
	var terminated bool
	if err := db.QueryRow(ctx, "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
		listenerName).Scan(&terminated); err != nil || !terminated {
		t.Fatalf("terminating the listeners: %v, %v", terminated, err)
	}
	waitFor(t, "the listener to go down", func() bool { return !b.ver.listening.Load() })
	before, _ = b.Version(ctx) // asks the database meanwhile
	put(t, a, &vault.Data{Providers: map[string]*vault.ProviderState{"x": {Connections: map[string]*vault.Connection{"z": {Provider: "x", Name: "z"}}}}})
	waitFor(t, "the listener to come back", b.ver.listening.Load)
	// It may have come back before the write committed: its NOTIFY then follows.
	waitFor(t, "the version to change after the listener came back", func() bool {
		v, _ := b.Version(ctx)
		return v != before
	})

	// With the listener down, Version asks the database.
	b.stopListener()
	v1, _ := b.Version(ctx)
	put(t, a, &vault.Data{Providers: map[string]*vault.ProviderState{"x": {Connections: map[string]*vault.Connection{"y": {Provider: "x", Name: "y"}}}}})
	if v2, err := b.Version(ctx); err != nil || v2 == v1 {
		t.Fatalf("Version without a listener = %s, %v; want a change from %s", v2, err, v1)
	}
}

func TestRekey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a, other := openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)
	put(t, a, sample())
	db := connect(t, dsn)
	sealed := func() []byte {
		var b []byte
		db.QueryRow(ctx, "SELECT string_agg(sealed, '' ORDER BY provider, name) FROM connections").Scan(&b)
		return b
	}
	before := sealed()
	newKey := keyFile(t)
	if err := a.Rekey(ctx, vault.FileKey(newKey)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sealed(), before) {
		t.Error("Rekey re-sealed the records instead of rewrapping their keys")
	}
	if got := mustLoad(t, a); len(got.Connections()) != 3 {
		t.Fatalf("after Rekey: %d connections", len(got.Connections()))
	}
	if _, err := other.Load(ctx); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("a replica with the old key loads: %v", err)
	}
	if err := other.Update(ctx, func(*vault.Data) error { return nil }); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("a replica with the old key updates: %v", err)
	}
	if _, err := Open(ctx, dsn, "default", vault.FileKey(key)); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("Open with the old key: %v", err)
	}
	fresh := openStore(t, dsn, "default", newKey)
	if c, ok := mustLoad(t, fresh).Connection("microsoft", "work"); !ok || c.RefreshToken != "rt-SECRET-refresh" {
		t.Fatalf("with the new key: %v", c)
	}
	if testing.Short() {
		return // the passphrase's argon2id derivations are slow under -race
	}
	pass := vault.PassphraseKey(func() ([]byte, error) { return []byte("correct horse battery"), nil })
	if err := fresh.Rekey(ctx, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dsn, "default", vault.PassphraseKey(func() ([]byte, error) { return []byte("wrong"), nil })); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("Open with a wrong passphrase: %v", err)
	}
	reopened, err := Open(ctx, dsn, "default", vault.PassphraseKey(func() ([]byte, error) { return []byte("correct horse battery"), nil }))
	if err != nil {
		t.Fatalf("Open with the passphrase: %v", err)
	}
	defer reopened.Close()
	if c, ok := mustLoad(t, reopened).Connection("openai", "default"); !ok || c.APIKey != "sk-SECRET-apikey" {
		t.Fatalf("with the passphrase: %v", c)
	}
}

func TestDumpHoldsNoSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	s := openStore(t, dsn, "default", key)
	put(t, s, sample())
	if err := s.Rekey(ctx, vault.FileKey(keyFile(t))); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, AuditRecord{Kind: "refresh", Provider: "microsoft", Connection: "work", Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	dump := pgtest.Dump(t, dsn)
	for _, table := range []string{"profiles", "providers", "connections", "oauth_clients", "provider_overrides", "audit_log"} {
		if !strings.Contains(dump, "COPY public."+table+" ") {
			t.Errorf("the dump misses table %s", table)
		}
	}
	for _, secret := range secrets {
		for _, form := range []string{secret, hex.EncodeToString([]byte(secret)), base64.StdEncoding.EncodeToString([]byte(secret))} {
			if strings.Contains(strings.ToLower(dump), strings.ToLower(form)) {
				t.Errorf("the dump holds %q in clear", secret)
			}
		}
	}
	if !strings.Contains(dump, "refresh") {
		t.Error("the dump misses the audit log")
	}
}
