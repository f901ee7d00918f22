package cli

import (
	"errors"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// parse runs a command built with a capturing runF on args: it returns the error, which for a
// bad flag or argument comes before runF.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(append([]string{}, args...)) // never nil: cobra reads os.Args for nil
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
	t.Parallel()
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
	t.Parallel()
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

func TestNewProviderAndProfileCmds(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)

	var pl *providersListOptions
	if err := parse(t, newProvidersListCmd(f, capture(&pl))); err != nil || pl == nil {
		t.Errorf("providers list: %v", err)
	}
	var ps *providersShowOptions
	if err := parse(t, newProvidersShowCmd(f, capture(&ps)), "acme"); err != nil || ps.Provider != "acme" {
		t.Errorf("providers show: %v %+v", err, ps)
	}
	var pa *providersAddOptions
	if err := parse(t, newProvidersAddCmd(f, capture(&pa)), "-", "--force"); err != nil || pa.File != "-" || !pa.Force {
		t.Errorf("providers add: %v %+v", err, pa)
	}
	wantUsage(t, parse(t, newProvidersAddCmd(f, noRun[providersAddOptions](t))), "JSON file")
	var pr *providersRemoveOptions
	if err := parse(t, newProvidersRemoveCmd(f, capture(&pr)), "acme"); err != nil || pr.Provider != "acme" {
		t.Errorf("providers remove: %v %+v", err, pr)
	}

	var po *profileOptions
	if err := parse(t, newProfileCreateCmd(f, capture(&po)), "work"); err != nil || po.Name != "work" {
		t.Errorf("profile create: %v %+v", err, po)
	}
	if err := parse(t, newProfileUseCmd(f, capture(&po)), "home"); err != nil || po.Name != "home" {
		t.Errorf("profile use: %v %+v", err, po)
	}
	var pd *profileDeleteOptions
	if err := parse(t, newProfileDeleteCmd(f, capture(&pd)), "work", "-y"); err != nil || pd.Name != "work" || !pd.Yes {
		t.Errorf("profile delete: %v %+v", err, pd)
	}
	wantUsage(t, parse(t, newProfileDeleteCmd(f, noRun[profileDeleteOptions](t)), "work"), "--yes") // no terminal
	if err := parse(t, newProfileDeleteCmd(f, noRun[profileDeleteOptions](t)), "../x"); err == nil {
		t.Error("profile delete ../x was accepted")
	}

	var ro *revokeOptions
	if err := parse(t, newRevokeCmd(f, capture(&ro)), "acme"); err != nil || ro.Provider != "acme" {
		t.Errorf("revoke: %v %+v", err, ro)
	}
	if err := parse(t, newRemoveCmd(f, capture(&ro)), "widget"); err != nil || ro.Provider != "widget" {
		t.Errorf("remove: %v %+v", err, ro)
	}
	wantUsage(t, parse(t, newRemoveCmd(f, noRun[revokeOptions](t))), "provider")
}

// TestProviderAndProfileRuns calls the run functions directly on a temp home.
func TestProviderAndProfileRuns(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	ctx := t.Context()
	if err := runProvidersAdd(&providersAddOptions{f: f, File: writeFile(t, "acme.json", acmeJSON)}); err != nil {
		t.Fatal(err)
	}
	if err := runProvidersList(&providersListOptions{f: f}); err != nil || !strings.Contains(out.String(), "acme\t") {
		t.Errorf("providers list: %v %q", err, out)
	}
	out.Reset()
	if err := runProvidersShow(&providersShowOptions{f: f, Provider: "acme"}); err != nil || !strings.Contains(out.String(), `"name": "acme"`) {
		t.Errorf("providers show: %v %q", err, out)
	}
	if err := runRevoke(ctx, &revokeOptions{f: f, Provider: "acme"}); err != nil {
		t.Errorf("revoke: %v", err)
	}
	if err := runRemove(ctx, &revokeOptions{f: f, Provider: "acme"}); err != nil {
		t.Errorf("remove: %v", err)
	}
	if err := runProvidersRemove(&providersRemoveOptions{f: f, Provider: "acme"}); err == nil {
		t.Error("providers remove of a removed definition succeeded")
	}

	out.Reset()
	for _, step := range []error{
		runProfileCreate(&profileOptions{f: f, Name: "work"}),
		runProfileCreate(&profileOptions{f: f, Name: "play"}),
		runProfileUse(&profileOptions{f: f, Name: "play"}),
		runProfileList(&profileListOptions{f: f}),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	if !strings.Contains(out.String(), "* play\n") || !strings.Contains(out.String(), "  work\n") {
		t.Errorf("profile list: %q", out)
	}
	if err := runProfileDelete(ctx, &profileDeleteOptions{f: f, Name: "work", Yes: true}); err != nil {
		t.Errorf("profile delete --yes: %v", err)
	}
}

func TestNewStatusCmds(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var w *whoamiOptions
	if err := parse(t, newWhoamiCmd(f, capture(&w))); err != nil || w == nil {
		t.Errorf("whoami: %v", err)
	}
	wantUsage(t, parse(t, newWhoamiCmd(f, noRun[whoamiOptions](t)), "x"), "no arguments")
	var d *doctorOptions
	if err := parse(t, newDoctorCmd(f, capture(&d))); err != nil || d == nil {
		t.Errorf("doctor: %v", err)
	}
	var v *versionOptions
	if err := parse(t, newVersionCmd(f, capture(&v))); err != nil || v == nil || v.BuildInfo == nil {
		t.Errorf("version: %v", err)
	}
	var i *initOptions
	if err := parse(t, newInitCmd(f, capture(&i))); err != nil || i == nil {
		t.Errorf("init: %v", err)
	}
	var r *rekeyOptions
	if err := parse(t, newRekeyCmd(f, capture(&r)), "--to", "passphrase"); err != nil || r.To != "passphrase" {
		t.Errorf("rekey: %v %+v", err, r)
	}
	wantUsage(t, parse(t, newRekeyCmd(f, noRun[rekeyOptions](t)), "--to", "usb-stick"), "usb-stick")
}

// TestStatusRuns calls the run functions of init, whoami, doctor and version directly
// (rekey: TestRekeyRuns).
func TestStatusRuns(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	ctx := t.Context()
	if err := runInit(ctx, &initOptions{f: f}); err != nil || !strings.Contains(out.String(), "Key source: file") {
		t.Fatalf("init: %v %q", err, out)
	}
	out.Reset()
	if err := runWhoami(ctx, &whoamiOptions{f: f}); err != nil || !strings.Contains(out.String(), "No connections") {
		t.Errorf("whoami: %v %q", err, out)
	}
	out.Reset()
	if err := os.Chmod(f.HomeDir, 0o700); err != nil { // t.TempDir is 0755
		t.Fatal(err)
	}
	if err := runDoctor(ctx, &doctorOptions{f: f}); err != nil || !strings.Contains(out.String(), "ok   vault") {
		t.Errorf("doctor: %v %q", err, out)
	}
	out.Reset()
	bi := func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}}}, true
	}
	if err := runVersion(&versionOptions{f: f, BuildInfo: bi}); err != nil || !strings.Contains(out.String(), "commit abc123") {
		t.Errorf("version: %v %q", err, out)
	}
}

// TestRekeyRuns calls rekey's run function directly. It is apart from TestStatusRuns because
// t.Setenv keeps it serial.
func TestRekeyRuns(t *testing.T) {
	f, _ := testFactory(t)
	ctx := t.Context()
	if err := runInit(ctx, &initOptions{f: f}); err != nil {
		t.Fatalf("init: %v", err)
	}
	t.Setenv("AUTHSOME_NEW_PASSPHRASE", "correct horse battery staple")
	if err := runRekey(ctx, &rekeyOptions{f: f, To: "passphrase"}); err != nil {
		t.Errorf("rekey --to passphrase: %v", err)
	}
}

func TestNewProxyAndAPICmds(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var a *apiOptions
	if err := parse(t, newAPICmd(f, capture(&a)), "-X", "PATCH", "-d", "{}", "-H", "Prefer: x", "--connection", "work", "--jq", ".id", "-i", "/me"); err != nil ||
		a.path != "/me" || a.method != "PATCH" || a.data != "{}" || len(a.headers) != 1 || a.connection != "work" || a.jq != ".id" || !a.include {
		t.Errorf("api: %v %+v", err, a)
	}
	wantUsage(t, parse(t, newAPICmd(f, noRun[apiOptions](t))), "Graph path")

	var l *logOptions
	if err := parse(t, newLogCmd(f, capture(&l)), "-n", "5", "--events", "-f"); err != nil || l.Lines != 5 || !l.Events || !l.Follow {
		t.Errorf("log: %v %+v", err, l)
	}
	wantUsage(t, parse(t, newLogCmd(f, noRun[logOptions](t)), "-n", "0"), "positive")

	var r *runOptions
	if err := parse(t, newRunCmd(f, capture(&r)), "--provider", "microsoft:work", "--deny-unmatched", "--isolation", "off", "--", "python", "agent.py"); err != nil ||
		!slices.Equal(r.Providers, []string{"microsoft:work"}) || !r.DenyUnmatched || r.Isolation != "off" || !slices.Equal(r.Command, []string{"python", "agent.py"}) {
		t.Errorf("run: %v %+v", err, r)
	}
	wantUsage(t, parse(t, newRunCmd(f, noRun[runOptions](t)), "python"), "after --")
	wantUsage(t, parse(t, newRunCmd(f, noRun[runOptions](t)), "--isolation", "maybe", "--", "true"), "--isolation")

	var p *proxyOptions
	if err := parse(t, newProxyCmd(f, capture(&p)), "--listen", "[::1]:8080", "--provider", "openai", "--deny-unmatched"); err != nil ||
		p.Listen != "[::1]:8080" || !slices.Equal(p.Providers, []string{"openai"}) || !p.DenyUnmatched {
		t.Errorf("proxy: %v %+v", err, p)
	}
	wantUsage(t, parse(t, newProxyCmd(f, noRun[proxyOptions](t)), "--listen", "0.0.0.0:8080"), "loopback")
}

// TestLogRun calls runLog on a home whose audit log has a sign-in event.
func TestLogRun(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	wantCode(t, run(t, "sk-test-default-0000000000000000\n", "--home", f.HomeDir, "login", "openai", "--api-key-stdin"), exitOK)
	if err := runLog(t.Context(), &logOptions{f: f, Lines: 10, Events: true}); err != nil || !strings.Contains(out.String(), "login") || !strings.Contains(out.String(), "openai") {
		t.Errorf("log --events: %v %q", err, out)
	}
}

func TestNewSandboxCmds(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	var s *sandboxOptions
	if err := parse(t, newSandboxCmd(f, capture(&s)), "--listen", "127.0.0.1:8443", "--fresh", "--auto-approve", "--plain-http", "--seed-messages", "10"); err != nil ||
		s.Listen != "127.0.0.1:8443" || !s.Fresh || !s.AutoApprove || !s.PlainHTTP || s.SeedMessages != 10 {
		t.Errorf("sandbox: %v %+v", err, s)
	}
	wantUsage(t, parse(t, newSandboxCmd(f, noRun[sandboxOptions](t)), "--fresh", "--state", t.TempDir()), "--fresh")
	wantUsage(t, parse(t, newSandboxCmd(f, noRun[sandboxOptions](t)), "--listen", "0.0.0.0:8443"), "--allow-remote")
	wantUsage(t, parse(t, newSandboxCmd(f, noRun[sandboxOptions](t)), "--listen", "8443"), "host:port")
	wantUsage(t, parse(t, newSandboxCmd(f, noRun[sandboxOptions](t)), "--seed-messages", "-1"), "--seed-messages")
	if err := parse(t, newSandboxCmd(f, capture(&s)), "--listen", "0.0.0.0:8443", "--allow-remote"); err != nil || !s.AllowRemote {
		t.Errorf("sandbox --allow-remote: %v %+v", err, s)
	}

	var tr *sandboxTrustOptions
	if err := parse(t, newSandboxTrustCmd(f, capture(&tr)), "--install"); err != nil || !tr.Install {
		t.Errorf("sandbox trust: %v %+v", err, tr)
	}
	var d *demoOptions
	if err := parse(t, newDemoCmd(f, capture(&d)), "--agent"); err != nil || !d.Agent {
		t.Errorf("demo: %v %+v", err, d)
	}
}

// TestSandboxTrustRun: without --install, trust makes the CA and prints the steps.
func TestSandboxTrustRun(t *testing.T) {
	t.Parallel()
	f, out := testFactory(t)
	if err := runSandboxTrust(t.Context(), &sandboxTrustOptions{f: f}); err != nil || !strings.Contains(out.String(), "ca.pem") {
		t.Errorf("sandbox trust: %v %q", err, out)
	}
}

func TestNewDriveCmds(t *testing.T) {
	t.Parallel()
	f, _ := testFactory(t)
	o := &driveOptions{connection: "work"}
	var p *drivePathOptions
	if err := parse(t, newDriveLsCmd(f, o, capture(&p)), "Documents"); err != nil || p.Path != "Documents" || p.connection != "work" {
		t.Errorf("drive ls: %v %+v", err, p)
	}
	if err := parse(t, newDriveGetCmd(f, o, capture(&p)), "a.txt", "-"); err != nil || p.Path != "a.txt" || p.Dest != "-" {
		t.Errorf("drive get: %v %+v", err, p)
	}
	if err := parse(t, newDriveRmCmd(f, o, capture(&p)), "old.docx"); err != nil || p.Path != "old.docx" {
		t.Errorf("drive rm: %v %+v", err, p)
	}
	wantUsage(t, parse(t, newDriveRmCmd(f, o, noRun[drivePathOptions](t)), "/"), "root")
	if err := parse(t, newDriveMkdirCmd(f, o, capture(&p)), "Reports"); err != nil || p.Path != "Reports" {
		t.Errorf("drive mkdir: %v %+v", err, p)
	}
	wantUsage(t, parse(t, newDriveMkdirCmd(f, o, noRun[drivePathOptions](t)), "/"), "root")
	var put *drivePutOptions
	if err := parse(t, newDrivePutCmd(f, o, capture(&put)), "report.pdf", "Documents/", "--overwrite", "--no-resume"); err != nil ||
		put.src != "report.pdf" || put.path != "Documents/" || !put.overwrite || !put.noResume {
		t.Errorf("drive put: %v %+v", err, put)
	}
	wantUsage(t, parse(t, newDrivePutCmd(f, o, noRun[drivePutOptions](t)), "a", "--overwrite", "--rename"), "exclude")
}
