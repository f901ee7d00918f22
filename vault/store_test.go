package vault

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// newStore opens a store in a fresh profile folder with a fresh key file.
func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	base := t.TempDir()
	keyPath := filepath.Join(base, "keys", "k1")
	s, err := Open(filepath.Join(base, "profiles", "p1"), FileKey(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	return s, keyPath
}

func put(t *testing.T, s *Store, provider, name, token string) {
	t.Helper()
	err := s.Update(t.Context(), func(d *Data) error {
		return d.Put(&Connection{Provider: provider, Name: name, AccessToken: token, Status: StatusConnected})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	s, _ := newStore(t)
	ctx := t.Context()

	d, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Providers) != 0 || s.Exists() {
		t.Fatalf("fresh store: %+v, exists=%v", d, s.Exists())
	}

	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	want := &Connection{
		Provider: "microsoft", Name: "work", AuthType: "oauth2", Flow: "pkce",
		AccessToken: "at", RefreshToken: "rt", TokenType: "Bearer", IDToken: "id",
		Expiry: exp, ObtainedAt: exp.Add(-time.Hour), Scopes: []string{"User.Read", "offline_access"},
		Cloud: "global", Tenant: "tid", ClientID: "cid", AuthorityURL: "https://login", GraphURL: "https://graph",
		Account: Account{Username: "a@b", ObjectID: "oid", Name: "A", TenantID: "tid"},
		Status:  StatusConnected, Metadata: map[string]string{"k": "v"},
	}
	err = s.Update(ctx, func(d *Data) error {
		d.SetClient("microsoft", &Client{ClientID: "cid", ClientSecret: "client-secret-Q7xv9"})
		return d.Put(want)
	})
	if err != nil {
		t.Fatal(err)
	}

	// A second store (as another process would) sees the same data.
	s2, err := Open(s.Dir(), FileKey(filepath.Join(filepath.Dir(filepath.Dir(s.Dir())), "keys", "k1")))
	if err != nil {
		t.Fatal(err)
	}
	d, err = s2.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := d.Connection("microsoft", "")
	if !ok {
		t.Fatal("connection missing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	if c := d.Provider("microsoft").Client; c == nil || c.ClientSecret != "client-secret-Q7xv9" {
		t.Fatalf("client = %v", c)
	}

	// The file holds no plaintext secrets and has the documented header.
	raw := readFile(t, s.Path())
	for _, secret := range []string{"a@b", `"at"`, "client-secret-Q7xv9", "User.Read"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("vault file contains %q in clear", secret)
		}
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	if h["format"] != "authsome-vault" || h["version"] != 1.0 || h["key_source"] != "file" || h["profile"] != "p1" {
		t.Fatalf("header = %v", h)
	}
	if s.KeySourceName() != "file" {
		t.Fatalf("KeySourceName = %q", s.KeySourceName())
	}
}

func TestUpdateNonceChangesAndNoOpSkipsWrite(t *testing.T) {
	s, _ := newStore(t)
	put(t, s, "p", "a", "1")
	b1 := readFile(t, s.Path())
	put(t, s, "p", "a", "2")
	b2 := readFile(t, s.Path())
	var h1, h2 header
	json.Unmarshal(b1, &h1)
	json.Unmarshal(b2, &h2)
	if bytes.Equal(h1.Nonce, h2.Nonce) {
		t.Fatal("nonce reused across writes")
	}
	if err := s.Update(t.Context(), func(*Data) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b2, readFile(t, s.Path())) {
		t.Fatal("no-op update rewrote the file")
	}
}

func TestUpdateFnErrorWritesNothing(t *testing.T) {
	s, _ := newStore(t)
	boom := errors.New("boom")

	// No vault yet: a failing fn must not create one (nor a key).
	err := s.Update(t.Context(), func(d *Data) error {
		d.Put(&Connection{Provider: "p", Name: "x"})
		return boom
	})
	if !errors.Is(err, boom) || s.Exists() {
		t.Fatalf("err=%v exists=%v", err, s.Exists())
	}

	put(t, s, "p", "a", "1")
	before := readFile(t, s.Path())
	err = s.Update(t.Context(), func(d *Data) error {
		d.Delete("p", "a")
		d.Put(&Connection{Provider: "p", Name: "b"})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("file changed after fn error")
	}
	d, _ := s.Load(t.Context())
	if _, ok := d.Connection("p", "a"); !ok {
		t.Fatal("data changed after fn error")
	}
}

func TestConcurrentUpdatesGoroutines(t *testing.T) {
	s, keyPath := newStore(t)
	s2, err := Open(s.Dir(), FileKey(keyPath)) // a second Store on the same folder
	if err != nil {
		t.Fatal(err)
	}
	const n, per = 16, 10
	var wg sync.WaitGroup
	errs := make(chan error, n*per)
	for g := range n {
		wg.Go(func() {
			st := s
			if g%2 == 1 {
				st = s2
			}
			for i := range per {
				errs <- st.Update(t.Context(), func(d *Data) error {
					c, ok := d.Connection("counter", "c")
					v := 0
					if ok {
						fmt.Sscan(c.AccessToken, &v)
					}
					d.Put(&Connection{Provider: "counter", Name: "c", AccessToken: fmt.Sprint(v + 1)})
					return d.Put(&Connection{Provider: "p", Name: fmt.Sprintf("g%d-%d", g, i)})
				})
				if _, err := st.Load(t.Context()); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := d.Connection("counter", "c")
	if c.AccessToken != fmt.Sprint(n*per) || len(d.Provider("p").Connections) != n*per {
		t.Fatalf("lost updates: counter=%s connections=%d", c.AccessToken, len(d.Provider("p").Connections))
	}
}

func TestWrongKey(t *testing.T) {
	s, _ := newStore(t)
	put(t, s, "p", "a", "1")
	before := readFile(t, s.Path())

	other, err := Open(s.Dir(), FileKey(filepath.Join(t.TempDir(), "other.key")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.Load(t.Context())
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("Load with another key: %v", err)
	}
	called := false
	err = other.Update(t.Context(), func(*Data) error { called = true; return nil })
	if !errors.Is(err, ErrWrongKey) || called {
		t.Fatalf("Update with another key: err=%v called=%v", err, called)
	}
	// A missing key file is a wrong-key error too, and is not created.
	missing := filepath.Join(t.TempDir(), "missing.key")
	m, _ := Open(s.Dir(), FileKey(missing))
	err = m.Update(t.Context(), func(*Data) error { return nil })
	if !errors.Is(err, ErrWrongKey) || !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("Update created a key for an existing vault")
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("file changed")
	}
}

func TestKeySourceMismatch(t *testing.T) {
	s, keyPath := newStore(t)
	put(t, s, "p", "a", "1")
	before := readFile(t, s.Path())
	// Same key bytes, but through the environment: refused with a clear message.
	k, err := FileKey(keyPath).Key(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvMasterKey, base64.StdEncoding.EncodeToString(k))
	e, _ := Open(s.Dir(), EnvKey())
	_, err = e.Load(t.Context())
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), `encrypted with the "file" key source, but the "env" key source was given`) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), base64.StdEncoding.EncodeToString(k)) {
		t.Fatal("error contains key material")
	}
	if err := e.Update(t.Context(), func(*Data) error { return nil }); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Update: %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("file changed")
	}
	// Rekey to env is the way to switch.
	if err := s.Rekey(t.Context(), EnvKey()); err != nil {
		t.Fatal(err)
	}
	if d, err := e.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("after rekey to env: %v", err)
	}
}

// corruptions returns damaged variants of a valid vault file.
func corruptions(valid []byte) map[string][]byte {
	var h map[string]any
	json.Unmarshal(valid, &h)
	edit := func(f func(map[string]any)) []byte {
		m := map[string]any{}
		for k, v := range h {
			m[k] = v
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	flipB64 := func(field string, i int) []byte {
		return edit(func(m map[string]any) {
			raw, _ := base64.StdEncoding.DecodeString(m[field].(string))
			raw[i%len(raw)] ^= 0x01
			m[field] = base64.StdEncoding.EncodeToString(raw)
		})
	}
	out := map[string][]byte{
		"empty":           {},
		"garbage":         []byte("\x00\x01garbage\xff"),
		"json array":      []byte("[1,2,3]"),
		"truncated half":  valid[:len(valid)/2],
		"truncated tail":  valid[:len(valid)-3],
		"other format":    edit(func(m map[string]any) { m["format"] = "something" }),
		"flip ciphertext": flipB64("ciphertext", 7),
		"flip last byte":  flipB64("ciphertext", -1+len(valid)),
		"flip nonce":      flipB64("nonce", 3),
		"flip wrapped":    flipB64("wrapped_key", 5),
		"flip wrap nonce": flipB64("wrap_nonce", 1),
		"short nonce":     edit(func(m map[string]any) { m["nonce"] = "AAAA" }),
		"bad base64":      edit(func(m map[string]any) { m["ciphertext"] = "!!!" }),
		"unknown field":   edit(func(m map[string]any) { m["extra"] = 1 }),
		"bad key source":  edit(func(m map[string]any) { m["key_source"] = "magic" }),
		"kdf on file key": edit(func(m map[string]any) { m["kdf"] = map[string]any{"name": "argon2id"} }),
		"trailing data":   append(append([]byte{}, valid...), []byte(`{"x":1}`)...),
	}
	// Raw byte flips inside the ciphertext's base64 text.
	i := bytes.Index(valid, []byte(`"ciphertext": "`)) + 20
	for _, off := range []int{0, 9, 33} {
		b := append([]byte{}, valid...)
		b[i+off] ^= 0x02 // stays in the base64 alphabet or becomes invalid: both must be caught
		out[fmt.Sprintf("raw flip %d", off)] = b
	}
	return out
}

func TestCorruptFiles(t *testing.T) {
	s, _ := newStore(t)
	put(t, s, "p", "a", "1")
	valid := readFile(t, s.Path())
	for name, bad := range corruptions(valid) {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(s.Path(), bad, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.Load(t.Context())
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), s.Path()) {
				t.Fatalf("Load: %v", err)
			}
			var ve *Error
			if !errors.As(err, &ve) || ve.Kind != ErrCorrupt {
				t.Fatalf("not an *Error: %T", err)
			}
			called := false
			err = s.Update(t.Context(), func(*Data) error { called = true; return nil })
			if !errors.Is(err, ErrCorrupt) || called {
				t.Fatalf("Update: err=%v called=%v", err, called)
			}
			if err := s.Rekey(t.Context(), FileKey(filepath.Join(t.TempDir(), "n"))); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Rekey: %v", err)
			}
			if !bytes.Equal(bad, readFile(t, s.Path())) {
				t.Fatal("file changed")
			}
		})
	}
	// Restoring the valid bytes makes it open again.
	os.WriteFile(s.Path(), valid, 0o600)
	if _, err := s.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupportedVersion(t *testing.T) {
	s, _ := newStore(t)
	put(t, s, "p", "a", "1")
	var h map[string]any
	json.Unmarshal(readFile(t, s.Path()), &h)
	h["version"] = 2
	h["new_field"] = "x"
	b, _ := json.Marshal(h)
	os.WriteFile(s.Path(), b, 0o600)
	_, err := s.Load(t.Context())
	if !errors.Is(err, ErrUnsupportedVersion) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load: %v", err)
	}
	if err := s.Update(t.Context(), func(*Data) error { return nil }); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("Update: %v", err)
	}
	if !bytes.Equal(b, readFile(t, s.Path())) {
		t.Fatal("file changed")
	}
}

func TestRekey(t *testing.T) {
	s, oldKey := newStore(t)
	put(t, s, "p", "a", "secret-a")
	put(t, s, "p", "b", "secret-b")
	before, _ := s.Load(t.Context())
	var h1 header
	json.Unmarshal(readFile(t, s.Path()), &h1)

	newKey := filepath.Join(t.TempDir(), "new.key")
	if err := s.Rekey(t.Context(), FileKey(newKey)); err != nil {
		t.Fatal(err)
	}
	var h2 header
	json.Unmarshal(readFile(t, s.Path()), &h2)
	if bytes.Equal(h1.WrappedKey, h2.WrappedKey) || bytes.Equal(h1.KeyID, h2.KeyID) {
		t.Fatal("wrap unchanged")
	}
	// Same store keeps working with the new key; data intact.
	after, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("data changed (-before +after):\n%s", diff)
	}
	put(t, s, "p", "c", "3")
	// Old key no longer opens it; the new one does.
	old, _ := Open(s.Dir(), FileKey(oldKey))
	if _, err := old.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old key: %v", err)
	}
	fresh, _ := Open(s.Dir(), FileKey(newKey))
	d, err := fresh.Load(t.Context())
	if err != nil || len(d.Connections()) != 3 {
		t.Fatalf("new key: %v %v", err, d)
	}

	// The old data key is gone too: a file with the old wrap but the new
	// ciphertext does not open under the old key.
	var h3 header
	json.Unmarshal(readFile(t, s.Path()), &h3)
	h3.KeyID, h3.WrapNonce, h3.WrappedKey = h1.KeyID, h1.WrapNonce, h1.WrappedKey
	b, _ := json.Marshal(h3)
	os.WriteFile(s.Path(), b, 0o600)
	if _, err := old.Load(t.Context()); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("old data key opened new ciphertext: %v", err)
	}
}

func TestRekeyWithoutVaultAndWrongOldKey(t *testing.T) {
	s, _ := newStore(t)
	nk := filepath.Join(t.TempDir(), "n.key")
	if err := s.Rekey(t.Context(), FileKey(nk)); err != nil {
		t.Fatal(err)
	}
	if !s.Exists() {
		t.Fatal("Rekey without vault wrote nothing")
	}
	bad, _ := Open(s.Dir(), FileKey(filepath.Join(t.TempDir(), "x.key")))
	before := readFile(t, s.Path())
	if err := bad.Rekey(t.Context(), FileKey(filepath.Join(t.TempDir(), "y.key"))); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Rekey with wrong old key: %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("file changed")
	}
	if err := s.Rekey(t.Context(), nil); err == nil {
		t.Fatal("nil key source accepted")
	}
	// A failed Rekey (the new key is unavailable) changes nothing.
	t.Setenv(EnvMasterKey, "")
	if err := s.Rekey(t.Context(), EnvKey()); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("Rekey to unset env: %v", err)
	}
	if s.KeySourceName() != "file" || !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("failed Rekey changed the store")
	}
	if _, err := s.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// cheapKDF lowers the argon2id cost of new passphrase vaults for the test; a test that calls it
// stays serial (the package's parallel tests start after it has ended).
func cheapKDF(t *testing.T) {
	old := passphraseKDF
	passphraseKDF = kdfParams{Name: "argon2id", Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { passphraseKDF = old })
}

func TestPassphrase(t *testing.T) {
	cheapKDF(t)
	dir := filepath.Join(t.TempDir(), "pp")
	pass := func(p string) KeySource {
		return PassphraseKey(func() ([]byte, error) { return []byte(p), nil })
	}
	s, err := Open(dir, pass("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	var h header
	json.Unmarshal(readFile(t, s.Path()), &h)
	if h.KeySource != "passphrase" || h.KDF == nil || len(h.KDF.Salt) != 16 || h.KDF.Name != "argon2id" {
		t.Fatalf("header kdf = %+v", h.KDF)
	}
	s2, _ := Open(dir, pass("correct horse"))
	if d, err := s2.Load(t.Context()); err != nil || len(d.Connections()) != 1 {
		t.Fatalf("reopen: %v", err)
	}
	s3, _ := Open(dir, pass("wrong"))
	if _, err := s3.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// DefaultKeySource on a passphrase vault asks for one.
	s4, _ := Open(dir, nil)
	if s4.KeySourceName() != "passphrase" {
		t.Fatalf("default source = %s", s4.KeySourceName())
	}
	if _, err := s4.Load(t.Context()); !errors.Is(err, ErrNeedPassphrase) || !errors.Is(err, ErrWrongKey) {
		t.Fatalf("no passphrase: %v", err)
	}
	// Changing the passphrase: new salt, old one stops working.
	if err := s.Rekey(t.Context(), pass("new one")); err != nil {
		t.Fatal(err)
	}
	var h2 header
	json.Unmarshal(readFile(t, s.Path()), &h2)
	if bytes.Equal(h.KDF.Salt, h2.KDF.Salt) {
		t.Fatal("salt reused")
	}
	if _, err := s2.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old passphrase after rekey: %v", err)
	}
	// Passphrase getter errors propagate; empty passphrases are refused.
	boom := errors.New("no tty")
	s5, _ := Open(filepath.Join(t.TempDir(), "p5"), PassphraseKey(func() ([]byte, error) { return nil, boom }))
	if err := s5.Update(t.Context(), func(*Data) error { return nil }); !errors.Is(err, boom) {
		t.Fatalf("getter error: %v", err)
	}
	s6, _ := Open(filepath.Join(t.TempDir(), "p6"), pass(""))
	if err := s6.Update(t.Context(), func(*Data) error { return nil }); err == nil {
		t.Fatal("empty passphrase accepted")
	}
}

func TestPermissions(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "home", "profiles", "x")
	keyPath := filepath.Join(base, "keys", "sub", "master.key")
	s, err := Open(dir, FileKey(keyPath))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "p", "a", "1")
	if _, err := s.Lock(t.Context(), "refresh/p/a"); err != nil {
		t.Fatal(err)
	}
	checkMode := func(path string, want os.FileMode) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", path, st.Mode().Perm(), want)
		}
	}
	checkMode(dir, 0o700)
	checkMode(filepath.Dir(dir), 0o700)
	checkMode(s.Path(), 0o600)
	checkMode(filepath.Join(dir, lockFileName), 0o600)
	checkMode(filepath.Join(dir, locksDirName), 0o700)
	checkMode(keyPath, 0o600)
	checkMode(filepath.Dir(keyPath), 0o700)
	// No temporary files remain.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestProfileMismatch(t *testing.T) {
	home := Home{Dir: t.TempDir()}
	for _, p := range []string{"a", "b"} {
		if err := home.CreateProfile(p); err != nil {
			t.Fatal(err)
		}
	}
	keyA := filepath.Join(home.ProfileDir("a"), KeyFileName)
	keyB := filepath.Join(home.ProfileDir("b"), KeyFileName)
	a, _ := Open(home.ProfileDir("a"), FileKey(keyA))
	b, _ := Open(home.ProfileDir("b"), FileKey(keyB))
	put(t, a, "p", "a", "secret-a")
	put(t, b, "p", "b", "secret-b")

	// A's vault with B's key: wrong key.
	ab, _ := Open(home.ProfileDir("a"), FileKey(keyB))
	if _, err := ab.Load(t.Context()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("A with B's key: %v", err)
	}
	// A's vault (and even A's key) copied into B: refused with a clear error.
	vaultA := readFile(t, a.Path())
	os.WriteFile(b.Path(), vaultA, 0o600)
	_, err := b.Load(t.Context())
	if !errors.Is(err, ErrProfileMismatch) || !strings.Contains(err.Error(), `belongs to profile "a", not "b"`) {
		t.Fatalf("copied vault: %v", err)
	}
	bWithA, _ := Open(home.ProfileDir("b"), FileKey(keyA))
	if _, err := bWithA.Load(t.Context()); !errors.Is(err, ErrProfileMismatch) {
		t.Fatalf("copied vault and key: %v", err)
	}
	if err := b.Update(t.Context(), func(*Data) error { return nil }); !errors.Is(err, ErrProfileMismatch) {
		t.Fatalf("Update: %v", err)
	}
	if !bytes.Equal(vaultA, readFile(t, b.Path())) {
		t.Fatal("file changed")
	}
	// Editing the header's profile does not help: the name is authenticated.
	var h header
	json.Unmarshal(vaultA, &h)
	h.Profile = "b"
	forged, _ := json.Marshal(h)
	os.WriteFile(b.Path(), forged, 0o600)
	if _, err := bWithA.Load(t.Context()); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("forged profile: %v", err)
	}
}

func TestLockInProcess(t *testing.T) {
	s, _ := newStore(t)
	unlock, err := s.Lock(t.Context(), "refresh/microsoft/default")
	if err != nil {
		t.Fatal(err)
	}
	// Another lock name is independent.
	u2, err := s.Lock(t.Context(), "refresh/microsoft/other")
	if err != nil {
		t.Fatal(err)
	}
	u2()
	// The same name waits, and honours ctx.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, "refresh/microsoft/default"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock: %v", err)
	}
	got := make(chan error, 1)
	go func() {
		u, err := s.Lock(t.Context(), "refresh/microsoft/default")
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(20 * time.Millisecond)
	unlock()
	unlock() // idempotent
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock(t.Context(), ""); err == nil {
		t.Fatal("empty name accepted")
	}
	if lockFileBase("a/b") == lockFileBase("a_b") {
		t.Fatal("lock names collide")
	}
}

func TestContextCancelled(t *testing.T) {
	s, _ := newStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Update(ctx, func(*Data) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("Update: %v", err)
	}
	if _, err := s.Load(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load: %v", err)
	}
	if s.Exists() {
		t.Fatal("cancelled update wrote")
	}
}

func TestStaleTempFilesRemoved(t *testing.T) {
	s, _ := newStore(t)
	stale := filepath.Join(s.Dir(), atomicfile.TempPrefix(s.Path())+"123")
	os.WriteFile(stale, []byte("partial"), 0o600)
	put(t, s, "p", "a", "1")
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("stale temp file kept")
	}
}

func TestErrorsCarryNoKeyMaterial(t *testing.T) {
	k := bytes.Repeat([]byte{0xAB}, 31)
	t.Setenv(EnvMasterKey, base64.StdEncoding.EncodeToString(k))
	_, err := EnvKey().Key(t.Context(), false)
	if err == nil || strings.Contains(err.Error(), base64.StdEncoding.EncodeToString(k)) {
		t.Fatalf("err = %v", err)
	}
}

func readAll(path string) ([]byte, error) { return os.ReadFile(path) }
