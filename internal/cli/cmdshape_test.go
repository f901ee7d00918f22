package cli

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parse runs a command built with a capturing runF on args: it returns the error, which for a
// bad flag or argument comes before runF.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.ExecuteContext(t.Context())
}

// testFactory is a Factory over test streams on a fresh home.
func testFactory(t *testing.T) (*Factory, *strings.Builder) {
	t.Helper()
	ios, _, _, _ := Test()
	var sb strings.Builder
	ios.Out = &sb
	return &Factory{IO: ios, HomeDir: testEnv(t)}, &sb
}

// wantUsage checks that err is a usage error (exit 2) mentioning want.
func wantUsage(t *testing.T, err error, want string) {
	t.Helper()
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want a usage error about %q", err, want)
	}
}

// noRun is a runF that must not be called: the input is refused before it.
func noRun[O any](t *testing.T) func(*O) error {
	return func(*O) error { t.Helper(); t.Error("runF was called for bad input"); return nil }
}

// capture returns a runF storing its options in *got.
func capture[O any](got **O) func(*O) error {
	return func(o *O) error { *got = o; return nil }
}

func TestNewConnectionCmds(t *testing.T) {
	f, _ := testFactory(t)

	var lo *listOptions
	if err := parse(t, newListCmd(f, capture(&lo)), "--all"); err != nil || lo == nil || !lo.All {
		t.Errorf("list --all: %v %+v", err, lo)
	}
	wantUsage(t, parse(t, newListCmd(f, noRun[listOptions](t)), "x"), "no arguments")

	var g *getOptions
	if err := parse(t, newGetCmd(f, capture(&g)), "microsoft", "--connection", "work", "--field", "refresh_token", "--show-secret"); err != nil ||
		g.Provider != "microsoft" || g.Connection != "work" || g.Field != "refresh_token" || !g.ShowSecret {
		t.Errorf("get: %v %+v", err, g)
	}
	wantUsage(t, parse(t, newGetCmd(f, noRun[getOptions](t)), "microsoft", "--field", "refresh_token"), "--show-secret")
	wantUsage(t, parse(t, newGetCmd(f, noRun[getOptions](t)), "microsoft", "--field", "nosuch"), "nosuch")
	wantUsage(t, parse(t, newGetCmd(f, noRun[getOptions](t))), "provider")

	var l *logoutOptions
	if err := parse(t, newLogoutCmd(f, capture(&l)), "microsoft", "--connection", "work", "--revoke-sessions"); err != nil ||
		l.Provider != "microsoft" || l.Connection != "work" || !l.RevokeSessions {
		t.Errorf("logout: %v %+v", err, l)
	}
	wantUsage(t, parse(t, newLogoutCmd(f, noRun[logoutOptions](t)), "a", "b"), "provider")

	var sd *setDefaultOptions
	if err := parse(t, newSetDefaultCmd(f, capture(&sd)), "openai", "second"); err != nil || sd.Provider != "openai" || sd.Connection != "second" {
		t.Errorf("set-default: %v %+v", err, sd)
	}
	wantUsage(t, parse(t, newSetDefaultCmd(f, noRun[setDefaultOptions](t)), "openai"), "connection")

	var e *exportOptions
	if err := parse(t, newExportCmd(f, capture(&e)), "openai", "--format", "shell", "--include-refresh-token"); err != nil ||
		e.Provider != "openai" || e.Format != "shell" || !e.IncludeRefresh {
		t.Errorf("export: %v %+v", err, e)
	}
	if err := parse(t, newExportCmd(f, capture(&e))); err != nil || e.Provider != "" || e.Format != "env" {
		t.Errorf("export of all: %v %+v", err, e)
	}
	wantUsage(t, parse(t, newExportCmd(f, noRun[exportOptions](t)), "openai", "--format", "xml"), "xml")
	wantUsage(t, parse(t, newExportCmd(f, noRun[exportOptions](t)), "--connection", "work"), "needs a provider")
	wantUsage(t, parse(t, newExportCmd(f, noRun[exportOptions](t)), "a", "b"), "at most one")

	var in *inspectOptions
	if err := parse(t, newInspectCmd(f, capture(&in)), "acme"); err != nil || in.Provider != "acme" {
		t.Errorf("inspect: %v %+v", err, in)
	}
}

// TestConnectionRuns calls the run functions directly on a home with two API-key connections.
func TestConnectionRuns(t *testing.T) {
	f, out := testFactory(t)
	ctx := t.Context()
	wantCode(t, run(t, "sk-test-default-0000000000000000\n", "--home", f.HomeDir, "login", "openai", "--api-key-stdin"), exitOK)
	wantCode(t, run(t, "sk-test-second-00000000000000000\n", "--home", f.HomeDir, "login", "openai", "--api-key-stdin", "--connection", "second"), exitOK)

	if err := runGet(ctx, &getOptions{f: f, Provider: "openai", Connection: "second", Field: "is_default"}); err != nil || out.String() != "false\n" {
		t.Errorf("get --field is_default: %v %q", err, out)
	}
	out.Reset()
	if err := runGet(ctx, &getOptions{f: f, Provider: "openai", Field: "api_key"}); err != nil || out.String() != "sk-test-default-0000000000000000\n" {
		t.Errorf("get --field api_key: %v (printed %d bytes)", err, out.Len())
	}
	out.Reset()
	if err := runSetDefault(ctx, &setDefaultOptions{f: f, Provider: "openai", Connection: "second"}); err != nil {
		t.Fatal(err)
	}
	if err := runExport(ctx, &exportOptions{f: f, Provider: "openai", Format: "shell"}); err != nil || out.String() != "export OPENAI_API_KEY='sk-test-second-00000000000000000'\n" {
		t.Errorf("export after set-default: %v %q", err, out)
	}
	out.Reset()
	if err := runLogout(ctx, &logoutOptions{f: f, Provider: "openai", Connection: "default"}); err != nil {
		t.Fatal(err)
	}
	if err := runList(ctx, &listOptions{f: f}); err != nil || !strings.Contains(out.String(), "openai\tsecond (default)\tconnected") || strings.Contains(out.String(), "\tdefault") {
		t.Errorf("list after logout: %v %q", err, out)
	}
	out.Reset()
	if err := runInspect(ctx, &inspectOptions{f: f, Provider: "openai"}); err != nil || !strings.Contains(out.String(), `"connection_name": "second"`) {
		t.Errorf("inspect: %v %q", err, out)
	}
}
