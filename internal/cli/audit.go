package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"os"
	"path/filepath"
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

// auditLog appends records to a profile's audit file; safe for concurrent use.
type auditLog struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

func auditPath(b *broker.Broker) string { return filepath.Join(b.Vault().Dir(), auditFileName) }

func openAudit(b *broker.Broker) (*auditLog, error) {
	f, err := os.OpenFile(auditPath(b), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &auditLog{f: f, w: bufio.NewWriterSize(f, 16<<10)}, nil
}

// Write records one proxied request. Lines are flushed at once so `authsome log` sees them.
func (a *auditLog) Write(e proxy.Entry) {
	rec := auditRecord{
		Time: e.Time.UTC(), Provider: e.Provider, Connection: e.Connection, Method: e.Method, Host: e.Host,
		Path: e.Path, Status: e.Status, BytesIn: e.BytesIn, BytesOut: e.BytesOut,
		DurationMS: float64(e.Duration.Microseconds()) / 1000, Injected: e.Injected, Mode: e.Mode, Error: e.Error,
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Write(append(line, '\n'))
	a.w.Flush()
}

func (a *auditLog) Close() error {
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
