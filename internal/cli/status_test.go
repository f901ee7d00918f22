//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDoctorFailsForFoldersOthersCanChange: a profile folder, profiles/ or the home that
// other users can write makes doctor FAIL with the chmod to run, and commands refuse to use
// the profile.
func TestDoctorFailsForFoldersOthersCanChange(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	wantCode(t, runHome(t, home, "list"), exitOK) // creates the default profile
	r := runHome(t, home, "doctor")
	if r.code != exitOK || !strings.Contains(r.stdout, "ok   folders") {
		t.Errorf("doctor on private folders:\n%s", r.stdout)
	}
	for _, folder := range []string{filepath.Join(home, "profiles", "default"), filepath.Join(home, "profiles"), home} {
		if err := os.Chmod(folder, 0o777); err != nil {
			t.Fatal(err)
		}
		r := runHome(t, home, "doctor")
		wantCode(t, r, exitError)
		want := "writable by other users (mode 0777), who could change what it holds; run chmod 700 " + folder
		if !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, want) {
			t.Errorf("doctor with %s mode 0777:\n%s", folder, r.stdout)
		}
		r = runHome(t, home, "list")
		wantCode(t, r, exitError)
		if line := oneLine(t, r); !strings.Contains(line, "chmod 700 "+folder) {
			t.Errorf("list with %s mode 0777: %q", folder, line)
		}
		if err := os.Chmod(folder, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, runHome(t, home, "doctor"), exitOK)
}
