//go:build !linux

package isolate

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

const noLayers = "this system (" + runtime.GOOS + ") has no isolation layer: namespaces and Landlock are Linux only"

func start(cmd *exec.Cmd, o Options) (*exec.Cmd, Report, error) {
	if o.Mode != Auto {
		return nil, Report{}, fmt.Errorf("%w: %s; run with --isolation auto or off", ErrUnavailable, noLayers)
	}
	return cmd, Report{Fallback: noLayers}, cmd.Start()
}

// Protect does nothing outside Linux.
func Protect() error { return nil }

// Helper is only served on Linux.
func Helper() int {
	fmt.Fprintln(os.Stderr, "authsome: __isolate is Linux only")
	return 125
}

// Probe reports no layers outside Linux.
func Probe(string, []string) (works []string, why []string) { return nil, []string{noLayers} }
