package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/argon2"

	"github.com/authsome-go/authsome/internal/keysession"
)

// Environment variables read by the key sources.
const (
	EnvMasterKey = "AUTHSOME_MASTER_KEY" // base64 of 32 bytes
	EnvKeyring   = "AUTHSOME_KEYRING"    // "off" disables the OS keyring for new vaults
	// KeyringService is the OS keyring service name of every authsome key.
	KeyringService = "authsome"
	// KeyFileName is the key file DefaultKeySource uses inside a profile folder.
	KeyFileName = "master.key"
)

// KeySource supplies the key-encryption key (KEK) that wraps a vault's data
// key. Implementations in this package are safe for concurrent use.
type KeySource interface {
	// Name is the source kind recorded in the vault header: "env",
	// "keyring", "file" or "passphrase".
	Name() string
	// Key returns the 32-byte key-encryption key; create=true allows creating
	// it when missing. A missing key with create=false is ErrKeyNotFound.
	Key(ctx context.Context, create bool) ([]byte, error)
}

// keyringTimeout bounds every OS keyring call (they can hang on headless
// Linux without a Secret Service).
var keyringTimeout = 3 * time.Second

// Keyring operations, replaceable in tests.
var (
	keyringGet    = keyring.Get
	keyringSet    = keyring.Set
	keyringDelete = keyring.Delete
)

// passphraseKDF is the argon2id cost for new passphrase vaults; tests lower it.
var passphraseKDF = kdfParams{Name: "argon2id", Time: 3, MemoryKiB: 64 << 10, Threads: 2}

// ---- environment ----

type envSource struct{}

// EnvKey reads the key from AUTHSOME_MASTER_KEY (base64, standard or URL
// alphabet, padded or not, of exactly 32 bytes). It can never create a key.
func EnvKey() KeySource { return envSource{} }

func (envSource) Name() string { return "env" }

func (envSource) Key(ctx context.Context, create bool) ([]byte, error) {
	v, ok := os.LookupEnv(EnvMasterKey)
	if !ok || strings.TrimSpace(v) == "" {
		return nil, fmt.Errorf("%w: %s is not set", ErrKeyNotFound, EnvMasterKey)
	}
	k, err := decodeKey(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; generate one with `openssl rand -base64 32`", EnvMasterKey, err)
	}
	return k, nil
}

// ---- OS keyring ----

type keyringSource struct{ account string }

// KeyringKey keeps the key (only the 32-byte key, base64) in the OS keyring
// under service "authsome" and the given account; see [KeyringAccount]. Every
// keyring call is bounded by a 3 s timeout.
func KeyringKey(account string) KeySource { return &keyringSource{account: account} }

// KeyringAccount is the keyring account DefaultKeySource uses for a profile
// folder: the folder's base name plus a hash of its absolute path, so that
// profiles of different homes never share an entry.
func KeyringAccount(profileDir string) string {
	abs, err := filepath.Abs(profileDir)
	if err != nil {
		abs = filepath.Clean(profileDir)
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Base(abs) + "-" + hex.EncodeToString(sum[:8])
}

func (*keyringSource) Name() string { return "keyring" }

func (k *keyringSource) Key(ctx context.Context, create bool) ([]byte, error) {
	get, set := keyringGet, keyringSet // read here, not in keyringCall's goroutine
	v, err := keyringCall(ctx, func() (string, error) { return get(KeyringService, k.account) })
	switch {
	case err == nil:
		key, err := decodeKey(v)
		if err != nil {
			return nil, fmt.Errorf("OS keyring entry %s/%s is not a valid key: %v", KeyringService, k.account, err)
		}
		return key, nil
	case !errors.Is(err, keyring.ErrNotFound):
		return nil, fmt.Errorf("OS keyring unavailable: %w", err)
	case !create:
		return nil, fmt.Errorf("%w: no entry %s/%s in the OS keyring", ErrKeyNotFound, KeyringService, k.account)
	}
	key := randomBytes(keySize)
	if _, err := keyringCall(ctx, func() (struct{}, error) {
		return struct{}{}, set(KeyringService, k.account, encodeKey(key))
	}); err != nil {
		return nil, fmt.Errorf("storing a new key in the OS keyring: %w", err)
	}
	// Read back: another process may have stored its key at the same time.
	v, err = keyringCall(ctx, func() (string, error) { return get(KeyringService, k.account) })
	if err != nil {
		return nil, fmt.Errorf("reading back the new key from the OS keyring: %w", err)
	}
	return decodeKey(v)
}

func (k *keyringSource) delete(ctx context.Context) error {
	del := keyringDelete
	_, err := keyringCall(ctx, func() (struct{}, error) {
		return struct{}{}, del(KeyringService, k.account)
	})
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}

// keyringCall runs fn in its own goroutine so that a hung keyring cannot
// block the caller for longer than keyringTimeout (or ctx).
func keyringCall[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithTimeout(ctx, keyringTimeout)
	defer cancel()
	ch := make(chan result, 1)
	go func() {
		v, err := fn()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return zero, fmt.Errorf("no answer within %s (set %s=off to skip the keyring): %w", keyringTimeout, EnvKeyring, ctx.Err())
		}
		return zero, ctx.Err()
	}
}

// ---- key file ----

type fileSource struct{ path string }

// FileKey keeps the key, base64 encoded, in a file of mode 0600 inside a
// folder of mode 0700. A missing file is created atomically (never
// replacing one created concurrently). A file readable by others is refused.
func FileKey(path string) KeySource { return &fileSource{path: path} }

func (*fileSource) Name() string { return "file" }

func (f *fileSource) Key(ctx context.Context, create bool) ([]byte, error) {
	key, err := f.read()
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	if !create {
		return nil, fmt.Errorf("%w: key file %s does not exist", ErrKeyNotFound, f.path)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return nil, err
	}
	if err := createFileExclusive(f.path, []byte(encodeKey(randomBytes(keySize))+"\n"), 0o600); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("creating key file: %w", err)
	}
	return f.read() // ours, or the one another process created first
}

func (f *fileSource) read() ([]byte, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o; it must be private: chmod 600 %s", f.path, st.Mode().Perm(), f.path)
	}
	b := make([]byte, 256)
	n, _ := fh.Read(b)
	key, err := decodeKey(string(b[:n]))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %v", f.path, err)
	}
	return key, nil
}

// ---- passphrase ----

type passphraseSource struct {
	get func() ([]byte, error)
	dir string // the profile folder, whose `authsome unlock` session may hold the key; "" for none
}

// PassphraseKey derives the key from a passphrase with argon2id (time 3,
// 64 MiB, 2 threads); the salt and parameters live in the vault header, so
// the source only works through a [Store] (its Key method reports that).
// get is called at most once per Store operation that needs the key; a nil
// get yields ErrNeedPassphrase.
func PassphraseKey(get func() ([]byte, error)) KeySource { return &passphraseSource{get: get} }

func (*passphraseSource) Name() string { return "passphrase" }

func (*passphraseSource) Key(context.Context, bool) ([]byte, error) {
	return nil, errors.New("a passphrase key depends on the vault's salt; use it through a Store")
}

// derive returns the KEK for params (new random params when nil) and the
// params used.
func (p *passphraseSource) derive(ctx context.Context, params *kdfParams) ([]byte, *kdfParams, error) {
	if params != nil && p.dir != "" {
		if k := keysession.Key(ctx, p.dir, params.Salt); len(k) == keySize {
			return k, params, nil // unlocked: no passphrase, no argon2id
		}
	}
	if p.get == nil {
		return nil, nil, fmt.Errorf("%w; supply one (PassphraseKey)", ErrNeedPassphrase)
	}
	if params == nil {
		np := passphraseKDF
		np.Salt = randomBytes(16)
		params = &np
	}
	if err := params.validate(); err != nil {
		return nil, nil, err
	}
	pass, err := p.get()
	if err != nil {
		return nil, nil, fmt.Errorf("reading passphrase: %w", err)
	}
	defer clear(pass)
	if len(pass) == 0 {
		return nil, nil, errors.New("empty passphrase")
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return argon2.IDKey(pass, params.Salt, params.Time, params.MemoryKiB, params.Threads, keySize), params, nil
}

// kekFor returns the KEK from ks, handling KDF-based sources; params are
// the header's KDF parameters (nil for a new vault) and the returned params
// go into the new header.
func kekFor(ctx context.Context, ks KeySource, create bool, params *kdfParams) ([]byte, *kdfParams, error) {
	ks = settled(ks)
	if p, ok := ks.(*passphraseSource); ok {
		return p.derive(ctx, params)
	}
	k, err := ks.Key(ctx, create)
	if err != nil {
		return nil, nil, err
	}
	if len(k) != keySize {
		return nil, nil, fmt.Errorf("key source %q returned a %d-byte key, want %d", ks.Name(), len(k), keySize)
	}
	return k, nil, nil
}

// ---- default resolution ----

type errSource struct {
	name string
	err  error
}

func (e errSource) Name() string                              { return e.name }
func (e errSource) Key(context.Context, bool) ([]byte, error) { return nil, e.err }

// autoSource prefers the OS keyring and falls back to a key file when the
// keyring errors or times out.
type autoSource struct {
	keyring *keyringSource
	file    *fileSource

	mu     sync.Mutex
	chosen KeySource // nil until decided
}

func (a *autoSource) Name() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.chosen == nil {
		get := keyringGet
		_, err := keyringCall(context.Background(), func() (string, error) {
			return get(KeyringService, a.keyring.account)
		})
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			a.chosen = a.file
		} else {
			return a.keyring.Name() // tentative until a key is created
		}
	}
	return a.chosen.Name()
}

// adopt follows the source recorded by a vault that appeared after this
// source was built (written by another process).
func (a *autoSource) adopt(recorded string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch recorded {
	case "keyring":
		a.chosen = a.keyring
	case "file":
		a.chosen = a.file
	}
}

// current returns the source decided on, or nil while undecided.
func (a *autoSource) current() KeySource {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.chosen
}

// decided returns ks, or for the default source the one it decided on (nil if undecided).
func decided(ks KeySource) KeySource {
	ks = settled(ks)
	if a, ok := ks.(*autoSource); ok {
		return a.current()
	}
	return ks
}

func (a *autoSource) Key(ctx context.Context, create bool) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.chosen != nil {
		return a.chosen.Key(ctx, create)
	}
	k, err := a.keyring.Key(ctx, create)
	switch {
	case err == nil:
		a.chosen = a.keyring
		return k, nil
	case errors.Is(err, ErrKeyNotFound):
		return nil, err
	case ctx.Err() != nil:
		return nil, err
	}
	a.chosen = a.file
	return a.file.Key(ctx, create)
}

// DefaultKeySource picks the key source for a profile folder, in order:
// AUTHSOME_MASTER_KEY when set; else the source recorded in the folder's
// existing vault header (a passphrase vault yields a source that fails with
// ErrNeedPassphrase); else an existing master.key file; else the OS keyring
// (account [KeyringAccount]) unless AUTHSOME_KEYRING=off, falling back to
// the key file <profileDir>/master.key when the keyring errors or times out.
// Name reports the source in use. The result is safe for concurrent use.
//
// It is [ProfileKeySource] without a passphrase.
func DefaultKeySource(profileDir string) KeySource { return ProfileKeySource(profileDir, nil) }

// ProfileKeySource is DefaultKeySource, with passphrase as the source of the
// passphrase when the vault header records one (see [PassphraseKey]). It does
// no I/O: the choice is made from the vault header when a [Store] first reads
// the vault (so a command reads the file once), or on the first call of Name
// or Key before that, which reads the header then. The OS keyring is only
// contacted when it is the source chosen (or, for a profile without a vault
// or key file, tried).
func ProfileKeySource(profileDir string, passphrase func() ([]byte, error)) KeySource {
	if v, ok := os.LookupEnv(EnvMasterKey); ok && strings.TrimSpace(v) != "" {
		return EnvKey()
	}
	return &profileSource{
		dir:        profileDir,
		passphrase: passphrase,
		keyringOff: strings.EqualFold(os.Getenv(EnvKeyring), "off"),
	}
}

// profileSource is the result of ProfileKeySource: it settles on a source
// once, from a vault header.
type profileSource struct {
	dir        string
	passphrase func() ([]byte, error)
	keyringOff bool

	once sync.Once
	ks   KeySource
}

// settle decides the source from h, the header the caller has read; a nil h
// reads it from the vault file. Only the first call decides.
func (p *profileSource) settle(h *header) KeySource {
	p.once.Do(func() {
		if h == nil {
			if b, err := readVaultFile(filepath.Join(p.dir, vaultFileName)); err == nil {
				h, _ = parseFile(b)
			}
		}
		p.ks = p.choose(h)
	})
	return p.ks
}

// choose applies DefaultKeySource's order to h (nil: no readable vault).
func (p *profileSource) choose(h *header) KeySource {
	file := &fileSource{path: filepath.Join(p.dir, KeyFileName)}
	ring := &keyringSource{account: KeyringAccount(p.dir)}
	if h != nil {
		switch h.KeySource {
		case "env":
			return EnvKey() // fails with a clear "not set" error
		case "file":
			return file
		case "passphrase":
			return &passphraseSource{get: p.passphrase, dir: p.dir}
		case "keyring":
			if p.keyringOff {
				return errSource{"keyring", fmt.Errorf("%w: the vault's key is in the OS keyring, but %s=off", ErrKeyNotFound, EnvKeyring)}
			}
			return ring
		}
	}
	if _, err := os.Stat(file.path); err == nil || p.keyringOff {
		return file
	}
	return &autoSource{keyring: ring, file: file}
}

// settled returns ks, or for a ProfileKeySource the source it settled on.
func settled(ks KeySource) KeySource {
	if p, ok := ks.(*profileSource); ok {
		return p.settle(nil)
	}
	return ks
}

func (p *profileSource) Name() string { return p.settle(nil).Name() }

func (p *profileSource) Key(ctx context.Context, create bool) ([]byte, error) {
	return p.settle(nil).Key(ctx, create)
}
