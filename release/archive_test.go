package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fixedEntries writes the same three files into a new folder, with the given file time, and
// returns them as entries in the given order.
func fixedEntries(t *testing.T, fileTime time.Time, reversed bool) []entry {
	t.Helper()
	dir := t.TempDir()
	files := []struct {
		name, content string
		mode          fs.FileMode
	}{
		{"tool", "\x7fELF binary", 0o755},
		{"LICENSE", "MIT License\n", 0o644},
		{"man/man1/tool.1", ".TH TOOL 1\n", 0o644},
	}
	var es []entry
	for _, f := range files {
		src := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(src, []byte(f.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(src, fileTime, fileTime); err != nil {
			t.Fatal(err)
		}
		es = append(es, entry{Name: f.name, Mode: f.mode, Src: src})
	}
	if reversed {
		for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
			es[i], es[j] = es[j], es[i]
		}
	}
	return es
}

// TestArchiveDeterministic: the same contents give the same bytes, whatever the files' times,
// permissions on disk and the order they are given in.
func TestArchiveDeterministic(t *testing.T) {
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, ext := range []string{".tar.gz", ".zip"} {
		t.Run(ext, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a"+ext), filepath.Join(dir, "b"+ext)
			if err := writeArchive(a, "tool_v1", fixedEntries(t, time.Now(), false), mtime); err != nil {
				t.Fatal(err)
			}
			if err := writeArchive(b, "tool_v1", fixedEntries(t, time.Unix(0, 0), true), mtime); err != nil {
				t.Fatal(err)
			}
			ab, bb := readFile(t, a), readFile(t, b)
			if !bytes.Equal(ab, bb) {
				t.Fatalf("two archives of the same contents differ (%d and %d bytes)", len(ab), len(bb))
			}
			got := listArchive(t, a)
			want := []archived{
				{"tool_v1/LICENSE", 0o644, "MIT License\n"},
				{"tool_v1/man/man1/tool.1", 0o644, ".TH TOOL 1\n"},
				{"tool_v1/tool", 0o755, "\x7fELF binary"},
			}
			if len(got) != len(want) {
				t.Fatalf("entries = %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i].name != want[i].name || got[i].mode != want[i].mode || got[i].content != want[i].content {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

type archived struct {
	name    string
	mode    fs.FileMode
	content string
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// listArchive reads a tar.gz or zip back, checking every entry's time and owner on the way.
func listArchive(t *testing.T, name string) []archived {
	t.Helper()
	var out []archived
	if filepath.Ext(name) == ".zip" {
		zr, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			if f.Modified.IsZero() {
				t.Errorf("%s: no modification time", f.Name)
			}
			out = append(out, archived{f.Name, f.Mode().Perm(), string(b)})
		}
		return out
	}
	gz, err := gzip.NewReader(bytes.NewReader(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q, want 0:0 and no names", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		out = append(out, archived{h.Name, fs.FileMode(h.Mode).Perm(), string(b)})
	}
	return out
}
