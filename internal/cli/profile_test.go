package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProfileDeleteConfirm: on a terminal `profile delete` asks, naming the connections the
// vault holds, and deletes on y only; without a terminal it refuses unless --yes.
func TestProfileDeleteConfirm(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)
	r := run(t, "sk-"+strings.Repeat("w", 24)+"\n", "--home", home, "--profile", "work", "login", "openai", "--api-key-stdin")
	wantCode(t, r, exitOK)
	dir := filepath.Join(home, "profiles", "work")
	exists := func() bool { _, err := os.Stat(dir); return err == nil }

	r = runHome(t, home, "profile", "delete", "work")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "--yes") || !exists() {
		t.Errorf("without a terminal or --yes: %q, folder kept %v", r.stderr, exists())
	}

	onTTY := func(answer string) result {
		ios, in, out, errOut := Test()
		ios.stdinTTY, ios.stderrTTY = true, true
		in.WriteString(answer)
		code := Run(t.Context(), ios, []string{"--home", home, "profile", "delete", "work"})
		return result{code, out.String(), errOut.String()}
	}
	for _, no := range []string{"\n", "n\n", "nope\n", ""} {
		r = onTTY(no)
		if r.code == exitOK || !exists() {
			t.Errorf("answer %q: exit %d, folder kept %v", no, r.code, exists())
		}
		if want := `Delete profile "work" and its vault with 1 connection? [y/N] `; !strings.HasPrefix(r.stderr, want) {
			t.Errorf("prompt %q, want %q", r.stderr, want)
		}
	}
	r = onTTY("Y\n")
	wantCode(t, r, exitOK)
	if exists() {
		t.Error("y did not delete the profile")
	}

	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)
	wantCode(t, runHome(t, home, "profile", "delete", "work", "--yes"), exitOK)
	if exists() {
		t.Error("--yes did not delete the profile")
	}
}

// TestProfileDeleteCtrlC: Ctrl-C at the confirmation cancels (exit 2, "cancelled") and keeps
// the profile.
func TestProfileDeleteCtrlC(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)
	ios, in, _, errOut := promptTerminal(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-in.started; cancel() }()
	code := Run(ctx, ios, []string{"--home", home, "profile", "delete", "work"})
	if code != exitUsage || !strings.Contains(errOut.String(), "cancelled") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if _, err := os.Stat(filepath.Join(home, "profiles", "work")); err != nil {
		t.Errorf("the profile went: %v", err)
	}
}
