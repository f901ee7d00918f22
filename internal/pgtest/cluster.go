package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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

// cluster is one running PostgreSQL: the package's shared one or a private one.
type cluster struct {
	bin  string // folder of PostgreSQL's programs
	dir  string // the cluster's folder: data/, the socket, the log
	user string // superuser name
	acct runAs
	cmd  *exec.Cmd
	done chan struct{} // closed when the server exits

	adminMu sync.Mutex
	admin   *pgx.Conn // on the maintenance database, for CREATE and DROP DATABASE; nil until needed
}

// The test binary's folder for its clusters (made on the first Start or Private, removed by
// Main): pristine/, initdb's output, which every cluster's data folder is a copy of (a copy
// costs a fraction of an initdb), and one folder per cluster.
var (
	baseOnce   sync.Once
	base       string
	baseBin    string
	baseAcct   runAs
	baseErr    error
	skipReason string
	clusterSeq atomic.Int64
)

// prepareBase makes the base folder and runs initdb into its pristine/ once per test binary;
// it sets skipReason when PostgreSQL is not installed.
func prepareBase() error {
	baseOnce.Do(func() { baseErr = makeBase() })
	return baseErr
}

func makeBase() error {
	baseBin = binDir()
	if baseBin == "" {
		skipReason = "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin)"
		return nil
	}
	acct, err := account()
	if err != nil {
		return err
	}
	baseAcct = acct
	root := tempRoot(acct.cred != nil)
	removeStale(root)
	dir, err := os.MkdirTemp(root, "pgtest-")
	if err != nil {
		return err
	}
	base = dir
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return err
	}
	if err := os.Chown(dir, acct.uid, acct.gid); err != nil {
		return err
	}
	initdb := command(acct, dir, filepath.Join(baseBin, "initdb"), "-D", filepath.Join(dir, "pristine"), "-U", acct.name,
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return nil
}

// ownerFile, in a base folder, holds the process id of the test binary that made it.
const ownerFile = "owner.pid"

// removeStale removes the base folders under root left by test binaries that died without
// removing theirs (killed by a timeout, say): in /dev/shm they would hold memory until the
// machine restarts.
func removeStale(root string) {
	dirs, _ := filepath.Glob(filepath.Join(root, "pgtest-*"))
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // not ours to judge: another version's folder, or one being made
		}
		pid, err := strconv.Atoi(string(data))
		if err != nil || pid <= 0 || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		os.RemoveAll(d)
	}
}

// removeBase removes the base folder (Main, once every cluster has stopped).
func removeBase() {
	if base != "" {
		os.RemoveAll(base)
	}
}

// newCluster starts a cluster on a copy of the pristine data folder, in a folder of its own
// under the base folder. It returns nil and no error when PostgreSQL is not installed.
func newCluster() (*cluster, error) {
	if err := prepareBase(); err != nil || skipReason != "" {
		return nil, err
	}
	dir := filepath.Join(base, fmt.Sprintf("cluster-%d", clusterSeq.Add(1)))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	c := &cluster{bin: baseBin, dir: dir, user: baseAcct.name, acct: baseAcct, done: make(chan struct{})}
	if err := os.Chown(dir, c.acct.uid, c.acct.gid); err != nil {
		return nil, err
	}
	if err := copyTree(filepath.Join(base, "pristine"), filepath.Join(dir, "data"), c.acct); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("copying the initdb data folder: %w", err)
	}
	if err := c.serve(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// copyTree copies the folder src to dst (which must not exist), keeping permissions, the
// copies owned by acct.
func copyTree(src, dst string, acct runAs) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			err = os.Mkdir(to, info.Mode().Perm())
		case d.Type().IsRegular():
			err = copyFile(p, to, info.Mode().Perm())
		default:
			err = fmt.Errorf("%s is neither a folder nor a regular file", p)
		}
		if err != nil {
			return err
		}
		return os.Lchown(to, acct.uid, acct.gid)
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// dsn is the connection string of database db. Its connect_timeout replaces pgstore's 3 s
// default: on a loaded 2-core machine a server backend can take longer than that to start,
// and a test is about the store, not about how fast this machine forks. (A server that is
// down still fails at once: its socket is gone.)
func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("host=%s port=5432 user=%s dbname=%s sslmode=disable connect_timeout=30", c.dir, c.user, db)
}

// exec runs one statement on the maintenance database, on the cluster's admin connection
// (opened on first use, and again after it was lost): one connection for every CREATE and
// DROP DATABASE of a test binary rather than one each, a server backend's start-up costing
// about as much CPU as the statement.
func (c *cluster) exec(ctx context.Context, sql string) error {
	c.adminMu.Lock()
	defer c.adminMu.Unlock()
	if c.admin == nil || c.admin.IsClosed() {
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		if err != nil {
			return err
		}
		c.admin = conn
	}
	_, err := c.admin.Exec(ctx, sql)
	return err
}

// closeAdmin closes the admin connection, if open.
func (c *cluster) closeAdmin() {
	c.adminMu.Lock()
	defer c.adminMu.Unlock()
	if c.admin != nil {
		c.admin.Close(context.Background())
		c.admin = nil
	}
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

// tempRoot picks the folder for the base folder: /dev/shm when there is one with room (a
// memory file system: creating and removing the files of a database there costs the kernel far
// less than on a disk's), else the temporary folder. Every folder above it must be searchable
// by others when the server runs as another user.
func tempRoot(other bool) string {
	if d := "/dev/shm"; usable(d, other) && room(d) >= shmRoom {
		return d
	}
	for _, d := range []string{os.TempDir(), "/tmp", "/var/tmp"} {
		if usable(d, other) {
			return d
		}
	}
	return os.TempDir()
}

// shmRoom is the free space /dev/shm must have to be used: the initdb output and a cluster take
// about 80 MB, and each database of a test 8 MB more (a container's /dev/shm may have 64 MB).
const shmRoom = 1 << 30

func usable(dir string, other bool) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir() && syscall.Access(dir, 2 /* W_OK */) == nil && (!other || searchable(dir))
}

// room is the space free for unprivileged users in the file system of dir, in bytes.
func room(dir string) uint64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0
	}
	return st.Bavail * uint64(st.Bsize)
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

// serve starts postgres on the cluster's data folder and waits until it accepts connections.
func (c *cluster) serve() error {
	data := filepath.Join(c.dir, "data")
	log, err := os.OpenFile(filepath.Join(c.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	c.cmd = command(c.acct, c.dir, filepath.Join(c.bin, "postgres"), "-D", data,
		"-c", "listen_addresses=", "-c", "unix_socket_directories="+c.dir, "-c", "port=5432",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200",
		// Dynamic shared memory in the data folder, not in /dev/shm, goes with the cluster.
		"-c", "dynamic_shared_memory_type=mmap")
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

func command(acct runAs, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "TZ=UTC"}
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct.cred}
	return cmd
}

// waitReady waits until the server accepts connections, it exits, or a minute has passed. The
// connection that got through becomes the admin connection.
func (c *cluster) waitReady() error {
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		cancel()
		if err == nil {
			c.adminMu.Lock()
			c.admin = conn
			c.adminMu.Unlock()
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
	c.closeAdmin()
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
