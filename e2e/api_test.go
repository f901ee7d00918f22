package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// TestAPI: `authsome api` sends one Graph request with the connection's token to the
// connection's Graph (here the sandbox), resolves paths the way Graph users write them,
// pages with --paginate, retries throttling after Retry-After, reports Graph errors in one
// line, and never sends the token to another host or prints it.
func TestAPI(t *testing.T) {
	t.Parallel()
	e, tok := signedIn(t)
	upn := e.sb.Info().Users[0].UserPrincipalName
	var printed strings.Builder // everything api wrote, checked for the token at the end
	t.Cleanup(func() {
		if strings.Contains(printed.String(), tok) {
			t.Error("api printed the token")
		}
	})
	run := func(args ...string) result {
		r := e.run("", args...)
		printed.WriteString(r.stdout + r.stderr)
		return r
	}
	ok := func(args ...string) result {
		t.Helper()
		r := run(args...)
		if r.code != 0 {
			t.Fatalf("authsome %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		return r
	}

	spellings := []string{"/me", "me", "/v1.0/me", e.sb.URL() + "/v1.0/me"}
	if testing.Short() {
		// One process per spelling: under -short a path and a full URL, and cli's
		// TestSplitGraphPath resolves the other spellings.
		spellings = []string{"/me", e.sb.URL() + "/v1.0/me"}
	}
	for _, p := range spellings {
		r := ok("api", p)
		var me struct {
			UPN string `json:"userPrincipalName"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &me); err != nil || me.UPN != upn {
			t.Errorf("api %s: %v\n%s", p, err, r.stdout)
		}
	}
	if n := e.withToken(t, "/v1.0/me", tok); n != len(spellings) {
		t.Errorf("%d /v1.0/me requests reached the sandbox, want %d", n, len(spellings))
	}

	// --paginate gathers every page: the same items as one large page.
	var all, paged struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	json.Unmarshal([]byte(ok("api", "me/messages?$top=999&$select=id").stdout), &all)
	e.sb.ClearRequests()
	r := ok("api", "--paginate", "me/messages?$top=7&$select=id")
	if err := json.Unmarshal([]byte(r.stdout), &paged); err != nil {
		t.Fatalf("--paginate output: %v\n%.300s", err, r.stdout)
	}
	if len(all.Value) < 8 || len(paged.Value) != len(all.Value) || paged.Value[len(paged.Value)-1].ID != all.Value[len(all.Value)-1].ID {
		t.Errorf("--paginate gave %d items, one page of 999 gave %d", len(paged.Value), len(all.Value))
	}
	if pages := len(e.graphAuth("/v1.0/me/messages")); pages != (len(all.Value)+6)/7 {
		t.Errorf("--paginate made %d requests for %d items in pages of 7", pages, len(all.Value))
	}

	// Throttling: retried after Retry-After, then the answer.
	if _, err := e.sb.AddFault(sandbox.Fault{Path: "^/v1.0/me$", Status: 429, RetryAfter: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	r = ok("api", "/me")
	if !strings.Contains(r.stdout, upn) || !strings.Contains(r.stderr, "429") || !strings.Contains(r.stderr, "retrying in 1s") {
		t.Errorf("throttled request:\nstdout %s\nstderr %s", r.stdout, r.stderr)
	}

	// A Graph error: exit 1, one line naming Graph's code; the body on stdout for scripts.
	r = run("api", "/me/messages/no-such-message")
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "404") ||
		!strings.Contains(r.stderr, "ErrorItemNotFound") || !strings.Contains(r.stdout, `"error"`) {
		t.Errorf("404: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}

	// Graph refusing the token is a credential error: exit 5, with what to do.
	if _, err := e.sb.AddFault(sandbox.Fault{Path: "^/v1.0/me$", Status: 401, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if r = run("api", "/me"); r.code != 5 || !strings.Contains(r.stderr, "401") || !strings.Contains(r.stderr, "authsome login microsoft") {
		t.Errorf("401: exit %d, stderr %s", r.code, r.stderr)
	}

	// The token never goes to another host.
	e.sb.ClearRequests()
	for _, p := range []string{"https://evil.test/v1.0/me", "http://" + strings.TrimPrefix(e.sb.URL(), "https://") + "/v1.0/me"} {
		r = run("api", p)
		if r.code != 2 || !strings.Contains(r.stderr, "refusing to send the Graph token") {
			t.Errorf("api %s: exit %d, stderr %s", p, r.code, r.stderr)
		}
	}
	if n := len(e.sb.Requests()); n != 0 {
		t.Errorf("%d requests reached the sandbox for refused URLs", n)
	}

	// Bad input is a usage error.
	for _, args := range [][]string{{"api"}, {"api", "-X", "POST", "--paginate", "/me"}, {"api", "-H", "NoColon", "/me"}, {"api", "-d", "@/no/such/file", "/me"}} {
		if testing.Short() && len(args) > 1 && args[1] == "-d" {
			continue // under -short cli's TestAPIDataFileErrors refuses a -d @FILE that cannot be read
		}
		if r := run(args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
}
