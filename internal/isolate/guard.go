package isolate

import (
	"os"
	"path/filepath"
	"strings"
)

// RunIDEnv names the per-run marker `authsome run` sets in its child's environment.
const RunIDEnv = "AUTHSOME_RUN_ID"

// InsideRun says whether this process runs under `authsome run`, and how that shows: the
// run's marker in the environment, or (where the system lets us walk the process tree) an
// ancestor that is `authsome run` or its isolation helper. The ancestry holds when the child
// clears its environment; under the namespace layer every process of the child descends from
// the helper (PID 1 of its namespace adopts orphans), elsewhere a process that detaches itself
// from the tree is caught by the environment marker or by the layers alone.
func InsideRun() (bool, string) {
	if id := os.Getenv(RunIDEnv); id != "" {
		return true, "the environment holds " + RunIDEnv
	}
	for _, argv := range ancestors() {
		if isRunProcess(argv) {
			return true, "an ancestor process is `" + filepath.Base(argv[0]) + " " + argv[1] + "`"
		}
	}
	return false, ""
}

// ProcessInsideRun is InsideRun for another process, pid (a peer on a Unix socket, say): its
// environment holds the run's marker (when the process lets it be read), or one of its
// ancestors (not pid itself: `authsome run` is not inside a run) is `authsome run` or its
// helper. Where /proc is missing (not Linux) it reports false: the caller must not rely on it
// alone.
func ProcessInsideRun(pid int) (bool, string) {
	if has, _ := environHas(pid, RunIDEnv); has {
		return true, "its environment holds " + RunIDEnv
	}
	for i, argv := range ancestorsFrom(pid) {
		if i > 0 && isRunProcess(argv) {
			return true, "an ancestor process is `" + filepath.Base(argv[0]) + " " + argv[1] + "`"
		}
	}
	return false, ""
}

// isRunProcess recognises the command line of authsome's run (or its helper): an authsome
// binary whose first subcommand, before any "--", is run or the helper command.
func isRunProcess(argv []string) bool {
	if len(argv) < 2 || !strings.HasPrefix(filepath.Base(argv[0]), "authsome") {
		return false
	}
	for _, a := range argv[1:] {
		switch {
		case a == "--":
			return false
		case a == "run" || a == HelperCommand:
			return true
		case strings.HasPrefix(a, "-"):
			continue // a global flag (a flag's separate value is not a subcommand we know)
		}
	}
	return false
}
