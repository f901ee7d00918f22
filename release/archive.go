package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// entry is one file of an archive.
type entry struct {
	Name string      // slash-separated path inside the archive
	Mode fs.FileMode // permission bits: 0755 for the binary, 0644 for the rest
	Src  string      // file to read
}

// writeArchive writes the entries under the folder prefix, as a zip when name ends in ".zip"
// and a gzipped tar otherwise. The bytes depend on the entries' contents and mtime only:
// entries sorted by name, every time set to mtime, owner 0:0, no user or group names.
func writeArchive(name, prefix string, entries []entry, mtime time.Time) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b entry) int { return strings.Compare(a.Name, b.Name) })
	if strings.HasSuffix(name, ".zip") {
		return writeZip(f, prefix, sorted, mtime)
	}
	return writeTarGz(f, prefix, sorted, mtime)
}

func writeTarGz(w io.Writer, prefix string, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	// The gzip header keeps no name and no time (zero ModTime writes 0).
	tw := tar.NewWriter(gz)
	mtime = mtime.UTC().Truncate(time.Second)
	for _, e := range entries {
		b, err := os.ReadFile(e.Src)
		if err != nil {
			return err
		}
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     path.Join(prefix, e.Name),
			Mode:     int64(e.Mode.Perm()),
			Size:     int64(len(b)),
			ModTime:  mtime,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, prefix string, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, e := range entries {
		b, err := os.ReadFile(e.Src)
		if err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: path.Join(prefix, e.Name), Method: zip.Deflate, Modified: mtime.UTC()}
		hdr.SetMode(e.Mode.Perm())
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		if _, err := io.Copy(fw, bytes.NewReader(b)); err != nil {
			return err
		}
	}
	return zw.Close()
}
