package keysession

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Config is what a session serves.
type Config struct {
	Dir     string    `json:"dir"`     // the profile folder
	Salt    []byte    `json:"salt"`    // the KDF salt of the vault the key opens
	Key     []byte    `json:"key"`     // the vault's key-encryption key
	Expires time.Time `json:"expires"` // when the session ends by itself
	// Refuse returns why process pid may not use the session, or "" (authsome: the process is
	// inside `authsome run`). It is the caller's check on top of the package's own.
	Refuse func(pid int) string `json:"-"`
}

// Start starts the session process, exe (the authsome binary) running ServeCommand in a session
// of its own, hands it cfg over an inherited pipe and returns its pid once it listens.
func Start(exe string, cfg Config) (int, error) {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	statR, statW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		cfgW.Close()
		return 0, err
	}
	cmd := exec.Command(exe, ServeCommand)
	cmd.ExtraFiles = []*os.File{cfgR, statW} // fd 3 and 4
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTHSOME_PASSPHRASE=") && !strings.HasPrefix(kv, "AUTHSOME_MASTER_KEY=") &&
			!strings.HasPrefix(kv, "AUTHSOME_NEW_PASSPHRASE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	err = cmd.Start()
	cfgR.Close()
	statW.Close()
	defer statR.Close()
	if err != nil {
		cfgW.Close()
		return 0, fmt.Errorf("starting the session process: %w", err)
	}
	err = json.NewEncoder(cfgW).Encode(cfg)
	cfgW.Close()
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, fmt.Errorf("handing the key to the session process: %w", err)
	}
	status, _ := io.ReadAll(io.LimitReader(statR, 4096)) // until it listens (or fails) and closes fd 4
	if s := strings.TrimSpace(string(status)); s != "ok" {
		_ = cmd.Wait()
		if s == "" {
			s = "it exited without a word"
		}
		return 0, fmt.Errorf("the session process: %s", s)
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release()
	return pid, nil
}

// ServeInherited is ServeCommand: it reads the Config from fd 3, reports "ok" or the error on
// fd 4 once it listens, and serves until the session ends. It returns the exit code.
func ServeInherited(refuse func(pid int) string) int {
	cfgF, statF := os.NewFile(3, "config"), os.NewFile(4, "status")
	if cfgF == nil || statF == nil {
		fmt.Fprintln(os.Stderr, "authsome: "+ServeCommand+" is started by `authsome unlock`, not by hand")
		return 2
	}
	var cfg Config
	err := json.NewDecoder(io.LimitReader(cfgF, 1<<16)).Decode(&cfg)
	cfgF.Close()
	if err != nil {
		fmt.Fprintf(statF, "reading the configuration: %v\n", err)
		return 1
	}
	cfg.Refuse = refuse
	err = Serve(context.Background(), cfg, func() {
		fmt.Fprintln(statF, "ok")
		statF.Close()
	})
	if err != nil {
		fmt.Fprintln(statF, err) // a no-op once ready closed it
		return 1
	}
	return 0
}

// Serve serves cfg.Key on the socket of cfg.Dir until cfg.Expires, a lock request or the end
// of ctx, then removes the socket and the ticket and clears the key. ready is called once the
// socket listens. The process is made not dumpable: other processes of the user cannot read its
// memory.
func Serve(ctx context.Context, cfg Config, ready func()) error {
	defer clear(cfg.Key)
	if cfg.Refuse == nil {
		return errors.New("session: no peer check")
	}
	if len(cfg.Key) == 0 || len(cfg.Salt) == 0 || !time.Now().Before(cfg.Expires) {
		return errors.New("session: nothing to serve")
	}
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	_ = unix.Mlock(cfg.Key) // best effort: keep the key out of swap
	self, err := readConfinement("self")
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	ln, ticket, err := listen(ctx, cfg.Dir)
	if err != nil {
		return err
	}
	defer removeOwn(cfg.Dir, ticket)
	defer ln.Close()
	ctx, cancel := context.WithDeadline(ctx, cfg.Expires)
	defer cancel()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	ready()
	s := &server{cfg: cfg, ticket: ticket, self: self, end: cancel}
	for {
		c, err := ln.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("session: %w", err)
		}
		s.serve(c) // one at a time: each is a few hundred bytes from memory
	}
}

// listen checks the profile folder (ours, 0700), refuses to replace a live session, and
// creates the socket (0600) and the ticket (0600).
func listen(ctx context.Context, dir string) (*net.UnixListener, string, error) {
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil, "", fmt.Errorf("session: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 || !ok || int(st.Uid) != os.Getuid() {
		return nil, "", fmt.Errorf("session: %s must be a folder of yours with mode 0700", dir)
	}
	if _, err := Query(ctx, dir); err == nil {
		return nil, "", errors.New("session: the profile is unlocked already (`authsome lock` first)")
	}
	removeFiles(dir)
	path := filepath.Join(dir, SocketName)
	old := unix.Umask(0o177)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	unix.Umask(old)
	if err != nil {
		return nil, "", fmt.Errorf("session: %w", err)
	}
	ln.SetUnlinkOnClose(false) // removeOwn: a later session may have replaced the socket
	ticket, err := newTicket()
	if err == nil {
		err = writePrivate(filepath.Join(dir, TicketName), ticket+"\n")
	}
	if err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("session: %w", err)
	}
	return ln, ticket, nil
}

// removeOwn removes the socket and ticket of dir if they are still this session's (the ticket
// file holds its ticket).
func removeOwn(dir, ticket string) {
	b, err := os.ReadFile(filepath.Join(dir, TicketName))
	if err == nil && strings.TrimSpace(string(b)) == ticket {
		removeFiles(dir)
	}
}

// writePrivate writes a 0600 file by rename, so that no reader sees it half written.
func writePrivate(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ticket-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type server struct {
	cfg    Config
	ticket string
	self   confinement
	end    func()
}

// serve answers one connection: a request, one reply.
func (s *server) serve(c *net.UnixConn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(dialTimeout))
	enc := json.NewEncoder(c)
	if why := refusePeer(c, s.self, s.cfg.Refuse); why != "" {
		_ = enc.Encode(reply{Error: "refused: " + why})
		return
	}
	var req request
	if err := json.NewDecoder(bufio.NewReader(io.LimitReader(c, 4096))).Decode(&req); err != nil {
		return
	}
	if subtle.ConstantTimeCompare([]byte(req.Ticket), []byte(s.ticket)) != 1 {
		_ = enc.Encode(reply{Error: "refused: wrong ticket"})
		return
	}
	switch req.Op {
	case "key":
		if subtle.ConstantTimeCompare(req.Salt, s.cfg.Salt) != 1 {
			_ = enc.Encode(reply{Error: "the session holds the key of another passphrase (the vault was rekeyed)"})
			return
		}
		_ = enc.Encode(reply{Key: s.cfg.Key, Expires: s.cfg.Expires})
	case "status":
		_ = enc.Encode(reply{Expires: s.cfg.Expires, PID: os.Getpid()})
	case "lock":
		removeOwn(s.cfg.Dir, s.ticket) // gone before the answer: the caller may start another at once
		_ = enc.Encode(reply{Expires: time.Now()})
		s.end()
	default:
		_ = enc.Encode(reply{Error: "unknown request"})
	}
}
