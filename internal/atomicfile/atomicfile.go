// Package atomicfile replaces files so that readers see the old content or the new one, never
// a mix, even when the writing process dies midway: a synced temporary file in the same
// folder, a rename over the target, and a sync of the folder. It is the one implementation the
// vault, the proxy's CA files and the sandbox's state share.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// TempPrefix is the name prefix of the temporary files made for path; a writer that died
// mid-write leaves files with it behind, which their owner may delete under its own lock.
func TempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// Write replaces path with data, created with mode perm (the mode of the temporary file,
// which the rename keeps).
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is [Write] with the content streamed by write (buffered); path is not touched when
// write fails.
func WriteFunc(path string, perm os.FileMode, write func(io.Writer) error) error {
	tmp, err := WriteTemp(path, perm, write)
	if err != nil {
		return err
	}
	return Commit(tmp, path)
}

// WriteTemp writes a new synced temporary file next to path, with mode perm, and returns its
// name; on failure nothing is left behind. [Commit] renames it into place.
func WriteTemp(path string, perm os.FileMode, write func(io.Writer) error) (_ string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix(path)+"*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if runtime.GOOS != "windows" {
		if err = f.Chmod(perm); err != nil {
			return "", err
		}
	}
	w := bufio.NewWriter(f)
	if err = write(w); err != nil {
		return "", err
	}
	if err = w.Flush(); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return tmp, nil
}

// Commit renames the temporary file tmp (from [WriteTemp]) over path and syncs the folder;
// tmp is removed when the rename fails.
func Commit(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir makes a rename or a new file in dir durable. Windows cannot open folders for a
// sync; its renames are durable enough.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
