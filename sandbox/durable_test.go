package sandbox

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/journal"
)

// TestStateFolderOfNewerFormatRefused: a state folder written by a newer
// sandbox is refused with a clear error and left exactly as it was.
func TestStateFolderOfNewerFormatRefused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	meta := []byte(`{"format": 99}` + "\n")
	files := map[string][]byte{"journal.json": meta, "snapshot.json": []byte("{\"seq\":7}\n{\"future\":true}\n"), "log.jsonl": []byte("{\"seq\":8}\n")}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := New(Options{PlainHTTP: true, StateDir: dir})
	if !errors.Is(err, journal.ErrNewerFormat) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("New on a newer state folder: %v, want journal.ErrNewerFormat naming the folder", err)
	}
	for name, data := range files {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != string(data) {
			t.Errorf("%s was changed: %q", name, got)
		}
	}
}

// TestOlderStateFileConverted: the single state file an older sandbox wrote
// (version 1, mail under "mail") is read into a state folder at the same
// path; the file is kept beside it.
func TestOlderStateFileConverted(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := &mailEnv{env: start(t, Options{}), t: t}
	adele := e.as(0, "Mail.ReadWrite")
	var m struct{ ID string }
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "kept across the upgrade"}, &m)
	mail, err := e.s.workload("mail").Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	old, _ := json.Marshal(map[string]any{"version": 1, "mail": json.RawMessage(mail), "clock_offset_ns": 3600e9})
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}

	e2 := &mailEnv{env: start(t, Options{StateDir: path}), t: t}
	var got struct{ Subject string }
	e2.must(200, "GET", "/v1.0/me/messages/"+m.ID, e2.as(0, "Mail.Read"), nil, &got)
	if got.Subject != "kept across the upgrade" {
		t.Errorf("message after the conversion: %+v", got)
	}
	if off := e2.s.clock.offset(); off.Hours() != 1 {
		t.Errorf("clock offset after the conversion: %v", off)
	}
	if b, err := os.ReadFile(path + ".v1"); err != nil || string(b) != string(old) {
		t.Errorf("the older file is not kept as %s.v1: %v", path, err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("the state is not a 0700 folder at %s: %v %v", path, fi.Mode(), err)
	}
}
