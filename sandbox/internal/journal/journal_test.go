package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

type state struct {
	snap    string
	records []Record
}

func replay(t *testing.T, j *Journal) state {
	t.Helper()
	var st state
	err := j.Replay(func(r io.Reader) error {
		if r != nil {
			b, err := io.ReadAll(r)
			st.snap = string(b)
			return err
		}
		return nil
	}, func(r Record) error {
		st.records = append(st.records, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestAppendReopenReplay(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if seq, err := j.Append("mail", "put", map[string]int{"n": i}); err != nil || seq != uint64(i) {
			t.Fatalf("Append %d = %d, %v", i, seq, err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Append("mail", "put", 1); err == nil {
		t.Error("Append after Close succeeded")
	}
	j, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	st := replay(t, j)
	if st.snap != "" || len(st.records) != 3 || string(st.records[2].Data) != `{"n":3}` || st.records[0].Workload != "mail" {
		t.Fatalf("replayed %+v", st)
	}
	if seq, _ := j.Append("cal", "put", 4); seq != 4 {
		t.Errorf("next seq = %d, want 4", seq)
	}
}

func TestSnapshotThenRecords(t *testing.T) {
	dir := t.TempDir()
	j, _ := Open(dir)
	j.Append("mail", "put", 1)
	j.Append("mail", "put", 2)
	if err := j.Snapshot(func(w io.Writer) error { _, err := io.WriteString(w, "STATE-AT-2"); return err }); err != nil {
		t.Fatal(err)
	}
	j.Append("mail", "put", 3)
	j.Close()
	j, _ = Open(dir)
	defer j.Close()
	st := replay(t, j)
	if st.snap != "STATE-AT-2" || len(st.records) != 1 || st.records[0].Seq != 3 {
		t.Fatalf("replayed %+v", st)
	}
}

// TestCrashBetweenSnapshotAndTruncate: a snapshot committed while the log still holds the
// records it includes (the process died before emptying the log): they are not applied twice.
func TestCrashBetweenSnapshotAndTruncate(t *testing.T) {
	dir := t.TempDir()
	j, _ := Open(dir)
	j.Append("mail", "put", 1)
	j.Append("mail", "put", 2)
	old, _ := os.ReadFile(filepath.Join(dir, logFile))
	j.Snapshot(func(w io.Writer) error { _, err := io.WriteString(w, "S"); return err })
	j.Close()
	os.WriteFile(filepath.Join(dir, logFile), old, 0o600) // the log as it was before the snapshot
	j, _ = Open(dir)
	defer j.Close()
	if st := replay(t, j); st.snap != "S" || len(st.records) != 0 {
		t.Fatalf("replayed %+v, want the snapshot only", st)
	}
	if seq, _ := j.Append("mail", "put", 3); seq != 3 {
		t.Errorf("next seq = %d, want 3", seq)
	}
	j.Close()
	j, _ = Open(dir)
	defer j.Close()
	if st := replay(t, j); len(st.records) != 1 || st.records[0].Seq != 3 {
		t.Fatalf("after appending: %+v", st)
	}
}

func TestTornTailIsCutOff(t *testing.T) {
	for name, tail := range map[string]string{
		"cut short":    `{"seq":3,"w":"mail","op":"put","d":{"n"`,
		"bad checksum": `{"seq":3,"w":"mail","op":"put","d":{"n":3},"crc":1}` + "\n",
		"garbage":      "\x00\x00\x00\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			j, _ := Open(dir)
			j.Append("mail", "put", 1)
			j.Append("mail", "put", 2)
			j.Close()
			f, _ := os.OpenFile(filepath.Join(dir, logFile), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(tail)
			f.Close()
			j, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			if seq, _ := j.Append("mail", "put", 3); seq != 3 {
				t.Errorf("seq after the torn record = %d, want 3", seq)
			}
			if st := replay(t, j); len(st.records) != 3 || string(st.records[2].Data) != "3" {
				t.Fatalf("replayed %+v", st.records)
			}
		})
	}
}

func TestNewerFormatRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	meta := []byte(`{"format": 99}`)
	os.WriteFile(filepath.Join(dir, metaFile), meta, 0o600)
	os.WriteFile(filepath.Join(dir, logFile), []byte("future\n"), 0o600)
	if _, err := Open(dir); !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), "format 99") {
		t.Fatalf("Open = %v, want ErrNewerFormat naming the format", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, logFile)); string(b) != "future\n" {
		t.Errorf("the log was changed: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, metaFile)); string(b) != string(meta) {
		t.Errorf("the meta file was changed: %q", b)
	}
}

// The crash test's writer: appends records (a snapshot every 25), printing each sequence number
// once Append has returned, until killed.
func init() {
	dir := os.Getenv("JOURNAL_CRASH_WRITER")
	if dir == "" {
		return
	}
	j, err := Open(dir)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		seq, err := j.Append("mail", "put", map[string]any{"i": i, "pad": strings.Repeat("x", i%300)})
		if err != nil {
			fmt.Println("append:", err)
			os.Exit(1)
		}
		if seq%25 == 0 {
			n := seq
			if err := j.Snapshot(func(w io.Writer) error { return json.NewEncoder(w).Encode(n) }); err != nil {
				fmt.Println("snapshot:", err)
				os.Exit(1)
			}
		}
		fmt.Fprintln(out, seq)
		out.Flush()
	}
}

// TestKilledWriterLosesNothingAcknowledged: a writer is killed with SIGKILL at random moments;
// every record it acknowledged is there after reopening, in order, none twice.
func TestKilledWriterLosesNothingAcknowledged(t *testing.T) {
	rounds := 15
	if testing.Short() {
		rounds = 3
	}
	dir := t.TempDir()
	for round := 0; round < rounds; round++ {
		c := exec.Command(os.Args[0], "-test.run=^$")
		c.Env = append(os.Environ(), "JOURNAL_CRASH_WRITER="+dir)
		stdout, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		var acked uint64
		done := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if n, err := strconv.ParseUint(sc.Text(), 10, 64); err == nil {
					acked = n
				}
			}
			close(done)
		}()
		time.Sleep(time.Duration(5+rand.IntN(60)) * time.Millisecond)
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		<-done

		j, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var snap uint64
		var seqs []uint64
		err = j.Replay(func(r io.Reader) error {
			if r != nil {
				return json.NewDecoder(r).Decode(&snap)
			}
			return nil
		}, func(r Record) error { seqs = append(seqs, r.Seq); return nil })
		j.Close()
		if err != nil {
			t.Fatalf("round %d: replay: %v", round, err)
		}
		last := snap
		for _, s := range seqs {
			if s != last+1 {
				t.Fatalf("round %d: record %d after %d (snapshot at %d)", round, s, last, snap)
			}
			last = s
		}
		if last < acked {
			t.Fatalf("round %d: the writer acknowledged %d records, the journal holds %d", round, acked, last)
		}
		t.Logf("round %d: %d records acknowledged, %d in the journal (snapshot at %d)", round, acked, last, snap)
	}
}

// BenchmarkAppend: appending a ~2 KB message record (what the sandbox writes per created
// message), without and with a snapshot's cost amortised.
func BenchmarkAppend(b *testing.B) {
	j, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	msg := map[string]string{"subject": "Quarterly sales review", "body": strings.Repeat("lorem ipsum ", 170)}
	b.SetBytes(2048)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := j.Append("mail", "put", msg); err != nil {
			b.Fatal(err)
		}
	}
}
