package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/sandbox"
)

// driveHome returns a home signed in (device code, approved by the sandbox) as the sandbox's
// first user, and the sandbox.
func driveHome(t *testing.T) (string, *sandbox.Server) {
	t.Helper()
	home := testEnv(t)
	sb := startSandbox(t, home, sandbox.Options{AutoApprove: true, DeviceInterval: time.Second})
	wantCode(t, runHome(t, home, "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code", "--no-browser"), 0)
	return home, sb
}

func writeBytes(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func randomData(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDriveCommands: put, ls (table and --json), get (to a file and to stdout), conflicts
// and their flags, mkdir, rm, and the errors that say what to do.
func TestDriveCommands(t *testing.T) {
	t.Parallel()
	home, sb := driveHome(t)
	drive := func(args ...string) result {
		t.Helper()
		return runHome(t, home, append([]string{"drive"}, args...)...)
	}
	src := writeBytes(t, "notes.txt", []byte("first line\nsecond line\n"))

	wantCode(t, drive("mkdir", "Drafts"), 0)
	r := drive("put", src, "Drafts/")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "/Drafts/notes.txt") {
		t.Errorf("put said %q", r.stdout)
	}
	r = drive("ls", "--json", "Drafts")
	wantCode(t, r, 0)
	var ls struct {
		Path  string         `json:"path"`
		Items []driveItemOut `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ls); err != nil || ls.Path != "/Drafts" || len(ls.Items) != 1 {
		t.Fatalf("ls --json: %v %s", err, r.stdout)
	}
	if it := ls.Items[0]; it.Name != "notes.txt" || it.Type != "file" || it.Size != 23 || it.Path != "/Drafts/notes.txt" || it.Modified == nil {
		t.Errorf("ls --json item: %+v", it)
	}
	r = drive("ls")
	wantCode(t, r, 0)
	if !strings.Contains(r.stdout, "Drafts\t") || !strings.Contains(r.stdout, "\tfolder\n") {
		t.Errorf("ls of the root (tab-separated off a terminal):\n%s", r.stdout)
	}

	r = drive("get", "Drafts/notes.txt", "-")
	wantCode(t, r, 0)
	if r.stdout != "first line\nsecond line\n" {
		t.Errorf("get -: %q", r.stdout)
	}
	dest := t.TempDir()
	wantCode(t, drive("get", "/Drafts/notes.txt", dest), 0)
	if got, err := os.ReadFile(filepath.Join(dest, "notes.txt")); err != nil || string(got) != "first line\nsecond line\n" {
		t.Errorf("get into a folder: %q %v", got, err)
	}

	r = drive("put", src, "Drafts")
	wantCode(t, r, exitAlreadyExists)
	if msg := oneLine(t, r); !strings.Contains(msg, "/Drafts/notes.txt already exists") || !strings.Contains(msg, "--overwrite") || !strings.Contains(msg, "--rename") {
		t.Errorf("put on a taken name: %s", msg)
	}
	wantCode(t, drive("put", "--overwrite", src, "Drafts/notes.txt"), 0)
	r = drive("put", "--rename", "--json", src, "Drafts")
	wantCode(t, r, 0)
	var put struct {
		Path string `json:"path"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &put); err != nil || put.Name == "notes.txt" || put.Path != "/Drafts/"+put.Name {
		t.Errorf("put --rename: %v %s", err, r.stdout)
	}
	wantCode(t, drive("put", "--rename", "--overwrite", src), exitUsage)

	wantCode(t, drive("rm", "Drafts/notes.txt"), 0)
	r = drive("get", "Drafts/notes.txt")
	wantCode(t, r, exitError)
	if msg := oneLine(t, r); !strings.Contains(msg, "/Drafts/notes.txt: no such file or folder") || !strings.Contains(msg, "authsome drive ls /Drafts") {
		t.Errorf("get of a deleted file: %s", msg)
	}
	r = drive("put", src, "Nowhere/notes.txt")
	if msg := oneLine(t, r); r.code != exitError || !strings.Contains(msg, "authsome drive mkdir /Nowhere") {
		t.Errorf("put into a missing folder: %d %s", r.code, msg)
	}
	wantCode(t, drive("mkdir", "Drafts"), exitAlreadyExists)
	wantCode(t, drive("rm", "/"), exitUsage)

	// An app-only connection has no drive of its own: --user names one.
	info := sb.Info()
	wantCode(t, run(t, info.ConfidentialClientSecret+"\n", "--home", home, "login", "microsoft", "--connection", "app", "--cloud", "sandbox",
		"--flow", "client_credentials", "--client-id", info.ConfidentialClientID, "--client-secret-stdin"), 0)
	r = runHome(t, home, "drive", "--connection", "app", "ls")
	if msg := oneLine(t, r); r.code != exitUsage || !strings.Contains(msg, "--user") {
		t.Errorf("an app-only connection without --user: %d %s", r.code, msg)
	}
	r = runHome(t, home, "drive", "--connection", "app", "--user", info.Users[0].UserPrincipalName, "ls", "Drafts")
	wantCode(t, r, 0)
	if !strings.HasPrefix(r.stdout, put.Name+"\t") {
		t.Errorf("ls of the user's drive as the app: %q", r.stdout)
	}
}

// uploadsDir is where put keeps interrupted upload sessions of the default profile.
func uploadsDir(home string) string { return filepath.Join(home, "profiles", "default", "uploads") }

func countCreates(sb *sandbox.Server) int {
	n := 0
	for _, e := range sb.Requests() {
		if strings.HasSuffix(e.Path, "/createUploadSession") {
			n++
		}
	}
	return n
}

// interruptedPut runs put --overwrite of src in small fragments and cancels it once the session has the
// first fragment, as Ctrl-C would; it returns the error put ended with.
func interruptedPut(t *testing.T, home, src string) error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ios, _, _, _ := Test()
	f := &Factory{IO: ios, HomeDir: home}
	o := &drivePutOptions{driveOptions: &driveOptions{}, f: f, src: src, overwrite: true, chunkSize: msgraph.UploadChunkUnit,
		progress: func(sent, total int64) {
			if sent > 0 && sent < total {
				cancel()
			}
		}}
	err := runDrivePut(ctx, o)
	if err == nil {
		t.Fatal("put went through although it was cancelled after the first fragment")
	}
	return err
}

// TestDrivePutResumes: a large put cancelled after its first fragment keeps its session in a
// 0600 file of the profile (never printing its URL); the same put continues that session
// (no new one) and the file downloads back with the same SHA-256. A changed file, or
// --no-resume, starts over.
func TestDrivePutResumes(t *testing.T) {
	t.Parallel()
	home, sb := driveHome(t)
	data := randomData(t, msgraph.SimpleUploadMax+3*msgraph.UploadChunkUnit+777)
	src := writeBytes(t, "big.bin", data)

	err := interruptedPut(t, home, src)
	if msg := err.Error(); !strings.Contains(msg, "run the same `authsome drive put` again to resume") || strings.Contains(msg, "_upload") {
		t.Errorf("interrupted put: %s", msg)
	}
	kept, _ := filepath.Glob(filepath.Join(uploadsDir(home), "*.json"))
	if len(kept) != 1 {
		t.Fatalf("kept sessions: %v", kept)
	}
	for name, want := range map[string]os.FileMode{uploadsDir(home): 0o700, kept[0]: 0o600} {
		if st, err := os.Stat(name); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", name, st.Mode().Perm(), err, want)
		}
	}
	if countCreates(sb) != 1 {
		t.Fatalf("%d sessions before resuming", countCreates(sb))
	}

	r := runHome(t, home, "drive", "put", "--overwrite", "--json", src)
	wantCode(t, r, 0)
	var put struct {
		Size    int64 `json:"size"`
		Resumed bool  `json:"resumed"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &put); err != nil || !put.Resumed || put.Size != int64(len(data)) {
		t.Errorf("second put: %v %s", err, r.stdout)
	}
	if n := countCreates(sb); n != 1 {
		t.Errorf("%d upload sessions created; the second put should have resumed the first", n)
	}
	if left, _ := filepath.Glob(filepath.Join(uploadsDir(home), "*.json")); len(left) != 0 {
		t.Errorf("a finished upload left its session file: %v", left)
	}
	if strings.Contains(r.stdout+r.stderr, "_upload") {
		t.Error("put printed the upload URL")
	}

	dest := filepath.Join(t.TempDir(), "back.bin")
	wantCode(t, runHome(t, home, "drive", "get", "big.bin", dest), 0)
	got, err := os.ReadFile(dest)
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("get of the resumed file: %d bytes, %v; digests differ", len(got), err)
	}

	// Interrupted again, then the file changes: the kept session is not used.
	_ = interruptedPut(t, home, src)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(src, later, later); err != nil {
		t.Fatal(err)
	}
	r = runHome(t, home, "drive", "put", "--overwrite", "--json", src)
	wantCode(t, r, 0)
	if strings.Contains(r.stdout, `"resumed": true`) || countCreates(sb) != 3 {
		t.Errorf("put of a changed file: %s; %d sessions, want 3", r.stdout, countCreates(sb))
	}
	// --no-resume starts over.
	_ = interruptedPut(t, home, src)
	r = runHome(t, home, "drive", "put", "--no-resume", "--overwrite", "--json", src)
	wantCode(t, r, 0)
	if strings.Contains(r.stdout, `"resumed": true`) || countCreates(sb) != 5 {
		t.Errorf("put --no-resume: %s; %d sessions, want 5", r.stdout, countCreates(sb))
	}
}

// TestDriveProgressOnTerminalOnly: a bar is drawn on stderr when it is a terminal, and never
// with --json or off a terminal.
func TestDriveProgressOnTerminalOnly(t *testing.T) {
	t.Parallel()
	home, _ := driveHome(t)
	src := writeBytes(t, "bar.bin", bytes.Repeat([]byte("x"), 300<<10))
	for _, tc := range []struct {
		tty, json bool
		wantBar   bool
	}{{false, false, false}, {true, true, false}, {true, false, true}} {
		ios, _, _, errOut := Test()
		ios.stderrTTY = tc.tty
		args := []string{"--home", home, "drive", "put", "--overwrite", src}
		if tc.json {
			args = append(args, "--json")
		}
		if code := Run(t.Context(), ios, args); code != 0 {
			t.Fatalf("put (tty %v, json %v): exit %d: %s", tc.tty, tc.json, code, errOut)
		}
		if got := strings.Contains(errOut.String(), "bar.bin") && strings.Contains(errOut.String(), "100 %"); got != tc.wantBar {
			t.Errorf("tty %v, json %v: bar drawn %v, want %v (stderr %q)", tc.tty, tc.json, got, tc.wantBar, errOut)
		}
	}
}
