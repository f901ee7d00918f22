package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The child of `authsome run` is hostile: this test runs the test binary itself as that child
// (the attacker), which tries every way to the credential it can think of and reports, per
// attempt, whether it got through. The test says which layer stopped each attempt.

const attackerEnv = "E2E_ISOLATION_ATTACKER"

func init() {
	if os.Getenv(attackerEnv) == "1" && !asCLI() {
		os.Exit(attack(os.Args[1:]))
	}
}

// attempt is one line of the attacker's report.
type attempt struct {
	Name    string `json:"name"`
	Blocked bool   `json:"blocked"`
	Detail  string `json:"detail"`
}

// attack runs as the child: args are the authsome home, the authsome binary, the secret to
// look for, the pid of the shell that started run, the pid of run, the keyring's socket path
// and its abstract socket name.
func attack(args []string) int {
	if len(args) != 7 {
		fmt.Fprintln(os.Stderr, "attacker: want 7 arguments")
		return 2
	}
	home, bin, secret, shellPID, runPID, busPath, abstract := args[0], args[1], args[2], args[3], args[4], args[5], args[6]
	out := json.NewEncoder(os.Stdout)
	report := func(name string, blocked bool, detail string) {
		_ = out.Encode(attempt{name, blocked, detail})
	}
	readFile := func(name, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			report(name, true, err.Error())
			return
		}
		report(name, false, fmt.Sprintf("read %d bytes", len(b)))
	}
	readFile("read vault.json", filepath.Join(home, "profiles", "default", "vault.json"))
	readFile("read master.key", filepath.Join(home, "profiles", "default", "master.key"))

	// The authsome CLI, with the home named explicitly and the run marker removed.
	cli := func(name string, keepMarker bool, cliArgs ...string) {
		c := exec.Command(bin, cliArgs...)
		for _, kv := range os.Environ() {
			if keepMarker || !strings.HasPrefix(kv, "AUTHSOME_RUN_ID=") {
				c.Env = append(c.Env, kv)
			}
		}
		c.Env = append(c.Env, "AUTHSOME_HOME="+home, "AUTHSOME_KEYRING=off")
		var so, se bytes.Buffer
		c.Stdout, c.Stderr = &so, &se
		err := c.Run()
		got := strings.Contains(so.String(), "eyJ") || strings.Contains(so.String(), "ACCESS_TOKEN=e")
		report(name, err != nil && !got, strings.TrimSpace(firstLine(se.String()+so.String())))
	}
	cli("authsome get --field access_token", true, "get", "microsoft", "--field", "access_token")
	cli("authsome get --field access_token (marker removed)", false, "get", "microsoft", "--field", "access_token")
	cli("authsome export (marker removed)", false, "export", "microsoft", "--format", "env")

	// The environment: no AUTHSOME_* secret, no key or passphrase.
	leaked := ""
	for _, kv := range os.Environ() {
		if strings.Contains(kv, secret) || strings.HasPrefix(kv, "AUTHSOME_MASTER_KEY=") || strings.HasPrefix(kv, "AUTHSOME_PASSPHRASE=") || strings.HasPrefix(kv, "AUTHSOME_HOME=") {
			leaked = strings.SplitN(kv, "=", 2)[0]
		}
	}
	report("find a key or passphrase in its environment", leaked == "", "leaked: "+leaked)

	procRead := func(name, pid, file string) {
		b, err := os.ReadFile("/proc/" + pid + "/" + file)
		switch {
		case err != nil:
			report(name, true, err.Error())
		case file == "environ" && !bytes.Contains(b, []byte(secret)):
			report(name, false, "readable (the secret is not in it)")
		default:
			report(name, false, fmt.Sprintf("read %d bytes", len(b)))
		}
	}
	procRead("read run's /proc/PID/environ", runPID, "environ")
	procRead("read run's memory", runPID, "mem")
	procRead("read the starting shell's /proc/PID/environ", shellPID, "environ")
	found := ""
	if ents, err := os.ReadDir("/proc"); err == nil {
		for _, e := range ents {
			if b, err := os.ReadFile("/proc/" + e.Name() + "/environ"); err == nil && bytes.Contains(b, []byte(secret)) {
				found = e.Name()
			}
		}
	}
	report("find the secret in any /proc/*/environ", found == "", "found in pid "+found)

	dial := func(name, network, addr string) {
		c, err := net.DialTimeout(network, addr, 5*time.Second)
		if err != nil {
			report(name, true, err.Error())
			return
		}
		c.Close()
		report(name, false, "connected")
	}
	dial("connect to the keyring's bus socket", "unix", busPath)
	dial("connect to the keyring's abstract socket", "unix", "@"+abstract)

	// Queue keystrokes on the terminal for the user's shell to run after run ends. Tried on
	// a pipe: the kernel says ENOTTY, unless a filter refuses the call first (EPERM).
	if r, w, err := os.Pipe(); err == nil {
		err = unix.IoctlSetPointerInt(int(r.Fd()), unix.TIOCSTI, 'x')
		report("push keystrokes into the terminal (TIOCSTI)", errors.Is(err, unix.EPERM), fmt.Sprint(err))
		r.Close()
		w.Close()
	}
	return 0
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// keyring is a stand-in for the D-Bus session bus: a socket file and an abstract socket that
// count who connects.
type keyring struct {
	path, abstract string
	hits           atomic.Int32
}

func newKeyring(t *testing.T) *keyring {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run-user")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	k := &keyring{path: filepath.Join(dir, "bus"), abstract: fmt.Sprintf("authsome-e2e-keyring-%d", time.Now().UnixNano())}
	for _, addr := range []string{k.path, "@" + k.abstract} {
		ln, err := net.Listen("unix", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				k.hits.Add(1)
				c.Close()
			}
		}()
	}
	return k
}

// layerFor names what stopped an attempt under a layer set.
func layerFor(name string, layers []string, blocked bool) string {
	if !blocked {
		return "NOT STOPPED"
	}
	has := func(l string) bool { return strings.Contains(strings.Join(layers, ","), l) }
	switch {
	case strings.HasPrefix(name, "authsome") && strings.Contains(name, "marker removed") && has("namespaces"):
		return "run guard (ancestry: the isolation helper is PID 1) and the hidden home"
	case strings.HasPrefix(name, "authsome") && strings.Contains(name, "marker removed"):
		return "run guard (ancestry) / the home denied"
	case strings.HasPrefix(name, "authsome"):
		return "run guard (per-run marker)"
	case strings.HasPrefix(name, "find a key"):
		return "environment filter (AUTHSOME_* removed)"
	case strings.Contains(name, "/proc") || strings.Contains(name, "memory"):
		if has("namespaces") {
			return "PID namespace (fresh /proc: no process outside the child's tree)"
		}
		return "Landlock ptrace scope / not dumpable"
	case strings.Contains(name, "TIOCSTI"):
		return "seccomp (terminal ioctls that push input refused)"
	case strings.Contains(name, "abstract"):
		return "Landlock scope (abstract Unix sockets)"
	case has("namespaces"):
		return "mount namespace (hidden behind an empty mount)"
	default:
		return "Landlock (path denied)"
	}
}

// TestRunChildCannotReachTheCredential is the acceptance test of run's isolation: the child
// tries, and fails, to read the vault or key file, run authsome get/export, read run's or
// its shell's /proc/PID/environ or memory, find the key in its environment, and talk to the
// keyring; under the default isolation and, where the system has it, under the Landlock
// fallback.
func TestRunChildCannotReachTheCredential(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("isolation layers are Linux only; docs/security.md says what other systems get")
	}
	e, tok := signedIn(t)
	kr := newKeyring(t)
	const secret = "correct-horse-battery-staple-4e1f"
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	probe := e.run("", "doctor", "--json")
	var doc struct {
		Checks []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"checks"`
	}
	_ = json.Unmarshal([]byte(probe.stdout), &doc)
	isolation := ""
	for _, c := range doc.Checks {
		if c.Name == "isolation" {
			isolation = c.Detail
		}
	}
	t.Logf("doctor: isolation: %s", isolation)

	for _, mode := range []string{"auto", "landlock"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "landlock" && !strings.Contains(isolation, "landlock") {
				t.Skip("this kernel has no Landlock: " + isolation)
			}
			// The shell exported a passphrase (unused by this key-file vault, but a secret in
			// its environment and run's).
			attackUnder(t, e, kr, mode, isolation, secret, tok,
				"AUTHSOME_PASSPHRASE="+secret, "AUTHSOME_NEW_PASSPHRASE="+secret)
		})
	}
	// Without isolation the same attacker reads the key file: the attacks are real.
	t.Run("off", func(t *testing.T) {
		c := exec.Command(binary, "run", "--isolation", "off", "--", self, e.home, binary, secret, "0", "0", kr.path, kr.abstract)
		c.Env = append(e.vars[:len(e.vars):len(e.vars)], attackerEnv+"=1")
		out, _ := c.Output()
		if !bytes.Contains(out, []byte(`{"name":"read master.key","blocked":false`)) {
			t.Errorf("with --isolation off the key file should be readable (else this test proves nothing):\n%s", out)
		}
	})
	// A vault whose key is AUTHSOME_MASTER_KEY, exported by the shell that starts run: the
	// same vault, rekeyed (the attempts above are done with its key file).
	t.Run("auto-exported-master-key", func(t *testing.T) {
		if testing.Short() {
			// Under -short the auto case above shows the environment filter with a secret
			// the shell exported (AUTHSOME_PASSPHRASE, the same 13 attempts), and cli's
			// TestChildEnvDropsAuthsomeVariables that AUTHSOME_MASTER_KEY is dropped.
			t.Skip("heavy variant (a rekey and a second attacker): runs without -short, as in CI")
		}
		key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x5a}, 32))
		e.vars = append(e.vars, "AUTHSOME_NEW_MASTER_KEY="+key)
		e.ok("rekey", "--to", "env")
		e.vars = append(e.vars[:len(e.vars)-1], "AUTHSOME_MASTER_KEY="+key)
		attackUnder(t, e, kr, "auto", isolation, key, tok)
	})
}

// knownGap lists what a layer does not stop, as docs/security.md states: under Landlock alone,
// connecting to a socket file needs ABI 9, and a root child still reads /proc/PID/environ of
// other root processes (Landlock's ptrace scope does not cover it here).
func knownGap(mode, name string) bool {
	if mode != "landlock" {
		return false
	}
	switch name {
	case "connect to the keyring's bus socket":
		return true
	case "read run's /proc/PID/environ", "read the starting shell's /proc/PID/environ", "find the secret in any /proc/*/environ":
		return os.Geteuid() == 0
	}
	return false
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// attackUnder starts, from a shell whose environment adds shellEnv, `authsome run --isolation
// mode` with the attacker as its child, and checks every attempt failed but for the gaps the
// layers in force are documented to have. In the inner shell $PPID is that shell and $$
// becomes run (exec).
func attackUnder(t *testing.T, e *env, kr *keyring, mode, isolation, secret, tok string, shellEnv ...string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	inner := fmt.Sprintf(`exec %q run --isolation %s -- %q %q %q %q "$PPID" "$$" %q %q`,
		binary, mode, self, e.home, binary, secret, kr.path, kr.abstract)
	c := exec.Command("sh", "-c", "sh -c "+shellQuote(inner)+"; exit $?")
	c.Env = append(append(e.vars[:len(e.vars):len(e.vars)], shellEnv...),
		attackerEnv+"=1", "XDG_RUNTIME_DIR="+filepath.Dir(kr.path),
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+kr.path)
	var so, se bytes.Buffer
	c.Stdout, c.Stderr = &so, &se
	before := kr.hits.Load()
	_ = c.Run()
	hits := kr.hits.Load() - before
	if strings.Contains(so.String(), tok) || strings.Contains(se.String(), tok) {
		t.Fatal("the child printed the real access token")
	}
	layers := []string{"landlock", "scope"}
	if mode == "auto" && strings.Contains(isolation, "namespaces") {
		layers = []string{"namespaces", "scope"}
	} else if mode == "auto" {
		// The default on a machine without user namespaces is the Landlock fallback.
		if os.Getenv("CI") != "" {
			t.Errorf("CI runs on Linux with user namespaces, but doctor says: %s", isolation)
		}
		mode = "landlock"
	}
	sc := bufio.NewScanner(&so)
	n := 0
	for sc.Scan() {
		var a attempt
		if json.Unmarshal(sc.Bytes(), &a) != nil {
			continue
		}
		n++
		t.Logf("%-55s → %s (%s)", a.Name, layerFor(a.Name, layers, a.Blocked), a.Detail)
		if !a.Blocked && !knownGap(mode, a.Name) {
			t.Errorf("%s: the child got through: %s", a.Name, a.Detail)
		}
	}
	if mode == "auto" && hits > 0 {
		t.Errorf("the keyring stand-in was reached %d times", hits)
	}
	if n != 13 {
		t.Fatalf("the attacker reported %d attempts, want 13\nstdout: %s\nstderr: %s", n, so.String(), se.String())
	}
}
