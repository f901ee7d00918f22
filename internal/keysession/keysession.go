// Package keysession keeps a passphrase vault's key in memory for a while, so that commands do
// not each pay argon2id: `authsome unlock` derives the key once and hands it to a small session
// process (the authsome binary, hidden command ServeCommand), which serves it to later commands
// over a Unix socket in the profile's folder until the session's lifetime ends, `authsome lock`
// ends it, or the process is killed. Nothing is written to disk but the socket and a ticket;
// the key never appears in argv, the environment or a file.
//
// Who may take the key (see docs/security.md): a process of the same user (SO_PEERCRED) that
// presents the ticket, a random value in a 0600 file beside the socket, in the 0700 profile
// folder; that is in the same PID and user namespaces as the session (the child of `authsome
// run` under namespaces is not); that is no more confined than the session (no_new_privs and
// seccomp filters, which `authsome run`'s isolation always adds and a process cannot drop);
// and that the caller's extra check (Config.Refuse: not inside `authsome run`) accepts. The
// run child can neither read the ticket (its home is hidden or denied) nor pass the peer
// checks: each stops it on its own.
package keysession

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files in the profile folder.
const (
	SocketName = "session.sock"
	TicketName = "session.ticket"
)

// Lifetimes of a session.
const (
	DefaultLifetime = 15 * time.Minute
	MaxLifetime     = 8 * time.Hour
)

// ServeCommand is the hidden command the session process runs under (authsome __keysession).
const ServeCommand = "__keysession"

// ErrNoSession is returned when the profile has no live session.
var ErrNoSession = errors.New("no unlocked session")

// Status is what a live session tells about itself.
type Status struct {
	Expires time.Time `json:"expires"`
	PID     int       `json:"pid"`
}

type request struct {
	Op     string `json:"op"` // "key", "status", "lock"
	Ticket string `json:"ticket"`
	Salt   []byte `json:"salt,omitempty"`
}

type reply struct {
	Key     []byte    `json:"key,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	PID     int       `json:"pid,omitempty"`
	Error   string    `json:"error,omitempty"`
}

// dialTimeout bounds a client's whole exchange: a session answers from memory.
const dialTimeout = 2 * time.Second

// Key returns the key of the session of the profile folder dir when it holds the key for a
// vault whose KDF salt is salt, or nil: no session, another salt (the passphrase changed), or
// the session refused this process. It never fails loudly: the caller asks for the
// passphrase instead.
func Key(ctx context.Context, dir string, salt []byte) []byte {
	r, err := call(ctx, dir, request{Op: "key", Salt: salt})
	if err != nil || len(r.Key) == 0 {
		return nil
	}
	return r.Key
}

// Query returns the status of the session of dir, or ErrNoSession.
func Query(ctx context.Context, dir string) (*Status, error) {
	r, err := call(ctx, dir, request{Op: "status"})
	if err != nil {
		return nil, err
	}
	return &Status{Expires: r.Expires, PID: r.PID}, nil
}

// Lock ends the session of dir at once; ErrNoSession when there is none. Stale files of a
// session that died are removed either way.
func Lock(ctx context.Context, dir string) error {
	_, err := call(ctx, dir, request{Op: "lock"})
	if errors.Is(err, ErrNoSession) {
		removeFiles(dir)
	}
	return err
}

// call sends one request with the ticket and reads the reply. A missing ticket or socket, or
// a socket nobody listens on, is ErrNoSession.
func call(ctx context.Context, dir string, req request) (*reply, error) {
	ticket, err := os.ReadFile(filepath.Join(dir, TicketName))
	if err != nil {
		return nil, ErrNoSession
	}
	req.Ticket = strings.TrimSpace(string(ticket))
	d := net.Dialer{Timeout: dialTimeout}
	c, err := d.DialContext(ctx, "unix", filepath.Join(dir, SocketName))
	if err != nil {
		return nil, ErrNoSession
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(dialTimeout))
	// The session may refuse a peer before reading its request and close: the write then fails
	// (broken pipe) while the refusal is already waiting to be read.
	werr := json.NewEncoder(c).Encode(req)
	var r reply
	if err := json.NewDecoder(bufio.NewReader(c)).Decode(&r); err != nil {
		if werr != nil {
			return nil, fmt.Errorf("session: %w", werr)
		}
		return nil, fmt.Errorf("session: no answer: %w", err)
	}
	if r.Error != "" {
		return nil, fmt.Errorf("session: %s", r.Error)
	}
	return &r, nil
}

// removeFiles removes the socket and ticket of dir.
func removeFiles(dir string) {
	_ = os.Remove(filepath.Join(dir, SocketName))
	_ = os.Remove(filepath.Join(dir, TicketName))
}

// newTicket returns a random ticket.
func newTicket() (string, error) {
	b := make([]byte, 32)
	if _, err := randRead(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
