package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Profile errors.
var (
	ErrProfileExists      = errors.New("profile already exists")
	ErrProfileNotFound    = errors.New("profile not found")
	ErrInvalidProfileName = errors.New("invalid profile name")
	ErrProfileActive      = errors.New("profile is active")
)

// DefaultProfile is the profile used when none was chosen.
const DefaultProfile = "default"

const profileNamePattern = `^[a-z0-9][a-z0-9_-]{0,63}$`

// profileNameRE is compiled on first use (its bounded repeat is costly at start-up).
var profileNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(profileNamePattern) })

func validProfileName(name string) bool { return profileNameRE().MatchString(name) }

// ValidateProfileName reports (as ErrInvalidProfileName) whether name is a
// valid profile name: 1–64 of a-z, 0-9, '_' and '-', starting with a letter
// or digit.
func ValidateProfileName(name string) error {
	if !validProfileName(name) {
		return fmt.Errorf("%w %q: use 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit", ErrInvalidProfileName, name)
	}
	return nil
}

// Home is authsome's home folder (for example ~/.authsome): profiles live
// in Dir/profiles/<name>/, the active profile is recorded in
// Dir/config.json. A Home is a plain value, safe for concurrent use; its
// zero value (empty Dir) is not usable and its methods return errors.
// Profiles are fully isolated: each has its own vault file and its own key.
type Home struct{ Dir string }

func (h Home) check() error {
	if h.Dir == "" {
		return errors.New("vault: home folder not set")
	}
	return nil
}

// ProfileDir is the folder of a profile: Dir/profiles/<name>. It does not
// validate name; see ValidateProfileName.
func (h Home) ProfileDir(name string) string { return filepath.Join(h.Dir, "profiles", name) }

// Profiles lists the existing profiles, sorted. A fresh home has none (the
// default profile's folder appears on its first write).
func (h Home) Profiles() ([]string, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(h.Dir, "profiles"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && validProfileName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// CreateProfile creates an empty profile folder (mode 0700; home folders
// are created 0700 too). Errors: ErrInvalidProfileName, ErrProfileExists.
func (h Home) CreateProfile(name string) error {
	if err := h.check(); err != nil {
		return err
	}
	if err := ValidateProfileName(name); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(h.Dir, "profiles"), 0o700); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := os.Mkdir(h.ProfileDir(name), 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%w: %q", ErrProfileExists, name)
		}
		return fmt.Errorf("vault: %w", err)
	}
	return nil
}

// DeleteProfile removes a profile's folder (vault, key file, locks) and,
// unless AUTHSOME_KEYRING=off, its OS keyring entry (best effort, bounded
// by the keyring timeout). It refuses the active profile (ErrProfileActive):
// switch to another one first. Other processes should not be using the
// profile meanwhile (their writes would fail). Errors: ErrInvalidProfileName,
// ErrProfileNotFound, ErrProfileActive.
func (h Home) DeleteProfile(name string) error {
	if err := h.check(); err != nil {
		return err
	}
	if err := ValidateProfileName(name); err != nil {
		return err
	}
	dir := h.ProfileDir(name)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%w: %q", ErrProfileNotFound, name)
	}
	active, err := h.Active()
	if err != nil {
		return err
	}
	if active == name {
		return fmt.Errorf("%w: %q; switch to another profile first", ErrProfileActive, name)
	}
	account := KeyringAccount(dir) // before the folder goes: the account hashes its path
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("vault: deleting profile %q: %w", name, err)
	}
	if !strings.EqualFold(os.Getenv(EnvKeyring), "off") {
		// Best effort: a missing entry or an unreachable keyring means
		// there is nothing to delete.
		_ = (&keyringSource{account: account}).delete(context.Background())
	}
	return nil
}

type homeConfig struct {
	ActiveProfile string `json:"active_profile,omitempty"`
}

func (h Home) configPath() string { return filepath.Join(h.Dir, "config.json") }

// Active returns the active profile from Dir/config.json, or
// DefaultProfile when none is recorded.
func (h Home) Active() (string, error) {
	if err := h.check(); err != nil {
		return "", err
	}
	b, err := os.ReadFile(h.configPath())
	if errors.Is(err, os.ErrNotExist) {
		return DefaultProfile, nil
	}
	if err != nil {
		return "", fmt.Errorf("vault: %w", err)
	}
	var c homeConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return "", fmt.Errorf("vault: %s is not valid JSON (%s); fix or delete it", h.configPath(), jsonErrSummary(err))
	}
	if c.ActiveProfile == "" {
		return DefaultProfile, nil
	}
	if err := ValidateProfileName(c.ActiveProfile); err != nil {
		return "", fmt.Errorf("vault: %s: %w", h.configPath(), err)
	}
	return c.ActiveProfile, nil
}

// SetActive records name as the active profile (atomically, keeping other
// fields of config.json). The profile must exist, except DefaultProfile,
// which is always selectable. Errors: ErrInvalidProfileName,
// ErrProfileNotFound.
func (h Home) SetActive(name string) error {
	if err := h.check(); err != nil {
		return err
	}
	if err := ValidateProfileName(name); err != nil {
		return err
	}
	if name != DefaultProfile {
		if st, err := os.Stat(h.ProfileDir(name)); err != nil || !st.IsDir() {
			return fmt.Errorf("%w: %q", ErrProfileNotFound, name)
		}
	}
	if err := os.MkdirAll(h.Dir, 0o700); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	unlock, err := acquire(context.Background(), filepath.Join(h.Dir, "config.lock"), true)
	if err != nil {
		return err
	}
	defer unlock()
	fields := map[string]json.RawMessage{}
	if b, err := os.ReadFile(h.configPath()); err == nil {
		if err := json.Unmarshal(b, &fields); err != nil {
			return fmt.Errorf("vault: %s is not valid JSON (%s); fix or delete it", h.configPath(), jsonErrSummary(err))
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("vault: %w", err)
	}
	if fields == nil { // the file held null
		fields = map[string]json.RawMessage{}
	}
	fields["active_profile"], _ = json.Marshal(name)
	b, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := writeFileAtomic(h.configPath(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("vault: writing %s: %w", h.configPath(), err)
	}
	return nil
}
