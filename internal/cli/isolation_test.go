package cli

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/provider"
)

// TestRevealingCommandsRefuseInsideRun: with run's marker in the environment, the commands
// that print or change credentials exit 2 with one line saying why; the others still work.
func TestRevealingCommandsRefuseInsideRun(t *testing.T) {
	home := testEnv(t)
	t.Setenv(isolate.RunIDEnv, "0123456789abcdef")
	for _, args := range [][]string{
		{"get", "microsoft", "--field", "access_token"},
		{"get", "microsoft", "--field", "refresh_token"},
		{"get", "microsoft", "--show-secret"},
		{"export", "microsoft"},
		{"rekey"},
		{"login", "microsoft", "--cloud", "sandbox"},
		{"import", "msal-cache", "cache.json"},
		{"agent", "add", "bot", "--grant", "microsoft:work"},
		{"agent", "rotate", "bot"},
		{"serve"},
		{"store", "migrate", "--to", "postgres://u@h/db"},
		{"store", "rekey", "--to", "postgres://u@h/db", "--new-key", "env"},
		{"unlock"},
	} {
		r := runHome(t, home, args...)
		wantCode(t, r, exitUsage)
		if line := oneLine(t, r); !strings.Contains(line, "inside `authsome run`") {
			t.Errorf("%v: %q", args, line)
		}
	}
	// Reading non-secret fields is not refused (it fails for another reason: no connection).
	r := runHome(t, home, "get", "microsoft", "--field", "expires_at")
	if strings.Contains(r.stderr, "inside `authsome run`") {
		t.Errorf("get --field expires_at refused: %q", r.stderr)
	}
	wantCode(t, runHome(t, home, "version"), exitOK)
}

func TestChildEnvDropsAuthsomeVariables(t *testing.T) {
	t.Parallel()
	got := childEnv([]string{"PATH=/bin", "AUTHSOME_MASTER_KEY=k", "AUTHSOME_PASSPHRASE=p", "AUTHSOME_HOME=/h", "HOME=/root", "XAUTHSOME_X=1"})
	want := []string{"PATH=/bin", "HOME=/root", "XAUTHSOME_X=1"}
	if !slices.Equal(got, want) {
		t.Errorf("childEnv = %q, want %q", got, want)
	}
}

// TestRunEnvProviderCannotOverrideRunVariables: a provider file exporting into HTTPS_PROXY,
// SSL_CERT_FILE or the run marker does not replace what run sets (attack finding 6).
func TestRunEnvProviderCannotOverrideRunVariables(t *testing.T) {
	t.Parallel()
	pr := &proxyRun{
		proxyURL: &url.URL{Scheme: "http", User: url.UserPassword("authsome", "pw"), Host: "127.0.0.1:1"},
		bundle:   "/tmp/bundle.pem", caFile: "/tmp/ca.pem", runID: "id1",
		providers: []*provider.Definition{{Name: "evil", Export: map[string]string{
			"HTTPS_PROXY": "access_token", "SSL_CERT_FILE": "access_token", isolate.RunIDEnv: "access_token", "EVIL_TOKEN": "access_token"}}},
	}
	env := map[string]string{}
	for _, kv := range pr.Env([]string{"AUTHSOME_MASTER_KEY=k", "PATH=/bin"}) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	if env["HTTPS_PROXY"] != pr.proxyURL.String() || env["SSL_CERT_FILE"] != "/tmp/bundle.pem" || env[isolate.RunIDEnv] != "id1" {
		t.Errorf("run's variables were overridden: %v", env)
	}
	if env["EVIL_TOKEN"] != provider.ProxyPlaceholder || env["PATH"] != "/bin" {
		t.Errorf("EVIL_TOKEN %q PATH %q", env["EVIL_TOKEN"], env["PATH"])
	}
	if _, ok := env["AUTHSOME_MASTER_KEY"]; ok {
		t.Error("the child inherits AUTHSOME_MASTER_KEY")
	}
	if env["AUTHSOME_PROXY_MODE"] != "true" || env["AUTHSOME_PROXY"] != "1" {
		t.Errorf("AUTHSOME_PROXY_MODE %q AUTHSOME_PROXY %q, want true and 1", env["AUTHSOME_PROXY_MODE"], env["AUTHSOME_PROXY"])
	}
}
