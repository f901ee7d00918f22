package vault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

func TestEnvKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 11)[:32] // has '+' '/' vs '-' '_' differences
	good := map[string]string{
		"std":        base64.StdEncoding.EncodeToString(raw),
		"raw std":    base64.RawStdEncoding.EncodeToString(raw),
		"url":        base64.URLEncoding.EncodeToString(raw),
		"raw url":    base64.RawURLEncoding.EncodeToString(raw),
		"whitespace": "  " + base64.StdEncoding.EncodeToString(raw) + "\n",
	}
	for name, v := range good {
		t.Run(name, func(t *testing.T) {
			t.Setenv(EnvMasterKey, v)
			k, err := EnvKey().Key(t.Context(), false)
			if err != nil || !bytes.Equal(k, raw) {
				t.Fatalf("key=%x err=%v", k, err)
			}
		})
	}
	bad := map[string]string{
		"bad base64":  "not base64 at all!!",
		"short":       base64.StdEncoding.EncodeToString(raw[:16]),
		"long":        base64.StdEncoding.EncodeToString(append(raw, 1)),
		"mixed chars": "+/-_" + base64.StdEncoding.EncodeToString(raw)[4:],
	}
	for name, v := range bad {
		t.Run(name, func(t *testing.T) {
			t.Setenv(EnvMasterKey, v)
			_, err := EnvKey().Key(t.Context(), true)
			if err == nil || !strings.Contains(err.Error(), EnvMasterKey) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(err.Error(), v) {
				t.Fatal("error echoes the value")
			}
		})
	}
	t.Run("length message", func(t *testing.T) {
		t.Setenv(EnvMasterKey, base64.StdEncoding.EncodeToString(raw[:16]))
		_, err := EnvKey().Key(t.Context(), false)
		if !strings.Contains(err.Error(), "must be 32 bytes, got 16") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unset", func(t *testing.T) {
		t.Setenv(EnvMasterKey, "")
		os.Unsetenv(EnvMasterKey)
		if _, err := EnvKey().Key(t.Context(), true); !errors.Is(err, ErrKeyNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	if EnvKey().Name() != "env" {
		t.Fatal("name")
	}
}

func TestEnvStore(t *testing.T) {
	t.Setenv(EnvMasterKey, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)))
	dir := filepath.Join(t.TempDir(), "e")
	s, err := Open(dir, nil) // default source: env wins
	if err != nil {
		t.Fatal(err)
	}
	if s.KeySourceName() != "env" {
		t.Fatalf("source = %s", s.KeySourceName())
	}
	put(t, s, "p", "a", "1")
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Fatal("key file created for env source")
	}
	// Without the variable, the default source follows the header and says what is missing.
	os.Unsetenv(EnvMasterKey)
	s2, _ := Open(dir, nil)
	_, err = s2.Load(t.Context())
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "AUTHSOME_MASTER_KEY is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestFileKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "master.key")
	fk := FileKey(path)
	if _, err := fk.Key(t.Context(), false); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("missing: %v", err)
	}
	k1, err := fk.Key(t.Context(), true)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	k2, err := FileKey(path).Key(t.Context(), true)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("second call did not return the same key")
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %04o", st.Mode().Perm())
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %04o", st.Mode().Perm())
	}
	// The file is base64 text usable as AUTHSOME_MASTER_KEY.
	b, _ := os.ReadFile(path)
	if got, err := decodeKey(string(b)); err != nil || !bytes.Equal(got, k1) {
		t.Fatal("file is not base64 of the key")
	}
	// A group/world-readable key file is refused.
	os.Chmod(path, 0o644)
	if _, err := fk.Key(t.Context(), false); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("loose mode: %v", err)
	}
	os.Chmod(path, 0o600)
	// A damaged key file is reported, not replaced.
	os.WriteFile(path, []byte("short"), 0o600)
	if _, err := fk.Key(t.Context(), true); err == nil {
		t.Fatal("damaged key accepted")
	}
	if b, _ := os.ReadFile(path); string(b) != "short" {
		t.Fatal("damaged key replaced")
	}
}

func TestFileKeyConcurrentCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	keys := make(chan []byte, 8)
	for range 8 {
		go func() {
			k, err := FileKey(path).Key(t.Context(), true)
			if err != nil {
				t.Error(err)
			}
			keys <- k
		}()
	}
	first := <-keys
	for range 7 {
		if k := <-keys; !bytes.Equal(k, first) {
			t.Fatal("concurrent creators got different keys")
		}
	}
}

func TestKeyringKey(t *testing.T) {
	keyring.MockInit()
	ks := KeyringKey("acct")
	if ks.Name() != "keyring" {
		t.Fatal("name")
	}
	if _, err := ks.Key(t.Context(), false); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("missing: %v", err)
	}
	k1, err := ks.Key(t.Context(), true)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %v", err)
	}
	k2, err := KeyringKey("acct").Key(t.Context(), false)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("different key on second read")
	}
	stored, _ := keyring.Get(KeyringService, "acct")
	if got, _ := decodeKey(stored); !bytes.Equal(got, k1) {
		t.Fatal("keyring holds something other than the key")
	}
	keyring.Set(KeyringService, "bad", "xyz")
	if _, err := KeyringKey("bad").Key(t.Context(), false); err == nil {
		t.Fatal("invalid entry accepted")
	}

	// Store round trip through the keyring.
	s, _ := Open(filepath.Join(t.TempDir(), "kr"), KeyringKey("acct2"))
	put(t, s, "p", "a", "1")
	s2, _ := Open(s.Dir(), KeyringKey("acct2"))
	if _, err := s2.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	s3, _ := Open(s.Dir(), KeyringKey("other"))
	if _, err := s3.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other account: %v", err)
	}
}

func TestKeyringTimeout(t *testing.T) {
	old, oldT := keyringGet, keyringTimeout
	t.Cleanup(func() { keyringGet, keyringTimeout = old, oldT })
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	keyringGet = func(string, string) (string, error) { <-release; return "", nil }
	keyringTimeout = 50 * time.Millisecond

	start := time.Now()
	_, err := KeyringKey("x").Key(t.Context(), true)
	if err == nil || !strings.Contains(err.Error(), "AUTHSOME_KEYRING=off") || time.Since(start) > 2*time.Second {
		t.Fatalf("err=%v after %s", err, time.Since(start))
	}

	// DefaultKeySource falls back to the key file when the keyring hangs.
	dir := filepath.Join(t.TempDir(), "d")
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	if s.KeySourceName() != "file" {
		t.Fatalf("source = %s", s.KeySourceName())
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); err != nil {
		t.Fatal("no key file after fallback")
	}
}

func TestDefaultKeySource(t *testing.T) {
	keyring.MockInit()
	t.Setenv(EnvMasterKey, "")
	os.Unsetenv(EnvMasterKey)
	t.Setenv(EnvKeyring, "")

	// Keyring available: used, nothing on disk but the vault.
	home := Home{Dir: t.TempDir()}
	dir := home.ProfileDir("default")
	s, _ := Open(dir, nil)
	if s.KeySourceName() != "keyring" {
		t.Fatalf("source = %s", s.KeySourceName())
	}
	put(t, s, "p", "a", "1")
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !os.IsNotExist(err) {
		t.Fatal("key file written although the keyring works")
	}
	if _, err := keyring.Get(KeyringService, KeyringAccount(dir)); err != nil {
		t.Fatalf("keyring entry: %v", err)
	}
	// Reopened: the header decides.
	s2, _ := Open(dir, nil)
	if s2.KeySourceName() != "keyring" {
		t.Fatal("header not followed")
	}
	if _, err := s2.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Keyring turned off later: a clear error instead of a hang.
	t.Setenv(EnvKeyring, "off")
	s3, _ := Open(dir, nil)
	if _, err := s3.Load(t.Context()); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "AUTHSOME_KEYRING=off") {
		t.Fatalf("keyring off: %v", err)
	}

	// AUTHSOME_KEYRING=off on a new profile: key file.
	dir2 := home.ProfileDir("second")
	s4, _ := Open(dir2, nil)
	put(t, s4, "p", "a", "1")
	if s4.KeySourceName() != "file" {
		t.Fatalf("source = %s", s4.KeySourceName())
	}
	t.Setenv(EnvKeyring, "")
	if got := DefaultKeySource(dir2).Name(); got != "file" {
		t.Fatalf("header says file, got %s", got)
	}

	// Keyring erroring: falls back to the key file.
	keyring.MockInitWithError(errors.New("no secret service"))
	dir3 := home.ProfileDir("third")
	s5, _ := Open(dir3, nil)
	if s5.KeySourceName() != "file" {
		t.Fatalf("source = %s", s5.KeySourceName())
	}
	put(t, s5, "p", "a", "1")
	if _, err := os.Stat(filepath.Join(dir3, KeyFileName)); err != nil {
		t.Fatal(err)
	}
	// Existing master.key without a vault: the file is used.
	dir4 := home.ProfileDir("fourth")
	os.MkdirAll(dir4, 0o700)
	FileKey(filepath.Join(dir4, KeyFileName)).Key(t.Context(), true)
	if got := DefaultKeySource(dir4).Name(); got != "file" {
		t.Fatalf("existing key file ignored: %s", got)
	}
	keyring.MockInit()

	// Keyring accounts differ between homes for the same profile name.
	if KeyringAccount(filepath.Join(t.TempDir(), "default")) == KeyringAccount(dir) {
		t.Fatal("keyring accounts collide")
	}
	if !strings.HasPrefix(KeyringAccount(dir), "default-") {
		t.Fatalf("account = %s", KeyringAccount(dir))
	}
}

func TestDefaultKeySourceAdoptsLaterVault(t *testing.T) {
	keyring.MockInit()
	os.Unsetenv(EnvMasterKey)
	t.Setenv(EnvKeyring, "")
	dir := filepath.Join(t.TempDir(), "late")
	early, _ := Open(dir, nil) // built before any vault exists: keyring preferred
	if early.KeySourceName() != "keyring" {
		t.Fatalf("source = %s", early.KeySourceName())
	}
	// Another process, without a keyring, creates the vault with a key file.
	t.Setenv(EnvKeyring, "off")
	other, _ := Open(dir, nil)
	put(t, other, "p", "a", "1")
	// The early store follows the header instead of failing.
	if d, err := early.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("Load: %v", err)
	}
	if early.KeySourceName() != "file" {
		t.Fatalf("source = %s", early.KeySourceName())
	}
}
