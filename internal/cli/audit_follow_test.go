package cli

import (
	"context"
	"encoding/json"
	"fmt"
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

// appendConns appends a credential record for each connection name to the log at path.
func appendConns(t *testing.T, path string, conns ...string) {
	t.Helper()
	for _, c := range conns {
		if err := proxy.AppendAudit(path, credentialRecord(c)); err != nil {
			t.Fatal(err)
		}
	}
}

// appendRaw appends b to the log at path as it is, as a writer that is cut short would.
func appendRaw(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

// rotateLog rotates the log at path as proxy does: <path>.1 … move up by one, the oldest
// dropped, and the log becomes <path>.1 (the next record begins a new one).
func rotateLog(t *testing.T, path string) {
	t.Helper()
	for i := proxy.AuditKeep - 1; i >= 1; i-- {
		if err := os.Rename(fmt.Sprintf("%s.%d", path, i), fmt.Sprintf("%s.%d", path, i+1)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
}

// conns is the connections of recs, in order, separated by spaces.
func conns(recs []proxy.AuditRecord) string {
	var s []string
	for _, r := range recs {
		s = append(s, r.Connection)
	}
	return strings.Join(s, " ")
}

// followed opens a follower on path and checks its tail of n records.
func followed(t *testing.T, path string, n int, want string) *auditFollower {
	t.Helper()
	a, err := openAuditFollower(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	recs, err := a.tail(n, nil)
	if err != nil || conns(recs) != want {
		t.Fatalf("tail %q (%v), want %q", conns(recs), err, want)
	}
	return a
}

// wantPoll polls a and checks what it returns.
func wantPoll(t *testing.T, a *auditFollower, want string) {
	t.Helper()
	if recs, err := a.poll(); err != nil || conns(recs) != want {
		t.Fatalf("poll %q (%v), want %q", conns(recs), err, want)
	}
}

// TestAuditFollowerPartialLine: a line being written is printed once it is complete, also
// when it is incomplete as following begins (the tail leaves it to the follower).
func TestAuditFollowerPartialLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), auditFileName)
	a := followed(t, path, 10, "") // no log yet: read from the start once it exists
	wantPoll(t, a, "")
	line, _ := json.Marshal(credentialRecord("x"))
	appendRaw(t, path, line[:10])
	wantPoll(t, a, "")
	appendRaw(t, path, append(line[10:], '\n'))
	wantPoll(t, a, "x")

	line, _ = json.Marshal(credentialRecord("y"))
	appendRaw(t, path, line[:len(line)-1])
	b := followed(t, path, 10, "x")
	wantPoll(t, a, "")
	appendRaw(t, path, append(line[len(line)-1:], '\n'))
	wantPoll(t, a, "y")
	wantPoll(t, b, "y")
}

// TestAuditFollowerAppendBeforeTail: a record appended between opening the follower and
// reading the tail is shown once, by the first poll.
func TestAuditFollowerAppendBeforeTail(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), auditFileName)
	appendConns(t, path, "a", "b")
	a, err := openAuditFollower(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	appendConns(t, path, "c")
	if recs, err := a.tail(10, nil); err != nil || conns(recs) != "a b" {
		t.Fatalf("tail %q (%v)", conns(recs), err)
	}
	wantPoll(t, a, "c")
	wantPoll(t, a, "")
}

// TestAuditFollowerRotationBeforeTail: the log rotated between opening the follower and
// reading the tail: the tail is what the log held at the opening, across its rotated files,
// and the polls give the rest.
func TestAuditFollowerRotationBeforeTail(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), auditFileName)
	appendConns(t, path, "z")
	rotateLog(t, path)
	appendConns(t, path, "a", "b")
	a, err := openAuditFollower(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	appendConns(t, path, "c")
	rotateLog(t, path)
	appendConns(t, path, "d")
	if recs, err := a.tail(10, nil); err != nil || conns(recs) != "z a b" {
		t.Fatalf("tail %q (%v)", conns(recs), err)
	}
	wantPoll(t, a, "c d")
	appendConns(t, path, "e")
	wantPoll(t, a, "e")
}

// TestAuditFollowerRotations: however many rotations (up to the rotated files kept) happen
// between two polls, every record is returned once, in order; also when following began
// with no log, or with only rotated files (a rotation under way).
func TestAuditFollowerRotations(t *testing.T) {
	t.Parallel()
	for n := 1; n <= proxy.AuditKeep; n++ {
		path := filepath.Join(t.TempDir(), auditFileName)
		appendConns(t, path, "old")
		a := followed(t, path, 10, "old")
		var want []string
		for i := range n {
			c := fmt.Sprint("r", i)
			appendConns(t, path, c)
			rotateLog(t, path)
			want = append(want, c)
		}
		appendConns(t, path, "new")
		wantPoll(t, a, strings.Join(append(want, "new"), " "))
		wantPoll(t, a, "")
		appendConns(t, path, "next")
		wantPoll(t, a, "next")
	}

	path := filepath.Join(t.TempDir(), auditFileName)
	a := followed(t, path, 10, "")
	appendConns(t, path, "a")
	rotateLog(t, path)
	appendConns(t, path, "b")
	rotateLog(t, path)
	wantPoll(t, a, "a b")
	appendConns(t, path, "c")
	wantPoll(t, a, "c")

	path = filepath.Join(t.TempDir(), auditFileName)
	appendConns(t, path, "a")
	rotateLog(t, path)
	a = followed(t, path, 10, "a")
	wantPoll(t, a, "")
	appendConns(t, path, "b")
	rotateLog(t, path)
	appendConns(t, path, "c")
	wantPoll(t, a, "b c")
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
