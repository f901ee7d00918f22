package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAgentTokenExport: --allow-token-export grants export with a warning on stderr, is
// refused together with --allow, and `agent list` marks the agent (a column; export_token in
// --json); other agents read as not exporting.
func TestAgentTokenExport(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, run(t, "sk-"+strings.Repeat("a", 24)+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)

	r := runHome(t, home, "agent", "add", "exporter", "--grant", "openai:default", "--allow-token-export", "--allow", "GET /v1/models")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "--allow-token-export and --allow cannot be used together") {
		t.Errorf("--allow with --allow-token-export: %q", r.stderr)
	}

	r = runHome(t, home, "agent", "add", "exporter", "--grant", "openai:default", "--allow-token-export")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "warning:") || !strings.Contains(r.stderr, "may export access tokens") {
		t.Errorf("no warning on stderr: %q", r.stderr)
	}
	r = runHome(t, home, "agent", "add", "keeper", "--grant", "openai:default")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stderr, "warning:") {
		t.Errorf("a warning without export: %q", r.stderr)
	}

	r = runHome(t, home, "agent", "list")
	wantCode(t, r, exitOK)
	lines := strings.Split(r.stdout, "\n")
	if !strings.Contains(lines[0], "TOKEN EXPORT") {
		t.Errorf("no TOKEN EXPORT column: %q", lines[0])
	}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case f[0] == "exporter" && !strings.Contains(l, " YES "):
			t.Errorf("exporter not marked: %q", l)
		case f[0] == "keeper" && strings.Contains(l, "YES"):
			t.Errorf("keeper marked: %q", l)
		}
	}

	r = runHome(t, home, "agent", "list", "--json")
	wantCode(t, r, exitOK)
	var out struct {
		Agents []struct {
			Name        string
			ExportToken *bool `json:"export_token"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range out.Agents {
		if a.ExportToken == nil {
			t.Errorf("%s: no export_token in %s", a.Name, r.stdout)
			continue
		}
		got[a.Name] = *a.ExportToken
	}
	if !got["exporter"] || got["keeper"] || len(got) != 2 {
		t.Errorf("export_token: %v", got)
	}
}
