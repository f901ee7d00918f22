package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/journal"
)

// The durable state (Options.StateDir): a journal folder holding a snapshot of
// the whole state and a log of the changes since (sandbox/internal/journal).
// A write request's answer is held back until the entities it touched are in
// the log, so a sandbox killed at any moment has lost only the requests it had
// not answered. The log is folded into a new snapshot when it grows past
// compactAt and when the server closes.
//
// Lock order: s.jmu, then a store's own lock, then the journal's. The record
// phase of a request holds s.jmu for reading; a snapshot holds it for writing,
// so the snapshot sees every change whose record is already in the log (and
// perhaps some whose record comes after it, which the replay applies again:
// records carry whole entities, so applying one twice changes nothing).

// compactAt is the log size past which the state is snapshotted again.
const compactAt = 64 << 20

// clockStore and clockKey journal the clock's offset (the control API moves it).
const (
	clockStore = "clock"
	clockKey   = "offset"
)

func (s *Server) store(name string) graphkit.Store {
	for _, st := range s.stores() {
		if st.Name() == name {
			return st
		}
	}
	return nil
}

// openState opens the state folder and reads the state back: the snapshot,
// then the log. A state file written by an older sandbox at dir is converted:
// it becomes the first snapshot and stays beside the folder as dir.v1.
func openState(dir string) (*journal.Journal, loadedState, error) {
	var ls loadedState
	if fi, err := os.Stat(dir); err == nil && fi.Mode().IsRegular() {
		old, err := loadStateFile(dir)
		if err != nil {
			return nil, ls, err
		}
		if err := os.Rename(dir, dir+".v1"); err != nil {
			return nil, ls, fmt.Errorf("sandbox: convert the state file %s to a folder: %w", dir, err)
		}
		j, err := journal.Open(dir)
		if err != nil {
			return nil, ls, fmt.Errorf("sandbox: state %s: %w", dir, err)
		}
		return j, old, nil
	}
	j, err := journal.Open(dir)
	if err != nil {
		return nil, ls, fmt.Errorf("sandbox: state %s: %w", dir, err)
	}
	var records []journal.Record
	err = j.Replay(func(r io.Reader) error {
		if r == nil {
			return nil
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		ls, err = parseState(dir, data)
		return err
	}, func(rec journal.Record) error {
		records = append(records, rec)
		return nil
	})
	if err != nil {
		j.Close()
		return nil, ls, fmt.Errorf("sandbox: state %s: %w", dir, err)
	}
	ls.records = records
	return j, ls, nil
}

// restore puts the state New read back into the stores, then writes a
// snapshot: the first one of a new folder (it holds the signing key), or one
// that folds in the log just replayed.
func (s *Server) restore(ls loadedState) error {
	dir := s.opts.StateDir
	for _, st := range s.stores() {
		if data, ok := ls.workloads[st.Name()]; ok {
			if err := st.Restore(data); err != nil {
				return fmt.Errorf("sandbox: state %s: %s: %w", dir, st.Name(), err)
			}
		}
	}
	if err := s.replay(dir, ls.records); err != nil {
		return err
	}
	return s.snapshot()
}

// replay applies the log's records over the restored snapshot.
func (s *Server) replay(dir string, records []journal.Record) error {
	for _, rec := range records {
		var v json.RawMessage
		if string(rec.Data) != "null" {
			v = rec.Data
		}
		if rec.Workload == clockStore {
			var off time.Duration
			if err := json.Unmarshal(v, &off); err != nil || off < 0 || off > maxClockOffset {
				return fmt.Errorf("sandbox: state %s: record %d: bad clock offset", dir, rec.Seq)
			}
			s.clock.reset(off)
			continue
		}
		st := s.store(rec.Workload)
		if st == nil {
			return fmt.Errorf("sandbox: state %s: record %d is for %q, which this sandbox does not have", dir, rec.Seq, rec.Workload)
		}
		if err := st.Apply(rec.Op, v); err != nil {
			return fmt.Errorf("sandbox: state %s: record %d (%s %s): %w", dir, rec.Seq, rec.Workload, rec.Op, err)
		}
	}
	return nil
}

// snapshot writes the whole state to the journal and empties its log.
func (s *Server) snapshot() error {
	if s.journal == nil {
		return nil
	}
	s.jmu.Lock()
	defer s.jmu.Unlock()
	data, err := s.stateJSON()
	if err != nil {
		return err
	}
	return s.journal.Snapshot(func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// compactSoon snapshots in the background once the log is past compactAt.
func (s *Server) compactSoon() {
	if s.journal.Size() < compactAt || !s.compacting.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.compacting.Store(false)
		if err := s.snapshot(); err != nil {
			log.Printf("sandbox: snapshot of the state: %v", err)
		}
	}()
}

// journalClock records the clock's offset after the control API moved it.
func (s *Server) journalClock() error {
	if s.journal == nil {
		return nil
	}
	s.jmu.RLock()
	defer s.jmu.RUnlock()
	_, err := s.journal.Append(clockStore, clockKey, s.clock.offset())
	return err
}

// durable serves a request through h and puts what it changed in the
// journal before the answer leaves. Whether a request changes anything is
// known once it starts answering: a request that touched an entity by then
// (a write; also a GET that issues a code, as authorize does with
// AutoApprove) has its answer held until the change is journaled; the others
// answer as they go.
func (s *Server) durable(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request)) {
	if s.journal == nil {
		h(w, r)
		return
	}
	ctx, touched := graphkit.WithChanges(r.Context())
	dw := &durableWriter{w: w, touched: touched}
	h(dw, r.WithContext(ctx))
	if !dw.decided {
		dw.decide()
	}
	if err := s.record(touched()); err != nil {
		log.Printf("sandbox: journal: %v", err)
		if dw.held != nil {
			s.kit.WriteError(w, r, http.StatusInternalServerError, "generalException",
				"The change could not be saved to the sandbox's state; it may be lost on restart.")
			return
		}
	}
	if dw.held != nil {
		dw.held.sendTo(w)
		s.compactSoon()
	}
}

// durableWriter passes an answer through, or holds it (status and body;
// headers go to the real writer's map, sent with the status) when the request
// has changed something by the time it starts answering.
type durableWriter struct {
	w       http.ResponseWriter
	touched func() map[string][]string
	decided bool
	held    *heldResponse
}

func (d *durableWriter) decide() {
	d.decided = true
	if len(d.touched()) > 0 {
		d.held = &heldResponse{header: d.w.Header()}
	}
}

func (d *durableWriter) Header() http.Header { return d.w.Header() }

func (d *durableWriter) WriteHeader(code int) {
	if !d.decided {
		d.decide()
	}
	if d.held != nil {
		d.held.WriteHeader(code)
		return
	}
	d.w.WriteHeader(code)
}

func (d *durableWriter) Write(b []byte) (int, error) {
	if !d.decided {
		d.WriteHeader(http.StatusOK)
	}
	if d.held != nil {
		return d.held.Write(b)
	}
	return d.w.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes of an
// answer that is passed through).
func (d *durableWriter) Unwrap() http.ResponseWriter { return d.w }

// durableControl serves the control API; a change it makes (settings,
// faults, revocations, a replaced state, approvals) is in a new snapshot
// before it is answered: they are rare, and they touch the whole state.
func (s *Server) durableControl(w http.ResponseWriter, r *http.Request) {
	if s.journal == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		s.control.ServeHTTP(w, r)
		return
	}
	buf := &heldResponse{header: http.Header{}}
	s.control.ServeHTTP(buf, r)
	if buf.status < 300 {
		if err := s.snapshot(); err != nil {
			log.Printf("sandbox: snapshot: %v", err)
			ctlError(w, http.StatusInternalServerError, "The change could not be saved to the sandbox's state; it may be lost on restart.")
			return
		}
	}
	buf.sendTo(w)
}

// changing runs a change made through the Go API (not a request) and
// journals what it touched, as durable does for a request.
func (s *Server) changing(change func(ctx context.Context) error) error {
	ctx, touched := graphkit.WithChanges(context.Background())
	err := change(ctx)
	if s.journal == nil {
		return err
	}
	return errors.Join(err, s.record(touched()))
}

// record appends the current value of every touched entity to the journal.
func (s *Server) record(touched map[string][]string) error {
	if len(touched) == 0 {
		return nil
	}
	s.jmu.RLock()
	defer s.jmu.RUnlock()
	var errs []error
	for name, keys := range touched {
		st := s.store(name)
		if st == nil {
			errs = append(errs, fmt.Errorf("a change to unknown store %q", name))
			continue
		}
		errs = append(errs, st.Record(keys, func(key string, v json.RawMessage) error {
			_, err := s.journal.Append(name, key, v)
			return err
		}))
	}
	return errors.Join(errs...)
}

// heldResponse holds an answer: until its changes are journaled, or as one
// item of a $batch.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

func (h *heldResponse) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

func (h *heldResponse) sendTo(w http.ResponseWriter) {
	dst := w.Header() // the same map when durable held it: copying is then a no-op
	for k, v := range h.header {
		dst[k] = v
	}
	if h.status == 0 {
		h.status = http.StatusOK
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}
