//go:build !linux

package keysession

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Config is what a session serves (Linux only).
type Config struct {
	Dir     string
	Salt    []byte
	Key     []byte
	Expires time.Time
	Refuse  func(pid int) string
}

// ErrUnsupported: sessions need Linux's peer credentials and /proc.
var ErrUnsupported = errors.New("passphrase sessions are available on Linux only")

// Start is not available here.
func Start(string, Config) (int, error) { return 0, ErrUnsupported }

// ServeInherited is not available here.
func ServeInherited(func(int) string) int {
	fmt.Fprintln(os.Stderr, "authsome:", ErrUnsupported)
	return 125
}
