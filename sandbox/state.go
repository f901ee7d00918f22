package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/identity"
)

// Settings are the run-time switches of the sandbox (GET/PATCH
// /_sandbox/settings): StrictRefreshRotation (a redeemed refresh token stops
// working), AccessTokenLifetime, DeviceInterval (the device code polling
// interval, announced in whole seconds) and AutoApprove (every device code
// and consent is approved as the first user). In JSON they are
// strict_refresh_rotation, access_token_lifetime_seconds,
// device_interval_seconds or device_interval_ms, and auto_approve.
type Settings = identity.Settings

// stateData is the server's own mutable state: the injected faults.
type stateData struct {
	Faults      []Fault `json:"faults"`
	NextFaultID int     `json:"next_fault_id"`
}

// stateJSON is GET/PUT /_sandbox/state and the state file's "state" member:
// the identity platform's state (codes, tokens, consents, settings) and the
// faults. Before the identity platform was a store of its own, the state file
// kept the identity state there; it is still read from there when the file has
// no "identity" snapshot.
type stateJSON struct {
	identity.State
	stateData
}

func newState() *stateData { return &stateData{NextFaultID: 1} }

// fill repairs the fault counter after decoding.
func (d *stateData) fill() {
	for _, f := range d.Faults {
		if f.ID >= d.NextFaultID {
			d.NextFaultID = f.ID + 1
		}
	}
	if d.NextFaultID < 1 {
		d.NextFaultID = 1
	}
}

// stateFile is the on-disk format of Options.StateFile.
type stateFile struct {
	Version    int        `json:"version"`
	SigningKey string     `json:"signing_key"` // PKCS#8, base64
	State      *stateData `json:"state"`
	// Workloads is each store's snapshot by its name (the Graph workloads
	// and the identity platform).
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
	var legacy struct { // before the identity platform was a store, "state" held its state too
		State json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return ls, fmt.Errorf("sandbox: parse state %s: %w", path, err)
	}
	_ = json.Unmarshal(data, &legacy) // the same document: it parsed above
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
	for name, old := range map[string]json.RawMessage{"mail": f.Mail, "calendar": f.Calendar, identity.Name: legacy.State} {
		if _, ok := ls.workloads[name]; !ok && old != nil {
			ls.workloads[name] = old
		}
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
	for _, w := range s.stores() {
		if wls[w.Name()], err = w.Snapshot(); err != nil { // under the store's own lock
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
