package isolate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// plan is what the parent sends the helper on fd 3.
type plan struct {
	Mode  Mode     `json:"mode"` // Namespaces or Landlock
	Path  string   `json:"path"`
	Args  []string `json:"args"`
	Env   []string `json:"env"`
	Dir   string   `json:"dir"`
	Hide  []string `json:"hide"`
	Probe bool     `json:"probe,omitempty"` // set the layers up, report, exit 0
}

// status is what the helper reports on fd 4 before it starts the command.
type status struct {
	Layers []string `json:"layers,omitempty"`
	Error  string   `json:"error,omitempty"`
}

func start(cmd *exec.Cmd, o Options) (*exec.Cmd, Report, error) {
	var order []Mode
	switch o.Mode {
	case Auto, Strict:
		order = []Mode{Namespaces, Landlock}
	case Namespaces, Landlock:
		order = []Mode{o.Mode}
	default:
		return nil, Report{}, fmt.Errorf("unknown isolation mode %q", o.Mode)
	}
	var why []string
	for _, m := range order {
		c := clone(cmd) // a Cmd starts once: each attempt gets its own
		layers, err := startHelper(c, m, o)
		if err == nil {
			return c, Report{Layers: layers, Fallback: strings.Join(why, "; ")}, nil
		}
		if !errors.Is(err, ErrUnavailable) {
			return nil, Report{}, err
		}
		why = append(why, err.Error())
	}
	reasons := strings.Join(why, "; ")
	if o.Mode != Auto {
		return nil, Report{}, errors.New(reasons + "; run with --isolation auto or off to start the command without it (see `authsome doctor`)")
	}
	return cmd, Report{Fallback: reasons}, cmd.Start()
}

// clone copies what Start honours of an unstarted command.
func clone(c *exec.Cmd) *exec.Cmd {
	n := &exec.Cmd{Path: c.Path, Args: slices.Clone(c.Args), Env: slices.Clone(c.Env), Dir: c.Dir,
		Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr}
	return n
}

// startHelper rewrites c to start the helper in mode m, starts it and waits for its report.
// Setting up a layer that the system refuses is ErrUnavailable.
func startHelper(c *exec.Cmd, m Mode, o Options) ([]string, error) {
	helper, err := helperPath(o.Helper)
	if err != nil {
		return nil, err
	}
	dir := c.Dir
	if dir == "" {
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	env := c.Env
	if env == nil {
		env = os.Environ()
	}
	p := plan{Mode: m, Path: c.Path, Args: c.Args, Env: env, Dir: dir, Hide: resolveAll(o.Hide)}
	return runHelper(c, helper, p)
}

// runHelper starts the helper for p as c and reads its report. With p.Probe the helper has
// exited when it returns.
func runHelper(c *exec.Cmd, helper string, p plan) ([]string, error) {
	planR, planW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	statR, statW, err := os.Pipe()
	if err != nil {
		planR.Close()
		planW.Close()
		return nil, err
	}
	defer statR.Close()
	c.Path = helper
	c.Args = []string{"authsome", HelperCommand}
	c.Env = []string{} // the helper's environment is its plan's
	c.Dir = ""
	c.ExtraFiles = []*os.File{planR, statW}
	c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if p.Mode == Namespaces {
		uid, gid := os.Getuid(), os.Getgid()
		c.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID
		c.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		c.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		c.SysProcAttr.AmbientCaps = []uintptr{capSysAdmin}
	}
	err = c.Start()
	planR.Close()
	statW.Close()
	if err != nil {
		planW.Close()
		if p.Mode == Namespaces {
			return nil, fmt.Errorf("%w: user namespaces are not allowed here (%v)", ErrUnavailable, err)
		}
		return nil, err
	}
	go func() {
		_ = json.NewEncoder(planW).Encode(p)
		planW.Close()
	}()
	b, _ := io.ReadAll(io.LimitReader(statR, 1<<16))
	var st status
	if len(b) == 0 || json.Unmarshal(b, &st) != nil || st.Error != "" {
		_ = c.Wait()
		msg := st.Error
		if msg == "" {
			msg = "the helper ended without a report"
		}
		return nil, fmt.Errorf("%w: %s: %s", ErrUnavailable, p.Mode, msg)
	}
	return st.Layers, nil
}

// resolveAll makes paths absolute and resolves symbolic links; missing paths are dropped.
func resolveAll(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		r, err := filepath.EvalSymlinks(abs)
		if err != nil {
			continue
		}
		if r == "/" || slices.Contains(out, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Probe sets each layer up in a throw-away helper (no command is started) and reports the
// layers that work here, and why the others do not.
func Probe(helper string, hide []string) (works []string, why []string) {
	path, err := helperPath(helper)
	if err != nil {
		return nil, []string{err.Error()}
	}
	for _, m := range []Mode{Namespaces, Landlock} {
		c := &exec.Cmd{}
		layers, err := runHelper(c, path, plan{Mode: m, Hide: resolveAll(hide), Probe: true})
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		_ = c.Wait()
		for _, l := range layers {
			if !slices.Contains(works, l) {
				works = append(works, l)
			}
		}
	}
	return works, why
}

// helperPath is the binary that serves HelperCommand: h, or this executable.
func helperPath(h string) (string, error) {
	if h != "" {
		return h, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("%w: cannot find the authsome binary for the helper: %v", ErrUnavailable, err)
	}
	return exe, nil
}

const capSysAdmin = 21 // CAP_SYS_ADMIN
