package broker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrPythonHome means a home folder holds the files of the Python authsome (its client/ or
// server/ folder). authsome never writes there: the two keep their vaults apart.
var ErrPythonHome = errors.New("the folder holds the Python authsome's files")

// pythonDirs are the subfolders of the Python authsome's home (~/.authsome/client and
// ~/.authsome/server); this authsome creates neither.
var pythonDirs = []string{"client", "server"}

// PythonHomeSuffix is appended to a default home that holds the Python authsome's files to
// name the folder used instead: ~/.authsome → ~/.authsome-go.
const PythonHomeSuffix = "-go"

// IsPythonHome reports whether dir holds the Python authsome's home layout: a client/ or
// server/ subfolder.
func IsPythonHome(dir string) bool {
	for _, d := range pythonDirs {
		if fi, err := os.Stat(filepath.Join(dir, d)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// CheckHome returns an error wrapping [ErrPythonHome] when dir holds the Python authsome's
// files, saying which folder to use instead. [Open] checks its home with it.
func CheckHome(dir string) error {
	if !IsPythonHome(dir) {
		return nil
	}
	return fmt.Errorf("%w: %s (it has a client/ or server/ folder); authsome keeps its own files apart and does not write there; use another folder, such as %s",
		ErrPythonHome, dir, filepath.Clean(dir)+PythonHomeSuffix)
}

// HomeChoice is the home folder [ChooseHome] picked.
type HomeChoice struct {
	Dir string
	// Explicit is set when Dir comes from $AUTHSOME_HOME: it is used as it is (and refused
	// by [CheckHome] if it holds the Python authsome's files).
	Explicit bool
	// Python is the default folder that Dir stands in for because it holds the Python
	// authsome's files ("" when Dir is the default folder itself). Dir is Python plus
	// [PythonHomeSuffix].
	Python string
}

// ChooseHome picks the home folder: $AUTHSOME_HOME, else $XDG_CONFIG_HOME/authsome, else
// ~/.authsome. A default folder (not $AUTHSOME_HOME) that holds the Python authsome's files is
// left alone and its sibling with [PythonHomeSuffix] chosen instead (~/.authsome-go).
func ChooseHome() HomeChoice {
	if h := os.Getenv("AUTHSOME_HOME"); h != "" {
		return HomeChoice{Dir: h, Explicit: true}
	}
	dir := ".authsome"
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		dir = filepath.Join(x, "authsome")
	} else if h, err := os.UserHomeDir(); err == nil {
		dir = filepath.Join(h, ".authsome")
	}
	if IsPythonHome(dir) {
		return HomeChoice{Dir: dir + PythonHomeSuffix, Python: dir}
	}
	return HomeChoice{Dir: dir}
}

// DefaultHome returns the home folder of [ChooseHome]: $AUTHSOME_HOME, else
// $XDG_CONFIG_HOME/authsome, else ~/.authsome, or for a default folder that holds the Python
// authsome's files its sibling ~/.authsome-go.
func DefaultHome() string { return ChooseHome().Dir }
