package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"slices"
)

// ReadAudit returns the last n records of the audit log at path, oldest first, reading the
// rotated <path>.1, <path>.2 … in turn when the newer files hold fewer. It reads from the end
// of the files, so a long log costs no more than the lines asked for. No log yet means no
// records. A request's record has Kind [KindRequest].
func ReadAudit(path string, n int) ([]AuditRecord, error) { return ReadAuditWhere(path, n, nil) }

// ReadAuditWhere is [ReadAudit] for the records keep accepts (all when keep is nil): it
// reads further back, four times as many lines each round, until it has n of them or the
// log ends.
func ReadAuditWhere(path string, n int, keep func(AuditRecord) bool) ([]AuditRecord, error) {
	if n <= 0 {
		return []AuditRecord{}, nil
	}
	s, err := OpenAuditSet(path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Tail(n, keep)
}

// DecodeAuditLine decodes one line of the audit log. ok is false for a line that does not
// decode: a blank one, or one torn by a killed writer. A request's record gets Kind
// [KindRequest].
func DecodeAuditLine(line []byte) (r AuditRecord, ok bool) {
	if json.Unmarshal(line, &r) != nil {
		return AuditRecord{}, false
	}
	if r.Kind == "" {
		r.Kind = KindRequest
	}
	return r, true
}

// AuditSet is the audit log and its rotated files, opened together (see [OpenAuditSet]).
type AuditSet struct {
	// Files[0] is the log at path and Files[i] its rotated <path>.i, newest first; nil where
	// there is none (a rotation under way leaves a gap for a moment).
	Files [AuditKeep + 1]*os.File
	// Ends[i] is how much of Files[i] the set holds, what [AuditSet.Tail] reads: its size
	// when opened, for Files[0] only up to the end of its last complete line. A reader that
	// follows Files[0] from Ends[0] on sees every later record once.
	Ends  [AuditKeep + 1]int64
	infos [AuditKeep + 1]os.FileInfo
}

// auditSetTries is how many times [OpenAuditSet] opens the files again when rotations keep
// moving them meanwhile (a rotation is 32 MiB of log apart).
const auditSetTries = 8

// OpenAuditSet opens the audit log at path and its rotated files as they stood at one moment:
// when a rotation renames them while they are opened, it opens them again, so that no file is
// in the set twice and the set is in order, newest first. Files that do not exist are left
// out (none at all is an empty set).
func OpenAuditSet(path string) (*AuditSet, error) {
	for try := 1; ; try++ {
		s, err := openAuditSetOnce(path)
		if err != nil || try == auditSetTries || s.unmoved(path) {
			return s, err
		}
		s.Close()
	}
}

func openAuditSetOnce(path string) (*AuditSet, error) {
	s := &AuditSet{}
	for i := range s.Files {
		f, err := os.Open(auditSetPath(path, i))
		if os.IsNotExist(err) {
			continue
		}
		if err == nil {
			s.Files[i] = f
			s.infos[i], err = f.Stat()
		}
		if err != nil {
			s.Close()
			return nil, err
		}
		s.Ends[i] = s.infos[i].Size()
	}
	if f := s.Files[0]; f != nil {
		end, err := lineEnd(f, s.Ends[0])
		if err != nil {
			s.Close()
			return nil, err
		}
		s.Ends[0] = end
	}
	return s, nil
}

// unmoved reports whether every name of the set still is the file opened under it (or still
// none). Files only move up, from <path> to <path>.1 and on, so a set whose names did not
// change between its opening and this look holds the files as they all stood at one moment.
func (s *AuditSet) unmoved(path string) bool {
	for i, want := range s.infos {
		fi, err := os.Stat(auditSetPath(path, i))
		if want == nil {
			if !errors.Is(err, os.ErrNotExist) {
				return false
			}
		} else if err != nil || !os.SameFile(fi, want) {
			return false
		}
	}
	return true
}

// auditSetPath is the name of Files[i]: path, or the rotated <path>.i.
func auditSetPath(path string, i int) string {
	if i == 0 {
		return path
	}
	return rotatedPath(path, i)
}

// Index returns i when fi is Files[i]; -1 when it is none of them.
func (s *AuditSet) Index(fi os.FileInfo) int {
	for i, x := range s.infos {
		if x != nil && os.SameFile(x, fi) {
			return i
		}
	}
	return -1
}

// Close closes the files of the set (those a caller took out by setting them nil excepted).
func (s *AuditSet) Close() {
	for _, f := range s.Files {
		if f != nil {
			f.Close()
		}
	}
}

// Tail is [ReadAuditWhere] over the set: the last n records keep accepts (all when keep is
// nil) that the set holds, oldest first.
func (s *AuditSet) Tail(n int, keep func(AuditRecord) bool) ([]AuditRecord, error) {
	if n <= 0 {
		return []AuditRecord{}, nil
	}
	for m := n; ; m *= 4 {
		lines, err := s.lines(m)
		if err != nil {
			return nil, err
		}
		out := make([]AuditRecord, 0, min(n, len(lines)))
		for _, l := range lines {
			if r, ok := DecodeAuditLine(l); ok && (keep == nil || keep(r)) {
				out = append(out, r)
			}
		}
		if len(out) >= n || len(lines) < m {
			return out[len(out)-min(n, len(out)):], nil
		}
	}
}

// lines returns the last n lines the set holds.
func (s *AuditSet) lines(n int) ([][]byte, error) {
	var lines [][]byte
	for i, f := range s.Files {
		if len(lines) >= n {
			break
		}
		if f == nil {
			continue
		}
		older, err := tailLines(f, s.Ends[i], n-len(lines))
		if err != nil {
			return nil, err
		}
		lines = append(older, lines...)
	}
	return lines, nil
}

// lineEnd returns the offset just past the last newline in the first size bytes of f (0
// when there is none).
func lineEnd(f *os.File, size int64) (int64, error) {
	buf := make([]byte, 4<<10)
	for end := size; end > 0; {
		chunk := buf[:min(int64(len(buf)), end)]
		end -= int64(len(chunk))
		if _, err := f.ReadAt(chunk, end); err != nil && err != io.EOF {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return end + int64(i) + 1, nil
		}
	}
	return 0, nil
}

// tailLines returns up to the last n non-empty lines in the first size bytes of f, reading
// backwards in blocks.
func tailLines(f *os.File, size int64, n int) ([][]byte, error) {
	const block = 64 << 10
	var chunks [][]byte // the file's tail read so far, last block first
	newlines := 0
	off := size
	for off > 0 {
		step := min(int64(block), off)
		off -= step
		chunk := make([]byte, step)
		if _, err := f.ReadAt(chunk, off); err != nil && err != io.EOF {
			return nil, err
		}
		newlines += bytes.Count(chunk, []byte("\n"))
		chunks = append(chunks, chunk)
		// n complete lines (the last one ending the file) need n+1 newlines in the tail.
		if newlines > n {
			break
		}
	}
	slices.Reverse(chunks)
	data := bytes.Join(chunks, nil)
	if off > 0 {
		// The tail starts inside a line (or just after its newline): skip to the next line.
		_, data, _ = bytes.Cut(data, []byte("\n"))
	}
	var lines [][]byte
	for l := range bytes.SplitSeq(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines, nil
}
