package sandbox

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Settings are the run-time switches of the sandbox (GET/PATCH /_sandbox/settings).
type Settings struct {
	// StrictRefreshRotation makes a refresh token unusable once it has been
	// redeemed (Microsoft keeps old refresh tokens valid; strict mode lets
	// tests prove that clients always persist the newest one).
	StrictRefreshRotation bool
	// AccessTokenLifetime is the lifetime of issued access tokens.
	AccessTokenLifetime time.Duration
	// DeviceInterval is the device-code polling interval. The interval
	// announced by /devicecode is its whole number of seconds, so a
	// sub-second value is announced as 0.
	DeviceInterval time.Duration
	// AutoApprove approves every device code and consent as the first user.
	AutoApprove bool
}

type settingsJSON struct {
	StrictRefreshRotation      bool  `json:"strict_refresh_rotation"`
	AccessTokenLifetimeSeconds int64 `json:"access_token_lifetime_seconds"`
	DeviceIntervalSeconds      int64 `json:"device_interval_seconds"`
	DeviceIntervalMillis       int64 `json:"device_interval_ms"`
	AutoApprove                bool  `json:"auto_approve"`
}

// MarshalJSON encodes the settings with the field names of the control API:
// strict_refresh_rotation, access_token_lifetime_seconds,
// device_interval_seconds, device_interval_ms and auto_approve.
func (st Settings) MarshalJSON() ([]byte, error) {
	return json.Marshal(settingsJSON{
		StrictRefreshRotation:      st.StrictRefreshRotation,
		AccessTokenLifetimeSeconds: int64(st.AccessTokenLifetime / time.Second),
		DeviceIntervalSeconds:      int64(st.DeviceInterval / time.Second),
		DeviceIntervalMillis:       int64(st.DeviceInterval / time.Millisecond),
		AutoApprove:                st.AutoApprove,
	})
}

// UnmarshalJSON is the inverse of MarshalJSON. Only the fields present in
// data change; device_interval_ms wins over device_interval_seconds.
func (st *Settings) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	known := map[string]bool{"strict_refresh_rotation": true, "access_token_lifetime_seconds": true,
		"device_interval_seconds": true, "device_interval_ms": true, "auto_approve": true}
	for k := range m {
		if !known[k] {
			return fmt.Errorf("unknown setting %q", k)
		}
	}
	var v settingsJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if _, ok := m["strict_refresh_rotation"]; ok {
		st.StrictRefreshRotation = v.StrictRefreshRotation
	}
	if _, ok := m["auto_approve"]; ok {
		st.AutoApprove = v.AutoApprove
	}
	if _, ok := m["access_token_lifetime_seconds"]; ok {
		if v.AccessTokenLifetimeSeconds <= 0 {
			return errors.New("access_token_lifetime_seconds must be positive")
		}
		st.AccessTokenLifetime = time.Duration(v.AccessTokenLifetimeSeconds) * time.Second
	}
	if _, ok := m["device_interval_ms"]; ok {
		if v.DeviceIntervalMillis < 0 {
			return errors.New("device_interval_ms must not be negative")
		}
		st.DeviceInterval = time.Duration(v.DeviceIntervalMillis) * time.Millisecond
	} else if _, ok := m["device_interval_seconds"]; ok {
		if v.DeviceIntervalSeconds < 0 {
			return errors.New("device_interval_seconds must not be negative")
		}
		st.DeviceInterval = time.Duration(v.DeviceIntervalSeconds) * time.Second
	}
	return nil
}

// authCode is an issued authorization code (keyed by the hash of the code).
type authCode struct {
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

// deviceCode is a pending device authorization (keyed by the hash of the device code).
type deviceCode struct {
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

// refreshToken is an issued refresh token (keyed by the hash of the token).
type refreshToken struct {
	ClientID string    `json:"client_id"`
	UserID   string    `json:"user_id"`
	Scopes   []string  `json:"scopes"`
	IssuedAt time.Time `json:"issued_at"`
	Redeemed bool      `json:"redeemed"`
	Revoked  bool      `json:"revoked"`
}

// stateData is the mutable state of the sandbox (GET/PUT /_sandbox/state).
// Codes and tokens are stored only as SHA-256 hashes.
type stateData struct {
	Settings      Settings                 `json:"settings"`
	Codes         map[string]*authCode     `json:"codes"`
	DeviceCodes   map[string]*deviceCode   `json:"device_codes"`
	RefreshTokens map[string]*refreshToken `json:"refresh_tokens"`
	// Consents maps "clientID|userID" to the delegated permissions the user granted.
	Consents    map[string][]string `json:"consents"`
	Faults      []Fault             `json:"faults"`
	NextFaultID int                 `json:"next_fault_id"`
}

func newState(st Settings) *stateData {
	return &stateData{
		Settings:      st,
		Codes:         map[string]*authCode{},
		DeviceCodes:   map[string]*deviceCode{},
		RefreshTokens: map[string]*refreshToken{},
		Consents:      map[string][]string{},
		NextFaultID:   1,
	}
}

// fill replaces nil maps after decoding.
func (d *stateData) fill() {
	if d.Codes == nil {
		d.Codes = map[string]*authCode{}
	}
	if d.DeviceCodes == nil {
		d.DeviceCodes = map[string]*deviceCode{}
	}
	if d.RefreshTokens == nil {
		d.RefreshTokens = map[string]*refreshToken{}
	}
	if d.Consents == nil {
		d.Consents = map[string][]string{}
	}
	for _, f := range d.Faults {
		if f.ID >= d.NextFaultID {
			d.NextFaultID = f.ID + 1
		}
	}
	if d.NextFaultID < 1 {
		d.NextFaultID = 1
	}
}

// prune drops expired codes; called with the lock held.
func (d *stateData) prune(now time.Time) {
	for k, c := range d.Codes {
		if now.Sub(c.ExpiresAt) > time.Hour {
			delete(d.Codes, k)
		}
	}
	for k, c := range d.DeviceCodes {
		if now.Sub(c.ExpiresAt) > time.Hour {
			delete(d.DeviceCodes, k)
		}
	}
	for k, rt := range d.RefreshTokens {
		if now.Sub(rt.IssuedAt) > 2*refreshInactivity {
			delete(d.RefreshTokens, k)
		}
	}
}

// stateFile is the on-disk format of Options.StateFile.
type stateFile struct {
	Version    int        `json:"version"`
	SigningKey string     `json:"signing_key"` // PKCS#8, base64
	State      *stateData `json:"state"`
	// Workloads is each workload's snapshot by its name.
	Workloads map[string]json.RawMessage `json:"workloads,omitempty"`
	// Mail and Calendar are where files written before the workload
	// registry kept the mailboxes and the calendars and contacts.
	Mail     json.RawMessage `json:"mail,omitempty"`
	Calendar json.RawMessage `json:"calendar,omitempty"`
	// ClockOffset is how far the clock was advanced (clock.go), in nanoseconds.
	ClockOffset time.Duration `json:"clock_offset_ns,omitempty"`
}

// loadedState is what a state file held; nil parts were not in it.
type loadedState struct {
	key         *rsa.PrivateKey
	st          *stateData
	workloads   map[string]json.RawMessage
	clockOffset time.Duration
}

// loadStateFile reads the state file: signing key, state, mailboxes, calendars and the
// clock's offset; a zero loadedState when there is no file.
func loadStateFile(path string) (loadedState, error) {
	var ls loadedState
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return ls, nil
	}
	if err != nil {
		return ls, fmt.Errorf("sandbox: read state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return ls, fmt.Errorf("sandbox: parse state %s: %w", path, err)
	}
	if f.Version != 1 {
		return ls, fmt.Errorf("sandbox: state %s: unsupported version %d", path, f.Version)
	}
	if f.ClockOffset < 0 || f.ClockOffset > maxClockOffset {
		return ls, fmt.Errorf("sandbox: state %s: clock_offset_ns %d out of range (0 to %d)", path, int64(f.ClockOffset), int64(maxClockOffset))
	}
	if f.SigningKey != "" {
		der, err := base64.StdEncoding.DecodeString(f.SigningKey)
		if err != nil {
			return ls, fmt.Errorf("sandbox: state %s: signing key: %w", path, err)
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return ls, fmt.Errorf("sandbox: state %s: signing key: %w", path, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return ls, fmt.Errorf("sandbox: state %s: signing key is not RSA", path)
		}
		ls.key = rk
	}
	if f.State != nil {
		f.State.fill()
		ls.st = f.State
	}
	ls.workloads = f.Workloads
	if ls.workloads == nil {
		ls.workloads = map[string]json.RawMessage{}
	}
	for name, old := range map[string]json.RawMessage{"mail": f.Mail, "calendar": f.Calendar} {
		if _, ok := ls.workloads[name]; !ok && old != nil {
			ls.workloads[name] = old
		}
	}
	// Contacts were part of the calendar workload's snapshot until they had their own.
	if _, ok := ls.workloads["contacts"]; !ok && ls.workloads["calendar"] != nil {
		ls.workloads["contacts"] = ls.workloads["calendar"]
	}
	ls.clockOffset = f.ClockOffset
	return ls, nil
}

// saveState writes the state file (0600: it holds the signing key).
func (s *Server) saveState() error {
	if s.opts.StateFile == "" {
		return nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(s.signer.Key())
	if err != nil {
		return err
	}
	wls := map[string]json.RawMessage{}
	for _, w := range s.workloads {
		if wls[w.Name()], err = w.Snapshot(); err != nil { // under the workload's own lock
			return fmt.Errorf("sandbox: save %s: %w", w.Name(), err)
		}
	}
	s.mu.Lock()
	data, err := json.MarshalIndent(stateFile{
		Version: 1, SigningKey: base64.StdEncoding.EncodeToString(der), State: s.st, Workloads: wls,
		ClockOffset: s.clock.offset(),
	}, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return writeFileAtomic(s.opts.StateFile, data, 0o600)
}

// hashSecret is the key under which codes and tokens are stored.
func hashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}
