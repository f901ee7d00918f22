// Package e2e drives the real authsome binary against an in-process sandbox, with a temporary
// home per test.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/cli"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/internal/testparallel"
	"github.com/authsome-go/authsome/sandbox"
)

// binary is the authsome command the tests run (see makeCommand): the real binary in the full
// run; under -short a link to (or copy of) this test binary named authsome, which runs cli.Main
// as cmd/authsome's main does, so the inner loop does not link a second binary.
var binary string

// cliName is the file name under which this test binary is the authsome command.
const cliName = "authsome"

// asCLI reports whether this process is the authsome command (binary), not the tests or one
// of the hostile children they start from the test binary.
func asCLI() bool {
	self, err := os.Executable()
	return err == nil && filepath.Base(self) == cliName
}

func TestMain(m *testing.M) {
	if asCLI() {
		os.Exit(cli.Main())
	}
	flag.Parse()
	dir, err := os.MkdirTemp("", "authsome-e2e-")
	if err == nil {
		binary = filepath.Join(dir, cliName)
		err = makeCommand(binary)
	}
	if err == nil {
		err = useSmallTrustStore(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "making the authsome command:", err)
		os.Exit(1)
	}
	testparallel.Widen(4) // the tests wait on the binary's processes and the sandbox
	code := pgtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// makeCommand puts the authsome command at path: the real binary, built from cmd/authsome,
// for the full run (CI's); under -short, the inner loop, this test binary linked under that
// name, which runs cli.Main as cmd/authsome's main does and saves linking a second binary.
func makeCommand(path string) error {
	if testing.Short() {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		return linkOrCopy(self, path)
	}
	build := exec.Command("go", "build", "-o", path, "../cmd/authsome")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	return build.Run()
}

// linkOrCopy makes to the same executable as from: a hard link, or a copy across file systems.
func linkOrCopy(from, to string) error {
	if os.Link(from, to) == nil {
		return nil
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// env is one test's world: a sandbox, a home folder, and the environment for the binary.
type env struct {
	t    *testing.T
	sb   *sandbox.Server
	home string
	vars []string
}

type envOptions struct {
	plainHTTP bool
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	home := t.TempDir()
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), PlainHTTP: o.plainHTTP, DeviceInterval: time.Second, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if err := sandbox.WriteInfo(filepath.Join(home, "sandbox.json"), sb.Info()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sb: sb, home: home}
	e.vars = append(os.Environ(),
		"AUTHSOME_HOME="+home,
		"AUTHSOME_KEYRING=off",
		"AUTHSOME_SANDBOX_URL=",
		"AUTHSOME_MASTER_KEY=",
		"DISPLAY=", "WAYLAND_DISPLAY=", "BROWSER=",
	)
	return e
}

// result of one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func (e *env) cmd(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, binary, args...)
	c.Env = e.vars
	return c
}

// run runs the binary to completion with stdin.
func (e *env) run(stdin string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := e.cmd(ctx, args...)
	var out, errb bytes.Buffer
	c.Stdin, c.Stdout, c.Stderr = strings.NewReader(stdin), &out, &errb
	err := c.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("running %v: %v", args, err)
	}
	return r
}

// ok runs the binary and fails the test unless it exits 0.
func (e *env) ok(args ...string) result {
	e.t.Helper()
	r := e.run("", args...)
	if r.code != 0 {
		e.t.Fatalf("authsome %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// started is a binary running in the background whose stderr is read line by line.
type started struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan error
	out   bytes.Buffer
	errb  safeBuffer
}

func (e *env) start(args ...string) *started {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	e.t.Cleanup(cancel)
	s := &started{cmd: e.cmd(ctx, args...), lines: make(chan string, 100), done: make(chan error, 1)}
	s.cmd.Stdout = &s.out
	pr, pw := io.Pipe()
	s.cmd.Stderr = pw
	if err := s.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 1024)
		for {
			n, err := pr.Read(tmp)
			s.errb.Write(tmp[:n])
			buf = append(buf, tmp[:n]...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				s.lines <- string(buf[:i])
				buf = buf[i+1:]
			}
			if err != nil {
				close(s.lines)
				return
			}
		}
	}()
	go func() { err := s.cmd.Wait(); pw.Close(); s.done <- err }()
	return s
}

// waitLine returns the first stderr line for which match returns true.
func (s *started) waitLine(t *testing.T, match func(string) bool) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-s.lines:
			if !ok {
				t.Fatalf("process ended before the expected output; stderr:\n%s", s.errb.String())
			}
			if match(l) {
				return l
			}
		case <-timeout:
			t.Fatalf("timed out waiting for output; stderr so far:\n%s", s.errb.String())
		}
	}
}

// wait waits for the process and returns its exit code.
func (s *started) wait(t *testing.T) int {
	t.Helper()
	go func() {
		for range s.lines {
		}
	}()
	select {
	case err := <-s.done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatalf("process did not finish; stderr:\n%s", s.errb.String())
	}
	return -1
}

// startJSON starts a long-running command (sandbox, proxy) and decodes the JSON object it
// prints first into v. The process is killed at the end of the test.
func (e *env) startJSON(t *testing.T, v any, args ...string) *exec.Cmd {
	t.Helper()
	p := e.cmd(t.Context(), args...)
	stdout, err := p.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.ProcessState == nil {
			p.Process.Kill()
			p.Wait()
		}
	})
	if err := json.NewDecoder(stdout).Decode(v); err != nil {
		t.Fatalf("%v: reading its JSON: %v", args, err)
	}
	return p
}
