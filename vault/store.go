package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

const (
	vaultFileName = "vault.json"
	lockFileName  = "vault.lock"
	locksDirName  = "locks"
)

// Store is one profile's vault: the file <dir>/vault.json and the key
// source that opens it. A Store is safe for concurrent use by multiple
// goroutines, and any number of processes may use the same folder at once:
// every read holds a shared file lock, every write an exclusive one. The
// zero Store is not usable; call [Open].
type Store struct {
	dir, path, lockPath, profile string

	mu      sync.Mutex // guards keys, settled and cache
	keys    KeySource
	settled bool // key temp files of crashed writers removed (settleRotation)
	cache   struct {
		wrap    []byte // wrapFingerprint of the header the data key came from
		dataKey []byte
	}
}

// Open prepares the store of one profile folder, creating the folder (mode
// 0700) if needed. It does not read the vault. A nil keys means
// DefaultKeySource(dir). The folder's base name is bound into the
// encryption, so a vault moved to another profile does not open. It
// refuses (see [CheckFolder]) a profile folder, or a folder holding it,
// that another user could change.
func Open(dir string, keys KeySource) (*Store, error) {
	if dir == "" {
		return nil, errors.New("vault: empty profile folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	profile := filepath.Base(abs)
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	for _, d := range []string{filepath.Dir(abs), abs} {
		if err := CheckFolder(d); err != nil {
			return nil, err
		}
	}
	if keys == nil {
		keys = DefaultKeySource(abs)
	}
	return &Store{
		dir:      abs,
		path:     filepath.Join(abs, vaultFileName),
		lockPath: filepath.Join(abs, lockFileName),
		profile:  profile,
		keys:     keys,
	}, nil
}

// CheckFolder returns an error, saying what to do, when the folder at dir
// could be changed by a user other than the current one: it is writable by
// its group or by others, or it belongs to another user. Whoever can write a
// folder that holds the vault, its key or the audit log can delete or swap
// them, or plant symbolic links. (Only on unix; elsewhere folders are
// protected by access control lists, which this does not read.)
func CheckFolder(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("vault: %s is not a folder", dir)
	}
	uid, ok := fileOwner(fi)
	if !ok {
		return nil
	}
	if me := os.Geteuid(); uid != me {
		return fmt.Errorf("vault: %s belongs to another user (uid %d, you are uid %d), who could change what it holds; use a folder of your own, or run chown %d %s", dir, uid, me, me, dir)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("vault: %s is writable by other users (mode %04o), who could change what it holds; run chmod 700 %s", dir, perm, dir)
	}
	return nil
}

// Path is the vault file's path.
func (s *Store) Path() string { return s.path }

// Dir is the profile folder.
func (s *Store) Dir() string { return s.dir }

// KeySourceName names the key source in use: "env", "keyring", "file" or
// "passphrase".
func (s *Store) KeySourceName() string { return s.keySource().Name() }

func (s *Store) keySource() KeySource {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys
}

// Exists reports whether the vault file exists.
func (s *Store) Exists() bool {
	_, err := os.Stat(s.path)
	return err == nil
}

// Load returns the vault's content under a shared lock, or an empty Data
// when there is no vault yet (no key is needed or created then). Errors
// include *Error values matching ErrWrongKey, ErrCorrupt,
// ErrUnsupportedVersion or ErrProfileMismatch.
func (s *Store) Load(ctx context.Context) (*Data, error) {
	unlock, err := acquire(ctx, s.lockPath, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return st.data, nil
}

// Update runs fn on the current content under an exclusive lock and
// writes the result atomically. If fn fails, nothing is written and its
// error is returned as is; if the vault cannot be read (wrong key, corrupt,
// newer version), fn is not called and the file is left untouched. A new
// vault is created (with its key, when the source allows) on first write.
func (s *Store) Update(ctx context.Context, fn func(*Data) error) error {
	unlock, err := acquire(ctx, s.lockPath, true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := s.read(ctx)
	if err != nil {
		return err
	}
	if err := fn(st.data); err != nil {
		return err
	}
	st.data.Normalize()
	pt, err := json.Marshal(st.data)
	if err != nil {
		return fmt.Errorf("vault: encoding: %w", err)
	}
	if st.hdr != nil && bytes.Equal(pt, st.plaintext) {
		return nil // nothing changed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	hdr, dataKey := st.hdr, st.dataKey
	if hdr == nil {
		ks := s.keySource()
		kek, kdf, err := kekFor(ctx, ks, true, nil)
		if err != nil {
			return fmt.Errorf("vault %s: creating the %s key: %w", s.path, ks.Name(), err)
		}
		dataKey = randomBytes(keySize)
		h := wrapHeader(s.profile, ks.Name(), kdf, kek, dataKey)
		clear(kek)
		hdr = &h
	}
	return s.write(*hdr, dataKey, pt)
}

// Rekey re-encrypts the vault under a new random data key wrapped by
// newKeys, in one atomic write, and makes newKeys the store's key source.
// The old key no longer opens the vault (unless newKeys yields the same
// key-encryption key); the old key itself (file or keyring entry) is left
// for the caller to remove. Without a vault, an empty one is written.
func (s *Store) Rekey(ctx context.Context, newKeys KeySource) error {
	if newKeys == nil {
		return errors.New("vault: Rekey needs a key source")
	}
	unlock, err := acquire(ctx, s.lockPath, true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := s.read(ctx)
	if err != nil {
		return err
	}
	return s.rekeyLocked(ctx, st, newKeys)
}

// rekeyLocked is Rekey for a caller holding the exclusive lock that has read st.
func (s *Store) rekeyLocked(ctx context.Context, st *state, newKeys KeySource) error {
	pt, err := json.Marshal(st.data)
	if err != nil {
		return fmt.Errorf("vault: encoding: %w", err)
	}
	kek, kdf, err := kekFor(ctx, newKeys, true, nil)
	if err != nil {
		return fmt.Errorf("vault %s: getting the new %s key: %w", s.path, newKeys.Name(), err)
	}
	dataKey := randomBytes(keySize)
	hdr := wrapHeader(s.profile, newKeys.Name(), kdf, kek, dataKey)
	clear(kek)
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.write(hdr, dataKey, pt); err != nil {
		return err // the old vault and key source stay in force
	}
	s.mu.Lock()
	s.keys = newKeys
	s.mu.Unlock()
	return nil
}

// Lock takes the named cross-process exclusive lock of this profile (for
// example "refresh/microsoft/default"), waiting until it is free or ctx is
// done. Call unlock (idempotent) to release it; a crashed holder releases
// it automatically. Named locks are independent of the vault lock.
func (s *Store) Lock(ctx context.Context, name string) (unlock func(), err error) {
	if name == "" {
		return nil, errors.New("vault: empty lock name")
	}
	dir := filepath.Join(s.dir, locksDirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return acquire(ctx, filepath.Join(dir, lockFileBase(name)+".lock"), true)
}

// lockFileBase makes a readable, collision-free file name for a lock name.
func lockFileBase(name string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, name)
	if len(safe) > 64 {
		safe = safe[:64]
	}
	sum := sha256.Sum256([]byte(name))
	return safe + "-" + hex.EncodeToString(sum[:4])
}

type state struct {
	hdr       *header // nil: no vault yet
	data      *Data
	plaintext []byte
	dataKey   []byte
}

// read loads and decrypts the vault; the caller holds a lock.
func (s *Store) read(ctx context.Context) (*state, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := readVaultFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		d := &Data{}
		d.Normalize()
		return &state{data: d}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	h, err := parseFile(b)
	if err != nil {
		if errors.Is(err, ErrUnsupportedVersion) {
			return nil, s.fail(ErrUnsupportedVersion, err, "upgrade authsome; the file was left untouched", "written by a newer authsome")
		}
		return nil, s.corrupt(err)
	}
	if h.Profile != s.profile {
		return nil, s.fail(ErrProfileMismatch, nil, "was vault.json copied or its folder renamed? It was left untouched",
			"this vault belongs to profile %q, not %q", h.Profile, s.profile)
	}
	ks := s.keySource()
	if p, ok := ks.(*profileSource); ok {
		ks = p.settle(h) // the header just read decides; no second read
	}
	if a, ok := ks.(*autoSource); ok {
		a.adopt(h.KeySource)
	}
	if h.KeySource != ks.Name() {
		return nil, s.fail(ErrWrongKey, nil, sourceHint(h.KeySource),
			"the vault was encrypted with the %q key source, but the %q key source was given", h.KeySource, ks.Name())
	}
	if err := s.settleRotation(h); err != nil {
		return nil, err
	}
	dataKey := s.cachedKey(h)
	if dataKey == nil {
		kek, _, err := kekFor(ctx, ks, false, h.KDF)
		if err != nil {
			if errors.Is(err, ErrKeyNotFound) || errors.Is(err, ErrNeedPassphrase) {
				return nil, s.fail(ErrWrongKey, err, sourceHint(h.KeySource), "cannot get the %s key", ks.Name())
			}
			return nil, fmt.Errorf("vault %s: getting the %s key: %w", s.path, ks.Name(), err)
		}
		dataKey, err = unwrapKey(h, kek)
		clear(kek)
		if errors.Is(err, ErrWrongKey) {
			if staged := s.stagedKeyringKey(ctx, h); staged != nil {
				dataKey, err = unwrapKey(h, staged)
				clear(staged)
			}
		}
		if errors.Is(err, ErrWrongKey) {
			return nil, s.fail(ErrWrongKey, nil, sourceHint(h.KeySource), "the %s key does not open this vault", ks.Name())
		}
		if err != nil {
			return nil, s.corrupt(err)
		}
	}
	d, pt, err := decryptData(h, dataKey)
	if err != nil {
		return nil, s.corrupt(err)
	}
	s.remember(h, dataKey)
	return &state{hdr: h, data: d, plaintext: pt, dataKey: dataKey}, nil
}

// wrapFingerprint covers every header field that decides how the data key
// is obtained, so a cached data key is only reused for an identical wrap
// (a damaged wrap is never carried into a new write).
func wrapFingerprint(h *header) []byte {
	b, _ := json.Marshal([]any{h.Profile, h.KeySource, h.KDF, h.KeyID, h.WrapNonce, h.WrappedKey})
	return b
}

// cachedKey returns the data key remembered for this exact wrap, sparing
// the key source (keyring round trips, argon2) on every operation.
func (s *Store) cachedKey(h *header) []byte {
	fp := wrapFingerprint(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache.dataKey != nil && bytes.Equal(s.cache.wrap, fp) {
		return s.cache.dataKey
	}
	return nil
}

func (s *Store) remember(h *header, dataKey []byte) {
	fp := wrapFingerprint(h)
	s.mu.Lock()
	s.cache.wrap, s.cache.dataKey = fp, dataKey
	s.mu.Unlock()
}

func (s *Store) write(h header, dataKey, plaintext []byte) error {
	b, err := sealFile(h, dataKey, plaintext)
	if err != nil {
		return fmt.Errorf("vault: encoding: %w", err)
	}
	removeTemps(s.path)
	if err := writeFileAtomic(s.path, b, 0o600); err != nil {
		return fmt.Errorf("vault: writing %s: %w", s.path, err)
	}
	s.remember(&h, dataKey)
	return nil
}

func (s *Store) fail(kind, cause error, hint, format string, args ...any) error {
	return &Error{Path: s.path, Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause, Hint: hint}
}

func (s *Store) corrupt(cause error) error {
	return s.fail(ErrCorrupt, cause,
		"it was left untouched: restore it from a backup, or move it aside and log in again (run `authsome doctor`)",
		"cannot read the vault")
}

func sourceHint(recorded string) string {
	switch recorded {
	case "env":
		return "set AUTHSOME_MASTER_KEY to the key this vault was created with"
	case "keyring":
		return "unset AUTHSOME_MASTER_KEY and make sure the OS keyring is reachable (run `authsome doctor`)"
	case "file":
		return "unset AUTHSOME_MASTER_KEY so that the key file (master.key) is used, and check that file (run `authsome doctor`)"
	case "passphrase":
		return "unset AUTHSOME_MASTER_KEY and supply the vault's passphrase"
	}
	return "check AUTHSOME_MASTER_KEY or run `authsome doctor`"
}
