package sandbox

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/journal"
	"maps"
	"os"
	"slices"
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

// stateFile is the format of a snapshot (and of the single state file older
// sandboxes wrote).
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
	records     []journal.Record // the log after the snapshot
	clockOffset time.Duration
}

// loadStateFile reads a state file written by an older sandbox (one JSON
// file; now the first snapshot of a state folder).
func loadStateFile(path string) (loadedState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return loadedState{}, fmt.Errorf("sandbox: read state: %w", err)
	}
	return parseState(path, data)
}

// parseState reads a snapshot: signing key, identity state, each workload's
// snapshot and the clock's offset.
func parseState(path string, data []byte) (loadedState, error) {
	var ls loadedState
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
	// Contacts were part of the calendar workload's snapshot until they had their own.
	if _, ok := ls.workloads["contacts"]; !ok && ls.workloads["calendar"] != nil {
		ls.workloads["contacts"] = ls.workloads["calendar"]
	}
	ls.clockOffset = f.ClockOffset
	return ls, nil
}

// stateJSON is the whole state as a snapshot (it holds the signing key: the
// state folder is 0700 and its files 0600).
func (s *Server) stateJSON() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(s.signer.Key())
	if err != nil {
		return nil, err
	}
	wls := map[string]json.RawMessage{}
	for _, w := range s.stores() {
		if wls[w.Name()], err = w.Snapshot(); err != nil { // under the store's own lock
			return nil, fmt.Errorf("sandbox: save %s: %w", w.Name(), err)
		}
	}
	s.mu.Lock()
	head, err := json.Marshal(stateFile{
		Version: 1, SigningKey: base64.StdEncoding.EncodeToString(der), State: s.st,
		ClockOffset: s.clock.offset(),
	})
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return withWorkloads(head, wls)
}

// withWorkloads adds the member "workloads" (stateFile.Workloads) to head,
// the rest of the state file encoded: the snapshots are JSON from the
// workloads' own encoders, which json.Marshal would parse and compact
// again, most of the cost of a state file.
func withWorkloads(head []byte, wls map[string]json.RawMessage) ([]byte, error) {
	names := slices.Sorted(maps.Keys(wls))
	size := len(head) + 16
	for _, n := range names {
		size += len(n) + len(wls[n]) + 4
	}
	out := make([]byte, 0, size)
	out = append(out, head[:len(head)-1]...) // without its closing brace
	out = append(out, `,"workloads":{`...)
	for i, n := range names {
		if i > 0 {
			out = append(out, ',')
		}
		name, err := json.Marshal(n)
		if err != nil {
			return nil, err
		}
		out = append(append(out, name...), ':')
		if raw := wls[n]; len(raw) > 0 {
			out = append(out, raw...)
		} else {
			out = append(out, "null"...)
		}
	}
	return append(out, "}}"...), nil
}
