package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// RotateKey replaces the key-encryption key where it lives now (key file or OS keyring) with a
// new random one and re-encrypts the vault under it and a new data key. The new key is written
// beside the old one first (master.key.next, or the keyring account with ".next"), the vault is
// re-encrypted, and only then is the new key moved into place. If the process dies between the
// last two steps, the key that opens the vault is the staged one (rename master.key.next to
// master.key). Environment and passphrase keys cannot be rotated in place; use [Store.Rekey].
func (s *Store) RotateKey(ctx context.Context) error {
	switch ks := s.keySource().(type) {
	case *fileSource:
		next := &fileSource{path: ks.path + ".next"}
		if _, err := os.Stat(next.path); err == nil {
			ok, err := s.opensWith(ctx, next)
			if err != nil {
				return err
			}
			if ok { // an interrupted rotation: finish it
				if err := os.Rename(next.path, ks.path); err != nil {
					return fmt.Errorf("vault: the vault opens with the staged key %s; moving it into place: %w", next.path, err)
				}
				if err := syncDir(filepath.Dir(ks.path)); err != nil {
					return err
				}
			} else if err := os.Remove(next.path); err != nil {
				return fmt.Errorf("vault: removing the stale staged key: %w", err)
			}
		}
		if _, err := next.Key(ctx, true); err != nil {
			return err
		}
		if err := s.Rekey(ctx, next); err != nil {
			os.Remove(next.path)
			return err
		}
		if err := os.Rename(next.path, ks.path); err != nil {
			return fmt.Errorf("vault: moving the new key into place (it is in %s): %w", next.path, err)
		}
		if err := syncDir(filepath.Dir(ks.path)); err != nil {
			return err
		}
		s.mu.Lock()
		s.keys = ks
		s.mu.Unlock()
		return nil
	case *keyringSource:
		next := &keyringSource{account: ks.account + ".next"}
		if staged, err := next.Key(ctx, false); err == nil {
			ok, err := s.opensWith(ctx, next)
			if err != nil {
				return err
			}
			if ok { // an interrupted rotation: finish it
				set := keyringSet
				if _, err := keyringCall(ctx, func() (struct{}, error) {
					return struct{}{}, set(KeyringService, ks.account, encodeKey(staged))
				}); err != nil {
					return fmt.Errorf("vault: the vault opens with the staged key (keyring account %s); moving it into place: %w", next.account, err)
				}
			}
			clear(staged)
			if err := next.delete(ctx); err != nil {
				return fmt.Errorf("vault: removing the staged key: %w", err)
			}
		} else if !errors.Is(err, ErrKeyNotFound) {
			return err
		}
		key, err := next.Key(ctx, true)
		if err != nil {
			return err
		}
		if err := s.Rekey(ctx, next); err != nil {
			_ = next.delete(ctx)
			return err
		}
		set := keyringSet
		if _, err := keyringCall(ctx, func() (struct{}, error) {
			return struct{}{}, set(KeyringService, ks.account, encodeKey(key))
		}); err != nil {
			return fmt.Errorf("vault: moving the new key into place (it is in keyring account %s): %w", next.account, err)
		}
		clear(key)
		_ = next.delete(ctx)
		s.mu.Lock()
		s.keys = ks
		s.mu.Unlock()
		return nil
	case *autoSource:
		ks.mu.Lock()
		chosen := ks.chosen
		ks.mu.Unlock()
		if chosen == nil {
			if _, err := ks.Key(ctx, true); err != nil {
				return err
			}
			ks.mu.Lock()
			chosen = ks.chosen
			ks.mu.Unlock()
		}
		s.mu.Lock()
		s.keys = chosen
		s.mu.Unlock()
		return s.RotateKey(ctx)
	default:
		return fmt.Errorf("vault: a %s key cannot be rotated in place; use `authsome rekey --to file|passphrase|env`", ks.Name())
	}
}

// opensWith reports whether the existing vault opens with ks (false when
// there is no vault or the key is wrong); used to recognise a staged key
// left by an interrupted rotation, which must never be thrown away.
func (s *Store) opensWith(ctx context.Context, ks KeySource) (bool, error) {
	if !s.Exists() {
		return false, nil
	}
	probe := &Store{dir: s.dir, path: s.path, lockPath: s.lockPath, profile: s.profile, keys: ks}
	_, err := probe.Load(ctx)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrWrongKey):
		return false, nil
	}
	return false, err
}
