package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// A base folder whose test binary died is removed by the next test binary; one whose test
// binary still runs is left alone, and so is a folder without an owner file.
func TestStaleBaseFoldersAreRemoved(t *testing.T) {
	root := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true(1) to make a finished process id:", err)
	}
	folder := func(name, owner string) string {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Join(d, "pristine"), 0o700); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(d, ownerFile), []byte(owner), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	stale := folder("pgtest-dead", strconv.Itoa(dead.Process.Pid))
	alive := folder("pgtest-alive", strconv.Itoa(os.Getpid()))
	unowned := folder("pgtest-unowned", "")
	other := folder("other-dead", strconv.Itoa(dead.Process.Pid))

	removeStale(root)

	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the folder of a finished test binary is still there (%v)", err)
	}
	for _, d := range []string{alive, unowned, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(d), err)
		}
	}
}
