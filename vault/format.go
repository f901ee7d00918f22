package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/chacha20poly1305"
)

// File format identifiers.
const (
	formatName    = "authsome-vault"
	formatVersion = 1
	keySize       = chacha20poly1305.KeySize // 32
	maxFileSize   = 64 << 20
)

// Errors. Store methods wrap them with the vault path and advice; test with
// errors.Is.
var (
	// ErrWrongKey: the key source's key does not open the vault (or the
	// vault was written with a different key source, or the key is missing).
	ErrWrongKey = errors.New("wrong key")
	// ErrCorrupt: the file cannot be parsed or fails authentication.
	ErrCorrupt = errors.New("vault file is corrupt")
	// ErrUnsupportedVersion: the file was written by a newer format version.
	ErrUnsupportedVersion = errors.New("unsupported vault format version")
	// ErrProfileMismatch: the file belongs to another profile (it was copied
	// or its folder renamed).
	ErrProfileMismatch = errors.New("vault belongs to another profile")
	// ErrKeyNotFound: the key source holds no key and creation was not
	// allowed (or is impossible, as for the environment).
	ErrKeyNotFound = errors.New("key not found")
	// ErrNeedPassphrase: the vault is passphrase-protected but no passphrase
	// source was supplied.
	ErrNeedPassphrase = errors.New("vault is protected by a passphrase")
)

// Error is the error type returned by Store methods for vault-file problems.
// Kind is one of the package's sentinel errors; Err is an optional cause.
type Error struct {
	Path string
	Kind error
	Msg  string // what happened; never key material
	Err  error
	Hint string // what to do
}

func (e *Error) Error() string {
	s := "vault " + e.Path + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Unwrap returns Kind and the cause, so errors.Is matches either.
func (e *Error) Unwrap() []error {
	out := []error{e.Kind}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// kdfParams describe the argon2id derivation of a passphrase key.
type kdfParams struct {
	Name      string `json:"name"` // "argon2id"
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt"` // base64 in JSON
}

func (k *kdfParams) validate() error {
	switch {
	case k.Name != "argon2id":
		return fmt.Errorf("unknown kdf %q", k.Name)
	case k.Time < 1 || k.Time > 16:
		return errors.New("kdf time out of range")
	case k.MemoryKiB < 8 || k.MemoryKiB > 1<<20: // at most 1 GiB, whatever a damaged header says
		return errors.New("kdf memory out of range")
	case k.Threads < 1 || k.Threads > 64:
		return errors.New("kdf threads out of range")
	case len(k.Salt) < 16 || len(k.Salt) > 64:
		return errors.New("kdf salt length out of range")
	}
	return nil
}

// header is the on-disk form of vault.json. Byte fields are base64 (std).
type header struct {
	Format     string     `json:"format"`
	Version    int        `json:"version"`
	Profile    string     `json:"profile"`
	KeySource  string     `json:"key_source"`
	KDF        *kdfParams `json:"kdf,omitempty"`
	KeyID      []byte     `json:"key_id"`      // 8 bytes of SHA-256 over the KEK: tells wrong key from damage
	WrapNonce  []byte     `json:"wrap_nonce"`  // 24 bytes
	WrappedKey []byte     `json:"wrapped_key"` // data key sealed by the KEK: 32+16 bytes
	Nonce      []byte     `json:"nonce"`       // 24 bytes
	Ciphertext []byte     `json:"ciphertext"`  // Data JSON sealed by the data key
}

var knownKeySources = map[string]bool{"env": true, "keyring": true, "file": true, "passphrase": true}

// parseFile decodes and validates the outer structure of a vault file. It
// returns ErrCorrupt or ErrUnsupportedVersion (unwrapped) with a reason.
func parseFile(b []byte) (*header, error) {
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%w: file larger than %d bytes", ErrCorrupt, maxFileSize)
	}
	var probe struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("%w: not a vault file (%v)", ErrCorrupt, jsonErrSummary(err))
	}
	if probe.Format != formatName {
		return nil, fmt.Errorf("%w: not a vault file (format %q)", ErrCorrupt, probe.Format)
	}
	if probe.Version != formatVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads version %d", ErrUnsupportedVersion, probe.Version, formatVersion)
	}
	h := new(header)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(h); err != nil {
		return nil, fmt.Errorf("%w: bad header (%v)", ErrCorrupt, jsonErrSummary(err))
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrCorrupt)
	}
	switch {
	case h.Profile == "" || len(h.Profile) > 255 || !utf8.ValidString(h.Profile):
		return nil, fmt.Errorf("%w: bad profile field", ErrCorrupt)
	case !knownKeySources[h.KeySource]:
		return nil, fmt.Errorf("%w: unknown key source %q", ErrCorrupt, h.KeySource)
	case (h.KeySource == "passphrase") != (h.KDF != nil):
		return nil, fmt.Errorf("%w: kdf parameters do not match key source", ErrCorrupt)
	case len(h.KeyID) != 8, len(h.WrapNonce) != chacha20poly1305.NonceSizeX,
		len(h.WrappedKey) != keySize+chacha20poly1305.Overhead,
		len(h.Nonce) != chacha20poly1305.NonceSizeX,
		len(h.Ciphertext) < chacha20poly1305.Overhead:
		return nil, fmt.Errorf("%w: field of the wrong length", ErrCorrupt)
	}
	if h.KDF != nil {
		if err := h.KDF.validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return h, nil
}

// jsonErrSummary keeps JSON errors short and free of file content.
func jsonErrSummary(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	}
	msg := err.Error()
	if i := strings.Index(msg, "unknown field"); i >= 0 {
		return msg[i:]
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "truncated"
	}
	return "malformed"
}

// aad binds ciphertexts to the format, version and profile; purpose
// separates the wrapped key from the data.
func aad(profile, purpose string) []byte {
	return fmt.Appendf(nil, "%s/%d/%s/%s", formatName, formatVersion, profile, purpose)
}

func keyID(kek []byte) []byte {
	sum := sha256.Sum256(append([]byte("authsome-vault key-id v1\x00"), kek...))
	return sum[:8]
}

func seal(key, nonce, plaintext, ad []byte) []byte {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic("vault: bad key size") // keys are always checked to be 32 bytes
	}
	return a.Seal(nil, nonce, plaintext, ad)
}

func open(key, nonce, ciphertext, ad []byte) ([]byte, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return a.Open(nil, nonce, ciphertext, ad)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics on failure instead)
	return b
}

// unwrapKey returns the data key, or ErrWrongKey / ErrCorrupt (unwrapped).
func unwrapKey(h *header, kek []byte) ([]byte, error) {
	if len(kek) != keySize {
		return nil, fmt.Errorf("%w: key is %d bytes, want %d", ErrWrongKey, len(kek), keySize)
	}
	if subtle.ConstantTimeCompare(keyID(kek), h.KeyID) != 1 {
		return nil, ErrWrongKey
	}
	dk, err := open(kek, h.WrapNonce, h.WrappedKey, aad(h.Profile, "key"))
	if err != nil {
		return nil, fmt.Errorf("%w: wrapped key fails authentication", ErrCorrupt)
	}
	return dk, nil
}

// decryptData opens the ciphertext with the data key and decodes it.
func decryptData(h *header, dataKey []byte) (*Data, []byte, error) {
	pt, err := open(dataKey, h.Nonce, h.Ciphertext, aad(h.Profile, "data"))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: contents fail authentication", ErrCorrupt)
	}
	d := new(Data)
	if err := json.Unmarshal(pt, d); err != nil {
		return nil, nil, fmt.Errorf("%w: contents are not valid (%v)", ErrCorrupt, jsonErrSummary(err))
	}
	d.Normalize()
	return d, pt, nil
}

// sealFile builds a vault file from an existing (or new) key wrap and the
// plaintext; every call uses a fresh data nonce.
func sealFile(h header, dataKey, plaintext []byte) ([]byte, error) {
	h.Format, h.Version = formatName, formatVersion
	h.Nonce = randomBytes(chacha20poly1305.NonceSizeX)
	h.Ciphertext = seal(dataKey, h.Nonce, plaintext, aad(h.Profile, "data"))
	b, err := json.MarshalIndent(&h, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// wrapHeader creates the key part of a header for a new data key.
func wrapHeader(profile, source string, kdf *kdfParams, kek, dataKey []byte) header {
	h := header{Profile: profile, KeySource: source, KDF: kdf, KeyID: keyID(kek)}
	h.WrapNonce = randomBytes(chacha20poly1305.NonceSizeX)
	h.WrappedKey = seal(kek, h.WrapNonce, dataKey, aad(profile, "key"))
	return h
}

// decodeKey parses a base64 (std or URL, padded or not) 32-byte key.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != keySize {
			return nil, fmt.Errorf("key must be %d bytes, got %d", keySize, len(b))
		}
		return b, nil
	}
	return nil, errors.New("key is not valid base64")
}

func encodeKey(k []byte) string { return base64.StdEncoding.EncodeToString(k) }
