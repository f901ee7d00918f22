package proxy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestAuditSet: a set holds the files as they were opened, whatever is appended or rotated
// after; it notices that rotation; its log ends at the last complete line, however long the
// incomplete one; it finds its files by identity.
func TestAuditSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	appendEvent := func(sec int64) {
		t.Helper()
		if err := AppendAudit(path, AuditRecord{Time: time.Unix(sec, 0), Kind: KindCredential, Event: "login"}); err != nil {
			t.Fatal(err)
		}
	}
	rotate := func() {
		t.Helper()
		fi, err := os.Stat(path)
		if err == nil {
			err = rotateAudit(path, fi)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	appendEvent(1)
	rotate()
	appendEvent(2)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := append([]byte(`{"time":"`), bytes.Repeat([]byte("x"), 10<<10)...) // longer than lineEnd's block
	if _, err := f.Write(torn); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s, err := OpenAuditSet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, _ := os.Stat(path)
	if s.Files[0] == nil || s.Files[1] == nil || s.Files[2] != nil || s.Ends[0] != fi.Size()-int64(len(torn)) {
		t.Fatalf("set %v, ends %v (log of %d bytes)", s.Files, s.Ends, fi.Size())
	}
	if !s.unmoved(path) || s.Index(fi) != 0 {
		t.Fatalf("unmoved %v, index of the log %d", s.unmoved(path), s.Index(fi))
	}
	appendEvent(3)
	rotate()
	appendEvent(4)
	if s.unmoved(path) || s.Index(fi) != 0 {
		t.Fatalf("after a rotation: unmoved %v, index %d", s.unmoved(path), s.Index(fi))
	}
	if cur, _ := os.Stat(path); s.Index(cur) != -1 {
		t.Errorf("the new log is in the set")
	}
	recs, err := s.Tail(10, nil)
	if err != nil || len(recs) != 2 || recs[0].Time.Unix() != 1 || recs[1].Time.Unix() != 2 {
		t.Errorf("tail of the set: %v %v", recs, err)
	}
	s2, err := OpenAuditSet(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Index(fi) != 1 || s2.Files[2] == nil {
		t.Errorf("reopened: the first log at %d", s2.Index(fi))
	}
}
