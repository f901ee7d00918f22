// Package isolate starts a command so that it cannot reach authsome's credentials, even when it
// is hostile and runs as the same user: the child of `authsome run`.
//
// The layers, strongest first (docs/security.md has the threat model):
//
//   - Namespaces (Linux, where user namespaces are allowed): the child runs in its own user,
//     mount and PID namespaces with a fresh /proc, so it sees no process outside its own tree
//     (not the authsome process, not the shell that started it), and the authsome home and the
//     keyring's sockets are hidden behind empty, read-only mounts that it cannot remove: a
//     second, nested user namespace locks them, also when the user is root.
//   - Landlock (Linux 5.13+, where namespaces are not allowed): the same paths are denied to the
//     child by a Landlock ruleset; Landlock also keeps it from tracing, or reading the memory or
//     environment of, any process outside its domain.
//   - Scope (Linux 6.12+, with either): Landlock's IPC scopes keep the child from signalling
//     processes outside its domain and from connecting to abstract Unix sockets created outside
//     it (the D-Bus session bus that reaches the keyring is often one).
//   - Seccomp (with either): ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail, so the child cannot
//     queue keystrokes for the user's shell to run after `authsome run` ends.
//
// Run's own process is made not dumpable (Protect), and run filters the child's environment
// (see internal/cli); those layers do not depend on this package's modes.
//
// The child is started through a helper: the authsome binary itself, run with the hidden
// command HelperCommand, which reads its instructions from an inherited pipe, sets the layers
// up, reports on a second pipe and only then starts (or becomes) the command. Helper is that
// command's implementation.
package isolate

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Mode says which layers to use.
type Mode string

const (
	// Auto uses namespaces where they work, else Landlock, else runs the child without
	// either and says so.
	Auto Mode = "auto"
	// Strict is Auto that fails rather than run the child without namespaces or Landlock.
	Strict Mode = "strict"
	// Namespaces requires the namespace layer.
	Namespaces Mode = "namespaces"
	// Landlock requires the Landlock layer (without namespaces).
	Landlock Mode = "landlock"
	// Off starts the child directly.
	Off Mode = "off"
)

// Modes lists the modes in the order help texts give them.
var Modes = []Mode{Auto, Strict, Off, Namespaces, Landlock}

// ParseMode parses a --isolation value.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if strings.EqualFold(s, string(m)) {
			return m, nil
		}
	}
	names := make([]string, len(Modes))
	for i, m := range Modes {
		names[i] = string(m)
	}
	return "", fmt.Errorf("unknown isolation %q (one of %s)", s, strings.Join(names, ", "))
}

// Layer names, as Report and doctor give them.
const (
	LayerNamespaces = "namespaces" // user + mount + PID namespaces, fresh /proc, hidden paths
	LayerLandlockFS = "landlock"   // hidden paths denied, ptrace scoped
	LayerScope      = "scope"      // signals and abstract Unix sockets scoped (Landlock ABI 6+)
)

// Options says how to start a child.
type Options struct {
	Mode Mode
	// Hide lists paths the child must not read or list: the authsome home, key files, the
	// keyring's sockets. Missing paths are skipped; symbolic links are resolved.
	Hide []string
	// Helper is the authsome binary that serves HelperCommand (default: this executable).
	Helper string
}

// Report says what protects a started child.
type Report struct {
	// Layers holds the layers in force, strongest first; empty when none is.
	Layers []string
	// Fallback explains, when Auto could not use a stronger layer, why not.
	Fallback string
}

// HelperCommand is the hidden command name the helper runs under (authsome __isolate).
const HelperCommand = "__isolate"

// ErrUnavailable is returned (wrapped) when a required layer cannot be set up here.
var ErrUnavailable = errors.New("isolation unavailable")

// Start starts cmd (built with exec.Command: Path, Args, Env, Dir and stdio) under the layers
// mode asks for, and returns the started command to wait for and what protects it. With Off,
// or with Auto where no layer works, that is cmd itself; otherwise a command that runs the
// helper, which exits with cmd's status.
func Start(cmd *exec.Cmd, o Options) (*exec.Cmd, Report, error) {
	if o.Mode == "" {
		o.Mode = Auto
	}
	if o.Mode == Off {
		return cmd, Report{}, cmd.Start()
	}
	return start(cmd, o)
}
