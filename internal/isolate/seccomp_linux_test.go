package isolate

import (
	"errors"
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDenyTerminalInjection runs in a child process (the filter cannot be removed): after
// denyTerminalInjection, ioctl(TIOCSTI) fails with EPERM before the kernel looks at the file
// (on a pipe it would be ENOTTY), and other ioctls still work.
func TestDenyTerminalInjection(t *testing.T) {
	if os.Getenv("ISOLATE_SECCOMP_CHILD") == "1" {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		if err := unix.IoctlSetPointerInt(int(r.Fd()), unix.TIOCSTI, 'x'); !errors.Is(err, unix.ENOTTY) {
			t.Fatalf("before the filter: TIOCSTI on a pipe = %v, want ENOTTY", err)
		}
		ok, err := denyTerminalInjection()
		if err != nil || !ok {
			t.Fatalf("denyTerminalInjection = %v, %v", ok, err)
		}
		for _, cmd := range []uint{unix.TIOCSTI, unix.TIOCLINUX} {
			if err := unix.IoctlSetPointerInt(int(r.Fd()), cmd, 'x'); !errors.Is(err, unix.EPERM) {
				t.Errorf("ioctl %#x after the filter = %v, want EPERM", cmd, err)
			}
		}
		if _, err := unix.IoctlGetInt(int(r.Fd()), unix.TIOCINQ); err != nil {
			t.Errorf("TIOCINQ (FIONREAD) after the filter: %v", err)
		}
		return
	}
	if len(ioctlABIs()) == 0 {
		t.Skip("no seccomp filter for this architecture")
	}
	c := exec.Command(os.Args[0], "-test.run=^TestDenyTerminalInjection$", "-test.v")
	c.Env = append(os.Environ(), "ISOLATE_SECCOMP_CHILD=1")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
