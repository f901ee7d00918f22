package vault

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

func TestEnvelopeRoundTripAndRewrap(t *testing.T) {
	t.Parallel()
	kek, other := randomBytes(keySize), randomBytes(keySize)
	secret := []byte(`{"refresh_token":"rt-secret"}`)
	e, err := SealEnvelope(kek, "p/connection/microsoft/work", secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(e.Sealed, []byte("rt-secret")) || !bytes.Equal(e.KeyID, KEKID(kek)) {
		t.Fatalf("envelope holds the secret in clear or the wrong key id")
	}
	pt, err := OpenEnvelope(kek, "p/connection/microsoft/work", e)
	if err != nil || !bytes.Equal(pt, secret) {
		t.Fatalf("open = %q, %v", pt, err)
	}
	if _, err := OpenEnvelope(other, "p/connection/microsoft/work", e); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("other key: %v, want ErrWrongKey", err)
	}
	if _, err := OpenEnvelope(kek, "p/connection/microsoft/home", e); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("other context: %v, want ErrCorrupt", err)
	}
	r, err := RewrapEnvelope(kek, other, "p/connection/microsoft/work", e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Sealed, e.Sealed) {
		t.Fatal("rewrap changed the sealed record")
	}
	if pt, err := OpenEnvelope(other, "p/connection/microsoft/work", r); err != nil || !bytes.Equal(pt, secret) {
		t.Fatalf("open after rewrap = %q, %v", pt, err)
	}
	if _, err := OpenEnvelope(kek, "p/connection/microsoft/work", r); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old key after rewrap: %v, want ErrWrongKey", err)
	}
	e.Sealed[len(e.Sealed)-1] ^= 1
	if _, err := OpenEnvelope(kek, "p/connection/microsoft/work", e); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged: %v, want ErrCorrupt", err)
	}
}

func TestKEKPassphraseRecordsKDF(t *testing.T) {
	if testing.Short() {
		// Two derivations at the real cost (argon2id, time 3, 64 MiB) are most of the package's
		// CPU; under -short the same recording and re-derivation run at a cheap cost (serial,
		// as cheapKDF must be), and the full run keeps the real one.
		cheapKDF(t)
	} else {
		t.Parallel()
	}
	ks := PassphraseKey(func() ([]byte, error) { return []byte("correct horse"), nil })
	k1, kdf, err := KEK(context.Background(), ks, true, nil)
	if err != nil || len(kdf) == 0 {
		t.Fatalf("KEK = %v, kdf %q", err, kdf)
	}
	k2, kdf2, err := KEK(context.Background(), ks, false, kdf)
	if err != nil || !bytes.Equal(k1, k2) || !bytes.Equal(kdf, kdf2) {
		t.Fatalf("second derivation differs: %v", err)
	}
	if _, _, err := KEK(context.Background(), ks, false, []byte("{")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad kdf: %v", err)
	}
}
