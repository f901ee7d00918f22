package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/vault"
)

func TestCRUD(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a := openStore(t, dsn, "default", key)
	d, err := a.Load(ctx)
	if err != nil || len(d.Providers) != 0 {
		t.Fatalf("empty Load = %+v, %v", d, err)
	}
	v0, _ := a.Version(ctx)
	put(t, a, sample())

	b := openStore(t, dsn, "default", key) // another replica
	got, err := b.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Load on the other handle (-want +got):\n%s", diff)
	}
	if v1, _ := a.Version(ctx); v1 == v0 {
		t.Errorf("version %s unchanged by a write", v1)
	}

	// A no-op Update writes nothing and keeps the version.
	v1, _ := a.Version(ctx)
	if err := a.Update(ctx, func(*vault.Data) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Version(ctx); v != v1 {
		t.Errorf("no-op Update changed the version %s → %s", v1, v)
	}

	// fn's error commits nothing.
	boom := errors.New("boom")
	err = a.Update(ctx, func(d *vault.Data) error {
		d.Delete("microsoft", "work")
		return boom
	})
	if err != boom {
		t.Fatalf("Update error = %v, want fn's", err)
	}
	if _, ok := mustLoad(t, b).Connection("microsoft", "work"); !ok {
		t.Fatal("a failed Update deleted a connection")
	}

	// Delete, default, client removal, a whole provider's removal.
	err = b.Update(ctx, func(d *vault.Data) error {
		d.Delete("microsoft", "work")
		d.SetClient("microsoft", nil)
		d.Delete("openai", "default")
		c, _ := d.Connection("microsoft", "home")
		c.AccessToken = "at-new"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got = mustLoad(t, a)
	if len(got.Providers) != 1 || got.Providers["microsoft"].Default != "home" || got.Providers["microsoft"].Client != nil {
		t.Fatalf("after deletes: %+v", got.Providers)
	}
	if c, _ := got.Connection("microsoft", ""); c.AccessToken != "at-new" || c.RefreshToken != "rt-SECRET-home" {
		t.Fatalf("changed connection = %v", c)
	}
}

func mustLoad(t *testing.T, s *Store) *vault.Data {
	t.Helper()
	d, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestProfilesAreSeparate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a := openStore(t, dsn, "default", key)
	b := openStore(t, dsn, "work", keyFile(t))
	put(t, a, sample())
	if d := mustLoad(t, b); len(d.Providers) != 0 {
		t.Fatalf("profile work sees %d providers of default", len(d.Providers))
	}
	if _, err := Open(ctx, dsn, "Bad Name", vault.FileKey(key)); !errors.Is(err, vault.ErrInvalidProfileName) {
		t.Errorf("bad profile name: %v", err)
	}
}

func TestConcurrentUpdatesAcrossReplicasLoseNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	replicas := []*Store{openStore(t, dsn, "default", key), openStore(t, dsn, "default", key)}
	const perReplica = 15
	var wg sync.WaitGroup
	errs := make(chan error, 2*perReplica)
	for r, s := range replicas {
		for i := range perReplica {
			wg.Go(func() {
				errs <- s.Update(ctx, func(d *vault.Data) error {
					c, ok := d.Connection("microsoft", "counter")
					if !ok {
						c = &vault.Connection{Provider: "microsoft", Name: "counter", Metadata: map[string]string{"n": "0"}}
						d.Put(c)
					}
					var n int
					fmt.Sscan(c.Metadata["n"], &n)
					c.Metadata["n"] = fmt.Sprint(n + 1)
					return d.Put(&vault.Connection{Provider: "microsoft", Name: fmt.Sprintf("r%d-%d", r, i)})
				})
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	d := mustLoad(t, replicas[0])
	c, _ := d.Connection("microsoft", "counter")
	if c.Metadata["n"] != fmt.Sprint(2*perReplica) || len(d.Providers["microsoft"].Connections) != 2*perReplica+1 {
		t.Fatalf("counter %s, %d connections; want %d and %d", c.Metadata["n"], len(d.Providers["microsoft"].Connections), 2*perReplica, 2*perReplica+1)
	}
}

func TestConcurrentOpensMigrateOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := pgtest.Start(t), keyFile(t) // an empty database: the Opens migrate it
	var wg sync.WaitGroup
	stores := make([]*Store, 5)
	errs := make([]error, 5)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, dsn, "default", vault.FileKey(key)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	steps, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	conn := connect(t, dsn)
	var n, last int
	if err := conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &last); err != nil {
		t.Fatal(err)
	}
	if n != len(steps) || last != steps[len(steps)-1].version {
		t.Fatalf("schema_migrations has %d rows up to %d; want %d up to %d", n, last, len(steps), steps[len(steps)-1].version)
	}
	// Every replica reads and writes with the key recorded once.
	put(t, stores[3], sample())
	if _, ok := mustLoad(t, stores[1]).Connection("openai", "default"); !ok {
		t.Fatal("a replica does not see another's write")
	}
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestWrongKey(t *testing.T) {
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	put(t, openStore(t, dsn, "default", key), sample())
	if _, err := Open(ctx, dsn, "default", vault.FileKey(keyFile(t))); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("Open with another key file: %v, want ErrWrongKey", err)
	}
	t.Setenv("PGSTORE_TEST_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if _, err := Open(ctx, dsn, "default", vault.EnvKeyFrom("PGSTORE_TEST_KEY")); !errors.Is(err, vault.ErrWrongKey) {
		t.Errorf("Open with another kind of key: %v, want ErrWrongKey", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	openStore(t, dsn, "default", key)
	if _, err := connect(t, dsn).Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future.sql')"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, dsn, "default", vault.FileKey(key)); err == nil || !strings.Contains(err.Error(), "upgrade authsome") {
		t.Fatalf("Open on a newer schema: %v", err)
	}
}
