package vault

import (
	"os"
	"sync/atomic"
	"testing"
)

// TestProfileKeySourceLeavesKeyringAlone: a profile without a vault, or whose vault is keyed by
// a file, never calls the OS keyring (D-Bus on Linux) to open or read; and a Store reads the
// vault file once per Load, the key source settling from that read.
func TestProfileKeySourceLeavesKeyringAlone(t *testing.T) {
	t.Setenv(EnvMasterKey, "") // restored after the test
	os.Unsetenv(EnvMasterKey)
	t.Setenv(EnvKeyring, "")
	old := keyringGet
	t.Cleanup(func() { keyringGet = old })
	var calls atomic.Int64
	keyringGet = func(string, string) (string, error) { calls.Add(1); return "", os.ErrPermission }

	dir := Home{Dir: t.TempDir()}.ProfileDir("default")
	s, err := Open(dir, ProfileKeySource(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(t.Context()); err != nil { // no vault yet
		t.Fatal(err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d keyring calls for a profile without a vault", n)
	}

	// Written with a key file (the keyring fails), then read by a fresh store.
	put(t, s, "p", "a", "1")
	if s.KeySourceName() != "file" {
		t.Fatalf("source = %s", s.KeySourceName())
	}
	calls.Store(0)
	var reads atomic.Int64
	t.Cleanup(SetReadHook(func(string) { reads.Add(1) }))
	s2, err := Open(dir, ProfileKeySource(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := s2.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("Load: %v", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d keyring calls for a file-keyed vault", n)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads of the vault file, want 1", n)
	}
}
