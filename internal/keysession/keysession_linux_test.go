package keysession

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// serve runs a session on a fresh profile folder in this process and returns the folder and a
// channel that yields Serve's result when it ends.
func serve(t *testing.T, cfg Config) (string, <-chan error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "profile")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg.Dir = dir
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- Serve(ctx, cfg, func() { close(ready) })
		close(done) // the cleanup waits, also when the test took the result
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	t.Cleanup(func() {
		cancel() // also for the sessions a test made unreachable (wrong ticket, refused peer)
		<-done
	})
	return dir, done
}

func testConfig() Config {
	return Config{Salt: []byte("0123456789abcdef"), Key: bytes.Repeat([]byte{7}, 32),
		Expires: time.Now().Add(time.Hour), Refuse: func(int) string { return "" }}
}

func TestKeyServedForItsSaltOnly(t *testing.T) {
	dir, _ := serve(t, testConfig())
	ctx := context.Background()
	if k := Key(ctx, dir, []byte("0123456789abcdef")); !bytes.Equal(k, bytes.Repeat([]byte{7}, 32)) {
		t.Fatalf("key = %x", k)
	}
	if k := Key(ctx, dir, []byte("another salt 012")); k != nil {
		t.Error("served the key for another salt (a rekeyed vault)")
	}
	for name, mode := range map[string]os.FileMode{SocketName: 0o600, TicketName: 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v, mode %v", name, err, fi.Mode().Perm())
		}
	}
	st, err := Query(ctx, dir)
	if err != nil || st.PID != os.Getpid() || st.Expires.IsZero() {
		t.Errorf("Query = %+v, %v", st, err)
	}
}

func TestWrongTicketAndRefusedPeerGetNothing(t *testing.T) {
	cfg := testConfig()
	dir, _ := serve(t, cfg)
	ctx := context.Background()
	if err := os.WriteFile(filepath.Join(dir, TicketName), []byte("guess\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if k := Key(ctx, dir, cfg.Salt); k != nil {
		t.Error("served the key for a wrong ticket")
	}
	if _, err := Query(ctx, dir); err == nil || err.Error() != "session: refused: wrong ticket" {
		t.Errorf("Query with a wrong ticket: %v", err)
	}

	cfg = testConfig()
	cfg.Refuse = func(int) string { return "inside a run" }
	dir2, _ := serve(t, cfg)
	if k := Key(ctx, dir2, cfg.Salt); k != nil {
		t.Error("served the key to a refused peer")
	}
	if _, err := Query(ctx, dir2); err == nil || err.Error() != "session: refused: inside a run" {
		t.Errorf("Query from a refused peer: %v", err)
	}
}

func TestLockEndsTheSessionAtOnce(t *testing.T) {
	cfg := testConfig()
	dir, done := serve(t, cfg)
	if err := Lock(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SocketName, TicketName} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s left after lock: %v", name, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if k := Key(context.Background(), dir, cfg.Salt); k != nil {
		t.Error("key served after lock")
	}
	if err := Lock(context.Background(), dir); !errors.Is(err, ErrNoSession) {
		t.Errorf("second lock: %v", err)
	}
}

// TestExpiryEndsTheSessionByItself: no command is needed for a session to end.
func TestExpiryEndsTheSessionByItself(t *testing.T) {
	cfg := testConfig()
	cfg.Expires = time.Now().Add(250 * time.Millisecond) // Serve starts at once: well before
	dir, done := serve(t, cfg)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the session outlived its expiry by a minute")
	}
	if _, err := os.Stat(filepath.Join(dir, SocketName)); !os.IsNotExist(err) {
		t.Errorf("socket left after expiry: %v", err)
	}
	if _, err := Query(context.Background(), dir); !errors.Is(err, ErrNoSession) {
		t.Errorf("Query after expiry: %v", err)
	}
}

func TestSecondSessionRefusedWhileOneLives(t *testing.T) {
	cfg := testConfig()
	dir, _ := serve(t, cfg)
	cfg2 := testConfig()
	cfg2.Dir = dir
	if err := Serve(context.Background(), cfg2, func() { t.Error("a second session listened") }); err == nil {
		t.Error("a second session started")
	}
	if k := Key(context.Background(), dir, cfg.Salt); k == nil {
		t.Error("the first session was disturbed")
	}
}

func TestOpenFolderRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.Dir = dir
	if err := Serve(context.Background(), cfg, func() { t.Error("listened in a folder others can read") }); err == nil {
		t.Error("served from a 0755 folder")
	}
}
