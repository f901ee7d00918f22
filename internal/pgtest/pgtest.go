// Package pgtest runs a throwaway PostgreSQL cluster for a package's tests: one cluster per test
// binary, in a temporary folder, reachable only through a unix socket in that folder, and a fresh
// database for every test that asks for one.
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.Start(t) // a new, empty database
//		...
//	}
//
// The cluster is started on the first Start, with fsync off and no TCP listener, and stopped by
// Main when the tests end (and killed with the test binary should it die). When running as root
// it runs as the "postgres" user, as PostgreSQL refuses root. Without PostgreSQL's binaries
// (initdb and postgres on PATH or in /usr/lib/postgresql/*/bin) the tests that need it are
// skipped, except under CI (the CI variable set), where they fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the package's running PostgreSQL.
type cluster struct {
	bin  string // folder of PostgreSQL's programs
	dir  string // temporary folder: data/, the socket, the log
	user string // superuser name
	cmd  *exec.Cmd
	done chan struct{} // closed when the server exits
}

var (
	mainCalled atomic.Bool
	startOnce  sync.Once
	running    *cluster
	startErr   error
	skipReason string
	dbSeq      atomic.Int64
)

// Main runs the tests (m.Run) and then stops the cluster if one was started; call it from
// TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	mainCalled.Store(true)
	code := m.Run()
	if running != nil {
		running.stop()
	}
	return code
}

// Start returns the connection string (key=value form) of a new, empty database in the
// package's cluster, owned by the cluster's superuser; the database is dropped when the test
// ends. It skips the test when PostgreSQL is not installed, unless the CI variable is set.
func Start(t testing.TB) string {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: call pgtest.Main from the package's TestMain")
	}
	startOnce.Do(func() { running, startErr = start() })
	skipWithout(t)
	if startErr != nil {
		t.Fatalf("pgtest: starting PostgreSQL: %v", startErr)
	}
	name := fmt.Sprintf("test_%d", dbSeq.Add(1))
	ctx := context.Background()
	if err := running.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := running.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return running.dsn(name)
}

// skipWithout skips the test when PostgreSQL is not installed, or fails it under CI.
func skipWithout(t testing.TB) {
	t.Helper()
	if skipReason != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %s (CI is set, so PostgreSQL must be installed)", skipReason)
		}
		t.Skip("pgtest: " + skipReason)
	}
}

// Dump returns pg_dump's plain-text dump of the database of dsn (one Start gave).
func Dump(t testing.TB, dsn string) string {
	t.Helper()
	if running == nil {
		t.Fatal("pgtest: no cluster running")
	}
	return running.dump(t, dsn)
}

func (c *cluster) dump(t testing.TB, dsn string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(c.bin, "pg_dump"), "--no-owner", dsn)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pgtest: pg_dump: %v: %s", err, stderr.String())
	}
	return string(out)
}

func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("host=%s port=5432 user=%s dbname=%s sslmode=disable", c.dir, c.user, db)
}

// exec runs one statement on the maintenance database.
func (c *cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.dsn("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// binDir finds the folder holding initdb and postgres: PATH first, then the newest
// /usr/lib/postgresql/*/bin.
func binDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "postgres")); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// runAs is the account the server runs under: the current user, or "postgres" for root.
type runAs struct {
	name     string
	uid, gid int
	cred     *syscall.Credential // nil: the current user
}

func account() (runAs, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return runAs{}, err
		}
		return runAs{name: u.Username, uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runAs{}, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return runAs{name: "postgres", uid: uid, gid: gid, cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}, nil
}

// tempRoot picks a temporary folder the server's account can reach: every folder above it
// must be searchable by others when the server runs as another user.
func tempRoot(other bool) string {
	for _, d := range []string{os.TempDir(), "/tmp", "/var/tmp"} {
		if !other || searchable(d) {
			return d
		}
	}
	return os.TempDir()
}

func searchable(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func start() (*cluster, error) {
	bin := binDir()
	if bin == "" {
		skipReason = "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)"
		return nil, nil
	}
	acct, err := account()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempRoot(acct.cred != nil), "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &cluster{bin: bin, dir: dir, user: acct.name, done: make(chan struct{})}
	if err := c.launch(bin, acct); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *cluster) launch(bin string, acct runAs) error {
	if err := os.Chown(c.dir, acct.uid, acct.gid); err != nil {
		return err
	}
	data := filepath.Join(c.dir, "data")
	initdb := c.command(acct, filepath.Join(bin, "initdb"), "-D", data, "-U", acct.name,
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return c.serve(acct)
}

// serve starts postgres on the cluster's data folder and waits until it accepts connections.
func (c *cluster) serve(acct runAs) error {
	data := filepath.Join(c.dir, "data")
	log, err := os.OpenFile(filepath.Join(c.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	c.cmd = c.command(acct, filepath.Join(c.bin, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+c.dir, "-c", "port=5432",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200")
	c.cmd.Stdout, c.cmd.Stderr = log, log
	// The server dies with the test binary, however that ends. The signal follows the thread
	// that started the server, so that thread stays locked to a goroutine that lives as long
	// as the server (a thread can end while the test binary goes on).
	c.cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	started := make(chan error, 1)
	done := make(chan struct{})
	c.done = done
	go func() {
		runtime.LockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.cmd.Wait()
		close(done)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	return c.waitReady()
}

func (c *cluster) command(acct runAs, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "TZ=UTC"}
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct.cred}
	return cmd
}

// waitReady waits until the server accepts connections, it exits, or a minute has passed.
func (c *cluster) waitReady() error {
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-c.done:
			return c.failed("postgres exited during start-up")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return c.failed("postgres did not accept connections within a minute: " + err.Error())
		}
	}
}

func (c *cluster) failed(msg string) error {
	log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return errors.New(msg + "\n" + string(log))
}

// stop shuts the server down (fast mode) and removes its folder.
func (c *cluster) stop() {
	c.halt()
	os.RemoveAll(c.dir)
}

// halt shuts the server down in fast mode (what pg_ctl stop -m fast does), keeping its data.
func (c *cluster) halt() {
	if c.cmd != nil && c.cmd.Process != nil {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
			select {
			case <-c.done:
			case <-time.After(30 * time.Second):
				c.cmd.Process.Kill()
				<-c.done
			}
		}
	}
}
