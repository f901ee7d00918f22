package termui

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// fakeTools is a PATH with some clipboard tools, recording what runs.
type fakeTools struct {
	onPath map[string]bool
	fail   map[string]bool
	ran    []string
	input  string
}

func (f *fakeTools) clipboard(goos string, env map[string]string) Clipboard {
	return Clipboard{
		GOOS:   goos,
		Getenv: func(k string) string { return env[k] },
		LookPath: func(name string) (string, error) {
			if f.onPath[name] {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		},
		Run: func(_ context.Context, path string, args []string, text string) error {
			f.ran = append(f.ran, strings.TrimSpace(path+" "+strings.Join(args, " ")))
			f.input = text
			if f.fail[path] {
				return errors.New("exit status 1")
			}
			return nil
		},
	}
}

func TestClipboardPicksATool(t *testing.T) {
	x11 := map[string]string{"DISPLAY": ":0"}
	for _, tc := range []struct {
		name    string
		goos    string
		env     map[string]string
		path    []string
		fail    []string
		want    string
		wantRan []string
	}{
		{"nothing on PATH", "linux", x11, nil, nil, "", nil},
		{"no display: xclip is not tried", "linux", nil, []string{"xclip"}, nil, "", nil},
		{"x11 xclip", "linux", x11, []string{"xclip", "xsel"}, nil, "xclip", []string{"/usr/bin/xclip -selection clipboard"}},
		{"xclip fails, xsel works", "linux", x11, []string{"xclip", "xsel"}, []string{"/usr/bin/xclip"}, "xsel",
			[]string{"/usr/bin/xclip -selection clipboard", "/usr/bin/xsel --clipboard --input"}},
		{"wayland first", "linux", map[string]string{"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, []string{"wl-copy", "xclip"}, nil, "wl-copy", []string{"/usr/bin/wl-copy"}},
		{"wsl", "linux", nil, []string{"clip.exe"}, nil, "clip.exe", []string{"/usr/bin/clip.exe"}},
		{"macOS", "darwin", nil, []string{"pbcopy"}, nil, "pbcopy", []string{"/usr/bin/pbcopy"}},
		{"every tool fails", "darwin", nil, []string{"pbcopy"}, []string{"/usr/bin/pbcopy"}, "", []string{"/usr/bin/pbcopy"}},
		{"windows", "windows", nil, []string{"clip.exe"}, nil, "clip.exe", []string{"/usr/bin/clip.exe"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeTools{onPath: map[string]bool{}, fail: map[string]bool{}}
			for _, p := range tc.path {
				f.onPath[p] = true
			}
			for _, p := range tc.fail {
				f.fail[p] = true
			}
			if got := f.clipboard(tc.goos, tc.env).Copy("F7GQ2KBNC"); got != tc.want {
				t.Errorf("Copy = %q, want %q", got, tc.want)
			}
			if strings.Join(f.ran, "|") != strings.Join(tc.wantRan, "|") {
				t.Errorf("ran %q, want %q", f.ran, tc.wantRan)
			}
			if len(f.ran) > 0 && f.input != "F7GQ2KBNC" {
				t.Errorf("stdin %q", f.input)
			}
		})
	}
}

func TestOSC52(t *testing.T) {
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("F7GQ2KBNC")) + "\a"
	if got := OSC52("F7GQ2KBNC"); got != want {
		t.Errorf("got %q", got)
	}
}
