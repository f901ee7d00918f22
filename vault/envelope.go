package vault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// Envelope is one record sealed for storage outside a vault file (a database row): the record
// is sealed under its own random data key, and the data key is wrapped by a key-encryption key
// (KEK) from a [KeySource], with the same construction the vault file uses for its content.
// The context string given to [SealEnvelope] (for example "default/connection/microsoft/work")
// is bound into both seals, so an envelope copied to another row does not open there.
type Envelope struct {
	KeyID      []byte // identifies the KEK (8 bytes), telling a wrong key from damage
	WrappedKey []byte // wrap nonce, then the data key sealed by the KEK
	Sealed     []byte // nonce, then the record sealed by the data key
}

const nonceSize = chacha20poly1305.NonceSizeX

// KEK returns the key-encryption key of ks for envelopes, with the KDF parameters a
// passphrase source needs recorded beside the envelopes: give the recorded kdf (nil when
// there is none yet) and keep the kdf returned. create allows a key file (not the
// environment) to be created when missing.
func KEK(ctx context.Context, ks KeySource, create bool, kdf []byte) (kek, newKDF []byte, err error) {
	var params *kdfParams
	if len(kdf) > 0 {
		params = new(kdfParams)
		if err := json.Unmarshal(kdf, params); err != nil {
			return nil, nil, fmt.Errorf("%w: bad kdf parameters (%v)", ErrCorrupt, jsonErrSummary(err))
		}
	}
	kek, params, err = kekFor(ctx, ks, create, params)
	if err != nil || params == nil {
		return kek, nil, err
	}
	newKDF, err = json.Marshal(params)
	return kek, newKDF, err
}

// KEKID returns the 8-byte identifier of a key-encryption key, as recorded in envelopes.
func KEKID(kek []byte) []byte { return keyID(kek) }

// SealEnvelope seals plaintext under a new random data key wrapped by kek, bound to context.
func SealEnvelope(kek []byte, context string, plaintext []byte) (Envelope, error) {
	if len(kek) != keySize {
		return Envelope{}, fmt.Errorf("vault: key is %d bytes, want %d", len(kek), keySize)
	}
	dataKey := randomBytes(keySize)
	defer clear(dataKey)
	h := wrapHeader(context, "", nil, kek, dataKey)
	nonce := randomBytes(nonceSize)
	return Envelope{
		KeyID:      h.KeyID,
		WrappedKey: append(h.WrapNonce, h.WrappedKey...),
		Sealed:     append(nonce, seal(dataKey, nonce, plaintext, aad(context, "data"))...),
	}, nil
}

// OpenEnvelope returns the plaintext of e, sealed for context. The error matches
// ErrWrongKey when kek is not the key e was sealed with, ErrCorrupt when e fails
// authentication (damaged, or sealed for another context).
func OpenEnvelope(kek []byte, context string, e Envelope) ([]byte, error) {
	dataKey, err := unwrapEnvelope(kek, context, e)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	if len(e.Sealed) < nonceSize+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: sealed record too short", ErrCorrupt)
	}
	pt, err := open(dataKey, e.Sealed[:nonceSize], e.Sealed[nonceSize:], aad(context, "data"))
	if err != nil {
		return nil, fmt.Errorf("%w: record fails authentication", ErrCorrupt)
	}
	return pt, nil
}

// RewrapEnvelope wraps e's data key under newKEK instead of oldKEK; the sealed record is
// unchanged. It fails as [OpenEnvelope] does when oldKEK does not open e.
func RewrapEnvelope(oldKEK, newKEK []byte, context string, e Envelope) (Envelope, error) {
	if len(newKEK) != keySize {
		return Envelope{}, fmt.Errorf("vault: new key is %d bytes, want %d", len(newKEK), keySize)
	}
	dataKey, err := unwrapEnvelope(oldKEK, context, e)
	if err != nil {
		return Envelope{}, err
	}
	defer clear(dataKey)
	h := wrapHeader(context, "", nil, newKEK, dataKey)
	return Envelope{KeyID: h.KeyID, WrappedKey: append(h.WrapNonce, h.WrappedKey...), Sealed: e.Sealed}, nil
}

func unwrapEnvelope(kek []byte, context string, e Envelope) ([]byte, error) {
	if len(e.KeyID) != 8 || len(e.WrappedKey) != nonceSize+keySize+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: wrapped key of the wrong length", ErrCorrupt)
	}
	h := &header{Profile: context, KeyID: e.KeyID, WrapNonce: e.WrappedKey[:nonceSize], WrappedKey: e.WrappedKey[nonceSize:]}
	dk, err := unwrapKey(h, kek)
	if errors.Is(err, ErrCorrupt) {
		return nil, fmt.Errorf("%w: wrapped key fails authentication", ErrCorrupt)
	}
	return dk, err
}
