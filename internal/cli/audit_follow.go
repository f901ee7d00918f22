package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// auditPollInterval is how often `log --follow` looks for new records.
var auditPollInterval = 250 * time.Millisecond

// auditFollower reads the records appended to an audit log, following it across rotations
// (audit.log renamed to audit.log.1, the older ones moved up, and a new audit.log begun).
type auditFollower struct {
	path    string
	start   *proxy.AuditSet // the log as it stood when following began, until tail has read it
	f       *os.File        // the file being read; nil when there is none (yet)
	off     int64           // what of f has been read
	partial []byte          // the start of a line not yet complete
	// last is the file read to its end before f (nil when none was): with f nil, the files
	// newer than it are still to be read.
	last os.FileInfo
}

// openAuditFollower starts following the log at path from where it ends now; tail gives the
// records before that point, so that none is lost or shown twice between the two.
func openAuditFollower(path string) (*auditFollower, error) {
	s, err := proxy.OpenAuditSet(path)
	if err != nil {
		return nil, err
	}
	a := &auditFollower{path: path, start: s, f: s.Files[0], off: s.Ends[0]}
	if a.f == nil { // no audit.log: what comes after the newest rotated file is new
		for _, f := range s.Files[1:] {
			if f != nil {
				if a.last, err = f.Stat(); err != nil {
					a.close()
					return nil, err
				}
				break
			}
		}
	}
	return a, nil
}

// tail returns the last n records keep accepts (all when keep is nil) before the point where
// following starts. It is called once, before the first poll.
func (a *auditFollower) tail(n int, keep func(proxy.AuditRecord) bool) ([]proxy.AuditRecord, error) {
	if a.start == nil {
		return []proxy.AuditRecord{}, nil
	}
	defer a.release()
	return a.start.Tail(n, keep)
}

// release closes the files of the starting set but the one being followed.
func (a *auditFollower) release() {
	if a.start != nil {
		a.start.Files[0] = nil // a.f
		a.start.Close()
		a.start = nil
	}
}

func (a *auditFollower) close() {
	a.release()
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

// poll returns the complete records appended since the last poll, in order. When the log was
// rotated it reads the rest of the old file, then each rotated file newer than it (after
// several rotations between two polls), then the new audit.log from its start.
func (a *auditFollower) poll() ([]proxy.AuditRecord, error) {
	a.release()
	var recs []proxy.AuditRecord
	if a.f != nil {
		cur, statErr := os.Stat(a.path)
		held, err := a.f.Stat()
		if err != nil {
			return nil, err
		}
		rotated := statErr != nil || !os.SameFile(cur, held)
		recs, a.off, a.partial, err = readLines(a.f, a.off, a.partial)
		if err != nil || !rotated {
			return recs, err
		}
		a.f.Close() // a torn last line in it stays unread, as `log` skips it
		a.f, a.off, a.partial, a.last = nil, 0, nil, held
	}
	s, err := proxy.OpenAuditSet(a.path)
	if err != nil {
		return recs, err
	}
	defer s.Close()
	// The rotated files newer than last: all of them when none was read before; none when
	// last is gone (removed rather than rotated), as which are newer is not known then.
	newer := len(s.Files)
	if a.last != nil {
		newer = max(s.Index(a.last), 1)
	}
	for i := newer - 1; i >= 1; i-- {
		f := s.Files[i]
		if f == nil {
			continue
		}
		more, _, _, err := readLines(f, 0, nil)
		if err == nil {
			a.last, err = f.Stat()
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, more...)
	}
	if s.Files[0] == nil {
		return recs, nil
	}
	a.f, s.Files[0] = s.Files[0], nil
	more, off, partial, err := readLines(a.f, 0, nil)
	a.off, a.partial = off, partial
	return append(recs, more...), err
}

// readLines reads f from off to its end and decodes the complete lines of head (the start of
// a line read before) followed by what it read. It returns their records, the offset it read
// to and the start of a last line not yet complete. A line that does not decode (torn by a
// killed writer) is skipped, as `log` skips it.
func readLines(f *os.File, off int64, head []byte) ([]proxy.AuditRecord, int64, []byte, error) {
	data, err := io.ReadAll(io.NewSectionReader(f, off, 1<<62))
	if err != nil {
		return nil, off, head, err
	}
	off += int64(len(data))
	data = append(head, data...)
	end := bytes.LastIndexByte(data, '\n')
	var recs []proxy.AuditRecord
	for line := range bytes.SplitSeq(data[:end+1], []byte("\n")) {
		if r, ok := proxy.DecodeAuditLine(line); ok {
			recs = append(recs, r)
		}
	}
	return recs, off, append([]byte(nil), data[end+1:]...), nil
}
