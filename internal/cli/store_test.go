package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

func TestStoreMigrate(t *testing.T) {
	home := testEnv(t)
	dsn := pgtest.Start(t)
	t.Setenv(envStoreKey, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	key1, key2 := "sk-"+strings.Repeat("a", 24), "sk-"+strings.Repeat("b", 24)
	wantCode(t, run(t, key1+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	if err := os.MkdirAll(filepath.Join(home, "providers"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "providers", "acme.json"), []byte(`{"name": "acme"}`), 0o600); err != nil {
		t.Fatal(err)
	}

	migrate := func(extra ...string) (migrateReport, result) {
		t.Helper()
		r := runHome(t, home, append([]string{"store", "migrate", "--to", dsn, "--json"}, extra...)...)
		var rep migrateReport
		if r.code == exitOK {
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("--json output %q: %v", r.stdout, err)
			}
		}
		return rep, r
	}
	rep, r := migrate()
	wantCode(t, r, exitOK)
	if want := []string{"connection openai/default", "default openai", "provider file acme.json"}; !slices.Equal(rep.Copied, want) {
		t.Fatalf("first migrate copied %v, want %v", rep.Copied, want)
	}
	if strings.Contains(r.stdout+r.stderr, key1) {
		t.Fatal("migrate printed the API key")
	}

	rep, r = migrate() // idempotent
	wantCode(t, r, exitOK)
	if len(rep.Copied) != 0 || len(rep.Overwritten) != 0 || len(rep.Unchanged) != 3 {
		t.Fatalf("second migrate: %+v", rep)
	}

	wantCode(t, run(t, key2+"\n", "--home", home, "login", "openai", "--api-key-stdin", "--force"), exitOK)
	_, r = migrate()
	wantCode(t, r, exitAlreadyExists)
	if !strings.Contains(r.stderr, "connection openai/default") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("conflict error %q", r.stderr)
	}
	if got := storeAPIKey(t, dsn); got != key1 {
		t.Fatal("a refused migrate changed the store")
	}
	rep, r = migrate("--force")
	wantCode(t, r, exitOK)
	if !slices.Equal(rep.Overwritten, []string{"connection openai/default"}) {
		t.Fatalf("--force overwrote %v", rep.Overwritten)
	}
	if got := storeAPIKey(t, dsn); got != key2 {
		t.Fatal("--force did not replace the connection")
	}

	r = runHome(t, home, "store", "migrate", "--to", dsn, "--key", "file:"+filepath.Join(t.TempDir(), "other.key"))
	if r.code == exitOK || !strings.Contains(r.stderr, "wrong key") {
		t.Errorf("another key: exit %d, %q", r.code, r.stderr)
	}
	wantCode(t, runHome(t, home, "store", "migrate"), exitUsage)

	newKey := filepath.Join(t.TempDir(), "new.key")
	r = runHome(t, home, "--json", "store", "rekey", "--to", dsn, "--new-key", "file:"+newKey)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"key_source": "file"`) {
		t.Errorf("rekey --json: %q", r.stdout)
	}
	if _, err := pgstore.Open(context.Background(), dsn, vault.DefaultProfile, vault.EnvKeyFrom(envStoreKey)); !errors.Is(err, vault.ErrWrongKey) {
		t.Fatalf("the old key after rekey: %v", err)
	}
	s, err := pgstore.Open(context.Background(), dsn, vault.DefaultProfile, vault.FileKey(newKey))
	if err != nil {
		t.Fatalf("the new key: %v", err)
	}
	defer s.Close()
	if d, err := s.Load(context.Background()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("after rekey: %v", err)
	}
}

// storeAPIKey reads the openai connection's API key from the store.
func storeAPIKey(t *testing.T, dsn string) string {
	t.Helper()
	s, err := pgstore.Open(context.Background(), dsn, vault.DefaultProfile, vault.EnvKeyFrom(envStoreKey))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := d.Connection("openai", "default")
	return c.APIKey
}
