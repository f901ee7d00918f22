package sandbox

import (
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphperm"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/token"
)

// Every successful conformance row (every route of every workload has
// one: TestGraphConformanceCoversRoutes) also checks the route's
// permissions against Microsoft's table (package graphperm): before the
// row's request, the same request with a token holding every permission of
// the row token's kind (delegated or application) except those that grant
// it gets 403 and changes nothing; after a read, a token with only the
// least privileged permission Microsoft marks for it is let through too.

// permissionsProbe runs the first check for row's request (method on
// path, headers hdr with the row's token, body) and returns the second, to
// run after the row's own request.
func (c *conformance) permissionsProbe(t *testing.T, row conformanceRow, method, path string, hdr map[string]string, body string) (after func()) {
	t.Helper()
	after = func() {}
	if !strings.HasPrefix(path, "/v1.0/") || strings.HasSuffix(path, "/$batch") || strings.Contains(path, "/subscriptions") {
		return after // no permission of their own: $batch's parts and a subscription's resource have theirs
	}
	raw := strings.TrimPrefix(hdr["Authorization"], "Bearer ")
	claims, err := c.e.s.VerifyAccessToken(raw)
	if err != nil {
		return after // the row is about a bad token
	}
	route := c.routes.RoutePath(method, strings.SplitN(path, "?", 2)[0])
	g, from, ok := graphperm.Lookup(method, route)
	if !ok {
		t.Fatalf("Microsoft's permissions table has no %s %s (route %s), in any form", method, path, route)
	}
	granted, all := g.Delegated, graphperm.DelegatedNames()
	if claims.IsApp() {
		granted, all = g.Application, graphperm.ApplicationNames()
	}
	var others []string
	for _, p := range all {
		if !implies(p, granted) {
			others = append(others, p)
		}
	}
	send := func(perms []string) (int, string) {
		t.Helper()
		h := map[string]string{}
		for k, v := range hdr {
			h[k] = v
		}
		h["Authorization"] = "Bearer " + c.probeToken(t, raw, claims, perms)
		var in io.Reader
		if body != "" {
			in = strings.NewReader(body)
		}
		resp := c.e.do(method, path, in, h, nil)
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	if status, data := send(others); status != http.StatusForbidden {
		t.Errorf("with every permission but those that grant it (%s, as %s: %v), status %d, want 403: %.300s", method+" "+route, from, granted, status, data)
	}
	least := g.LeastDelegated
	if claims.IsApp() {
		least = g.LeastApplication
	}
	// A delegated permission of the user's own data (Files.Read) is tried
	// on /me only: elsewhere the data may be another user's.
	if method != http.MethodGet || least == "" || !claims.IsApp() && !graphperm.BeyondSelf(least) && !strings.HasPrefix(path, "/v1.0/me/") {
		return after
	}
	return func() {
		t.Helper()
		if status, data := send([]string{least}); status != row.status {
			t.Errorf("with only %s, the least privileged permission for %s, status %d, want %d: %.300s", least, method+" "+route, status, row.status, data)
		}
	}
}

// probeToken returns the token with claims (those of raw) but perms for
// its permissions, signed once for all the rows that probe with it.
func (c *conformance) probeToken(t *testing.T, raw string, claims *token.AccessClaims, perms []string) string {
	t.Helper()
	key := probeKey{raw, strings.Join(perms, " ")}
	if tok, ok := c.probeTokens[key]; ok {
		return tok
	}
	cl := *claims
	if cl.IsApp() {
		cl.Roles = perms
	} else {
		cl.Scp = key.perms
	}
	tok, err := c.e.s.signer.Sign(&cl)
	if err != nil {
		t.Fatal(err)
	}
	c.probeTokens[key] = tok
	return tok
}

func implies(p string, granted []string) bool {
	for _, q := range granted {
		if graphperm.Implies(p, q) {
			return true
		}
	}
	return false
}

// ungranted are the Graph routes Microsoft's permissions table has no
// entry for, in any form graphperm.Lookup derives, each with why it needs
// none of its own. Their handlers do not ask graphkit.Permitted (which
// refuses a request the table does not know).
var ungranted = map[string]string{
	"POST /v1.0/$batch": "each request of the batch is routed, and its permission checked, as itself",
	// Microsoft documents a subscription's permission as that of reading
	// its resource ("Create subscription": the permission depends on the
	// resource); the sandbox checks it with graphkit.PermittedTo for the
	// resource, and the other routes reach only the calling app's own
	// subscriptions (for a delegated token, its user's).
	"POST /v1.0/subscriptions":                   "the permission to read the subscription's resource",
	"GET /v1.0/subscriptions":                    "the calling app's own subscriptions",
	"GET /v1.0/subscriptions/{sid}":              "the calling app's own subscription",
	"PATCH /v1.0/subscriptions/{sid}":            "the calling app's own subscription",
	"DELETE /v1.0/subscriptions/{sid}":           "the calling app's own subscription",
	"POST /v1.0/subscriptions/{sid}/reauthorize": "the calling app's own subscription",
}

// TestGraphRoutesGranted fails when a Graph route (method and path under
// /v1.0/) has no grant in Microsoft's permissions table (graphperm.Lookup,
// {name} segments standing for any key) and is not in ungranted, or a
// route of ungranted has one or is gone. A pattern ending in {name...}
// (a drive's or a share's addresses) is judged by the paths its
// conformance rows send, each as graphkit.RoutePath gives it (a path that
// is no address gets 400 before any permission check: drive.addressed).
func TestGraphRoutesGranted(t *testing.T) {
	t.Parallel()
	s := &Server{kit: &graphkit.Kit{}}
	s.workloads = s.newWorkloads()
	routes := s.graphRoutes()
	placeholder := strings.NewReplacer("{", "x", "}", "x")
	tails := map[string][]string{} // tail pattern → the route paths its rows send
	for _, row := range conformanceRows() {
		// A row answered 400 may send a path that is no address at all.
		if method, _, ok := strings.Cut(row.route, " "); ok && strings.HasSuffix(row.route, "...}") && row.status != http.StatusBadRequest {
			path, _, _ := strings.Cut(placeholder.Replace(row.path), "?")
			tails[row.route] = append(tails[row.route], routes.RoutePath(method, path))
		}
	}
	var missing []string
	seen := map[string]bool{}
	for _, p := range routes.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || !strings.HasPrefix(path, "/v1.0/") {
			continue // the catch-all "/", and the identity platform's /oidc/userinfo
		}
		seen[p] = true
		paths := []string{path}
		if strings.HasSuffix(path, "...}") {
			paths = tails[p]
			if len(paths) == 0 {
				t.Errorf("%s: no conformance row sends a path it reaches", p)
			}
		}
		for _, rp := range paths {
			if _, _, ok := graphperm.Lookup(method, rp); !ok {
				missing = append(missing, method+" "+rp)
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		if ungranted[m] == "" {
			t.Errorf("Microsoft's permissions table grants no %s: match it to the table's spelling (graphperm's derived forms) or add it to ungranted with the reason", m)
		} else {
			t.Logf("no grant: %s (%s)", m, ungranted[m])
		}
	}
	for p := range ungranted {
		if !seen[p] || !slices.Contains(missing, p) {
			t.Errorf("ungranted lists %s, which is no route or has a grant: remove it", p)
		}
	}
}
