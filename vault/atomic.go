package vault

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// reach marks a step of an atomic write or a key rotation. Tests set failAt to make the step
// fail there, or to end the process there as a crash would.
func reach(point string) error {
	if failAt != nil {
		return failAt(point)
	}
	return nil
}

var failAt func(point string) error

// writeTemp writes data to a new synced temporary file next to path and
// returns its name.
func writeTemp(path string, data []byte, perm os.FileMode) (string, error) {
	tmp, err := atomicfile.WriteTemp(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := reach("temp " + filepath.Base(path)); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// writeFileAtomic replaces path with data: temporary file in the same
// folder, write, fsync, rename, fsync of the folder. Readers see either the
// old or the new content, never a mix, even if the process dies midway.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := reach("renamed " + filepath.Base(path)); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// createFileExclusive creates path with data unless it already exists
// (then os.ErrExist); the file appears complete or not at all.
func createFileExclusive(path string, data []byte, perm os.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		// No hard links on this file system: exclusive create instead.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			return err
		}
		_, werr := f.Write(data)
		serr := f.Sync()
		if cerr := f.Close(); werr == nil && serr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = serr
		}
		if werr != nil {
			os.Remove(path)
			return werr
		}
	}
	if err := reach("created " + filepath.Base(path)); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}

// removeTemps deletes leftovers of writers that died mid-write. Call only
// while holding a lock that excludes writers of path (the vault lock for
// vault.json and the key files).
func removeTemps(path string) {
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return
	}
	prefix := atomicfile.TempPrefix(path)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			os.Remove(filepath.Join(filepath.Dir(path), e.Name()))
		}
	}
}
