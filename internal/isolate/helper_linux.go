package isolate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Protect makes this process not dumpable: a process of the same user can then neither trace
// it nor read its memory or /proc/PID/environ (root still can; the namespace and Landlock
// layers stop a root child).
func Protect() error {
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// Helper is the hidden command HelperCommand: it reads its plan from fd 3, sets up the layers,
// reports on fd 4 and starts the command. It returns the exit code to leave with: the
// command's, or 125 when it could not start it.
func Helper() int {
	planF, statF := os.NewFile(3, "plan"), os.NewFile(4, "status")
	if planF == nil || statF == nil {
		fmt.Fprintln(os.Stderr, "authsome: __isolate is started by `authsome run`, not by hand")
		return 125
	}
	unix.CloseOnExec(3)
	unix.CloseOnExec(4)
	_ = Protect()
	var p plan
	err := json.NewDecoder(io.LimitReader(planF, 16<<20)).Decode(&p)
	planF.Close()
	report := func(st status) {
		_ = json.NewEncoder(statF).Encode(st)
		statF.Close()
	}
	if err != nil {
		report(status{Error: "reading the plan: " + err.Error()})
		return 125
	}
	switch p.Mode {
	case Namespaces:
		return namespaceHelper(p, report)
	case Landlock:
		return landlockHelper(p, report)
	}
	report(status{Error: fmt.Sprintf("unknown mode %q", p.Mode)})
	return 125
}

// namespaceHelper runs as PID 1 of new user, mount and PID namespaces: it mounts a fresh /proc,
// hides the paths, starts the command in a nested user and mount namespace (which locks those
// mounts, so not even a root command can remove them), forwards signals, reaps orphans and
// leaves with the command's status.
func namespaceHelper(p plan, report func(status)) int {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		report(status{Error: "making mounts private: " + err.Error()})
		return 125
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		report(status{Error: "mounting a fresh /proc: " + err.Error()})
		return 125
	}
	for _, h := range p.Hide {
		if err := hide(h); err != nil {
			report(status{Error: fmt.Sprintf("hiding %s: %v", h, err)})
			return 125
		}
	}
	layers, err := addLayer([]string{LayerNamespaces}, LayerScope, restrictScope)
	if err == nil {
		layers, err = addLayer(layers, LayerNoTIOCSTI, denyTerminalInjection)
	}
	if err != nil {
		report(status{Error: err.Error()})
		return 125
	}
	if p.Probe {
		report(status{Layers: layers})
		return 0
	}
	chdir(p.Dir)
	uid, gid := os.Getuid(), os.Getgid()
	pid, err := syscall.ForkExec(p.Path, p.Args, &syscall.ProcAttr{
		Env:   p.Env,
		Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}},
		},
	})
	if err != nil {
		report(status{Error: "starting the command in a nested namespace: " + err.Error()})
		return 125
	}
	report(status{Layers: layers})
	return reap(pid)
}

// addLayer applies a layer the kernel may not offer and, when it took effect, adds its name.
func addLayer(layers []string, name string, apply func() (bool, error)) ([]string, error) {
	ok, err := apply()
	if ok {
		layers = append(layers, name)
	}
	return layers, err
}

// hide covers path with an empty, read-only, mode-000 file system (a folder) or /dev/null
// without device access (a file or socket).
func hide(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	if fi.IsDir() {
		return unix.Mount("tmpfs", path, "tmpfs", flags|unix.MS_RDONLY, "size=4k,mode=000")
	}
	if err := unix.Mount("/dev/null", path, "", unix.MS_BIND, ""); err != nil {
		return err
	}
	return unix.Mount("", path, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|flags, "")
}

// chdir enters dir again after the mounts, so that a working folder inside a hidden path
// becomes the empty mount and not a way around it.
func chdir(dir string) {
	if dir == "" {
		return
	}
	if err := os.Chdir(dir); err != nil {
		fmt.Fprintf(os.Stderr, "authsome: warning: the command starts in / (its folder %s is hidden from it: %v)\n", dir, err)
		_ = os.Chdir("/")
	}
}

// reap waits as PID 1: it forwards termination and job-control signals to the command, reaps
// every orphan, and returns the command's status once it ends (the kernel then ends the rest).
func reap(pid int) int {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT, syscall.SIGTSTP)
	go func() {
		for s := range sigs {
			_ = syscall.Kill(pid, s.(syscall.Signal))
		}
	}()
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return 125
		}
		if wpid != pid {
			continue
		}
		if ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ws.ExitStatus()
	}
}

// landlockHelper denies the hidden paths with Landlock (and scopes signals and abstract
// sockets where the kernel can), then becomes the command.
func landlockHelper(p plan, report func(status)) int {
	layers, err := restrictLandlock(p.Hide)
	if err == nil {
		layers, err = addLayer(layers, LayerNoTIOCSTI, denyTerminalInjection)
	}
	if err != nil {
		report(status{Error: err.Error()})
		return 125
	}
	if p.Probe {
		report(status{Layers: layers})
		return 0
	}
	chdir(p.Dir)
	// Landlock lets a tracer with CAP_SYS_PTRACE through (a root child would read run's
	// memory and environment): the command never gets that capability.
	runtime.LockOSThread() // the capability sets are per thread; exec happens on this one
	if err := dropCapability(unix.CAP_SYS_PTRACE); err != nil {
		report(status{Error: "dropping CAP_SYS_PTRACE: " + err.Error()})
		return 125
	}
	if err := unix.Access(p.Path, unix.X_OK); err != nil {
		report(status{Error: fmt.Sprintf("the command %s cannot run under Landlock: %v", p.Path, err)})
		return 125
	}
	report(status{Layers: layers})
	err = syscall.Exec(p.Path, p.Args, p.Env)
	fmt.Fprintf(os.Stderr, "authsome: cannot run %s: %v\n", p.Path, err)
	return 127
}

// dropCapability removes c from this thread's bounding and inheritable sets (so no later exec
// regains it, not even as root) and from its effective and permitted sets.
func dropCapability(c int) error {
	if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return err
	} else if err != nil {
		// Without CAP_SETPCAP the bounding set stays, but then nothing here holds c either,
		// and no_new_privs (set with Landlock) keeps a file from granting it.
		if inBounding, _ := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0); inBounding == 1 && os.Geteuid() == 0 {
			return err
		}
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	word, bit := c/32, uint32(1)<<(c%32)
	data[word].Effective &^= bit
	data[word].Permitted &^= bit
	data[word].Inheritable &^= bit
	return unix.Capset(&hdr, &data[0])
}
