package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"io"
	"net/http"
	"sync"
	"time"
)

// The sandbox's clock is Options.Now (the real clock by default) plus an
// offset that the control API moves forward (POST /_sandbox/clock,
// Server.AdvanceClock, Server.SetClock), so tests reach expiries without
// sleeping. Everything the tenant decides by the time reads Server.now: token
// iat/nbf/exp and their verification, authorization code, device code and
// sign-in page expiry, the device polling interval, refresh-token inactivity,
// message and event times (sent, received, created, modified), the Date
// header, error timestamps and the request log's times (so a log entry, the
// answer's Date and a token's iat agree).
//
// What stays on the real clock, on purpose: the TLS certificates' validity
// (clients check it against their own clock, see New), server timeouts and
// injected fault delays (they are real waiting), and Close's shutdown grace.
//
// The clock never moves backwards: tokens, codes and items already hold
// times, and a clock that went back would issue tokens "not yet valid" and
// items modified before they were created. Reset returns it to Options.Now
// (with everything that held a time). The offset is kept in the state file.

// maxClockOffset is how far ahead of Options.Now the clock may run.
const maxClockOffset = 100 * 365 * 24 * time.Hour

// ErrClockBackwards is returned when a change would move the clock back.
var ErrClockBackwards = errors.New("sandbox: the clock only moves forward")

// clock is the offset of the sandbox's time from Options.Now.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

// now is the sandbox's time: base() plus the offset.
func (c *clock) now(base func() time.Time) time.Time {
	t, _ := c.read(base)
	return t
}

func (c *clock) offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.off
}

// read returns the time and the offset together.
func (c *clock) read(base func() time.Time) (time.Time, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return base().Add(c.off), c.off
}

// advance moves the clock forward by d and returns the new time.
func (c *clock) advance(base func() time.Time, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("%w: cannot advance by %s", ErrClockBackwards, d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > maxClockOffset-c.off {
		return time.Time{}, fmt.Errorf("sandbox: the clock can run at most %d years ahead of the real time", maxClockOffset/(365*24*time.Hour))
	}
	c.off += d
	return base().Add(c.off), nil
}

// set moves the clock to t, which must not be before the current time.
func (c *clock) set(base func() time.Time, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := base()
	now := b.Add(c.off)
	if t.Before(now) {
		return fmt.Errorf("%w: %s is before the sandbox's time %s", ErrClockBackwards,
			t.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	if t.Sub(b) > maxClockOffset {
		return fmt.Errorf("sandbox: the clock can run at most %d years ahead of the real time", maxClockOffset/(365*24*time.Hour))
	}
	c.off = t.Sub(b)
	return nil
}

func (c *clock) reset(off time.Duration) {
	c.mu.Lock()
	c.off = off
	c.mu.Unlock()
}

// Now returns the sandbox's current time: Options.Now plus the offset the
// clock was advanced by.
func (s *Server) Now() time.Time { return s.now() }

func (s *Server) now() time.Time { return s.clock.now(s.opts.Now) }

// AdvanceClock moves the sandbox's clock forward by d (tokens, codes and
// sign-ins expire as if d had passed) and returns the new time. A negative d
// is refused with ErrClockBackwards.
func (s *Server) AdvanceClock(d time.Duration) (time.Time, error) {
	t, err := s.clock.advance(s.opts.Now, d)
	if err != nil {
		return t, err
	}
	return t, s.journalClock()
}

// SetClock moves the sandbox's clock to t; a t before Now is refused with
// ErrClockBackwards. The clock keeps running from t.
func (s *Server) SetClock(t time.Time) error {
	if err := s.clock.set(s.opts.Now, t); err != nil {
		return err
	}
	return s.journalClock()
}

// clockJSON is the answer of GET and POST /_sandbox/clock.
type clockJSON struct {
	Now           string  `json:"now"`
	OffsetSeconds float64 `json:"offset_seconds"`
}

func (s *Server) ctlClock(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var req struct {
			AdvanceSeconds *float64 `json:"advance_seconds"`
			Set            *string  `json:"set"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			ctlError(w, http.StatusBadRequest, `invalid JSON: `+err.Error()+`; send {"advance_seconds": N} or {"set": "RFC 3339 time"}`)
			return
		}
		if _, err := dec.Token(); err != io.EOF {
			ctlError(w, http.StatusBadRequest, "invalid JSON: data after the object")
			return
		}
		var err error
		switch {
		case (req.AdvanceSeconds == nil) == (req.Set == nil):
			err = errors.New(`send exactly one of {"advance_seconds": N} or {"set": "RFC 3339 time"}`)
		case req.Set != nil:
			t, perr := time.Parse(time.RFC3339Nano, *req.Set)
			if perr != nil {
				err = fmt.Errorf("set: %q is not an RFC 3339 time such as 2030-01-02T15:04:05Z", *req.Set)
			} else {
				err = s.SetClock(t)
			}
		case *req.AdvanceSeconds < 0:
			err = fmt.Errorf("%w: advance_seconds %v is negative", ErrClockBackwards, *req.AdvanceSeconds)
		default:
			d := maxClockOffset + time.Second // too far: AdvanceClock says how far it may go
			if *req.AdvanceSeconds <= maxClockOffset.Seconds() {
				d = time.Duration(*req.AdvanceSeconds * float64(time.Second))
			}
			_, err = s.AdvanceClock(d)
		}
		if err != nil {
			ctlError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	now, off := s.clock.read(s.opts.Now)
	graphkit.WriteJSONStatus(w, http.StatusOK, clockJSON{Now: now.UTC().Format(time.RFC3339Nano), OffsetSeconds: off.Seconds()})
}
