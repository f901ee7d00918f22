package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Name is the identity platform's store name; it keys its part of the state
// file and of the journal.
const Name = "identity"

// AuthCode is an issued authorization code (keyed by the hash of the code).
type AuthCode struct {
	ClientID        string    `json:"client_id"`
	RedirectURI     string    `json:"redirect_uri"`
	Challenge       string    `json:"code_challenge,omitempty"`
	ChallengeMethod string    `json:"code_challenge_method,omitempty"`
	UserID          string    `json:"user_id"`
	Nonce           string    `json:"nonce,omitempty"`
	Tenant          string    `json:"tenant"`
	Scopes          []string  `json:"scopes"`
	IssuedAt        time.Time `json:"issued_at"`
	ExpiresAt       time.Time `json:"expires_at"`
	Redeemed        bool      `json:"redeemed"`
}

// DeviceCode is a pending device authorization (keyed by the hash of the device code).
type DeviceCode struct {
	ClientID  string    `json:"client_id"`
	UserCode  string    `json:"user_code"`
	Tenant    string    `json:"tenant"`
	Scopes    []string  `json:"scopes"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Status    string    `json:"status"` // pending | approved | declined | redeemed
	UserID    string    `json:"user_id,omitempty"`
	LastPoll  time.Time `json:"last_poll,omitempty"`
}

// RefreshToken is an issued refresh token (keyed by the hash of the token).
type RefreshToken struct {
	ClientID string    `json:"client_id"`
	UserID   string    `json:"user_id"`
	Scopes   []string  `json:"scopes"`
	IssuedAt time.Time `json:"issued_at"`
	Redeemed bool      `json:"redeemed"`
	Revoked  bool      `json:"revoked"`
}

// State is the identity platform's mutable state. Codes and tokens are
// stored only as SHA-256 hashes (HashSecret).
type State struct {
	Settings      Settings                 `json:"settings"`
	Codes         map[string]*AuthCode     `json:"codes"`
	DeviceCodes   map[string]*DeviceCode   `json:"device_codes"`
	RefreshTokens map[string]*RefreshToken `json:"refresh_tokens"`
	// Consents maps "clientID|userID" to the delegated permissions the user granted.
	Consents map[string][]string `json:"consents"`
	// Certificates are the apps' certificate credentials by "clientID/x5t#S256",
	// Federated their federated identity credentials by "clientID/name".
	Certificates map[string]*CertificateCredential `json:"certificates,omitempty"`
	Federated    map[string]*FederatedCredential   `json:"federated,omitempty"`
}

func newState(st Settings) *State {
	return &State{
		Settings:      st,
		Codes:         map[string]*AuthCode{},
		DeviceCodes:   map[string]*DeviceCode{},
		RefreshTokens: map[string]*RefreshToken{},
		Consents:      map[string][]string{},
		Certificates:  map[string]*CertificateCredential{},
		Federated:     map[string]*FederatedCredential{},
	}
}

// fill replaces nil maps after decoding.
func (d *State) fill() {
	if d.Codes == nil {
		d.Codes = map[string]*AuthCode{}
	}
	if d.DeviceCodes == nil {
		d.DeviceCodes = map[string]*DeviceCode{}
	}
	if d.RefreshTokens == nil {
		d.RefreshTokens = map[string]*RefreshToken{}
	}
	if d.Consents == nil {
		d.Consents = map[string][]string{}
	}
	if d.Certificates == nil {
		d.Certificates = map[string]*CertificateCredential{}
	}
	if d.Federated == nil {
		d.Federated = map[string]*FederatedCredential{}
	}
}

// HashSecret is the key under which codes and tokens are stored.
func HashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// Entity keys of the journal: one per code, device code, refresh token,
// consent, certificate and federated credential, plus the settings.
const (
	keySettings  = "settings"
	preCode      = "code/"
	preDevice    = "device/"
	preRefresh   = "rt/"
	preConsent   = "consent/"
	preCert      = "cert/"
	preFederated = "federated/"
)

// touch notes that the request behind ctx changed the entity key.
func touch(ctx context.Context, key string) { graphkit.TouchCtx(ctx, Name, key) }

// prune drops expired codes and tokens; call with s.mu held.
func (s *Platform) prune(ctx context.Context, now time.Time) {
	d := s.st
	for k, c := range d.Codes {
		if now.Sub(c.ExpiresAt) > time.Hour {
			delete(d.Codes, k)
			touch(ctx, preCode+k)
		}
	}
	for k, c := range d.DeviceCodes {
		if now.Sub(c.ExpiresAt) > time.Hour {
			delete(d.DeviceCodes, k)
			touch(ctx, preDevice+k)
		}
	}
	for k, rt := range d.RefreshTokens {
		if now.Sub(rt.IssuedAt) > 2*refreshInactivity {
			delete(d.RefreshTokens, k)
			touch(ctx, preRefresh+k)
		}
	}
}

// Name is the store's name, "identity".
func (s *Platform) Name() string { return Name }

// Reset drops every code, token, consent, registered credential and pending
// sign-in and restores the settings given to New.
func (s *Platform) Reset() {
	s.mu.Lock()
	s.st = newState(s.cfg.Initial)
	s.pending = map[string]*pendingAuth{}
	s.mu.Unlock()
	s.refreshGrants.Store(0)
	s.refreshReuses.Store(0)
}

// Snapshot returns the whole state as JSON (map keys sorted).
func (s *Platform) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.st)
}

// Restore replaces the state with a snapshot. Members missing from data keep
// their initial values (the settings given to New, no codes or tokens).
func (s *Platform) Restore(data json.RawMessage) error {
	st := newState(s.cfg.Initial)
	if err := json.Unmarshal(data, st); err != nil {
		return err
	}
	st.fill()
	s.mu.Lock()
	s.st = st
	s.mu.Unlock()
	return nil
}

// Record emits the current JSON of each key (nil when the entity is gone).
func (s *Platform) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return graphkit.RecordValues(keys, emit, s.current)
}

// current is the entity under key, nil when it is gone; call with s.mu held.
func (s *Platform) current(key string) (any, error) {
	var id string
	switch {
	case key == keySettings:
		return s.st.Settings, nil
	case cut(key, preCode, &id):
		return orNil(s.st.Codes[id]), nil
	case cut(key, preDevice, &id):
		return orNil(s.st.DeviceCodes[id]), nil
	case cut(key, preRefresh, &id):
		return orNil(s.st.RefreshTokens[id]), nil
	case cut(key, preConsent, &id):
		if perms, ok := s.st.Consents[id]; ok {
			return perms, nil
		}
		return nil, nil
	case cut(key, preCert, &id):
		return orNil(s.st.Certificates[id]), nil
	case cut(key, preFederated, &id):
		return orNil(s.st.Federated[id]), nil
	}
	return nil, fmt.Errorf("identity: unknown key %q", key)
}

// orNil returns p, or an untyped nil when p is nil.
func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Platform) Apply(key string, v json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	switch {
	case key == keySettings:
		if v == nil {
			s.st.Settings = s.cfg.Initial
			return nil
		}
		return json.Unmarshal(v, &s.st.Settings)
	case cut(key, preCode, &id):
		return applyTo(s.st.Codes, id, v)
	case cut(key, preDevice, &id):
		return applyTo(s.st.DeviceCodes, id, v)
	case cut(key, preRefresh, &id):
		return applyTo(s.st.RefreshTokens, id, v)
	case cut(key, preConsent, &id):
		if v == nil {
			delete(s.st.Consents, id)
			return nil
		}
		var perms []string
		if err := json.Unmarshal(v, &perms); err != nil {
			return err
		}
		s.st.Consents[id] = perms
		return nil
	case cut(key, preCert, &id):
		return applyTo(s.st.Certificates, id, v)
	case cut(key, preFederated, &id):
		return applyTo(s.st.Federated, id, v)
	}
	return fmt.Errorf("identity: unknown key %q", key)
}

// applyTo sets m[id] to the decoded v, or deletes it when v is nil.
func applyTo[T any](m map[string]*T, id string, v json.RawMessage) error {
	if v == nil {
		delete(m, id)
		return nil
	}
	e := new(T)
	if err := json.Unmarshal(v, e); err != nil {
		return err
	}
	m[id] = e
	return nil
}

// cut reports whether key starts with prefix and sets *id to the rest.
func cut(key, prefix string, id *string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	if ok {
		*id = rest
	}
	return ok
}
