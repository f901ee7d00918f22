package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// What a person sees while signing in, driven in a real terminal: tmux runs a shell in a
// 120×30 pane, the test types into it (send-keys) and reads the screen (capture-pane).

// tmuxPane is one tmux session with a shell, on a server of its own.
type tmuxPane struct {
	t    *testing.T
	sock string
	env  []string
}

// newTmuxPane starts a tmux server with a shell in a 120×30 pane, in env. Without tmux the
// test is skipped, except in CI (CI set), where it fails.
func newTmuxPane(t *testing.T, env []string) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing in CI (.ci/run installs it)")
		}
		t.Skip("the terminal test needs tmux")
	}
	dir, err := os.MkdirTemp("", "tmux") // short: a socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	p := &tmuxPane{t: t, sock: filepath.Join(dir, "s"), env: env}
	t.Cleanup(func() {
		_ = p.tmux("kill-server")
		os.RemoveAll(dir)
	})
	if err := p.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "30", "-s", "signin", "sh"); err != nil {
		t.Fatalf("starting tmux: %v", err)
	}
	p.waitFor("the shell's prompt", func(screen string) bool { return strings.Contains(screen, "$") || strings.Contains(screen, "#") })
	return p
}

func (p *tmuxPane) tmux(args ...string) error {
	cmd := exec.Command("tmux", append([]string{"-S", p.sock}, args...)...)
	cmd.Env = p.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Logf("tmux %s: %s", strings.Join(args, " "), out)
	}
	return err
}

// send types keys: text literally, then the named keys (Enter, C-c).
func (p *tmuxPane) send(text string, keys ...string) {
	p.t.Helper()
	if text != "" {
		if err := p.tmux("send-keys", "-t", "signin", "-l", text); err != nil {
			p.t.Fatal(err)
		}
	}
	for _, k := range keys {
		if err := p.tmux("send-keys", "-t", "signin", k); err != nil {
			p.t.Fatal(err)
		}
	}
}

// screen returns what the pane shows; with escapes, its colours and attributes too.
func (p *tmuxPane) screen(escapes bool) string {
	p.t.Helper()
	args := []string{"-S", p.sock, "capture-pane", "-p", "-t", "signin"}
	if escapes {
		args = append(args, "-e")
	}
	cmd := exec.Command("tmux", args...)
	cmd.Env = p.env
	out, err := cmd.Output()
	if err != nil {
		p.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until ok, failing with the screen after 30 s.
func (p *tmuxPane) waitFor(what string, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := p.screen(false)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the terminal never showed %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clear empties the screen between runs, so each check reads one run.
func (p *tmuxPane) clear() {
	p.t.Helper()
	p.send("clear", "Enter")
	p.waitFor("a clear screen", func(s string) bool { return !strings.Contains(s, "EXIT=") })
	_ = p.tmux("clear-history", "-t", "signin")
}

var (
	exitLineRE  = regexp.MustCompile(`(?m)^EXIT=(\d+)\s*$`)
	countdownRE = regexp.MustCompile(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for the sign-in… (1[45]:\d\d) left \(Ctrl-C to cancel\)`)
)

// exitStatus waits for the "EXIT=n" line the command line ends with and returns n.
func (p *tmuxPane) exitStatus() string {
	p.t.Helper()
	s := p.waitFor("the exit status", exitLineRE.MatchString)
	return exitLineRE.FindStringSubmatch(s)[1]
}

// aloneOnALine returns the line of screen that is want with only spaces around it.
func aloneOnALine(screen, want string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

func TestSigninScreenInTerminal(t *testing.T) {
	skipShort(t)
	t.Parallel()
	e := newEnv(t, envOptions{})
	p := newTmuxPane(t, e.vars)
	user := firstUser(t).UserPrincipalName
	login := binary + " login microsoft --cloud sandbox --flow device_code"

	// 1. The device code sign-in, approved in the sandbox.
	p.send(login+"; echo EXIT=$?", "Enter")
	screen := p.waitFor("the countdown", countdownRE.MatchString)
	verify := e.sb.URL() + "/devicelogin"
	if !aloneOnALine(screen, verify) {
		t.Errorf("the URL %s is not on a line of its own:\n%s", verify, screen)
	}
	m := regexp.MustCompile(`(?m)^\s+([A-Z0-9]{6,12})\s*$`).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no code on a line of its own:\n%s", screen)
	}
	code := m[1]
	if !strings.Contains(screen, "and enter the code") || strings.Index(screen, verify) > strings.Index(screen, code) {
		t.Errorf("the page and then the code are not shown in order:\n%s", screen)
	}
	if withAttrs := p.screen(true); !strings.Contains(withAttrs, "\x1b[1m"+code) {
		t.Errorf("the code is not bold:\n%q", withAttrs)
	}
	first := countdownRE.FindStringSubmatch(screen)[1]
	p.waitFor("the countdown moving", func(s string) bool {
		m := countdownRE.FindStringSubmatch(s)
		return m != nil && m[1] != first
	})
	if err := e.sb.ApproveDeviceCode(code, user); err != nil {
		t.Fatal(err)
	}
	if got := p.exitStatus(); got != "0" {
		t.Fatalf("exit %s:\n%s", got, p.screen(false))
	}
	screen = p.screen(false)
	if !regexp.MustCompile(`(?m)^Signed in to Microsoft.* as ` + regexp.QuoteMeta(user) + ` `).MatchString(screen) {
		t.Errorf("no success line:\n%s", screen)
	}
	if strings.Contains(screen, "Waiting for the sign-in") {
		t.Errorf("the wait line was not cleared:\n%s", screen)
	}
	vaultFile := filepath.Join(e.home, "profiles", "default", "vault.json")
	before, err := os.ReadFile(vaultFile)
	if err != nil {
		t.Fatal(err)
	}

	// 2. Ctrl-C while waiting: one line, exit 2, the vault as it was.
	p.clear()
	p.send(login+" --force; echo EXIT=$?", "Enter")
	p.waitFor("the countdown", countdownRE.MatchString)
	p.send("", "C-c")
	if got := p.exitStatus(); got != "2" {
		t.Fatalf("exit %s after Ctrl-C:\n%s", got, p.screen(false))
	}
	screen = p.screen(false)
	if !aloneOnALine(screen, "authsome: cancelled") || strings.Contains(screen, "Waiting for the sign-in") {
		t.Errorf("Ctrl-C does not end with one line \"cancelled\" on a cleared line:\n%s", screen)
	}
	if after, err := os.ReadFile(vaultFile); err != nil || !bytes.Equal(before, after) {
		t.Errorf("the vault changed after a cancelled sign-in (%v)", err)
	}
}

func TestSigninPromptsCtrlCInTerminal(t *testing.T) {
	skipShort(t)
	t.Parallel()
	e := newEnv(t, envOptions{})
	p := newTmuxPane(t, e.vars)
	// A home with no client and no sandbox: the terminal asks for the client.
	home := t.TempDir()
	login := "AUTHSOME_HOME=" + home + " " + binary + " login microsoft --no-browser"

	// Ctrl-C at the client-id prompt; what is typed next is a command for the shell again.
	p.send(login+"; echo EXIT=$?", "Enter")
	p.waitFor("the client-id prompt", func(s string) bool { return strings.Contains(s, "Client (application) id:") })
	p.send("not-a-guid", "Enter")
	p.waitFor("the client-id rule", func(s string) bool { return strings.Contains(s, "A Microsoft client id is a GUID") })
	p.send("", "C-c")
	if got := p.exitStatus(); got != "2" {
		t.Fatalf("exit %s after Ctrl-C at the client-id prompt:\n%s", got, p.screen(false))
	}
	p.send("echo NEXT=shell", "Enter")
	screen := p.waitFor("the shell running the next command", func(s string) bool { return strings.Contains(s, "\nNEXT=shell") })
	if !aloneOnALine(screen, "authsome: cancelled") {
		t.Errorf("no line \"cancelled\":\n%s", screen)
	}

	// Ctrl-C at the hidden client-secret prompt: echo is back on afterwards.
	p.clear()
	p.send(login+"; echo EXIT=$?", "Enter")
	p.waitFor("the client-id prompt", func(s string) bool { return strings.Contains(s, "Client (application) id:") })
	p.send("11111111-2222-3333-4444-555555555555", "Enter")
	p.waitFor("the secret prompt", func(s string) bool { return strings.Contains(s, "Client secret (leave empty for a public client):") })
	p.send("half-typed", "C-c")
	if got := p.exitStatus(); got != "2" {
		t.Fatalf("exit %s after Ctrl-C at the secret prompt:\n%s", got, p.screen(false))
	}
	p.send("stty -a | tr ' ' '\\n' | grep -x -- '-*echo' | sed 's/^/STTY=/'", "Enter")
	sttyRE := regexp.MustCompile(`(?m)STTY=(-?echo)\s*$`) // not the typed command's "STTY=/"
	screen = p.waitFor("stty", sttyRE.MatchString)
	if sttyRE.FindStringSubmatch(screen)[1] != "echo" {
		t.Errorf("echo is off after Ctrl-C at the secret prompt:\n%s", screen)
	}
	if strings.Contains(screen, "half-typed") {
		t.Errorf("the secret was echoed:\n%s", screen)
	}
	if _, err := os.Stat(filepath.Join(home, "profiles", "default", "vault.json")); err == nil {
		t.Error("a cancelled sign-in wrote a vault")
	}
}
