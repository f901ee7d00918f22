package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/keysession"
)

// `authsome unlock` keeps a passphrase vault's key in a session process behind a Unix socket in
// the profile folder. The child of `authsome run` is hostile: this test runs the test binary as
// that child, gives it the session's ticket and the vault's salt (as if both had leaked), and
// has it ask the session for the key, from inside run's tree and from a process that left it
// (setsid, parent gone, run's marker removed).

const sessionAttackerEnv = "E2E_SESSION_ATTACKER"

func init() {
	if asCLI() {
		return // the attacker's environment reaches the authsome it starts
	}
	switch os.Getenv(sessionAttackerEnv) {
	case "child":
		os.Exit(sessionAttack(os.Args[1:]))
	case "leaf":
		os.Exit(sessionLeaf(os.Args[1:]))
	}
}

// askKey asks the session at sock for the key with a ticket and a salt, as a client of the
// session does, and reports whether it got it.
func askKey(sock, ticket, salt string) (bool, string) {
	c, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		return false, err.Error()
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	s, _ := base64.StdEncoding.DecodeString(salt)
	_ = json.NewEncoder(c).Encode(map[string]any{"op": "key", "ticket": ticket, "salt": s})
	var r struct {
		Key   []byte `json:"key"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(bufio.NewReader(c)).Decode(&r); err != nil {
		return false, "no answer: " + err.Error()
	}
	if len(r.Key) > 0 {
		return true, fmt.Sprintf("got a %d-byte key", len(r.Key))
	}
	return false, r.Error
}

// sessionAttack runs as run's child: args are the profile folder, the leaked ticket and salt.
func sessionAttack(args []string) int {
	dir, ticket, salt := args[0], args[1], args[2]
	out := json.NewEncoder(os.Stdout)
	report := func(name string, blocked bool, detail string) { _ = out.Encode(attempt{name, blocked, detail}) }

	if b, err := os.ReadFile(filepath.Join(dir, keysession.TicketName)); err != nil {
		report("read the session's ticket", true, err.Error())
	} else {
		report("read the session's ticket", false, fmt.Sprintf("read %d bytes", len(b)))
	}
	sock := filepath.Join(dir, keysession.SocketName)
	got, detail := askKey(sock, "", salt)
	report("ask the session for the key without the ticket", !got, detail)
	got, detail = askKey(sock, ticket, salt)
	report("ask the session for the key with the leaked ticket", !got, detail)

	// Leave run's process tree: a leaf in a session of its own, whose parent exits at once,
	// without run's marker in its environment.
	self, _ := os.Executable()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTHSOME_RUN_ID=") && !strings.HasPrefix(kv, sessionAttackerEnv+"=") {
			env = append(env, kv)
		}
	}
	mid := exec.Command("sh", "-c", `"$@" & exit 0`, "sh", self, sock, ticket, salt, strconvItoa(os.Getpid()))
	mid.Env = append(env, sessionAttackerEnv+"=leaf")
	mid.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var leafOut bytes.Buffer
	mid.Stdout = &leafOut
	if err := mid.Run(); err != nil {
		report("ask for the key from outside run's tree (leaked ticket)", true, "could not start: "+err.Error())
		return 0
	}
	// The leaf writes its one line and closes the pipe when done; mid.Run returns when sh
	// exits, so wait for the leaf's line.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(leafOut.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	os.Stdout.WriteString(leafOut.String())
	return 0
}

// sessionLeaf waits until it is no longer the child of the attacker (its parent, sh, exited),
// then asks for the key.
func sessionLeaf(args []string) int {
	sock, ticket, salt, attacker := args[0], args[1], args[2], args[3]
	for i := 0; i < 100 && strconvItoa(os.Getppid()) == attacker; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	got, detail := askKey(sock, ticket, salt)
	_ = json.NewEncoder(os.Stdout).Encode(attempt{"ask for the key from outside run's tree (leaked ticket, marker removed, setsid)", !got, detail})
	return 0
}

func strconvItoa(n int) string { return fmt.Sprint(n) }

// TestRunChildCannotUseTheUnlockSession: with the profile unlocked, the child of `authsome
// run` can neither read the session's ticket nor get the key from the session, even given the
// ticket, and even after leaving run's process tree; the same requests from outside run get
// the key (so the attempts are real), and `authsome lock` ends the session at once.
func TestRunChildCannotUseTheUnlockSession(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("unlock sessions are Linux only")
	}
	e := newEnv(t, envOptions{})
	e.signInInProcess(t, e.sb.Info().Users[0].UserPrincipalName)
	const pass = "session-passphrase-7c1d"
	e.vars = append(e.vars, "AUTHSOME_NEW_PASSPHRASE="+pass)
	e.ok("rekey", "--to", "passphrase")
	e.vars = append(e.vars, "AUTHSOME_PASSPHRASE="+pass)
	e.ok("unlock", "--for", "10m")
	t.Cleanup(func() { e.run("", "lock") })
	e.vars = append(e.vars[:len(e.vars)-1], "AUTHSOME_PASSPHRASE=") // from here on, only the session opens the vault

	dir := filepath.Join(e.home, "profiles", "default")
	ticketB, err := os.ReadFile(filepath.Join(dir, keysession.TicketName))
	if err != nil {
		t.Fatal(err)
	}
	ticket := strings.TrimSpace(string(ticketB))
	var hdr struct {
		KDF struct {
			Salt string `json:"salt"`
		} `json:"kdf"`
	}
	vb, _ := os.ReadFile(filepath.Join(dir, "vault.json"))
	if err := json.Unmarshal(vb, &hdr); err != nil || hdr.KDF.Salt == "" {
		t.Fatalf("vault header: %v", err)
	}
	who := e.ok("whoami", "--json")
	if !strings.Contains(who.stdout, `"unlocked": true`) {
		t.Fatalf("whoami does not show the session:\n%s", who.stdout)
	}

	// Outside run, the leaked ticket and salt get the key: what the child tries is a real attack.
	if got, detail := askKey(filepath.Join(dir, keysession.SocketName), ticket, hdr.KDF.Salt); !got {
		t.Fatalf("outside run, the session refused the ticket's holder: %s", detail)
	}

	isolation := ""
	var doc struct {
		Checks []struct{ Name, Detail string } `json:"checks"`
	}
	_ = json.Unmarshal([]byte(e.run("", "doctor", "--json").stdout), &doc)
	for _, c := range doc.Checks {
		if c.Name == "isolation" {
			isolation = c.Detail
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"auto", "landlock"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "landlock" && testing.Short() {
				// Under -short the auto case above shows the child cannot use the session, and
				// TestRunChildCannotReachTheCredential/landlock runs the Landlock fallback.
				t.Skip("heavy variant (a second isolated child): runs without -short, as in CI")
			}
			if mode == "landlock" && !strings.Contains(isolation, "landlock") {
				t.Skip("this kernel has no Landlock: " + isolation)
			}
			c := exec.Command(binary, "run", "--isolation", mode, "--", self, dir, ticket, hdr.KDF.Salt)
			c.Env = append(e.vars[:len(e.vars):len(e.vars)], sessionAttackerEnv+"=child")
			var so, se bytes.Buffer
			c.Stdout, c.Stderr = &so, &se
			_ = c.Run()
			n := 0
			for sc := bufio.NewScanner(&so); sc.Scan(); {
				var a attempt
				if json.Unmarshal(sc.Bytes(), &a) != nil {
					continue
				}
				n++
				t.Logf("%-80s → blocked=%t (%s)", a.Name, a.Blocked, a.Detail)
				if !a.Blocked {
					t.Errorf("%s: the child got through: %s", a.Name, a.Detail)
				}
			}
			if n != 4 {
				t.Fatalf("the attacker reported %d attempts, want 4\nstdout: %s\nstderr: %s", n, so.String(), se.String())
			}
		})
	}

	// The session still serves this user's commands outside run; lock ends it at once.
	e.ok("whoami")
	if r := e.ok("lock"); !strings.Contains(r.stdout, "Locked") {
		t.Errorf("lock: %s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, keysession.SocketName)); !os.IsNotExist(err) {
		t.Errorf("the socket outlived lock: %v", err)
	}
	if r := e.run("", "whoami"); r.code == 0 {
		t.Errorf("whoami opened the vault without passphrase or session:\n%s", r.stdout)
	}
}
