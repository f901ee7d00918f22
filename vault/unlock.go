package vault

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// PassphraseSessionKey derives the key-encryption key of the passphrase vault in profileDir
// from passphrase, checks that it opens the vault, and returns it with the vault's KDF salt:
// what `authsome unlock` hands to its session (see internal/keysession), so that later
// commands skip argon2id. The caller clears the key when done.
func PassphraseSessionKey(ctx context.Context, profileDir string, passphrase []byte) (salt, kek []byte, err error) {
	b, err := readVaultFile(filepath.Join(profileDir, vaultFileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("%s has no vault yet", profileDir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("vault: %w", err)
	}
	h, err := parseFile(b)
	if err != nil {
		return nil, nil, err
	}
	if h.KeySource != "passphrase" || h.KDF == nil {
		return nil, nil, fmt.Errorf("the vault's key is not a passphrase (key source %q): there is nothing to unlock", h.KeySource)
	}
	src := &passphraseSource{get: func() ([]byte, error) { return append([]byte(nil), passphrase...), nil }}
	kek, _, err = src.derive(ctx, h.KDF)
	if err != nil {
		return nil, nil, err
	}
	dk, err := unwrapKey(h, kek)
	clear(dk)
	if err != nil {
		clear(kek)
		if errors.Is(err, ErrWrongKey) {
			return nil, nil, fmt.Errorf("%w: the passphrase does not open this vault", ErrWrongKey)
		}
		return nil, nil, err
	}
	return append([]byte(nil), h.KDF.Salt...), kek, nil
}
