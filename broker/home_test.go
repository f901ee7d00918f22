package broker_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/vault"
)

// homeEnv points HOME at a new temporary folder and clears AUTHSOME_HOME and XDG_CONFIG_HOME.
func homeEnv(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AUTHSOME_HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	return home
}

// pythonHome makes dir look like the Python authsome's home (~/.authsome/<sub>/...).
func pythonHome(t *testing.T, dir, sub string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, sub, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestChooseHome(t *testing.T) {
	for _, sub := range []string{"client", "server"} {
		t.Run(sub, func(t *testing.T) {
			home := homeEnv(t)
			dot := filepath.Join(home, ".authsome")
			if got := broker.ChooseHome(); got != (broker.HomeChoice{Dir: dot}) {
				t.Errorf("no folder yet: %+v, want %s", got, dot)
			}
			pythonHome(t, dot, sub)
			want := broker.HomeChoice{Dir: dot + "-go", Python: dot}
			if got := broker.ChooseHome(); got != want {
				t.Errorf("with the Python layout: %+v, want %+v", got, want)
			}
			if got := broker.DefaultHome(); got != dot+"-go" {
				t.Errorf("DefaultHome = %s, want %s-go", got, dot)
			}

			// The XDG default gets the same check.
			xdg := t.TempDir()
			t.Setenv("XDG_CONFIG_HOME", xdg)
			if got := broker.ChooseHome(); got != (broker.HomeChoice{Dir: filepath.Join(xdg, "authsome")}) {
				t.Errorf("XDG: %+v", got)
			}
			pythonHome(t, filepath.Join(xdg, "authsome"), sub)
			if got := broker.ChooseHome(); got.Dir != filepath.Join(xdg, "authsome-go") || got.Python != filepath.Join(xdg, "authsome") {
				t.Errorf("XDG with the Python layout: %+v", got)
			}

			// $AUTHSOME_HOME is used as it is, even when it holds the Python layout.
			t.Setenv("AUTHSOME_HOME", dot)
			if got := broker.ChooseHome(); got != (broker.HomeChoice{Dir: dot, Explicit: true}) {
				t.Errorf("AUTHSOME_HOME: %+v", got)
			}
		})
	}
}

// A file named like a Python folder is not the Python layout.
func TestIsPythonHomeNeedsFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "server"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if broker.IsPythonHome(dir) || broker.CheckHome(dir) != nil {
		t.Error("a file named server counts as the Python layout")
	}
}

// TestOpenRefusesPythonHome: Open writes nothing into a folder with the Python layout, given
// as Options.Home or as $AUTHSOME_HOME; with the default home it uses the sibling.
func TestOpenRefusesPythonHome(t *testing.T) {
	home := homeEnv(t)
	t.Setenv("AUTHSOME_KEYRING", "off")
	t.Setenv("AUTHSOME_MASTER_KEY", "")
	dot := filepath.Join(home, ".authsome")
	pythonHome(t, dot, "server")
	before := listTree(t, dot)

	_, err := broker.Open(t.Context(), broker.Options{Home: dot})
	if !errors.Is(err, broker.ErrPythonHome) {
		t.Fatalf("Open of the Python home: %v, want ErrPythonHome", err)
	}
	if !strings.Contains(err.Error(), dot+"-go") {
		t.Errorf("the error %q does not say which folder to use", err)
	}
	t.Setenv("AUTHSOME_HOME", dot)
	if _, err := broker.Open(t.Context(), broker.Options{}); !errors.Is(err, broker.ErrPythonHome) {
		t.Fatalf("Open with AUTHSOME_HOME at the Python home: %v", err)
	}
	t.Setenv("AUTHSOME_HOME", "")

	b, err := broker.Open(t.Context(), broker.Options{Keys: vault.FileKey(filepath.Join(t.TempDir(), "key"))})
	if err != nil {
		t.Fatal(err)
	}
	if b.Home() != dot+"-go" {
		t.Errorf("default home %s, want %s-go", b.Home(), dot)
	}
	if _, err := b.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if after := listTree(t, dot); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("the Python home changed:\nbefore %v\nafter  %v", before, after)
	}
}

func listTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
