package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAppendAudit: the hand-written encoder produces exactly what encoding/json would for the
// stable AuditRecord shape, for ordinary and hostile strings.
func TestAppendAudit(t *testing.T) {
	for _, e := range []Entry{
		{Time: time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.UTC), Provider: "microsoft", Connection: "default",
			Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/me", Status: 200, BytesIn: 0, BytesOut: 1024,
			Duration: 1500 * time.Microsecond, Injected: true, Mode: ModeMITM},
		{Time: time.Unix(0, 0), Method: "CONNECT", Host: "example.test:443", Status: 403, Mode: ModeDenied,
			Error: "quote \" backslash \\ newline \n <tag> & é \xff"},
		{Time: time.Unix(10, 5), Method: "GET", Host: "example.com", Path: "/x", Status: 407, Mode: ModeDenied,
			Error: "proxy authentication required", Kind: KindRefusals, Count: 372500, Until: time.Unix(19, 999)},
	} {
		line := appendAuditLine(nil, e)
		var got AuditRecord
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		want := AuditRecord{Time: e.Time.UTC(), Provider: e.Provider, Connection: e.Connection, Method: e.Method, Host: e.Host,
			Path: e.Path, Status: e.Status, BytesIn: e.BytesIn, BytesOut: e.BytesOut,
			DurationMS: float64(e.Duration.Microseconds()) / 1000, Injected: e.Injected, Mode: e.Mode,
			Kind: e.Kind, Count: e.Count, Until: e.Until.UTC()}
		var wantErr string
		b, _ := json.Marshal(e.Error)
		json.Unmarshal(b, &wantErr)
		want.Error = wantErr
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoded record (-want +got):\n%s", diff)
		}
		if line[len(line)-1] != '\n' {
			t.Error("no trailing newline")
		}
	}
}

// openTestAudit opens a new audit log in a temporary folder.
func openTestAudit(t *testing.T) (*AuditFile, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.log")
	a, err := OpenAuditFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a, path
}

// setAuditMaxSize lowers the rotation size for the rest of the test.
func setAuditMaxSize(t *testing.T, n int64) {
	old := auditMaxSize
	auditMaxSize = n
	t.Cleanup(func() { auditMaxSize = old })
}

func auditEntry(i int) Entry {
	// Paths of varying length, so that lines straddle the reader's block boundaries.
	return Entry{Time: time.Unix(int64(i), 0), Method: "GET", Host: "graph.microsoft.com",
		Path: fmt.Sprintf("/v1.0/items/%d/%s", i, strings.Repeat("x", i%300)), Status: 200, Mode: ModeMITM}
}

// TestReadAuditTail: ReadAudit returns exactly the last n records in order, reading from the
// end of the file, for n below, at and above the number of records.
func TestReadAuditTail(t *testing.T) {
	if recs, err := ReadAudit(filepath.Join(t.TempDir(), "audit.log"), 10); err != nil || len(recs) != 0 {
		t.Fatalf("no log yet: %v, %v", recs, err)
	}
	a, path := openTestAudit(t)
	const total = 3000
	for i := range total {
		a.Write(auditEntry(i))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 2, 7, 250, 2999, 3000, 5000} {
		recs, err := ReadAudit(path, n)
		if err != nil {
			t.Fatal(err)
		}
		want := min(n, total)
		if len(recs) != want {
			t.Fatalf("n=%d: %d records, want %d", n, len(recs), want)
		}
		for j, r := range recs {
			if i := total - want + j; r.Path != auditEntry(i).Path {
				t.Fatalf("n=%d: record %d has path %.40q, want record %d", n, j, r.Path, i)
			}
		}
	}
}

// TestAuditRotationAcrossWriters: two writers on one file (two `authsome run` in a profile,
// each with its own descriptor) append at once past the rotation size. Every line in the log
// and its rotated predecessor is whole JSON, nothing is written after Close, and ReadAudit
// spans both files.
func TestAuditRotationAcrossWriters(t *testing.T) {
	setAuditMaxSize(t, 256<<10)
	path := filepath.Join(t.TempDir(), "audit.log")
	var wg sync.WaitGroup
	for w := range 2 {
		a, err := OpenAuditFile(path)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 4000 {
				e := auditEntry(i)
				e.Connection = fmt.Sprintf("writer%d", w)
				a.Write(e)
			}
			if err := a.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	lines := 0
	for _, p := range []string{path + ".1", path} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v (the log should have rotated)", p, err)
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			t.Errorf("%s does not end with a newline", filepath.Base(p))
		}
		for l := range bytes.Lines(data) {
			var r AuditRecord
			if err := json.Unmarshal(l, &r); err != nil {
				t.Fatalf("%s: torn or interleaved line %.80q: %v", filepath.Base(p), l, err)
			}
			lines++
		}
		if fi, _ := os.Stat(p); p == path+".1" && fi.Size() < auditMaxSize {
			t.Errorf("rotated file is %d bytes, below the rotation size", fi.Size())
		}
	}
	if fi, err := os.Stat(path + ".lock"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v %v", fi, err)
	}
	recs, err := ReadAudit(path, lines)
	if err != nil || len(recs) != lines {
		t.Fatalf("ReadAudit over both files: %d records, want %d (%v)", len(recs), lines, err)
	}
}

// TestAuditRotationKeepsFiles: rotation keeps AuditKeep older files, numbered newest first,
// and ReadAudit reads across all of them in order.
func TestAuditRotationKeepsFiles(t *testing.T) {
	setAuditMaxSize(t, 4<<10)
	a, path := openTestAudit(t)
	const total = 3000
	for i := range total {
		a.Write(auditEntry(i))
		if i%100 == 99 {
			a.flushNow(t)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	lines := 0
	for i := 0; i <= AuditKeep; i++ {
		p := path
		if i > 0 {
			p = fmt.Sprintf("%s.%d", path, i)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		lines += bytes.Count(data, []byte("\n"))
	}
	if _, err := os.Stat(fmt.Sprintf("%s.%d", path, AuditKeep+1)); !os.IsNotExist(err) {
		t.Errorf("audit.log.%d exists (%v): only %d rotated files are kept", AuditKeep+1, err, AuditKeep)
	}
	recs, err := ReadAudit(path, total)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != lines || lines >= total {
		t.Fatalf("ReadAudit returned %d records; the files hold %d lines of %d written", len(recs), lines, total)
	}
	for j, r := range recs {
		if i := total - len(recs) + j; r.Path != auditEntry(i).Path {
			t.Fatalf("record %d has path %.40q, want record %d's", j, r.Path, i)
		}
	}
}

// flushNow has the writer goroutine write what is buffered (and so rotate) before returning.
func (a *AuditFile) flushNow(t *testing.T) {
	t.Helper()
	for {
		a.mu.Lock()
		n := len(a.buf)
		a.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case a.kick <- struct{}{}:
		default:
		}
		time.Sleep(time.Millisecond)
	}
}

// TestOpenAuditFileRefusesLinks: a symbolic link planted where the audit log goes (by
// whoever could write the profile folder) is refused, dangling or not, and the file it
// points to is neither written nor created.
func TestOpenAuditFileRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"existing": victim, "dangling": filepath.Join(dir, "created")} {
		path := filepath.Join(dir, name+".log")
		if err := os.Symlink(target, path); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
		a, err := OpenAuditFile(path)
		if err == nil {
			a.Write(auditEntry(1))
			a.Close()
			t.Errorf("%s: OpenAuditFile followed a symbolic link", name)
		} else if !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("%s: error %q does not say what is wrong", name, err)
		}
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep\n" {
		t.Errorf("the link's target was written: %q", data)
	}
	if _, err := os.Lstat(filepath.Join(dir, "created")); !os.IsNotExist(err) {
		t.Errorf("the dangling link's target was created (%v)", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.log"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenAuditFile(filepath.Join(dir, "dir.log")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder as the audit log: %v", err)
	}
}
