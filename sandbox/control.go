package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"io"
	"log"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const maxLogEntries = 10000

// RequestLogEntry is one request in the request log (the control API is not logged).
type RequestLogEntry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	// Query holds the query parameter names only, sorted.
	Query  []string `json:"query,omitempty"`
	Status int      `json:"status"`
	// Headers are the request headers; credential headers (Authorization,
	// Proxy-Authorization, Cookie) are replaced by "sha256:<hex>" of their value.
	Headers map[string][]string `json:"headers"`
	// Form holds the non-secret fields of token and device code requests:
	// grant_type, client_id and scope.
	Form map[string]string `json:"form,omitempty"`
	// Fault is the id of the injected fault that answered the request, if any.
	Fault int `json:"fault,omitempty"`
}

// Fault is an injected failure (POST /_sandbox/faults).
type Fault struct {
	ID int `json:"id"`
	// Path is a regular expression matched against the request path.
	Path string `json:"path"`
	// Method restricts the fault to one HTTP method ("" = any).
	Method string `json:"method,omitempty"`
	// Status is the response status (0 = answer normally after DelayMS).
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header, in seconds, when > 0.
	RetryAfter int `json:"retry_after,omitempty"`
	// Count is how many requests the fault applies to (0 = unlimited).
	Count int `json:"count,omitempty"`
	// DelayMS delays the response.
	DelayMS int `json:"delay_ms,omitempty"`
	// Reset closes the connection abruptly instead of answering.
	Reset bool `json:"reset,omitempty"`
	// HoldMS holds the answer back after the endpoint has done its work (a refresh
	// token redeemed, a message sent): a client that dies or gives up meanwhile misses
	// an answer whose effect took place. DelayMS, by contrast, delays before the work.
	HoldMS int `json:"hold_ms,omitempty"`

	re *regexp.Regexp
}

type logKey struct{}

// logSlot is what handlers can add to the current log entry.
type logSlot struct {
	form  map[string]string
	fault int
	hold  time.Duration // a fault's HoldMS
}

// noteForm records the non-secret token-request fields in the log entry
// (the identity platform picks them).
func noteForm(r *http.Request, fields map[string]string) {
	if slot, _ := r.Context().Value(logKey{}).(*logSlot); slot != nil {
		slot.form = fields
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status code.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func hashHeader(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// beginLog wraps w to capture the status and returns a function that appends
// the log entry. The request's context carries a slot for form fields.
func (s *Server) beginLog(w http.ResponseWriter, r *http.Request) (*statusWriter, *http.Request, func()) {
	slot := &logSlot{}
	r = r.WithContext(context.WithValue(r.Context(), logKey{}, slot))
	entry := RequestLogEntry{Time: s.now().UTC(), Method: r.Method, Path: r.URL.Path, Headers: map[string][]string{}}
	for k := range r.URL.Query() {
		entry.Query = append(entry.Query, k)
	}
	sort.Strings(entry.Query)
	for k, vs := range r.Header {
		vals := append([]string(nil), vs...)
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Proxy-Authorization", "Cookie":
			for i, v := range vals {
				vals[i] = hashHeader(v)
			}
		}
		entry.Headers[k] = vals
	}
	rec := &statusWriter{ResponseWriter: w}
	return rec, r, func() {
		entry.Status = rec.status
		entry.Form = slot.form
		entry.Fault = slot.fault
		s.mu.Lock()
		s.reqLog = appendLog(s.reqLog, entry)
		s.mu.Unlock()
	}
}

// applyFault applies the first matching fault; it reports whether the request
// was answered (or the connection reset). For an item of a $batch (inBatch)
// a reset fault answers 504 instead, since the item has no connection of its own.
func (s *Server) applyFault(w *statusWriter, r *http.Request, inBatch bool) bool {
	s.mu.Lock()
	var f *Fault
	for i := range s.st.Faults {
		c := &s.st.Faults[i]
		if c.re == nil {
			c.re, _ = regexp.Compile(c.Path)
		}
		if c.re == nil || (c.Method != "" && !strings.EqualFold(c.Method, r.Method)) || !c.re.MatchString(r.URL.Path) {
			continue
		}
		cp := *c
		f = &cp
		if c.Count > 0 {
			c.Count--
			if c.Count == 0 {
				s.st.Faults = append(s.st.Faults[:i], s.st.Faults[i+1:]...)
			}
		}
		break
	}
	s.mu.Unlock()
	if f == nil {
		return false
	}
	if slot, _ := r.Context().Value(logKey{}).(*logSlot); slot != nil {
		slot.fault, slot.hold = f.ID, time.Duration(f.HoldMS)*time.Millisecond
	}
	if f.DelayMS > 0 {
		t := time.NewTimer(time.Duration(f.DelayMS) * time.Millisecond)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if f.Reset && inBatch {
		s.kit.WriteError(w, r, http.StatusGatewayTimeout, graphkit.CodeFor(http.StatusGatewayTimeout), "Injected fault "+strconv.Itoa(f.ID)+".")
		return true
	}
	if f.Reset {
		panic(http.ErrAbortHandler) // net/http closes the connection (or resets the HTTP/2 stream)
	}
	if f.Status == 0 {
		return false // answered normally (after DelayMS, and held back HoldMS by holdAnswer)
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if strings.HasPrefix(r.URL.Path, "/v1.0/") {
		s.kit.WriteError(w, r, f.Status, graphkit.CodeFor(f.Status), "Injected fault "+strconv.Itoa(f.ID)+".")
		return true
	}
	code, n := "temporarily_unavailable", 90033
	if f.Status < 500 && f.Status != http.StatusTooManyRequests {
		code, n = "invalid_request", 9002313
	}
	s.id.WriteError(w, r, f.Status, code, n, fmt.Sprintf("A transient error has occurred. Please try again. (Injected fault %d.)", f.ID))
	return true
}

// holdAnswer returns the writer the request is answered into and a function to call once
// it has been: for a request a HoldMS fault matched, the answer is buffered and sent HoldMS
// after the endpoint returned (unless the client has gone by then).
func holdAnswer(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, func()) {
	slot, _ := r.Context().Value(logKey{}).(*logSlot)
	if slot == nil || slot.hold <= 0 {
		return w, func() {}
	}
	held := &heldResponse{header: w.Header()}
	return held, func() {
		t := time.NewTimer(slot.hold)
		defer t.Stop()
		select {
		case <-t.C:
			held.sendTo(w)
		case <-r.Context().Done():
		}
	}
}

// RefreshStats counts refresh_token grants since the sandbox started or was reset
// (GET /_sandbox/refresh-stats).
type RefreshStats struct {
	// Grants is how many refresh_token grants were answered with tokens.
	Grants int64 `json:"grants"`
	// Reuses is how many times a refresh token that had already been redeemed was
	// presented again, whether strict rotation refused it or not. A client that never
	// redeems a refresh token twice keeps it at 0.
	Reuses int64 `json:"reuses"`
}

// RefreshStats returns the refresh-token counters.
func (s *Server) RefreshStats() RefreshStats {
	g, r := s.id.RefreshStats()
	return RefreshStats{Grants: g, Reuses: r}
}

// Settings returns the current settings.
func (s *Server) Settings() Settings { return s.id.Settings() }

// SetSettings replaces the settings.
func (s *Server) SetSettings(st Settings) {
	if err := s.changing(func(ctx context.Context) error { s.id.SetSettings(ctx, st); return nil }); err != nil {
		log.Printf("sandbox: journal: %v", err)
	}
}

// appendLog appends e to log, dropping the oldest entries once log holds
// 2*maxLogEntries: the trimming is amortised over maxLogEntries requests, so a
// busy sandbox does not copy the whole log on every request.
func appendLog(log []RequestLogEntry, e RequestLogEntry) []RequestLogEntry {
	if len(log) >= 2*maxLogEntries {
		n := copy(log, log[len(log)-maxLogEntries+1:])
		clear(log[n:])
		log = log[:n]
	}
	return append(log, e)
}

// Requests returns a copy of the request log: the newest maxLogEntries
// requests, oldest first.
func (s *Server) Requests() []RequestLogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestLogEntry(nil), s.reqLog[max(0, len(s.reqLog)-maxLogEntries):]...)
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	s.reqLog = nil
	s.mu.Unlock()
}

// AddFault installs a fault and returns its id.
func (s *Server) AddFault(f Fault) (int, error) {
	re, err := regexp.Compile(f.Path)
	if err != nil {
		return 0, fmt.Errorf("sandbox: fault path: %w", err)
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 599) {
		return 0, fmt.Errorf("sandbox: fault status %d out of range", f.Status)
	}
	if f.Count < 0 || f.DelayMS < 0 || f.HoldMS < 0 || f.RetryAfter < 0 {
		return 0, errors.New("sandbox: fault count, delay_ms, hold_ms and retry_after must not be negative")
	}
	if f.Status == 0 && f.DelayMS == 0 && f.HoldMS == 0 && !f.Reset {
		return 0, errors.New("sandbox: a fault needs a status, a delay, a hold or reset")
	}
	f.re = re
	s.mu.Lock()
	defer s.mu.Unlock()
	f.ID = s.st.NextFaultID
	s.st.NextFaultID++
	s.st.Faults = append(s.st.Faults, f)
	return f.ID, nil
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.st.Faults = nil
	s.mu.Unlock()
}

// RevokeRefreshTokens revokes every refresh token of a user (UPN or id), as
// an administrator or a password reset would; later refreshes fail with AADSTS50173.
func (s *Server) RevokeRefreshTokens(user string) (int, error) {
	var n int
	err := s.changing(func(ctx context.Context) (err error) {
		n, err = s.id.RevokeRefreshTokens(ctx, user)
		return err
	})
	return n, err
}

// Reset drops all codes, tokens, consents, faults, pending sign-ins and the
// request log, restores the settings given to New, the seeded mailboxes,
// calendars and contacts, and sets the clock back to Options.Now.
func (s *Server) Reset() {
	for _, w := range s.workloads {
		w.Reset()
	}
	s.id.Reset()
	s.mu.Lock()
	s.st = newState()
	s.reqLog = nil
	s.clock.reset(0)
	s.mu.Unlock()
	if err := s.snapshot(); err != nil { // the reset state replaces the journal's
		log.Printf("sandbox: snapshot after reset: %v", err)
	}
}

func (s *Server) controlRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /_sandbox/devicecode/approve", s.ctlApprove)
	m.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		faults := append([]Fault{}, s.st.Faults...)
		s.mu.Unlock()
		graphkit.WriteJSONStatus(w, http.StatusOK, faults)
	})
	m.HandleFunc("POST /_sandbox/faults", s.ctlAddFault)
	m.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("GET /_sandbox/settings", func(w http.ResponseWriter, r *http.Request) {
		graphkit.WriteJSONStatus(w, http.StatusOK, s.Settings())
	})
	m.HandleFunc("PATCH /_sandbox/settings", s.ctlPatchSettings)
	m.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		graphkit.WriteJSONStatus(w, http.StatusOK, s.Requests())
	})
	m.HandleFunc("DELETE /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		s.ClearRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("GET /_sandbox/clock", s.ctlClock)
	m.HandleFunc("POST /_sandbox/clock", s.ctlClock)
	m.HandleFunc("POST /_sandbox/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_sandbox/seed/messages", s.ctlSeedMessages)
	m.HandleFunc("POST /_sandbox/revoke", s.ctlRevoke)
	m.HandleFunc("POST /_sandbox/apps/{client_id}/certificates", s.ctlAddCertificate)
	m.HandleFunc("POST /_sandbox/apps/{client_id}/federated", s.ctlAddFederated)
	m.HandleFunc("GET /_sandbox/state", s.ctlGetState)
	m.HandleFunc("PUT /_sandbox/state", s.ctlPutState)
	m.HandleFunc("GET /_sandbox/refresh-stats", func(w http.ResponseWriter, r *http.Request) {
		graphkit.WriteJSONStatus(w, http.StatusOK, s.RefreshStats())
	})
	m.HandleFunc("GET /_sandbox/info", func(w http.ResponseWriter, r *http.Request) {
		info := s.Info()
		if info.URL == "" {
			info.URL = graphkit.BaseURL(r)
		}
		graphkit.WriteJSONStatus(w, http.StatusOK, info)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ctlError(w, http.StatusNotFound, "no control endpoint "+r.Method+" "+r.URL.Path)
	})
	if s.ctlTok == "" {
		return m
	}
	guarded := http.NewServeMux()
	guarded.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !s.controlAuthorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="authsome-sandbox-control"`)
			ctlError(w, http.StatusUnauthorized, "the control API requires Authorization: Bearer <control_token> (see control_token in sandbox.json)")
			return
		}
		m.ServeHTTP(w, r)
	})
	return guarded
}

func (s *Server) ctlAddFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if !decodeControl(w, r, &f) {
		return
	}
	id, err := s.AddFault(f)
	if err != nil {
		ctlError(w, http.StatusBadRequest, err.Error())
		return
	}
	graphkit.WriteJSONStatus(w, http.StatusCreated, map[string]int{"id": id})
}

func (s *Server) ctlPatchSettings(w http.ResponseWriter, r *http.Request) {
	st := s.Settings()
	if !decodeControl(w, r, &st) {
		return
	}
	s.id.SetSettings(r.Context(), st)
	graphkit.WriteJSONStatus(w, http.StatusOK, s.Settings())
}

func (s *Server) ctlRevoke(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User string `json:"user"`
	}
	if !decodeControl(w, r, &req) {
		return
	}
	n, err := s.id.RevokeRefreshTokens(r.Context(), req.User)
	if err != nil {
		ctlError(w, http.StatusNotFound, err.Error())
		return
	}
	graphkit.WriteJSONStatus(w, http.StatusOK, map[string]int{"revoked": n})
}

// ctlGetState serves GET /_sandbox/state: the identity state and the faults.
func (s *Server) ctlGetState(w http.ResponseWriter, r *http.Request) {
	ist, err := s.id.State()
	if err != nil {
		ctlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.mu.Lock()
	b, err := json.Marshal(stateJSON{State: ist, stateData: *s.st})
	s.mu.Unlock()
	if err != nil {
		ctlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	graphkit.WriteJSONStatus(w, http.StatusOK, json.RawMessage(b))
}

// ctlPutState serves PUT /_sandbox/state: replaces what GET gives.
func (s *Server) ctlPutState(w http.ResponseWriter, r *http.Request) {
	st := stateJSON{stateData: *newState()}
	st.Settings = s.initial
	if !decodeControl(w, r, &st) {
		return
	}
	st.fill()
	for i := range st.Faults {
		if _, err := regexp.Compile(st.Faults[i].Path); err != nil {
			ctlError(w, http.StatusBadRequest, "fault path: "+err.Error())
			return
		}
	}
	s.id.SetState(r.Context(), st.State)
	s.mu.Lock()
	s.st = &st.stateData
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// controlAuthorized reports whether r carries the control token (compared in constant time).
func (s *Server) controlAuthorized(r *http.Request) bool {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.ctlTok)) == 1
}

func (s *Server) ctlApprove(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserCode string `json:"user_code"`
		User     string `json:"user"`
		Decline  bool   `json:"decline"`
	}
	if !decodeControl(w, r, &req) {
		return
	}
	var err error
	if req.Decline {
		err = s.id.DeclineDeviceCode(r.Context(), req.UserCode)
	} else {
		err = s.id.ApproveDeviceCode(r.Context(), req.UserCode, req.User)
	}
	switch {
	case errors.Is(err, ErrUnknownUserCode), errors.Is(err, ErrUnknownUser):
		ctlError(w, http.StatusNotFound, err.Error())
	case err != nil:
		ctlError(w, http.StatusConflict, err.Error())
	case req.Decline:
		graphkit.WriteJSONStatus(w, http.StatusOK, map[string]string{"status": "declined"})
	default:
		graphkit.WriteJSONStatus(w, http.StatusOK, map[string]string{"status": "approved"})
	}
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
	if err != nil {
		ctlError(w, http.StatusBadRequest, "read body: "+err.Error())
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		ctlError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return false
	}
	return true
}

func ctlError(w http.ResponseWriter, status int, msg string) {
	graphkit.WriteJSONStatus(w, status, map[string]string{"error": msg})
}

// ctlAddCertificate serves POST /_sandbox/apps/{client_id}/certificates: the body is a PEM
// certificate (or JSON {"certificate": PEM}); the answer names its x5t#S256 thumbprint.
func (s *Server) ctlAddCertificate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		ctlError(w, http.StatusBadRequest, "read body: "+err.Error())
		return
	}
	var req struct {
		Certificate string `json:"certificate"`
	}
	if json.Unmarshal(body, &req) == nil && req.Certificate != "" {
		body = []byte(req.Certificate)
	}
	thumb, err := s.id.AddCertificate(r.Context(), r.PathValue("client_id"), body)
	if !ctlCredentialError(w, err) {
		graphkit.WriteJSONStatus(w, http.StatusCreated, map[string]string{"x5t#S256": thumb})
	}
}

// ctlAddFederated serves POST /_sandbox/apps/{client_id}/federated: JSON {"name" (default
// derived from issuer and subject), "issuer", "subject", "audiences" (default
// api://AzureADTokenExchange), and "jwks" or "public_key" (PEM)}; the answer names it.
func (s *Server) ctlAddFederated(w http.ResponseWriter, r *http.Request) {
	var fc FederatedCredential
	if !decodeControl(w, r, &fc) {
		return
	}
	name, err := s.id.AddFederated(r.Context(), r.PathValue("client_id"), fc)
	if !ctlCredentialError(w, err) {
		graphkit.WriteJSONStatus(w, http.StatusCreated, map[string]string{"name": name})
	}
}

// ctlCredentialError writes err (404 for an unknown app, else 400) and reports whether there was one.
func ctlCredentialError(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrUnknownApp):
		ctlError(w, http.StatusNotFound, err.Error())
	default:
		ctlError(w, http.StatusBadRequest, err.Error())
	}
	return true
}
