package vault

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// Child processes are this test binary re-executed with childEnv set;
// TestMain dispatches to runChild before any test runs.
const childEnv = "AUTHSOME_VAULT_TEST_CHILD"

func TestMain(m *testing.M) {
	keyring.MockInit() // no test may touch the real OS keyring
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

func runChild(mode string) int {
	ctx := context.Background()
	s, err := Open(os.Getenv("VT_DIR"), FileKey(os.Getenv("VT_KEY")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	atoi := func(k string) int { n, _ := strconv.Atoi(os.Getenv(k)); return n }
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	switch mode {
	case "crash": // add connection n, n+1, ... forever, reporting each commit
		fmt.Println("ready")
		for n := atoi("VT_START"); ; n++ {
			err := s.Update(ctx, func(d *Data) error {
				return d.Put(&Connection{Provider: "crash", Name: "c" + strconv.Itoa(n), AccessToken: strconv.Itoa(n)})
			})
			if err != nil {
				return fail(err)
			}
			fmt.Println("committed", n)
		}
	case "counter": // read-modify-write a counter
		id := os.Getenv("VT_ID")
		for i := range atoi("VT_COUNT") {
			err := s.Update(ctx, func(d *Data) error {
				v := 0
				if c, ok := d.Connection("counter", "c"); ok {
					v, _ = strconv.Atoi(c.AccessToken)
				}
				d.Put(&Connection{Provider: "counter", Name: "c", AccessToken: strconv.Itoa(v + 1)})
				return d.Put(&Connection{Provider: "p", Name: fmt.Sprintf("%s-%d", id, i)})
			})
			if err != nil {
				return fail(err)
			}
		}
	case "lockcount": // increment a plain file under a named lock
		path := os.Getenv("VT_FILE")
		for range atoi("VT_COUNT") {
			unlock, err := s.Lock(ctx, "refresh/x")
			if err != nil {
				return fail(err)
			}
			b, _ := os.ReadFile(path)
			v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			time.Sleep(time.Duration(rand.N(300)) * time.Microsecond)
			if err := os.WriteFile(path, []byte(strconv.Itoa(v+1)), 0o600); err != nil {
				return fail(err)
			}
			unlock()
		}
	case "rotate": // rotate the key, dying at step VT_CRASH_AT as a crash would
		failAt = func(point string) error {
			if point == os.Getenv("VT_CRASH_AT") {
				os.Exit(crashedExit)
			}
			return nil
		}
		if err := s.RotateKey(ctx); err != nil {
			return fail(err)
		}
	case "hold": // hold a named lock until stdin closes
		unlock, err := s.Lock(ctx, "refresh/x")
		if err != nil {
			return fail(err)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		unlock()
	default:
		return fail(fmt.Errorf("unknown mode %q", mode))
	}
	return 0
}

// crashedExit is the exit code of a child that stopped at its crash point.
const crashedExit = 77

func childCmd(t *testing.T, mode, dir, key string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "VT_DIR="+dir, "VT_KEY="+key)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

func skipNoExec(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes")
	}
}

func TestConcurrentUpdatesProcesses(t *testing.T) {
	t.Parallel()
	skipNoExec(t)
	s, key := newStore(t)
	const procs, per = 4, 15
	var wg sync.WaitGroup
	errs := make(chan error, procs+per)
	for i := range procs {
		cmd := childCmd(t, "counter", s.Dir(), key, "VT_ID=proc"+strconv.Itoa(i), "VT_COUNT="+strconv.Itoa(per))
		wg.Go(func() { errs <- cmd.Run() })
	}
	wg.Go(func() { // and this process at the same time
		for i := range per {
			errs <- s.Update(t.Context(), func(d *Data) error {
				v := 0
				if c, ok := d.Connection("counter", "c"); ok {
					v, _ = strconv.Atoi(c.AccessToken)
				}
				d.Put(&Connection{Provider: "counter", Name: "c", AccessToken: strconv.Itoa(v + 1)})
				return d.Put(&Connection{Provider: "p", Name: fmt.Sprintf("parent-%d", i)})
			})
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := (procs + 1) * per
	c, _ := d.Connection("counter", "c")
	if c.AccessToken != strconv.Itoa(want) || len(d.Provider("p").Connections) != want {
		t.Fatalf("lost updates: counter=%s connections=%d, want %d", c.AccessToken, len(d.Provider("p").Connections), want)
	}
}

func TestLockAcrossProcesses(t *testing.T) {
	t.Parallel()
	skipNoExec(t)
	s, key := newStore(t)

	// Mutual exclusion: unsynchronised read-increment-write of a plain file
	// under the lock loses nothing.
	counter := filepath.Join(t.TempDir(), "counter")
	const procs, per = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, procs)
	for range procs {
		cmd := childCmd(t, "lockcount", s.Dir(), key, "VT_FILE="+counter, "VT_COUNT="+strconv.Itoa(per))
		wg.Go(func() { errs <- cmd.Run() })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(counter); string(b) != strconv.Itoa(procs*per) {
		t.Fatalf("counter = %s, want %d", b, procs*per)
	}

	// A lock held by another process blocks us until it is released.
	cmd := childCmd(t, "hold", s.Dir(), key)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("child said %q", line)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, "refresh/x"); err == nil {
		t.Fatal("lock acquired while another process holds it")
	}
	stdin.Close()
	unlock, err := s.Lock(t.Context(), "refresh/x")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	cmd.Wait()

	// A killed holder releases the lock.
	cmd = childCmd(t, "hold", s.Dir(), key)
	stdin, _ = cmd.StdinPipe()
	stdout, _ = cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	bufio.NewReader(stdout).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	stdin.Close()
	ctx2, cancel2 := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel2()
	unlock, err = s.Lock(ctx2, "refresh/x")
	if err != nil {
		t.Fatalf("lock of a killed holder: %v", err)
	}
	unlock()
}

// TestCrashSafety kills a writer at random moments and checks after every
// kill that the vault opens and holds every update reported committed.
// It aims at kills rounds; on a busy machine it stops after budget, once
// it has done at least least of them (however long those take).
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	skipNoExec(t)
	kills, least, budget := 200, 40, 60*time.Second
	if testing.Short() { // a crash round; TestRotateKeyCrashAtEveryStep kills at every step
		kills, least, budget = 10, 10, 15*time.Second
	}
	s, key := newStore(t)
	start := time.Now()
	last := -1 // highest number reported committed
	totalCommits, midRun, midWrite := 0, 0, 0
	for i := range kills {
		if time.Since(start) > budget && i >= least {
			t.Logf("stopped after %d of %d kills: the time budget of %s is spent", i, kills, budget)
			kills = i
			break
		}
		cmd := childCmd(t, "crash", s.Dir(), key, "VT_START="+strconv.Itoa(last+1))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready, first := make(chan struct{}), make(chan struct{})
		done := make(chan []int)
		go func() {
			var committed []int
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				if line == "ready" {
					close(ready)
					continue
				}
				if n, ok := strings.CutPrefix(line, "committed "); ok {
					v, _ := strconv.Atoi(n)
					committed = append(committed, v)
					if len(committed) == 1 {
						close(first)
					}
				}
			}
			done <- committed
		}()
		// Mostly kill a writer in full stride; sometimes during its start.
		wait := first
		if i%5 == 0 {
			wait = ready
		}
		select {
		case <-wait:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("kill %d: child made no progress in 30 s", i)
		}
		time.Sleep(time.Duration(rand.N(6_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		committed := <-done
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child exited on its own: %v", err)
		}
		for _, n := range committed {
			if n != last+1 {
				t.Fatalf("child reported %d after %d", n, last)
			}
			last = n
		}
		totalCommits += len(committed)
		if len(committed) > 0 {
			midRun++
		}

		if m, _ := filepath.Glob(filepath.Join(s.Dir(), atomicfile.TempPrefix(s.Path())+"*")); len(m) > 0 {
			midWrite++ // killed between creating the temporary file and renaming it
		}
		d, err := s.Load(t.Context())
		if err != nil {
			t.Fatalf("kill %d: vault does not open: %v", i, err)
		}
		for n := 0; n <= last; n++ {
			if _, ok := d.Connection("crash", "c"+strconv.Itoa(n)); !ok {
				t.Fatalf("kill %d: committed connection %d lost", i, n)
			}
		}
	}
	if midRun < kills/4 {
		t.Fatalf("only %d of %d kills hit a running writer", midRun, kills)
	}
	t.Logf("%d kills, %d commits, %d kills after at least one commit, %d during a write, %s",
		kills, totalCommits, midRun, midWrite, time.Since(start).Round(time.Millisecond))
}
