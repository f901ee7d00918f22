package pgstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/vault"
)

// Environment of the child process that holds a connection lock (TestLockReleasedByKilledHolder).
const (
	envHolderDSN = "PGSTORE_TEST_HOLDER_DSN"
	envHolderKey = "PGSTORE_TEST_HOLDER_KEY"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envHolderDSN); dsn != "" {
		holdLock(dsn, os.Getenv(envHolderKey))
	}
	os.Exit(pgtest.Main(m))
}

// holdLock is the child: it takes the lock of microsoft/work, says so, and waits to be killed.
func holdLock(dsn, keyFile string) {
	ctx := context.Background()
	s, err := Open(ctx, dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	if _, err := s.LockConnection(ctx, "microsoft", "work"); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	w.WriteString("locked\n")
	w.Flush()
	select {}
}

// StartMigrated returns a new database that already holds the store's schema: a copy of a
// template database migrated once per test binary, cheaper for the server than migrating each
// test's database. Open still runs migrate on it (with nothing left to do); the tests of
// migrating itself (TestConcurrentOpensMigrateOnce) start from an empty database.
func StartMigrated(t testing.TB) string {
	t.Helper()
	return pgtest.StartFrom(t, "pgstore", func(ctx context.Context, dsn string) error {
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return err
		}
		defer pool.Close()
		_, err = migrate(ctx, pool)
		return err
	})
}

// keyFile returns the path of a fresh key file source's file in a test folder.
func keyFile(t *testing.T) string {
	return filepath.Join(t.TempDir(), "store.key")
}

func openStore(t *testing.T, dsn, profile, key string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, profile, vault.FileKey(key))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// sample is a profile's content with every kind of secret.
func sample() *vault.Data {
	d := &vault.Data{}
	d.Put(&vault.Connection{Provider: "microsoft", Name: "work", Flow: "device_code",
		AccessToken: "at-SECRET-access", RefreshToken: "rt-SECRET-refresh", IDToken: "id-SECRET-token",
		Scopes: []string{"Mail.Read"}, Status: vault.StatusConnected, Account: vault.Account{Username: "a@example.com"}})
	d.Put(&vault.Connection{Provider: "microsoft", Name: "home", RefreshToken: "rt-SECRET-home"})
	d.Put(&vault.Connection{Provider: "openai", Name: "default", AuthType: "api_key", APIKey: "sk-SECRET-apikey"})
	d.SetClient("microsoft", &vault.Client{ClientID: "client-1", ClientSecret: "cs-SECRET-client"})
	return d
}

// secrets are the secret strings of sample.
var secrets = []string{"at-SECRET-access", "rt-SECRET-refresh", "id-SECRET-token", "rt-SECRET-home", "sk-SECRET-apikey", "cs-SECRET-client"}

func put(t *testing.T, s *Store, d *vault.Data) {
	t.Helper()
	err := s.Update(context.Background(), func(cur *vault.Data) error {
		for _, c := range d.Connections() {
			cur.Put(c)
		}
		for pn, p := range d.Providers {
			if p.Client != nil {
				cur.SetClient(pn, p.Client)
			}
			cur.SetDefault(pn, p.Default)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}
