//go:build unix

package vault

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesFoldersOthersCanChange: a profile folder, or the profiles/ folder holding
// it, that is writable by other users or belongs to another user is refused with what to do,
// before anything is written into it.
func TestOpenRefusesFoldersOthersCanChange(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	profiles := filepath.Join(home, "profiles")
	dir := filepath.Join(profiles, "default")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	open := func() error {
		t.Helper()
		s, err := Open(dir, FileKey(filepath.Join(dir, KeyFileName)))
		if err == nil {
			put(t, s, "microsoft", "default", "at-1")
		}
		return err
	}
	for _, tc := range []struct {
		folder string
		mode   os.FileMode
	}{{dir, 0o777}, {dir, 0o770}, {dir, 0o702}, {profiles, 0o777}, {profiles, 0o720}} {
		if err := os.Chmod(tc.folder, tc.mode); err != nil {
			t.Fatal(err)
		}
		err := open()
		if err == nil || !strings.Contains(err.Error(), "writable by other users") || !strings.Contains(err.Error(), "chmod 700 "+tc.folder) {
			t.Errorf("%s with mode %04o: Open = %v, want a refusal saying to chmod 700 it", tc.folder, tc.mode, err)
		}
		if err := os.Chmod(tc.folder, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files were written into a refused folder: %v", entries)
	}
	if err := os.Chmod(dir, 0o750); err != nil { // readable by the group is not refused
		t.Fatal(err)
	}
	if err := open(); err != nil {
		t.Fatalf("private folders: %v", err)
	}

	// A folder of another user: as root, give it away; otherwise "/" belongs to root.
	foreign := "/"
	if os.Geteuid() == 0 {
		foreign = dir
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Skipf("chown: %v", err)
		}
		if err := open(); err == nil || !strings.Contains(err.Error(), "belongs to another user (uid 65534") {
			t.Errorf("a profile folder of uid 65534: Open = %v", err)
		}
	}
	if err := CheckFolder(foreign); err == nil || !strings.Contains(err.Error(), "belongs to another user") {
		t.Errorf("CheckFolder(%s) = %v, want a refusal", foreign, err)
	}
}
