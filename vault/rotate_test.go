package vault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// profileWithKeyFile is a profile folder as the CLI makes it with AUTHSOME_KEYRING=off: the
// key in master.key beside the vault, one connection stored.
func profileWithKeyFile(t *testing.T) (dir, keyPath string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "profiles", "default")
	keyPath = filepath.Join(dir, KeyFileName)
	s, err := Open(dir, FileKey(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	return dir, keyPath
}

// opensIntact opens the profile as a new process would and checks its connection.
func opensIntact(t *testing.T, dir, keyPath string) {
	t.Helper()
	s, err := Open(dir, FileKey(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Load(t.Context())
	if err != nil {
		t.Fatalf("the profile does not open: %v", err)
	}
	if c, ok := d.Connection("p", "a"); !ok || c.AccessToken != "1" {
		t.Fatal("the profile opens but its connection is gone")
	}
}

// rotateAgain rotates the profile's key once more and checks that it still opens.
func rotateAgain(t *testing.T, dir, keyPath string) {
	t.Helper()
	s, err := Open(dir, FileKey(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RotateKey(t.Context()); err != nil {
		t.Fatalf("rotating again: %v", err)
	}
	opensIntact(t, dir, keyPath)
}

// noKeyLeftovers fails if a staged key or a temporary copy of key material is left in dir
// (with all, any temp file).
func noKeyLeftovers(t *testing.T, dir string, all bool) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		if n == KeyFileName+stagedSuffix || strings.Contains(n, ".tmp-") && (all || strings.Contains(n, KeyFileName)) {
			t.Errorf("%s left in the profile folder", n)
		}
	}
}

// A rotation that died after re-encrypting the vault but before moving the new key into place
// (the state `cp master.key old; authsome rekey; mv master.key master.key.next; cp old
// master.key`): the next open finishes it.
func TestOpenFinishesCommittedRotation(t *testing.T) {
	dir, keyPath := profileWithKeyFile(t)
	old := readFile(t, keyPath)
	s, _ := Open(dir, FileKey(keyPath))
	if err := s.RotateKey(t.Context()); err != nil {
		t.Fatal(err)
	}
	newKey := readFile(t, keyPath)
	if err := os.Rename(keyPath, keyPath+stagedSuffix); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, old, 0o600); err != nil {
		t.Fatal(err)
	}

	opensIntact(t, dir, keyPath)
	if !bytes.Equal(readFile(t, keyPath), newKey) {
		t.Error("master.key does not hold the key that opens the vault")
	}
	noKeyLeftovers(t, dir, true)
	opensIntact(t, dir, keyPath) // and it stays repaired
}

// A rotation that died before its commit point left a staged key that opens nothing and
// temporary copies of key material: the next open removes them and keeps the old key.
func TestOpenDiscardsUncommittedRotation(t *testing.T) {
	dir, keyPath := profileWithKeyFile(t)
	old := readFile(t, keyPath)
	if _, err := FileKey(keyPath+stagedSuffix).Key(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{".master.key.next.tmp-123", ".master.key.tmp-456"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(encodeKey(randomBytes(keySize))+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	opensIntact(t, dir, keyPath)
	if !bytes.Equal(readFile(t, keyPath), old) {
		t.Error("master.key changed")
	}
	noKeyLeftovers(t, dir, true)
	rotateAgain(t, dir, keyPath)
}

// A rotation killed at any of its steps leaves a profile that opens, with the old key or the
// new one, and no staged key or key temp file once opened; rotating again works.
func TestRotateKeyCrashAtEveryStep(t *testing.T) {
	skipNoExec(t)
	for _, point := range []string{
		"temp master.key.next",    // staged key written to a temp file
		"created master.key.next", // staged key in place, its temp file not yet removed
		"staged",
		"temp vault.json",    // re-encrypted vault in a temp file
		"renamed vault.json", // commit point passed
		"committed",
		"promoted",
	} {
		t.Run(strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
			dir, keyPath := profileWithKeyFile(t)
			old := readFile(t, keyPath)
			err := childCmd(t, "rotate", dir, keyPath, "VT_CRASH_AT="+point).Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != crashedExit {
				t.Fatalf("the rotation did not stop at %q: %v", point, err)
			}
			staged, _ := os.ReadFile(keyPath + stagedSuffix)

			opensIntact(t, dir, keyPath)
			if k := readFile(t, keyPath); !bytes.Equal(k, old) && staged != nil && !bytes.Equal(k, staged) {
				t.Error("master.key holds neither the old nor the staged key")
			}
			noKeyLeftovers(t, dir, false)
			rotateAgain(t, dir, keyPath)
			noKeyLeftovers(t, dir, true)
		})
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
	// The next open finishes it: the staged key moves to the profile's account.
	again, _ := Open(dir, KeyringKey("acct"))
	if d, err := again.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("open after an interrupted keyring rotation: %v", err)
	}
	if _, err := keyring.Get(KeyringService, "acct.next"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("open left the staged entry")
	}
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

// setFailAt makes the step named point fail with errInjected for the rest of the test.
func setFailAt(t *testing.T, point string) {
	t.Cleanup(func() { failAt = nil })
	failAt = func(p string) error {
		if p == point {
			return errInjected
		}
		return nil
	}
}

var errInjected = errors.New("injected failure")

// A step of RotateKey that fails, before or after the commit point (the vault written but its
// folder not synced), leaves the profile opening with the key file and no staged key.
func TestRotateKeyFailureAtEveryStep(t *testing.T) {
	for _, point := range []string{
		"temp master.key.next", "created master.key.next", "staged",
		"temp vault.json", "renamed vault.json", "committed", "promoted",
	} {
		t.Run(strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
			dir, keyPath := profileWithKeyFile(t)
			s, _ := Open(dir, FileKey(keyPath))
			setFailAt(t, point)
			if err := s.RotateKey(t.Context()); !errors.Is(err, errInjected) {
				t.Fatalf("RotateKey with a failure at %q: %v", point, err)
			}
			noKeyLeftovers(t, dir, true) // before any other read could settle the rotation
			failAt = nil
			opensIntact(t, dir, keyPath)
			s.mu.Lock()
			s.cache.dataKey = nil // make the store that failed fetch its key again
			s.mu.Unlock()
			put(t, s, "p", "b", "2") // and keep working
			rotateAgain(t, dir, keyPath)
		})
	}
}

func TestRotateKeyKeyringFailureAtEveryStep(t *testing.T) {
	keyring.MockInit()
	for _, point := range []string{"staged", "temp vault.json", "renamed vault.json", "committed", "promoted"} {
		t.Run(strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "rk")
			s, _ := Open(dir, KeyringKey("acct-"+point))
			put(t, s, "p", "a", "1")
			setFailAt(t, point)
			if err := s.RotateKey(t.Context()); !errors.Is(err, errInjected) {
				t.Fatalf("RotateKey with a failure at %q: %v", point, err)
			}
			if _, err := keyring.Get(KeyringService, "acct-"+point+stagedSuffix); !errors.Is(err, keyring.ErrNotFound) {
				t.Error("staged keyring entry left behind")
			}
			failAt = nil
			fresh, _ := Open(dir, KeyringKey("acct-"+point))
			if d, err := fresh.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
				t.Fatalf("open after the failed rotation: %v", err)
			}
		})
	}
}
