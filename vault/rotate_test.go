package vault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestRotateKeyFile(t *testing.T) {
	s, keyPath := newStore(t)
	put(t, s, "p", "a", "1")
	oldKey := readFile(t, keyPath)
	if err := s.RotateKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(oldKey, readFile(t, keyPath)) {
		t.Fatal("key file unchanged")
	}
	if _, err := os.Stat(keyPath + ".next"); !os.IsNotExist(err) {
		t.Fatal("staged key left behind")
	}
	fresh, _ := Open(s.Dir(), FileKey(keyPath))
	if d, err := fresh.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("after rotation: %v", err)
	}
	put(t, s, "p", "b", "2") // the rotating store keeps working
}

// A crash between re-encrypting and moving the staged key into place
// leaves the only working key in master.key.next; rotating again must
// finish that move, never delete it.
func TestRotateKeyFileRecoversStagedKey(t *testing.T) {
	s, keyPath := newStore(t)
	put(t, s, "p", "a", "1")
	next := FileKey(keyPath + ".next")
	if err := s.Rekey(t.Context(), next); err != nil { // "crash" before the rename
		t.Fatal(err)
	}
	again, _ := Open(s.Dir(), FileKey(keyPath))
	if _, err := again.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("setup: %v", err)
	}
	if err := again.RotateKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	fresh, _ := Open(s.Dir(), FileKey(keyPath))
	if d, err := fresh.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("data lost: %v", err)
	}

	// A stale staged key (one that does not open the vault) is discarded.
	stale := FileKey(keyPath + ".next")
	stale.Key(t.Context(), true)
	if err := fresh.RotateKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d, err := fresh.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("after stale staged key: %v", err)
	}
}

func TestRotateKeyKeyring(t *testing.T) {
	keyring.MockInit()
	dir := filepath.Join(t.TempDir(), "rk")
	s, _ := Open(dir, KeyringKey("acct"))
	put(t, s, "p", "a", "1")
	before, _ := keyring.Get(KeyringService, "acct")
	// Interrupted rotation: the vault is under the staged account only.
	if err := s.Rekey(t.Context(), KeyringKey("acct.next")); err != nil {
		t.Fatal(err)
	}
	again, _ := Open(dir, KeyringKey("acct"))
	if err := again.RotateKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	after, _ := keyring.Get(KeyringService, "acct")
	if after == before {
		t.Fatal("keyring key unchanged")
	}
	if _, err := keyring.Get(KeyringService, "acct.next"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("staged entry left behind")
	}
	fresh, _ := Open(dir, KeyringKey("acct"))
	if d, err := fresh.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("data lost: %v", err)
	}
}

func TestRotateKeyRefusesEnv(t *testing.T) {
	t.Setenv(EnvMasterKey, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32)))
	s, _ := Open(filepath.Join(t.TempDir(), "e"), EnvKey())
	put(t, s, "p", "a", "1")
	if err := s.RotateKey(t.Context()); err == nil {
		t.Fatal("env key rotated in place")
	}
	t.Setenv("AUTHSOME_NEW_MASTER_KEY", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{4}, 32)))
	if err := s.Rekey(t.Context(), EnvKeyFrom("AUTHSOME_NEW_MASTER_KEY")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvMasterKey, os.Getenv("AUTHSOME_NEW_MASTER_KEY"))
	fresh, _ := Open(s.Dir(), EnvKey())
	if _, err := fresh.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
}
