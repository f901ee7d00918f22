package deploy

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDockerfileBuild runs the Dockerfile's `go build` as it is written there (output into a
// temporary folder) and checks that the binary is static, carries the version given as the
// build argument and answers `serve --help`.
func TestDockerfileBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is built for linux and run here")
	}
	var line string
	for _, in := range readDockerfile(t, "Dockerfile") {
		if in.Cmd == "RUN" && strings.Contains(in.Args, "go build") {
			for _, part := range strings.Split(in.Args, "&&") {
				if strings.Contains(part, "go build") {
					line = part
				}
			}
		}
	}
	const version = "0.0.0-deploytest"
	words := shellWords(t, strings.ReplaceAll(line, "${VERSION}", version))
	bin := filepath.Join(t.TempDir(), "authsome")
	var env []string
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env, words = append(env, words[0]), words[1:]
	}
	for i, w := range words {
		if w == "-o" && i+1 < len(words) {
			words[i+1] = bin
		}
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("Dockerfile: cannot read the go build command: %q", line)
	}
	build := exec.Command("go", words[1:]...)
	build.Dir = ".."
	build.Env = append(os.Environ(), env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked (it has an interpreter); distroless/static has no libc")
		}
	}

	home := t.TempDir()
	run := func(args ...string) []byte {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "AUTHSOME_HOME="+home, "HOME="+home)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("authsome %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	var v struct{ Version string }
	if err := json.Unmarshal(run("version", "--json"), &v); err != nil || v.Version != version {
		t.Errorf("version %q (%v), want the build argument %q", v.Version, err, version)
	}
	if help := string(run("serve", "--help")); !strings.Contains(help, "--listen") {
		t.Errorf("serve --help:\n%s", help)
	}
}

// shellWords splits a shell command line into words: blanks separate them, double quotes
// group; nothing else of the shell is understood (a backslash, single quote or $ fails).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	if strings.ContainsAny(s, "\\'$`") {
		t.Fatalf("Dockerfile: more shell than this reader understands: %q", s)
	}
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
			}
			inWord = false
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("Dockerfile: unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
