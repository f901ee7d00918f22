package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/proxy"
)

// auditFileName is the proxy's audit log inside a profile folder: one JSON object per line.
const auditFileName = "audit.log"

// auditRecord is the stable JSON shape of one audit line. It never holds a secret: no header
// values, no query strings.
type auditRecord struct {
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

// auditLog appends records to a profile's audit file; safe for concurrent use. Lines are
// buffered and flushed at most auditFlushEvery later (and on Close), so the proxy's hot path
// does no system call for them.
type auditLog struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	dirty bool
	stop  chan struct{}
	done  chan struct{}
}

const auditFlushEvery = 200 * time.Millisecond

func auditPath(b *broker.Broker) string { return filepath.Join(b.Vault().Dir(), auditFileName) }

func openAudit(b *broker.Broker) (*auditLog, error) {
	f, err := os.OpenFile(auditPath(b), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	a := &auditLog{f: f, w: bufio.NewWriterSize(f, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go a.flusher()
	return a, nil
}

func (a *auditLog) flusher() {
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
func (a *auditLog) Write(e proxy.Entry) {
	buf := make([]byte, 0, 256)
	buf = appendAudit(buf, e)
	a.mu.Lock()
	a.w.Write(buf)
	a.dirty = true
	a.mu.Unlock()
}

// appendAudit encodes e as one JSON line in the auditRecord shape, without reflection.
func appendAudit(b []byte, e proxy.Entry) []byte {
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
func (a *auditLog) Close() error {
	close(a.stop)
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Flush()
	return a.f.Close()
}

func newLogCmd(f *Factory) *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Show the proxy's audit log (one line per proxied request)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n <= 0 {
				return usagef("-n must be positive")
			}
			b, err := f.Broker(cmd.Context())
			if err != nil {
				return err
			}
			recs, err := tailAudit(auditPath(b), n)
			if err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, recs)
			}
			tty := f.IO.IsStdoutTTY()
			t := newTable(f.IO.Out, tty, "TIME", "PROVIDER", "METHOD", "HOST", "PATH", "STATUS", "INJECTED", "MS", "MODE")
			for _, r := range recs {
				inj := "no"
				if r.Injected {
					inj = "yes"
				}
				ts := r.Time.Format(time.RFC3339)
				if tty {
					ts = r.Time.Local().Format("15:04:05")
				}
				t.add(ts, orDash(r.Provider), r.Method, r.Host, orDash(r.Path), fmt.Sprint(r.Status), inj, fmt.Sprintf("%.1f", r.DurationMS), r.Mode)
			}
			return t.flush()
		},
	}
	cmd.Flags().IntVarP(&n, "lines", "n", 50, "number of most recent entries")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// tailAudit returns the last n records of the audit file (none when it does not exist).
func tailAudit(path string, n int) ([]auditRecord, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return []auditRecord{}, nil
	}
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := make([]auditRecord, 0, len(lines))
	for _, l := range lines {
		var r auditRecord
		if len(l) == 0 || json.Unmarshal(l, &r) != nil {
			continue // a torn last line from a killed process
		}
		out = append(out, r)
	}
	return out, nil
}
