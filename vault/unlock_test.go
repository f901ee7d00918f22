package vault

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/keysession"
)

// TestUnlockSessionOpensThePassphraseVault: PassphraseSessionKey checks the passphrase against
// the vault; with its key in a session of the profile folder, the profile's key source opens
// the vault without asking for the passphrase; after the session ends it asks again.
func TestUnlockSessionOpensThePassphraseVault(t *testing.T) {
	cheapKDF(t) // serial: it changes a package variable the parallel tests read
	dir := filepath.Join(t.TempDir(), "pp")
	s, err := Open(dir, PassphraseKey(func() ([]byte, error) { return []byte("correct horse"), nil }))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	ctx := t.Context()
	if _, _, err := PassphraseSessionKey(ctx, dir, []byte("wrong")); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	salt, kek, err := PassphraseSessionKey(ctx, dir, []byte("correct horse"))
	if err != nil {
		t.Fatal(err)
	}

	asked := 0
	askedFor := func() ([]byte, error) { asked++; return nil, errors.New("no terminal") }
	sctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- keysession.Serve(sctx, keysession.Config{Dir: dir, Salt: salt, Key: kek, Expires: time.Now().Add(time.Hour),
			Refuse: func(int) string { return "" }}, func() { close(ready) })
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	s2, _ := Open(dir, ProfileKeySource(dir, askedFor))
	if d, err := s2.Load(ctx); err != nil || len(d.Connections()) != 1 || asked != 0 {
		t.Fatalf("unlocked load: %v (passphrase asked %d times)", err, asked)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s3, _ := Open(dir, ProfileKeySource(dir, askedFor))
	if _, err := s3.Load(ctx); err == nil || asked != 1 {
		t.Fatalf("locked load: %v (passphrase asked %d times)", err, asked)
	}
}

func TestUnlockRefusesOtherKeySources(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "kf")
	s, err := Open(dir, FileKey(filepath.Join(dir, KeyFileName)))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	if _, _, err := PassphraseSessionKey(t.Context(), dir, []byte("x")); err == nil {
		t.Error("unlocked a key-file vault")
	}
	if _, _, err := PassphraseSessionKey(t.Context(), filepath.Join(t.TempDir(), "none"), []byte("x")); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("no vault: %v", err)
	}
}
