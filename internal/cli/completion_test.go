package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// complete runs cobra's hidden __complete command, as the generated shell scripts do, and
// returns the offered values (descriptions cut) and the directive line.
func complete(t *testing.T, home string, args ...string) ([]string, string) {
	t.Helper()
	r := runHome(t, home, append([]string{"__complete"}, args...)...)
	wantCode(t, r, exitOK)
	var vals []string
	directive := ""
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		v, _, _ := strings.Cut(line, "\t")
		vals = append(vals, v)
	}
	return vals, directive
}

// TestCompletion: provider arguments complete from the catalogue, --connection and
// set-default's second argument from the vault (names only), profiles from the home.
func TestCompletion(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	const key = "sk-test-default-0000000000000000"
	wantCode(t, run(t, key+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	wantCode(t, run(t, "sk-test-second-00000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin", "--connection", "second"), exitOK)
	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)

	has := func(name string, got []string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %v lacks %q", name, got, w)
			}
		}
	}
	for _, cmd := range []string{"get", "logout", "export", "inspect", "set-default"} {
		got, dir := complete(t, home, cmd, "")
		has(cmd, got, "microsoft", "openai")
		if dir != ":4" { // ShellCompDirectiveNoFileComp
			t.Errorf("%s: directive %s, want :4 (no files)", cmd, dir)
		}
	}
	conns := []string{"default", "second"}
	for _, args := range [][]string{
		{"get", "openai", "--connection", ""},
		{"logout", "openai", "--connection", ""},
		{"export", "openai", "--connection", ""},
		{"set-default", "openai", ""},
	} {
		got, _ := complete(t, home, args...)
		if !slices.Equal(got, conns) {
			t.Errorf("%v: %v, want %v", args, got, conns)
		}
	}
	if got, _ := complete(t, home, "get", "microsoft", "--connection", ""); len(got) != 0 {
		t.Errorf("connections of a provider without any: %v", got)
	}
	if got, _ := complete(t, home, "list", "--profile", ""); !slices.Equal(got, []string{"default", "work"}) {
		t.Errorf("--profile: %v", got)
	}
	if got, _ := complete(t, home, "--profile", "work", "get", "openai", "--connection", ""); len(got) != 0 {
		t.Errorf("connections of the empty profile work: %v", got)
	}
	r := runHome(t, home, "__complete", "get", "openai", "--connection", "")
	if strings.Contains(r.stdout, key) || strings.Contains(r.stdout, "sk-") {
		t.Errorf("completion printed a secret: %q", r.stdout)
	}
}

// TestCompletionProfilesAndProviders: profile use/delete complete profiles; providers show,
// revoke and remove complete providers.
func TestCompletionProfilesAndProviders(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "profile", "create", "work"), exitOK)
	for _, cmd := range [][]string{{"profile", "use", ""}, {"profile", "delete", ""}} {
		if got, _ := complete(t, home, cmd...); !slices.Contains(got, "work") {
			t.Errorf("%v: %v", cmd, got)
		}
	}
	for _, cmd := range [][]string{{"providers", "show", ""}, {"providers", "remove", ""}, {"revoke", ""}, {"remove", ""}} {
		if got, _ := complete(t, home, cmd...); !slices.Contains(got, "microsoft") {
			t.Errorf("%v: %v", cmd, got)
		}
	}
}

// TestCompletionSpecs: run and proxy complete --provider P, then P:CONN; api completes
// Microsoft connections.
func TestCompletionSpecs(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, run(t, "sk-test-default-0000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	for _, cmd := range []string{"run", "proxy"} {
		if got, _ := complete(t, home, cmd, "--provider", ""); !slices.Contains(got, "openai") {
			t.Errorf("%s --provider: %v", cmd, got)
		}
		if got, _ := complete(t, home, cmd, "--provider", "openai:"); !slices.Equal(got, []string{"openai:default"}) {
			t.Errorf("%s --provider openai: %v", cmd, got)
		}
	}
	if got, _ := complete(t, home, "api", "--connection", ""); len(got) != 0 {
		t.Errorf("api --connection without Microsoft connections: %v", got)
	}
}

// TestCompletionMicrosoftConnections: api's and drive's --connection complete the Microsoft
// connections (here an app-only sandbox connection).
func TestCompletionMicrosoftConnections(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	info := startSandbox(t, home, sandbox.Options{}).Info()
	wantCode(t, run(t, info.ConfidentialClientSecret+"\n", "--home", home, "login", "microsoft", "--cloud", "sandbox",
		"--flow", "client_credentials", "--client-id", info.ConfidentialClientID, "--client-secret-stdin", "--connection", "app"), exitOK)
	for _, args := range [][]string{{"api", "--connection", ""}, {"drive", "ls", "--connection", ""}, {"get", "microsoft", "--connection", ""}} {
		if got, dir := complete(t, home, args...); !slices.Equal(got, []string{"app"}) || dir != ":4" {
			t.Errorf("%v: %v %s", args, got, dir)
		}
	}
	r := runHome(t, home, "__complete", "api", "--connection", "")
	if strings.Contains(r.stdout, info.ConfidentialClientSecret) {
		t.Error("completion printed the client secret")
	}
}

// TestCompletionLogin: login completes the provider, --connection from the vault and
// --scopes with the provider's presets, after what is already typed.
func TestCompletionLogin(t *testing.T) {
	home := testEnv(t)
	wantCode(t, run(t, "sk-test-default-0000000000000000\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	if got, _ := complete(t, home, "login", ""); !slices.Contains(got, "microsoft") || !slices.Contains(got, "openai") {
		t.Errorf("login: %v", got)
	}
	if got, _ := complete(t, home, "login", "openai", "--connection", ""); !slices.Equal(got, []string{"default"}) {
		t.Errorf("login --connection: %v", got)
	}
	got, dir := complete(t, home, "login", "microsoft", "--scopes", "")
	if !slices.Contains(got, "@mail") || !slices.Contains(got, "@calendar") {
		t.Errorf("login --scopes: %v", got)
	}
	if dir != ":6" { // no files, no space after a value (more may follow a comma)
		t.Errorf("login --scopes: directive %s, want :6", dir)
	}
	if got, _ := complete(t, home, "login", "microsoft", "--scopes", "+@mail,+"); !slices.Contains(got, "+@mail,+@contacts") {
		t.Errorf("login --scopes +@mail,+: %v", got)
	}
	if got, _ := complete(t, home, "login", "openai", "--scopes", ""); len(got) != 0 {
		t.Errorf("login --scopes of a provider without presets: %v", got)
	}
}
