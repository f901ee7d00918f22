package vault

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestProfileNames(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "default", "work-2", "x_y", "0", strings.Repeat("a", 64)} {
		if err := ValidateProfileName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-a", "_a", "A", "a b", "a/b", "..", ".", "a.b", strings.Repeat("a", 65), "é"} {
		if err := ValidateProfileName(bad); !errors.Is(err, ErrInvalidProfileName) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestProfiles(t *testing.T) {
	t.Parallel()
	keyring.MockInit()
	h := Home{Dir: filepath.Join(t.TempDir(), "home")}
	if active, err := h.Active(); err != nil || active != DefaultProfile {
		t.Fatalf("Active = %q, %v", active, err)
	}
	if ps, err := h.Profiles(); err != nil || len(ps) != 0 {
		t.Fatalf("Profiles = %v, %v", ps, err)
	}
	for _, p := range []string{"work", "default", "home"} {
		if err := h.CreateProfile(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.CreateProfile("work"); !errors.Is(err, ErrProfileExists) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := h.CreateProfile("../evil"); !errors.Is(err, ErrInvalidProfileName) {
		t.Fatalf("bad name: %v", err)
	}
	os.WriteFile(filepath.Join(h.Dir, "profiles", "stray-file"), nil, 0o600)
	ps, _ := h.Profiles()
	if !slices.Equal(ps, []string{"default", "home", "work"}) {
		t.Fatalf("Profiles = %v", ps)
	}
	for _, d := range []string{h.Dir, filepath.Join(h.Dir, "profiles"), h.ProfileDir("work")} {
		if st, _ := os.Stat(d); st.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %04o", d, st.Mode().Perm())
		}
	}

	if err := h.SetActive("nope"); !errors.Is(err, ErrProfileNotFound) {
		t.Fatalf("SetActive missing: %v", err)
	}
	// Other config fields survive SetActive.
	os.WriteFile(filepath.Join(h.Dir, "config.json"), []byte(`{"other":{"x":1}}`), 0o600)
	if err := h.SetActive("work"); err != nil {
		t.Fatal(err)
	}
	if a, _ := h.Active(); a != "work" {
		t.Fatalf("Active = %q", a)
	}
	b, _ := os.ReadFile(filepath.Join(h.Dir, "config.json"))
	if !strings.Contains(string(b), `"other"`) || !strings.Contains(string(b), `"active_profile": "work"`) {
		t.Fatalf("config = %s", b)
	}
	if st, _ := os.Stat(filepath.Join(h.Dir, "config.json")); st.Mode().Perm() != 0o600 {
		t.Fatal("config mode")
	}

	// Isolation: each profile has its own key and vault.
	work, _ := Open(h.ProfileDir("work"), nil)
	home, _ := Open(h.ProfileDir("home"), nil)
	put(t, work, "p", "w", "secret-w")
	put(t, home, "p", "h", "secret-h")
	dw, _ := work.Load(t.Context())
	dh, _ := home.Load(t.Context())
	if _, ok := dw.Connection("p", "h"); ok {
		t.Fatal("profiles share data")
	}
	if _, ok := dh.Connection("p", "w"); ok {
		t.Fatal("profiles share data")
	}
	kw, _ := keyring.Get(KeyringService, KeyringAccount(h.ProfileDir("work")))
	kh, _ := keyring.Get(KeyringService, KeyringAccount(h.ProfileDir("home")))
	if kw == "" || kw == kh {
		t.Fatal("profiles share a key")
	}

	// Deleting: not the active one; removes folder and keyring entry.
	if err := h.DeleteProfile("work"); !errors.Is(err, ErrProfileActive) {
		t.Fatalf("delete active: %v", err)
	}
	if err := h.DeleteProfile("home"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(h.ProfileDir("home")); !os.IsNotExist(err) {
		t.Fatal("folder kept")
	}
	if _, err := keyring.Get(KeyringService, KeyringAccount(h.ProfileDir("home"))); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("keyring entry kept")
	}
	if err := h.DeleteProfile("home"); !errors.Is(err, ErrProfileNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	// The default profile is always selectable.
	if err := os.RemoveAll(h.ProfileDir("default")); err != nil {
		t.Fatal(err)
	}
	if err := h.SetActive(DefaultProfile); err != nil {
		t.Fatal(err)
	}
	if err := h.DeleteProfile("work"); err != nil {
		t.Fatal(err)
	}

	// Broken config is reported, not overwritten.
	os.WriteFile(filepath.Join(h.Dir, "config.json"), []byte("{broken"), 0o600)
	if _, err := h.Active(); err == nil {
		t.Fatal("broken config accepted")
	}
	if err := h.SetActive(DefaultProfile); err == nil {
		t.Fatal("broken config overwritten")
	}
	os.WriteFile(filepath.Join(h.Dir, "config.json"), []byte("null"), 0o600)
	if err := h.SetActive(DefaultProfile); err != nil {
		t.Fatal(err)
	}

	var zero Home
	if _, err := zero.Profiles(); err == nil {
		t.Fatal("zero Home usable")
	}
}
