package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pythonHomeEnv is a HOME whose ~/.authsome holds the Python authsome's layout, with no
// AUTHSOME_HOME or XDG_CONFIG_HOME; it returns ~/.authsome.
func pythonHomeEnv(t *testing.T) string {
	t.Helper()
	testEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	dot := filepath.Join(home, ".authsome")
	for _, d := range []string{"client/identities", "server/logs"} {
		if err := os.MkdirAll(filepath.Join(dot, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dot, "server", "config.json"), []byte(`{"spec_version":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return dot
}

func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		b.WriteString(p + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDefaultHomeBesidePythonHome: with ~/.authsome holding the Python authsome's files, the
// default home is ~/.authsome-go, said once on stderr (not in --json mode), and nothing is
// written into ~/.authsome.
func TestDefaultHomeBesidePythonHome(t *testing.T) {
	dot := pythonHomeEnv(t)
	before := tree(t, dot)
	goHome := dot + "-go"

	r := run(t, "", "--json", "list")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("--json printed %q on stderr", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(goHome, "profiles", "default")); err != nil {
		t.Errorf("the default profile is not in %s: %v", goHome, err)
	}

	r = run(t, "", "list")
	wantCode(t, r, exitOK)
	if line := oneLine(t, r); !strings.Contains(line, goHome) || !strings.Contains(line, "Python") || !strings.Contains(line, dot+" ") {
		t.Errorf("notice %q does not name both folders and the reason", line)
	}
	r = run(t, "", "list")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("the notice was shown twice: %q", r.stderr)
	}
	if after := tree(t, dot); after != before {
		t.Errorf("the Python home changed:\nbefore\n%s\nafter\n%s", before, after)
	}
}

// TestExplicitPythonHomeRefused: --home or AUTHSOME_HOME naming a folder with the Python
// authsome's files is a usage error that says why and what to do, and writes nothing.
func TestExplicitPythonHomeRefused(t *testing.T) {
	dot := pythonHomeEnv(t)
	before := tree(t, dot)
	for _, tc := range []struct {
		name string
		env  string
		args []string
	}{
		{"--home", "", []string{"--home", dot, "list"}},
		{"AUTHSOME_HOME", dot, []string{"list"}},
		{"--home", "", []string{"--home", dot, "profile", "create", "work"}},
	} {
		t.Setenv("AUTHSOME_HOME", tc.env)
		r := run(t, "", tc.args...)
		wantCode(t, r, exitUsage)
		line := oneLine(t, r)
		for _, want := range []string{tc.name, dot, "Python", dot + "-go"} {
			if !strings.Contains(line, want) {
				t.Errorf("%v: message %q does not mention %q", tc.args, line, want)
			}
		}
	}
	if after := tree(t, dot); after != before {
		t.Errorf("the Python home changed:\nbefore\n%s\nafter\n%s", before, after)
	}
	if _, err := os.Stat(dot + "-go"); err == nil {
		t.Error("a refused home still created the -go folder")
	}
}
