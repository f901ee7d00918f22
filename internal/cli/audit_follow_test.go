package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// waitFor waits, generously, until out holds n lines, and returns them.
func waitFor(t *testing.T, out *lockedBuffer, n int) []string {
	t.Helper()
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(20 * time.Millisecond) {
		s := out.String() // one snapshot: the command writes while we look
		if lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n"); s != "" && len(lines) >= n {
			return lines
		}
	}
	t.Fatalf("waited a minute for %d lines; have %q", n, out.String())
	return nil
}

func credentialRecord(conn string) proxy.AuditRecord {
	return proxy.AuditRecord{Time: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Kind: proxy.KindCredential,
		Event: "login", Provider: "microsoft", Connection: conn, Outcome: "ok"}
}

// TestLogFollow: `log --follow --json` prints the last records, then each record appended,
// one JSON object a line, across a rotation of audit.log to audit.log.1, until its context is
// cancelled; --events keeps only credential events while following.
func TestLogFollow(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "list"), exitOK) // creates the default profile's folder
	path := filepath.Join(home, "profiles", "default", auditFileName)
	appendRec := func(r proxy.AuditRecord) {
		t.Helper()
		if err := proxy.AppendAudit(path, r); err != nil {
			t.Fatal(err)
		}
	}
	appendRec(credentialRecord("old1"))
	appendRec(credentialRecord("old2"))

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ios, _, _, errOut := Test()
	out := &lockedBuffer{}
	ios.Out = out
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, ios, []string{"--home", home, "--json", "log", "--follow", "--events", "-n", "1"})
	}()
	conn := func(line string) string {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not one JSON object: %q", line)
		}
		s, _ := v["connection"].(string)
		return s
	}
	if got := waitFor(t, out, 1); conn(got[0]) != "old2" {
		t.Fatalf("first line %q, want the last record", got[0])
	}

	appendRec(credentialRecord("new1"))
	appendRec(proxy.AuditRecord{Time: time.Now(), Method: "GET", Host: "example.com", Status: 200}) // a request: not an event
	appendRec(credentialRecord("new2"))
	waitFor(t, out, 3)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendRec(credentialRecord("after"))
	lines := waitFor(t, out, 4)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []string
	for _, l := range lines {
		got = append(got, conn(l))
	}
	if strings.Join(got, " ") != "old2 new1 new2 after" {
		t.Errorf("followed %v", got)
	}
}

// TestAuditFollowerPartialLine: a line being written is printed once it is complete.
func TestAuditFollowerPartialLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), auditFileName)
	a := openAuditFollower(path) // no log yet: read from the start once it exists
	defer a.close()
	if recs, err := a.poll(); err != nil || len(recs) != 0 {
		t.Fatalf("no log: %v %v", recs, err)
	}
	line, _ := json.Marshal(credentialRecord("x"))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(line[:10])
	if recs, err := a.poll(); err != nil || len(recs) != 0 {
		t.Fatalf("half a line: %v %v", recs, err)
	}
	f.Write(append(line[10:], '\n'))
	if recs, err := a.poll(); err != nil || len(recs) != 1 || recs[0].Connection != "x" {
		t.Fatalf("the completed line: %v %v", recs, err)
	}
}

// TestLogFollowTable: without --json, `log -f` prints the table's rows, the new ones as they come.
func TestLogFollowTable(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "list"), exitOK)
	path := filepath.Join(home, "profiles", "default", auditFileName)
	if err := proxy.AppendAudit(path, credentialRecord("first")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ios, _, _, errOut := Test()
	out := &lockedBuffer{}
	ios.Out = out
	done := make(chan int, 1)
	go func() { done <- Run(ctx, ios, []string{"--home", home, "log", "-f", "--events"}) }()
	waitFor(t, out, 1)
	if err := proxy.AppendAudit(path, credentialRecord("second")); err != nil {
		t.Fatal(err)
	}
	lines := waitFor(t, out, 2)
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "\tfirst\t") || !strings.Contains(lines[1], "\tsecond\t") {
		t.Errorf("rows %q", lines)
	}
}
