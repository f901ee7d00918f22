package cli

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awkward values a token or URL could contain, and some that only an attacker would choose.
var awkward = []string{
	"",
	"plain",
	"it's",
	"'",
	"'''",
	`"double" quotes`,
	"with spaces  and\ttab",
	"$HOME ${PATH} $(id) `id`",
	`back\slash\\ and \n literally`,
	"line1\nline2\n",
	"\n",
	"trailing space ",
	"!history & ; | < > * ? [a] ~",
	"'; touch PWNED; echo '",
	"ünïcødé ✓",
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for _, v := range awkward {
		q := shellQuote(v)
		if !strings.HasPrefix(q, "'") || !strings.HasSuffix(q, "'") {
			t.Errorf("shellQuote(%q) = %q is not single-quoted", v, q)
		}
	}
	if got, want := shellQuote("it's"), `'it'\''s'`; got != want {
		t.Errorf("shellQuote(it's) = %s, want %s", got, want)
	}
}

// TestWriteExportShellEval proves that `eval "$(authsome export --format shell)"` in a POSIX
// shell sets each variable to exactly the value, and runs nothing.
func TestWriteExportShellEval(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	vars := map[string]string{}
	names := make([]string, len(awkward))
	for i, v := range awkward {
		names[i] = "V" + string(rune('A'+i))
		vars[names[i]] = v
	}
	var buf bytes.Buffer
	if err := writeExport(&buf, "shell", vars); err != nil {
		t.Fatal(err)
	}
	// Print every variable NUL-terminated, so that trailing newlines survive.
	script := `eval "$1" || exit 9; shift; for n in "$@"; do eval "printf '%s\0' \"\$$n\""; done`
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), sh, append([]string{"-c", script, "sh", buf.String()}, names...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v\nexport output:\n%s", err, buf.String())
	}
	got := strings.Split(string(out), "\x00")
	got = got[:len(got)-1]
	if len(got) != len(names) {
		t.Fatalf("shell printed %d values, want %d", len(got), len(names))
	}
	for i, n := range names {
		if got[i] != vars[n] {
			t.Errorf("%s: shell has %q, want %q", n, got[i], vars[n])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Error("evaluating the export ran a command from a value")
	}
	// Variables are exported, not only set: a child process sees them.
	cmd = exec.CommandContext(t.Context(), sh, "-c", `eval "$1"; sh -c 'printf %s "$VC"'`, "sh", buf.String())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err = cmd.Output()
	if err != nil || string(out) != vars["VC"] {
		t.Errorf("child saw %q (%v), want %q", out, err, vars["VC"])
	}
}

func TestWriteExportFormats(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"B_TOKEN": `a'b "c" $d`, "A_URL": "https://x.test/v1", "C_KEY": "line1\nline2"}

	var buf bytes.Buffer
	if err := writeExport(&buf, "shell", vars); err != nil {
		t.Fatal(err)
	}
	want := "export A_URL='https://x.test/v1'\nexport B_TOKEN='a'\\''b \"c\" $d'\nexport C_KEY='line1\nline2'\n"
	if buf.String() != want {
		t.Errorf("shell format:\n%s\nwant (sorted, quoted):\n%s", buf.String(), want)
	}

	buf.Reset()
	if err := writeExport(&buf, "env", map[string]string{"B": "2 3", "A": "1"}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "A=1\nB=2 3\n" {
		t.Errorf("env format = %q, want sorted NAME=value lines", buf.String())
	}

	buf.Reset()
	if err := writeExport(&buf, "json", vars); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("json format is not JSON: %v\n%s", err, buf.String())
	}
	if !maps.Equal(got, vars) {
		t.Errorf("json format round-trips to %q, want %q", got, vars)
	}
	buf.Reset()
	if err := writeExport(&buf, "json", map[string]string{"U": "a<b>&c"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "a<b>&c") {
		t.Errorf("json format HTML-escapes values: %s", buf.String())
	}
}

// TestWriteExportEnvRefusesLineBreaks: a value with a line break (a token from a hostile
// token endpoint, say) cannot add lines of its own to NAME=value output, such as
// LD_PRELOAD=... in a .env file that is sourced later.
func TestWriteExportEnvRefusesLineBreaks(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"tok\nLD_PRELOAD=/tmp/x.so", "tok\r", "a\x00b"} {
		var buf bytes.Buffer
		err := writeExport(&buf, "env", map[string]string{"A_KEY": "fine", "B_TOKEN": v})
		if err == nil || !strings.Contains(err.Error(), "B_TOKEN") || !strings.Contains(err.Error(), "--format shell") {
			t.Errorf("value %q: err = %v, want a refusal naming B_TOKEN and the other formats", v, err)
		}
		if buf.Len() != 0 {
			t.Errorf("value %q: partial output %q", v, buf.String())
		}
	}
}
