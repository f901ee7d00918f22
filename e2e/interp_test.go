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
var realPython = sync.OnceValue(func() string {
	if _, err := exec.LookPath("python3"); err != nil {
		return ""
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
		return p
	}
	return "python3"
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
	for _, py := range []string{realPython(), "/usr/bin/python3"} {
		if py != "" && exec.Command(py, "-c", "import requests").Run() == nil {
			return py
		}
	}
	return ""
})
