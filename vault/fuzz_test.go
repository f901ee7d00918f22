package vault

import (
	"bytes"
	"path/filepath"
	"testing"
)

// FuzzParseFile feeds arbitrary bytes to the vault file parser and, when
// they parse, to key unwrapping and decryption: nothing may panic, and any
// accepted header must satisfy the length invariants decryption relies on.
func FuzzParseFile(f *testing.F) {
	dir := filepath.Join(f.TempDir(), "fz")
	s, err := Open(dir, FileKey(filepath.Join(dir, "k")))
	if err != nil {
		f.Fatal(err)
	}
	err = s.Update(f.Context(), func(d *Data) error {
		return d.Put(&Connection{Provider: "p", Name: "a", AccessToken: "t"})
	})
	if err != nil {
		f.Fatal(err)
	}
	valid, err := readAll(s.Path())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	for _, b := range corruptions(valid) {
		f.Add(b)
	}
	f.Add([]byte(`{"format":"authsome-vault","version":1,"profile":"x","key_source":"passphrase","kdf":{"name":"argon2id","time":1,"memory_kib":8,"threads":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="}}`))
	f.Add([]byte(`{"format":"authsome-vault","version":99}`))
	key := bytes.Repeat([]byte{1}, keySize)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseFile(b)
		if err != nil {
			if h != nil {
				t.Fatal("header with error")
			}
			return
		}
		if len(h.Nonce) != 24 || len(h.WrapNonce) != 24 || len(h.WrappedKey) != 48 || h.Profile == "" {
			t.Fatalf("invalid header accepted: %+v", h)
		}
		if dk, err := unwrapKey(h, key); err == nil {
			decryptData(h, dk)
		}
		decryptData(h, key)
	})
}
