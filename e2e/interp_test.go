package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// realPython is python3 on PATH resolved, once per test binary, to the interpreter it starts
// ("" without one). A version manager's shim (pyenv's runs bash and half a dozen helpers on
// every start) then runs once, not for every Python child the tests start.
func realPython() string { py, _ := probePython(); return py }

// probePython starts python3 on PATH once per test binary: the interpreter it resolves to, and
// whether that one has the requests package (asked in the same start).
var probePython = sync.OnceValues(func() (string, bool) {
	if _, err := exec.LookPath("python3"); err != nil {
		return "", false
	}
	out, err := exec.Command("python3", "-c", "import sys\nprint(sys.executable)\ntry:\n import requests\n print('requests')\nexcept ImportError:\n pass").Output()
	lines := strings.Fields(string(out))
	if err != nil || len(lines) == 0 || !filepath.IsAbs(lines[0]) {
		return "python3", false
	}
	return lines[0], len(lines) > 1 && lines[1] == "requests"
})

// python3 returns the Python interpreter for a child, or skips the test without one.
func python3(t *testing.T) string {
	t.Helper()
	py := realPython()
	if py == "" {
		t.Skip("needs python3")
	}
	return py
}

// requestsPython is the first interpreter with the requests package: python3 on PATH, or
// the system's (where Debian's python3-requests installs it); "" without one.
var requestsPython = sync.OnceValue(func() string {
	if py, ok := probePython(); ok {
		return py
	}
	if exec.Command("/usr/bin/python3", "-c", "import requests").Run() == nil {
		return "/usr/bin/python3"
	}
	return ""
})
