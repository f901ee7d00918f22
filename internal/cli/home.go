package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/authsome-go/authsome/broker"
)

// pythonNoticeFile, in the home used instead of the Python authsome's, records that the
// notice of notePythonHome was shown.
const pythonNoticeFile = ".python-home-notice"

// notePythonHome says once, on stderr, that the default home holds the Python authsome's
// files and which folder is used instead. A marker file in that folder remembers it; --json
// output shows nothing (and leaves the notice for the next command a person reads).
func (f *Factory) notePythonHome(c broker.HomeChoice) {
	if c.Python == "" || f.JSON {
		return
	}
	marker := filepath.Join(c.Dir, pythonNoticeFile)
	if _, err := os.Lstat(marker); !errors.Is(err, os.ErrNotExist) {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, "authsome: note: using %s, since %s holds the Python authsome's files, which this authsome leaves alone (--home or AUTHSOME_HOME choose another folder)\n", c.Dir, c.Python)
	if err := os.MkdirAll(c.Dir, 0o700); err == nil {
		os.WriteFile(marker, nil, 0o600) // best effort: at worst the notice shows again
	}
}

// checkHome refuses a home given with --home or $AUTHSOME_HOME that holds the Python
// authsome's files: authsome never writes into that folder.
func (f *Factory) checkHome() error {
	dir, from := f.HomeDir, "--home"
	if dir == "" {
		dir, from = os.Getenv("AUTHSOME_HOME"), "AUTHSOME_HOME"
	}
	if dir == "" {
		return nil
	}
	if err := broker.CheckHome(dir); err != nil {
		return usagef("%s: %v", from, err)
	}
	return nil
}
