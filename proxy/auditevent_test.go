package proxy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAppendAuditCredential: a credential event is one line with only its own fields, next to
// request lines of a running writer and the lines of an older version (no "kind"), and all of
// them read back, requests as KindRequest.
func TestAppendAuditCredential(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	old := `{"time":"2026-11-01T08:00:00Z","provider":"microsoft","connection":"default","method":"GET","host":"graph.microsoft.com","path":"/v1.0/me","status":200,"bytes_in":0,"bytes_out":10,"duration_ms":1.5,"injected":true,"mode":"mitm"}` + "\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ev := AuditRecord{Time: at, Kind: KindCredential, Event: "login", Provider: "microsoft", Connection: "work",
		Outcome: "ok", Flow: "device_code", Scopes: []string{"User.Read", "offline_access"}}
	if err := AppendAudit(path, ev); err != nil {
		t.Fatal(err)
	}
	a, err := OpenAuditFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Write(auditEntry(1))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	failed := AuditRecord{Time: at.Add(time.Second), Kind: KindCredential, Event: "refresh", Provider: "microsoft",
		Connection: "work", Outcome: "failed", Error: "invalid_grant AADSTS50173"}
	if err := AppendAudit(path, failed); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4:\n%s", len(lines), data)
	}
	want := `{"time":"2026-11-02T09:00:00Z","kind":"credential","event":"login","provider":"microsoft","connection":"work","outcome":"ok","flow":"device_code","scopes":["User.Read","offline_access"]}`
	if lines[1] != want {
		t.Errorf("credential line\n got %s\nwant %s", lines[1], want)
	}

	recs, err := ReadAudit(path, 10)
	if err != nil || len(recs) != 4 {
		t.Fatalf("ReadAudit: %d records, %v", len(recs), err)
	}
	for i, k := range []string{KindRequest, KindCredential, KindRequest, KindCredential} {
		if recs[i].Kind != k {
			t.Errorf("record %d has kind %q, want %q", i, recs[i].Kind, k)
		}
	}
	if recs[0].Path != "/v1.0/me" || !recs[0].Injected {
		t.Errorf("the older version's line reads as %+v", recs[0])
	}
	if diff := cmp.Diff(ev, recs[1]); diff != "" {
		t.Errorf("credential record (-want +got):\n%s", diff)
	}

	// --json of `authsome log` marshals the records: a request keeps its full shape (with its
	// kind now), a credential event its own.
	b, err := json.Marshal(recs)
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if _, ok := back[0]["injected"]; !ok || back[0]["kind"] != KindRequest {
		t.Errorf("request marshals as %v", back[0])
	}
	if _, ok := back[3]["method"]; ok || back[3]["error"] != "invalid_grant AADSTS50173" || back[3]["outcome"] != "failed" {
		t.Errorf("credential event marshals as %v", back[3])
	}
}

// TestReadAuditWhere: the last n records a filter accepts, found however far back they are,
// across rotated files.
func TestReadAuditWhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	a, err := OpenAuditFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const total = 1000
	for i := range total {
		a.Write(auditEntry(i))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, rotatedPath(path, 1)); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := AppendAudit(path, AuditRecord{Time: time.Unix(int64(total+i), 0), Kind: KindCredential, Event: "refresh"}); err != nil {
			t.Fatal(err)
		}
	}
	a, err = OpenAuditFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range total {
		a.Write(auditEntry(total + 3 + i))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	creds := func(r AuditRecord) bool { return r.Kind == KindCredential }
	for _, n := range []int{1, 2, 3, 50} {
		recs, err := ReadAuditWhere(path, n, creds)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != min(n, 3) {
			t.Fatalf("n=%d: %d records, want %d", n, len(recs), min(n, 3))
		}
		if last := recs[len(recs)-1]; last.Time.Unix() != total+2 {
			t.Errorf("n=%d: the last record is from %v", n, last.Time)
		}
	}
	reqs, err := ReadAuditWhere(path, 1500, func(r AuditRecord) bool { return r.Kind == KindRequest })
	if err != nil || len(reqs) != 1500 || reqs[0].Path != auditEntry(500).Path {
		t.Errorf("requests across the rotation: %d, %v", len(reqs), err)
	}
}

// TestAppendAuditRotates: AppendAudit rotates a log past the size limit as AuditFile does.
func TestAppendAuditRotates(t *testing.T) {
	old := auditMaxSize
	auditMaxSize = 512
	t.Cleanup(func() { auditMaxSize = old })
	path := filepath.Join(t.TempDir(), "audit.log")
	for i := range 20 {
		if err := AppendAudit(path, AuditRecord{Time: time.Unix(int64(i), 0), Kind: KindCredential, Event: "login", Provider: "microsoft"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(rotatedPath(path, 1)); err != nil {
		t.Fatalf("no rotated log: %v", err)
	}
	recs, err := ReadAudit(path, 20)
	if err != nil || len(recs) != 20 || recs[19].Time.Unix() != 19 {
		t.Errorf("ReadAudit across the rotation: %d records, %v", len(recs), err)
	}
}
