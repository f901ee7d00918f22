package proxy

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// AuditRecord is the stable JSON shape of one line of the audit log written by [AuditFile]
// and [AppendAudit]. It never holds a secret: no header values, no query strings, no tokens.
// A line for one request has no "kind" in the file ([ReadAudit] reports it as [KindRequest]);
// a summary of requests refused before authentication has "kind":"refusals", their number in
// "count" and the last one's time in "until" (see [Entry]); a credential event (a sign-in, a
// token refresh, an export, a logout) has "kind":"credential" and only the fields of
// [KindCredential].
type AuditRecord struct {
	Time       time.Time `json:"time"`
	Agent      string    `json:"agent,omitempty"` // under `authsome serve`: the agent that sent it
	Provider   string    `json:"provider,omitempty"`
	Connection string    `json:"connection,omitempty"`
	Method     string    `json:"method"`
	Host       string    `json:"host"`
	Path       string    `json:"path,omitempty"`
	Status     int       `json:"status"`
	BytesIn    int64     `json:"bytes_in"`
	BytesOut   int64     `json:"bytes_out"`
	DurationMS float64   `json:"duration_ms"`
	Injected   bool      `json:"injected"`
	Mode       string    `json:"mode"`
	Error      string    `json:"error,omitempty"`
	Kind       string    `json:"kind,omitempty"`
	Count      int       `json:"count,omitempty"`
	Until      time.Time `json:"until,omitzero"`
	// Needs and Hint: see [Entry]. Absent from older records.
	Needs string `json:"needs,omitempty"`
	Hint  string `json:"hint,omitempty"`

	// Credential events (Kind KindCredential) only.
	Event   string   `json:"event,omitempty"`   // "login", "refresh", "export", "logout", "revoke"
	Outcome string   `json:"outcome,omitempty"` // "ok" or "failed"
	Flow    string   `json:"flow,omitempty"`    // login: the sign-in flow
	Scopes  []string `json:"scopes,omitempty"`  // login: the scopes granted
}

// AuditFile appends one JSON line per [Entry] to a file (pass its Write as Options.Audit); safe
// for concurrent use. Write only encodes into memory; a goroutine of its own writes the lines
// out every auditFlushEvery, at once when auditFlushSize is buffered, and on Close, so the
// proxy's handlers never wait for the disk.
//
// Several processes may append to one file (two `authsome run` in one profile): every write
// holds whole lines only, in one write(2) on an O_APPEND descriptor, so lines never tear or
// interleave. Past 32 MiB the file is renamed to <path>.1, the older ones move up to
// <path>.2 … <path>.5 (the oldest is dropped) and a new one is begun; [ReadAudit] reads
// across them. The log is never opened through a symbolic link.
type AuditFile struct {
	path string

	mu  sync.Mutex
	buf []byte // encoded lines not yet written

	kick chan struct{} // a full buffer asks the writer goroutine to write now
	stop chan struct{}
	done chan struct{}

	// Used only by the writer goroutine, and by Close once it has ended.
	f     *os.File
	spare []byte // the previous buffer, reused
	err   error  // the first write error, returned by Close
}

const (
	auditFlushEvery = 200 * time.Millisecond
	auditFlushSize  = 64 << 10 // buffered bytes that are written without waiting for the tick
)

// auditMaxSize is the size past which the audit log is rotated (a variable for tests).
var auditMaxSize int64 = 32 << 20

// AuditKeep is how many rotated audit logs are kept: <path>.1 (the newest) to <path>.AuditKeep.
const AuditKeep = 5

// OpenAuditFile opens (creating, 0600) the audit log at path for appending. It refuses a
// path that is a symbolic link or anything but a regular file.
func OpenAuditFile(path string) (*AuditFile, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	a := &AuditFile{path: path, f: f, buf: make([]byte, 0, auditFlushSize+4096),
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go a.writer()
	return a, nil
}

func openAppend(path string) (*os.File, error) {
	// Lstat first so that a FIFO (whose open would block) is refused too; O_NOFOLLOW closes
	// the race with a symbolic link planted after it.
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode())
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY|oNoFollow, 0o600)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
			return nil, notRegular(path, fi.Mode())
		}
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, notRegular(path, fi.Mode())
	}
	return f, nil
}

func notRegular(path string, m os.FileMode) error {
	what := "not a regular file"
	if m&os.ModeSymlink != 0 {
		what = "a symbolic link"
	}
	return fmt.Errorf("audit log %s is %s; remove it (authsome creates the file itself)", path, what)
}

func (a *AuditFile) writer() {
	defer close(a.done)
	t := time.NewTicker(auditFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-a.kick:
		case <-a.stop:
			return
		}
		a.flush()
	}
}

// Write records one proxied request.
func (a *AuditFile) Write(e Entry) {
	a.mu.Lock()
	a.buf = appendAuditLine(a.buf, e)
	full := len(a.buf) >= auditFlushSize
	a.mu.Unlock()
	if full {
		select {
		case a.kick <- struct{}{}:
		default: // already asked
		}
	}
}

// flush takes the buffered lines, writes them in one write and rotates the file when it has
// grown past auditMaxSize. A failed write drops the lines (the log must not hold up the
// proxy). Only the writer goroutine calls it, and Close after that goroutine has ended.
func (a *AuditFile) flush() {
	a.mu.Lock()
	lines := a.buf
	a.buf = a.spare[:0]
	a.mu.Unlock()
	a.spare = lines
	if len(lines) == 0 || a.f == nil {
		return
	}
	if _, err := a.f.Write(lines); err != nil {
		a.fail(err)
		return
	}
	if fi, err := a.f.Stat(); err == nil && fi.Size() >= auditMaxSize {
		a.rotate(fi)
	}
}

func (a *AuditFile) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

// rotate moves the full log aside ([rotateAudit]) and continues in a new file at path.
func (a *AuditFile) rotate(full os.FileInfo) {
	if err := rotateAudit(a.path, full); err != nil {
		a.fail(err)
		return
	}
	f, err := openAppend(a.path)
	if err != nil {
		a.fail(err)
		return
	}
	a.f.Close()
	a.f = f
}

// rotateAudit shifts <path>.1 … <path>.(AuditKeep-1) up by one (dropping <path>.AuditKeep)
// and renames the full file to <path>.1, unless another process already did. A lock file
// serialises processes that rotate at once.
func rotateAudit(path string, full os.FileInfo) error {
	lock := flock.New(path+".lock", flock.SetPermissions(0o600))
	if err := lock.Lock(); err != nil {
		return err
	}
	defer lock.Unlock()
	if cur, err := os.Stat(path); err != nil || !os.SameFile(cur, full) {
		return nil // rotated by another writer
	}
	for i := AuditKeep - 1; i >= 1; i-- {
		if err := os.Rename(rotatedPath(path, i), rotatedPath(path, i+1)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(path, rotatedPath(path, 1))
}

// rotatedPath is the name of the i-th newest rotated log: <path>.i.
func rotatedPath(path string, i int) string { return path + "." + strconv.Itoa(i) }

// appendAuditLine encodes e as one JSON line in the AuditRecord shape, without reflection.
func appendAuditLine(b []byte, e Entry) []byte {
	b = append(b, `{"time":"`...)
	b = e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = appendField(b, "agent", e.Agent, true)
	b = appendField(b, "provider", e.Provider, true)
	b = appendField(b, "connection", e.Connection, true)
	b = appendField(b, "method", e.Method, false)
	b = appendField(b, "host", e.Host, false)
	b = appendField(b, "path", e.Path, true)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, `,"bytes_in":`...)
	b = strconv.AppendInt(b, e.BytesIn, 10)
	b = append(b, `,"bytes_out":`...)
	b = strconv.AppendInt(b, e.BytesOut, 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendFloat(b, float64(e.Duration.Microseconds())/1000, 'f', -1, 64)
	b = append(b, `,"injected":`...)
	b = strconv.AppendBool(b, e.Injected)
	b = appendField(b, "mode", e.Mode, false)
	b = appendField(b, "error", e.Error, true)
	b = appendField(b, "needs", e.Needs, true)
	b = appendField(b, "hint", e.Hint, true)
	if e.Kind != "" {
		b = appendField(b, "kind", e.Kind, false)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(e.Count), 10)
		if !e.Until.IsZero() {
			b = append(b, `,"until":"`...)
			b = e.Until.UTC().AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		}
	}
	return append(b, '}', '\n')
}

// appendField appends ,"key":"v" (nothing when v is empty and omitEmpty).
func appendField(b []byte, key, v string, omitEmpty bool) []byte {
	if v == "" && omitEmpty {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, v)
}

// appendJSONString appends s as a JSON string (valid for any input, including invalid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	safe := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			safe = false
			break
		}
	}
	if safe {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// Close writes what is buffered and closes the file. It returns the first write error, if any.
func (a *AuditFile) Close() error {
	close(a.stop)
	<-a.done
	a.flush()
	if err := a.f.Close(); err != nil {
		a.fail(err)
	}
	a.f = nil
	return a.err
}
