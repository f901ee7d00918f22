package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// auditPollInterval is how often `log --follow` looks for new records.
var auditPollInterval = 250 * time.Millisecond

// auditFollower reads the records appended to an audit log, following it when it is rotated
// (audit.log renamed to audit.log.1 and a new audit.log started).
type auditFollower struct {
	path    string
	f       *os.File // nil until the log exists
	off     int64    // what of f has been read
	partial []byte   // the start of a line not yet complete
}

// openAuditFollower starts following the log at path from its current end (from its start
// if it does not exist yet).
func openAuditFollower(path string) *auditFollower {
	a := &auditFollower{path: path}
	if f, err := os.Open(path); err == nil {
		a.f = f
		if st, err := f.Stat(); err == nil {
			a.off = st.Size()
		}
	}
	return a
}

func (a *auditFollower) close() {
	if a.f != nil {
		a.f.Close()
	}
}

// follow calls emit with the records appended since the last look, every interval, until ctx
// is done (which is not an error).
func (a *auditFollower) follow(ctx context.Context, interval time.Duration, emit func([]proxy.AuditRecord) error) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		recs, err := a.poll()
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			if err := emit(recs); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// poll returns the complete records appended since the last poll. When the log was rotated
// it reads the rest of the old file (now audit.log.1), then the new one from its start.
func (a *auditFollower) poll() ([]proxy.AuditRecord, error) {
	if a.f == nil {
		f, err := os.Open(a.path)
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		a.f, a.off = f, 0
	}
	cur, statErr := os.Stat(a.path)
	old, err := a.f.Stat()
	if err != nil {
		return nil, err
	}
	rotated := statErr != nil || !os.SameFile(cur, old)
	recs, err := a.readNew()
	if err != nil || !rotated {
		return recs, err
	}
	a.f.Close()
	a.f, a.off, a.partial = nil, 0, nil
	more, err := a.poll() // the new log, if it exists yet
	return append(recs, more...), err
}

// readNew reads what was appended to f and decodes its complete lines. A line that does not
// decode (torn by a killed writer) is skipped, as `log` skips it.
func (a *auditFollower) readNew() ([]proxy.AuditRecord, error) {
	if _, err := a.f.Seek(a.off, io.SeekStart); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(a.f)
	if err != nil {
		return nil, err
	}
	a.off += int64(len(data))
	data = append(a.partial, data...)
	end := bytes.LastIndexByte(data, '\n')
	a.partial = append([]byte(nil), data[end+1:]...)
	var recs []proxy.AuditRecord
	for line := range bytes.SplitSeq(data[:end+1], []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r proxy.AuditRecord
		if json.Unmarshal(line, &r) != nil {
			continue
		}
		if r.Kind == "" {
			r.Kind = proxy.KindRequest
		}
		recs = append(recs, r)
	}
	return recs, nil
}
