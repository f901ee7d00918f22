package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/pgtest"
)

// TestAgentsInStore: with --store (or $AUTHSOME_STORE), the agent commands work on the
// database's agents, not on the profile's agents file; a bad --key is a usage error.
func TestAgentsInStore(t *testing.T) {
	home := testEnv(t)
	dsn := pgtest.Start(t)
	t.Setenv(envStoreKey, "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	wantCode(t, run(t, "sk-"+strings.Repeat("a", 24)+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	wantCode(t, runHome(t, home, "store", "migrate", "--to", dsn), exitOK)

	r := runHome(t, home, "agent", "add", "bot", "--grant", "openai:default", "--store", dsn, "--json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"credential": "asa1.`) {
		t.Fatalf("agent add --store: %s", r.stdout)
	}
	names := func(args ...string) []string {
		t.Helper()
		r := runHome(t, home, append([]string{"agent", "list", "--json"}, args...)...)
		wantCode(t, r, exitOK)
		var out struct{ Agents []struct{ Name string } }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, a := range out.Agents {
			n = append(n, a.Name)
		}
		return n
	}
	if got := names("--store", dsn); len(got) != 1 || got[0] != "bot" {
		t.Errorf("agent list --store: %v", got)
	}
	if got := names(); len(got) != 0 {
		t.Errorf("the profile's own agents: %v, want none", got)
	}
	t.Setenv(envStoreURL, dsn)
	wantCode(t, runHome(t, home, "agent", "revoke", "bot"), exitOK)
	r = runHome(t, home, "agent", "list", "--json")
	if !strings.Contains(r.stdout, `"status": "revoked"`) {
		t.Errorf("agent list with $%s after revoke: %s", envStoreURL, r.stdout)
	}
	wantCode(t, runHome(t, home, "agent", "list", "--key", "nosuch"), exitUsage)
}
