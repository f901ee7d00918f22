package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// EnvKeyFrom is like [EnvKey] but reads the named environment variable (used by `rekey --to env`
// with AUTHSOME_NEW_MASTER_KEY). It reports its name as "env", since the vault is then opened
// with AUTHSOME_MASTER_KEY holding the same value.
func EnvKeyFrom(name string) KeySource { return namedEnvSource{name} }

type namedEnvSource struct{ name string }

func (namedEnvSource) Name() string { return "env" }

func (n namedEnvSource) Key(ctx context.Context, create bool) ([]byte, error) {
	v := strings.TrimSpace(os.Getenv(n.name))
	if v == "" {
		return nil, fmt.Errorf("%w: %s is not set", ErrKeyNotFound, n.name)
	}
	k, err := decodeKey(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %v; generate one with `openssl rand -base64 32`", n.name, err)
	}
	return k, nil
}

// stagedSuffix names the new key of a rotation while it is staged: master.key.next, or the
// keyring account with ".next".
const stagedSuffix = ".next"

// RotateKey replaces the key-encryption key where it lives now (key file or OS keyring) with a
// new random one and re-encrypts the vault under it and a new data key, holding the vault's
// exclusive lock throughout. The steps: stage the new key beside the old one (master.key.next,
// or the keyring account with ".next"); re-encrypt the vault under it, which is the commit
// point; move the staged key into place. Every read of the vault finishes a rotation that died
// after its commit point (the staged key opens the vault: it is moved into place) and discards
// one that died before it (the staged key is removed), so a crash at any step leaves a vault
// that opens. Environment and passphrase keys cannot be rotated in place; use [Store.Rekey].
func (s *Store) RotateKey(ctx context.Context) error {
	unlock, err := acquire(ctx, s.lockPath, true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := s.read(ctx) // settles what an interrupted rotation left
	if err != nil {
		return err
	}
	ks := settled(s.keySource())
	if a, ok := ks.(*autoSource); ok {
		if _, err := a.Key(ctx, true); err != nil {
			return err
		}
		ks = a.current()
		s.mu.Lock()
		s.keys = ks
		s.mu.Unlock()
	}
	switch ks := ks.(type) {
	case *fileSource:
		err = s.rotateFile(ctx, st, ks)
	case *keyringSource:
		err = s.rotateKeyring(ctx, st, ks)
	default:
		return fmt.Errorf("vault: a %s key cannot be rotated in place; use `authsome rekey --to file|passphrase|env`", ks.Name())
	}
	// Failed or not, the key that opens the vault is in place now (a failure after the commit
	// point moved the staged key there).
	s.mu.Lock()
	s.keys = ks
	s.mu.Unlock()
	return err
}

// rotateFile is RotateKey for a key file; the caller holds the exclusive lock and read st.
func (s *Store) rotateFile(ctx context.Context, st *state, ks *fileSource) (err error) {
	next := &fileSource{path: ks.path + stagedSuffix}
	// The read settled any earlier rotation, and the vault opens with ks: a staged key left now
	// is stale.
	if err := os.Remove(next.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("vault: removing the stale staged key: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		// A step can fail after the commit point (the vault written, its folder not synced):
		// the staged key is then the vault's key and must be kept.
		kek, rerr := next.read()
		switch {
		case rerr == nil && s.opensWith(kek):
			_ = promoteKeyFile(next.path, ks.path)
		case rerr == nil:
			os.Remove(next.path)
		}
		clear(kek)
	}()
	if _, err := next.Key(ctx, true); err != nil {
		return err
	}
	return s.commitRotation(ctx, st, next, func() error { return promoteKeyFile(next.path, ks.path) })
}

// rotateKeyring is RotateKey for an OS keyring key; the caller holds the exclusive lock and
// read st.
func (s *Store) rotateKeyring(ctx context.Context, st *state, ks *keyringSource) (err error) {
	next := &keyringSource{account: ks.account + stagedSuffix}
	if err := next.delete(ctx); err != nil {
		return fmt.Errorf("vault: removing the stale staged key: %w", err)
	}
	key, err := next.Key(ctx, true)
	if err != nil {
		_ = next.delete(context.WithoutCancel(ctx))
		return err
	}
	defer clear(key)
	defer func() {
		if err == nil {
			return
		}
		// As for key files: after the commit point the staged key is the vault's key.
		ctx := context.WithoutCancel(ctx)
		if s.opensWith(key) {
			_ = promoteKeyring(ctx, next, ks, key)
		} else {
			_ = next.delete(ctx)
		}
	}()
	return s.commitRotation(ctx, st, next, func() error { return promoteKeyring(ctx, next, ks, key) })
}

// commitRotation re-encrypts the vault under the staged key next (the commit point) and moves
// that key into place with promote.
func (s *Store) commitRotation(ctx context.Context, st *state, next KeySource, promote func() error) error {
	if err := reach("staged"); err != nil {
		return err
	}
	if err := s.rekeyLocked(ctx, st, next); err != nil {
		return err
	}
	if err := reach("committed"); err != nil {
		return err
	}
	if err := promote(); err != nil {
		return err
	}
	return reach("promoted")
}

// opensWith reports whether the vault file on disk opens with the key-encryption key kek.
// The caller holds the vault lock.
func (s *Store) opensWith(kek []byte) bool {
	b, err := readVaultFile(s.path)
	if err != nil {
		return false
	}
	h, err := parseFile(b)
	if err != nil {
		return false
	}
	_, err = unwrapKey(h, kek)
	return err == nil
}

// promoteKeyFile moves a staged key file that opens the vault into place. Another process
// may have done it already (readers settle rotations under the shared lock).
func promoteKeyFile(staged, path string) error {
	if err := os.Rename(staged, path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("vault: the vault opens with the new key in %s, but moving it to %s failed: %w; move it there yourself", staged, path, err)
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// promoteKeyring stores the staged key that opens the vault under the profile's account and
// deletes the staged entry.
func promoteKeyring(ctx context.Context, staged, ks *keyringSource, key []byte) error {
	set := keyringSet
	if _, err := keyringCall(ctx, func() (struct{}, error) {
		return struct{}{}, set(KeyringService, ks.account, encodeKey(key))
	}); err != nil {
		return fmt.Errorf("vault: the vault opens with the new key in keyring account %s, but storing it under %s failed: %w", staged.account, ks.account, err)
	}
	_ = staged.delete(ctx)
	return nil
}

// settleRotation finishes or discards a key-file rotation that stopped midway, before the
// vault (header h) is opened: a staged key that opens the vault was committed and is moved
// into place; one that does not is removed. The first call on a Store also removes key temp
// files left by a crash. The caller holds the vault lock (shared suffices: keys are only
// written under the exclusive one).
func (s *Store) settleRotation(h *header) error {
	fs, ok := decided(s.keySource()).(*fileSource)
	if !ok {
		return nil
	}
	s.mu.Lock()
	first := !s.settled
	s.settled = true
	s.mu.Unlock()
	if first {
		removeTemps(fs.path)
		removeTemps(fs.path + stagedSuffix)
	}
	next := &fileSource{path: fs.path + stagedSuffix}
	staged, err := next.read()
	if err != nil {
		return nil // none; or unreadable, then it is left alone
	}
	_, err = unwrapKey(h, staged)
	clear(staged)
	if err == nil {
		return promoteKeyFile(next.path, fs.path)
	}
	// Not the vault's key: the rotation never committed.
	if err := os.Remove(next.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("vault: removing %s, left by an interrupted `authsome rekey`: %w", next.path, err)
	}
	return nil
}

// stagedKeyringKey returns the KEK of a keyring rotation that stopped after its commit point
// (the staged entry opens the vault, header h), after moving it into place; nil otherwise.
func (s *Store) stagedKeyringKey(ctx context.Context, h *header) []byte {
	ks, ok := decided(s.keySource()).(*keyringSource)
	if !ok {
		return nil
	}
	next := &keyringSource{account: ks.account + stagedSuffix}
	kek, err := next.Key(ctx, false)
	if err != nil {
		return nil
	}
	if _, err := unwrapKey(h, kek); err != nil || promoteKeyring(ctx, next, ks, kek) != nil {
		clear(kek)
		return nil
	}
	return kek
}
