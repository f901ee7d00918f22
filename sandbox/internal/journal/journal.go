// Package journal is the sandbox's durable state: an append-only log of records, each written
// before the request that made it is answered, plus snapshots that bound the log's length.
//
// A process killed at any moment (kill -9) loses at most the records it had not finished
// writing: a write(2) that returned is in the kernel's page cache and survives the process.
// (A power cut is another matter; Sync flushes to the disk for those who need it.) On Open, a
// torn last line is cut off, so the state is the acknowledged records, in order.
//
// On disk, in one folder:
//
//	journal.json   {"format": 1}: the format guard
//	snapshot.json  a first line {"seq": N}, then the state as of record N as the caller wrote
//	               it (temp file + rename: the commit point of a snapshot)
//	log.jsonl      one record per line, {"seq","w","op","d","crc"}; records up to N are
//	               skipped (a crash may leave them behind a newer snapshot)
//
// A folder written by a newer format is refused with ErrNewerFormat and never written to.
// A Journal is safe for concurrent use.
package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// Format is the on-disk format this package writes.
const Format = 1

// ErrNewerFormat is returned by Open for a folder written by a newer format.
var ErrNewerFormat = errors.New("journal: the state was written by a newer authsome")

const (
	metaFile     = "journal.json"
	snapshotFile = "snapshot.json"
	logFile      = "log.jsonl"
)

// Record is one change: the workload it belongs to, an operation name the workload defines,
// and its data.
type Record struct {
	Seq      uint64          `json:"seq"`
	Workload string          `json:"w"`
	Op       string          `json:"op"`
	Data     json.RawMessage `json:"d,omitempty"`
	CRC      uint32          `json:"crc"`
}

type meta struct {
	Format int `json:"format"`
}

// snapHeader is the snapshot's first line.
type snapHeader struct {
	Seq uint64 `json:"seq"`
}

// Journal is an open state folder.
type Journal struct {
	dir string

	mu   sync.Mutex
	log  *os.File
	seq  uint64 // last record written or replayed
	snap uint64 // seq the snapshot holds
	size int64  // bytes in the log
	buf  bytes.Buffer
}

// Open opens (creating) the journal in dir. It checks the format and cuts a torn last record
// off the log; Replay then reads the state back.
func Open(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	j := &Journal{dir: dir}
	m, err := readMeta(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := writeAtomic(filepath.Join(dir, metaFile), func(w io.Writer) error {
			return json.NewEncoder(w).Encode(meta{Format: Format})
		}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case m.Format > Format:
		return nil, fmt.Errorf("%w (format %d; this one reads up to %d): upgrade authsome or start from another --state", ErrNewerFormat, m.Format, Format)
	}
	if j.snap, err = readSnapSeq(dir); err != nil {
		return nil, err
	}
	j.seq = j.snap
	f, err := os.OpenFile(filepath.Join(dir, logFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	last, good, err := scanLog(f, nil)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil { // a torn tail: the record was never acknowledged
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	j.log, j.size = f, good
	if last > j.seq {
		j.seq = last
	}
	return j, nil
}

// Replay calls snapshot with the snapshot (nil reader when there is none yet), then record
// for each record written after it, in order.
func (j *Journal) Replay(snapshot func(io.Reader) error, record func(Record) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	f, err := os.Open(filepath.Join(j.dir, snapshotFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := snapshot(nil); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		br := bufio.NewReader(f)
		_, err := br.ReadBytes('\n') // the header, read by Open
		if err == nil {
			err = snapshot(br)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("journal: reading the snapshot: %w", err)
		}
	}
	lf, err := os.Open(filepath.Join(j.dir, logFile))
	if err != nil {
		return err
	}
	defer lf.Close()
	_, _, err = scanLog(lf, func(r Record) error {
		if r.Seq <= j.snap {
			return nil // already in the snapshot
		}
		return record(r)
	})
	return err
}

// Append writes a record and returns its sequence number once it is written: from then on it
// survives the process being killed. data is encoded as JSON.
func (j *Journal) Append(workload, op string, data any) (uint64, error) {
	d, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.log == nil {
		return 0, errors.New("journal: closed")
	}
	r := Record{Seq: j.seq + 1, Workload: workload, Op: op, Data: d}
	r.CRC = r.sum()
	j.buf.Reset()
	if err := json.NewEncoder(&j.buf).Encode(r); err != nil { // ends with "\n"
		return 0, err
	}
	if _, err := j.log.Write(j.buf.Bytes()); err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	j.seq = r.Seq
	j.size += int64(j.buf.Len())
	return r.Seq, nil
}

// Snapshot replaces the snapshot with what write produces (the whole state, consistent with
// every record appended so far: the caller holds its own locks so that no Append runs
// meanwhile) and starts an empty log.
func (j *Journal) Snapshot(write func(io.Writer) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	// The rename inside writeAtomic is the commit point; then the log is emptied. A crash
	// between the two leaves records the snapshot already holds, which Replay skips by seq.
	err := writeAtomic(filepath.Join(j.dir, snapshotFile), func(w io.Writer) error {
		if err := json.NewEncoder(w).Encode(snapHeader{Seq: j.seq}); err != nil {
			return err
		}
		return write(w)
	})
	if err != nil {
		return err
	}
	j.snap, j.size = j.seq, 0
	if err := j.log.Truncate(0); err != nil {
		return err
	}
	_, err = j.log.Seek(0, io.SeekStart)
	return err
}

// Seq is the number of the last record written.
func (j *Journal) Seq() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seq
}

// Size is the length of the log in bytes (records since the last snapshot).
func (j *Journal) Size() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.size
}

// Sync flushes the log to the disk (for power loss; a killed process needs no Sync).
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.log == nil {
		return nil
	}
	return j.log.Sync()
}

// Close syncs and closes the log. Later Appends fail.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.log == nil {
		return nil
	}
	err := errors.Join(j.log.Sync(), j.log.Close())
	j.log = nil
	return err
}

func (r Record) sum() uint32 {
	h := crc32.NewIEEE()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00", r.Seq, r.Workload, r.Op)
	h.Write(r.Data)
	return h.Sum32()
}

// scanLog reads records from f's start, calling fn (if not nil) for each, and returns the
// last sequence number and the offset after the last good record. A line that is cut short,
// does not parse, fails its checksum or breaks the sequence ends the good part: only the
// last write can be torn, and nothing after it was acknowledged.
func scanLog(f *os.File, fn func(Record) error) (last uint64, good int64, err error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return last, good, nil // a partial line without its newline is torn
		}
		if err != nil {
			return last, good, err
		}
		var r Record
		if json.Unmarshal(line, &r) != nil || r.sum() != r.CRC || (last != 0 && r.Seq != last+1) {
			return last, good, nil
		}
		if fn != nil {
			if err := fn(r); err != nil {
				return last, good, err
			}
		}
		last = r.Seq
		good += int64(len(line))
	}
}

// readSnapSeq reads the sequence number in the snapshot's first line (0 without a snapshot).
func readSnapSeq(dir string) (uint64, error) {
	f, err := os.Open(filepath.Join(dir, snapshotFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadBytes('\n')
	var h snapHeader
	if err != nil || json.Unmarshal(line, &h) != nil {
		return 0, fmt.Errorf("journal: %s has no header line; it was not written by the sandbox", f.Name())
	}
	return h.Seq, nil
}

func readMeta(dir string) (meta, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return meta{}, err
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil || m.Format < 1 {
		return meta{}, fmt.Errorf("journal: %s is not a sandbox state file: %v", filepath.Join(dir, metaFile), err)
	}
	return m, nil
}

// writeAtomic writes path with write, through a synced temporary file and a rename.
func writeAtomic(path string, write func(io.Writer) error) error {
	return atomicfile.WriteFunc(path, 0o600, write)
}
