package isolate

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestParseMode(t *testing.T) {
	for _, s := range []string{"auto", "STRICT", "off", "namespaces", "landlock"} {
		if _, err := ParseMode(s); err != nil {
			t.Errorf("ParseMode(%q): %v", s, err)
		}
	}
	if _, err := ParseMode("none"); err == nil {
		t.Error("ParseMode(none) = nil error")
	}
}

func TestIsRunProcess(t *testing.T) {
	for _, c := range []struct {
		argv []string
		want bool
	}{
		{[]string{"authsome", "run", "--", "agent"}, true},
		{[]string{"/usr/local/bin/authsome", "--profile", "work", "run", "--", "x"}, true},
		{[]string{"authsome", HelperCommand}, true},
		{[]string{"authsome", "get", "microsoft"}, false},
		{[]string{"authsome", "proxy"}, false},
		{[]string{"python", "run", "--", "x"}, false},
		{[]string{"authsome", "--", "run"}, false},
		{[]string{"authsome"}, false},
	} {
		if got := isRunProcess(c.argv); got != c.want {
			t.Errorf("isRunProcess(%q) = %v, want %v", c.argv, got, c.want)
		}
	}
}

func TestInsideRunByMarker(t *testing.T) {
	t.Setenv(RunIDEnv, "")
	if inside, _ := InsideRun(); inside {
		t.Skip("this test itself runs under authsome run")
	}
	t.Setenv(RunIDEnv, "abc")
	if inside, how := InsideRun(); !inside || how == "" {
		t.Errorf("InsideRun with the marker = %v, %q", inside, how)
	}
}

func TestReaches(t *testing.T) {
	hide := []string{"/home/u/.authsome"}
	for p, want := range map[string]bool{
		"/home/u/.authsome":        true,
		"/home/u/.authsome/x/y":    true,
		"/home/u":                  true,
		"/":                        true,
		"/home/u/.authsome-backup": false,
		"/home/u/src":              false,
	} {
		if got := reaches(p, hide); got != want {
			t.Errorf("reaches(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestResolveAllDropsMissingAndRoot(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	got := resolveAll([]string{"", "/", filepath.Join(dir, "missing"), link, dir})
	real, _ := filepath.EvalSymlinks(dir)
	if len(got) != 1 || got[0] != real {
		t.Errorf("resolveAll = %q, want [%s]", got, real)
	}
}

// TestOffStartsDirectly: Off starts the command itself, without a helper.
func TestOffStartsDirectly(t *testing.T) {
	c := exec.Command("sh", "-c", "exit 3")
	c, rep, err := Start(c, Options{Mode: Off})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Layers) != 0 {
		t.Errorf("layers = %v", rep.Layers)
	}
	if err := c.Wait(); err == nil || c.ProcessState.ExitCode() != 3 {
		t.Errorf("wait: %v", err)
	}
}
