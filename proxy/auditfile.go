package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"time"
)

// AuditRecord is the stable JSON shape of one line of the audit log written by [AuditFile]. It never holds a secret: no header
// values, no query strings.
type AuditRecord struct {
	Time       time.Time `json:"time"`
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
}

// AuditFile appends one JSON line per [Entry] to a file (pass its Write as Options.Audit); safe for concurrent use. Lines are
// buffered and flushed at most auditFlushEvery later (and on Close), so the proxy's hot path
// does no system call for them.
type AuditFile struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	dirty bool
	stop  chan struct{}
	done  chan struct{}
}

const auditFlushEvery = 200 * time.Millisecond

// OpenAuditFile opens (creating, 0600) the audit log at path for appending.
func OpenAuditFile(path string) (*AuditFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	a := &AuditFile{f: f, w: bufio.NewWriterSize(f, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go a.flusher()
	return a, nil
}

func (a *AuditFile) flusher() {
	defer close(a.done)
	t := time.NewTicker(auditFlushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			a.mu.Lock()
			if a.dirty {
				a.w.Flush()
				a.dirty = false
			}
			a.mu.Unlock()
		case <-a.stop:
			return
		}
	}
}

// Write records one proxied request.
func (a *AuditFile) Write(e Entry) {
	buf := make([]byte, 0, 256)
	buf = appendAuditLine(buf, e)
	a.mu.Lock()
	a.w.Write(buf)
	a.dirty = true
	a.mu.Unlock()
}

// appendAuditLine encodes e as one JSON line in the AuditRecord shape, without reflection.
func appendAuditLine(b []byte, e Entry) []byte {
	b = append(b, `{"time":`...)
	b = strconv.AppendQuote(b, e.Time.UTC().Format(time.RFC3339Nano))
	str := func(key, v string, omitEmpty bool) {
		if v == "" && omitEmpty {
			return
		}
		b = append(b, ',', '"')
		b = append(b, key...)
		b = append(b, '"', ':')
		b = appendJSONString(b, v)
	}
	str("provider", e.Provider, true)
	str("connection", e.Connection, true)
	str("method", e.Method, false)
	str("host", e.Host, false)
	str("path", e.Path, true)
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
	str("mode", e.Mode, false)
	str("error", e.Error, true)
	return append(b, '}', '\n')
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

// Close flushes what is buffered and closes the file.
func (a *AuditFile) Close() error {
	close(a.stop)
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Flush()
	return a.f.Close()
}

// ReadAudit returns the last n records of the audit log at path (none when it does not exist).
func ReadAudit(path string, n int) ([]AuditRecord, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return []AuditRecord{}, nil
	}
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := make([]AuditRecord, 0, len(lines))
	for _, l := range lines {
		var r AuditRecord
		if len(l) == 0 || json.Unmarshal(l, &r) != nil {
			continue // a torn last line from a killed process
		}
		out = append(out, r)
	}
	return out, nil
}
