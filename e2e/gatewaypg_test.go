package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

// gatewayStormAgents is how many agents send one request each, at once, in
// TestGatewaysOnPostgres.
const gatewayStormAgents = 200

// TestGatewaysOnPostgres: three `serve --store` processes share one PostgreSQL store. Agents
// added, rotated and revoked with `agent … --store` are seen by every replica at once; 200
// agents' concurrent requests on an expired token, with strict refresh-token rotation at the
// sandbox, cause exactly one refresh between the replicas and are all answered with the new
// token; the database holds no token or credential in clear.
func TestGatewaysOnPostgres(t *testing.T) {
	skipShort(t)
	e, dsn, keyFile := signedInOnPostgres(t)
	key := []string{"--key", "file:" + keyFile}

	cliCred := e.addAgent(t, append([]string{"cli-agent", "--grant", "microsoft:default"}, key...)...)
	victim := e.addAgent(t, append([]string{"victim", "--grant", "microsoft:default"}, key...)...)
	var gws []*runningGateway
	for range 3 {
		gws = append(gws, e.startGateway(t, key...))
	}

	ctx := context.Background()
	ps, err := pgstore.Open(ctx, dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	creds := make([]string, gatewayStormAgents)
	g := grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "default"}}}
	for i := range creds {
		a, cred, err := gateway.NewAgent(fmt.Sprintf("agent-%03d", i), g, time.Now(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := ps.Agents().Create(ctx, a); err != nil {
			t.Fatal(err)
		}
		creds[i] = cred
	}

	t.Run("agents on every replica", func(t *testing.T) {
		for i, gw := range gws {
			for _, cred := range []string{cliCred, victim, creds[i]} {
				if st, body := do(t, gw.apiClient(), "GET", gw.URL+"/v1/connections", cred, ""); st != 200 {
					t.Fatalf("replica %d: %d %s", i, st, body)
				}
			}
		}
		var list struct {
			Agents []struct{ Name, Status string } `json:"agents"`
		}
		out := e.ok(append([]string{"agent", "list", "--json"}, key...)...).stdout
		if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Agents) != gatewayStormAgents+2 {
			t.Fatalf("agent list: %d agents, %v", len(list.Agents), err)
		}
		var rotated struct {
			Credential string `json:"credential"`
		}
		out = e.ok(append([]string{"agent", "rotate", "cli-agent", "--json"}, key...)...).stdout
		if err := json.Unmarshal([]byte(out), &rotated); err != nil || rotated.Credential == "" {
			t.Fatalf("agent rotate: %q %v", out, err)
		}
		for i, gw := range gws {
			if st, _ := do(t, gw.apiClient(), "GET", gw.URL+"/v1/connections", cliCred, ""); st != 401 {
				t.Errorf("replica %d, the rotated-away credential: %d, want 401", i, st)
			}
			if st, body := do(t, gw.apiClient(), "GET", gw.URL+"/v1/connections", rotated.Credential, ""); st != 200 {
				t.Errorf("replica %d, the new credential: %d %s", i, st, body)
			}
		}
	})

	t.Run("one refresh for 200 agents on 3 replicas", func(t *testing.T) {
		err := ps.Update(ctx, func(d *vault.Data) error {
			c, ok := d.Connection("microsoft", "default")
			if !ok {
				return fmt.Errorf("no microsoft:default in the store")
			}
			c.Expiry = time.Now().Add(-time.Minute)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		st := e.sb.Settings()
		st.StrictRefreshRotation = true
		e.sb.SetSettings(st)
		e.sb.ClearRequests()

		statuses := make([]int, len(creds))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, cred := range creds {
			c := gws[i%len(gws)].proxyClient(fmt.Sprintf("agent-%03d", i), cred)
			wg.Go(func() {
				<-start
				statuses[i], _ = do(t, c, "GET", graphMe, "", "")
			})
		}
		close(start)
		wg.Wait()
		for i, s := range statuses {
			if s != 200 {
				t.Errorf("agent-%03d on replica %d: status %d", i, i%len(gws), s)
			}
		}
		refreshes, refused := 0, 0
		for _, r := range e.sb.Requests() {
			if r.Form["grant_type"] == "refresh_token" {
				refreshes++
				if r.Status != 200 {
					refused++
				}
			}
		}
		if refreshes != 1 || refused != 0 {
			t.Errorf("%d refresh grants at the sandbox (%d refused, as invalid_grant), want exactly 1 and none refused", refreshes, refused)
		}
		d, err := ps.Load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := d.Connection("microsoft", "default")
		if !c.Expiry.After(time.Now()) {
			t.Fatalf("the stored token still expired at %v", c.Expiry)
		}
		auth := e.graphAuth("/v1.0/me")
		if len(auth) != len(creds) {
			t.Errorf("%d requests reached Graph, want %d", len(auth), len(creds))
		}
		for _, a := range auth {
			if a != tokenHash(c.AccessToken) {
				t.Fatal("a request reached Graph with another token than the refreshed one")
			}
		}
		events, err := ps.Audit(ctx, time.Time{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		refreshEvents := 0
		for _, ev := range events {
			if ev.Kind == "refresh" {
				refreshEvents++
			}
		}
		if refreshEvents != 1 {
			t.Errorf("%d refresh events in the store's audit log, want 1: %+v", refreshEvents, events)
		}
		dump := pgtest.Dump(t, dsn)
		for _, s := range append([]string{c.AccessToken, c.RefreshToken, victim}, creds[:3]...) {
			if s == "" || strings.Contains(dump, s[strings.LastIndex(s, ".")+1:]) {
				t.Fatal("the database dump holds a token or an agent's secret in clear")
			}
		}
	})

	t.Run("revoked on every replica at once", func(t *testing.T) {
		e.ok(append([]string{"agent", "revoke", "victim"}, key...)...)
		revoked := time.Now()
		for i, gw := range gws { // no retry: the first request after the revocation is refused
			if st, _ := do(t, gw.apiClient(), "GET", gw.URL+"/v1/connections", victim, ""); st != 401 {
				t.Errorf("replica %d, API: %d after the revocation, want 401", i, st)
			}
			if st, _ := do(t, gw.proxyClient("victim", victim), "GET", graphMe, "", ""); st != 0 && st != 407 {
				t.Errorf("replica %d, proxy: %d after the revocation, want it refused (407)", i, st)
			}
		}
		t.Logf("every replica refused the revoked agent within %v of `agent revoke` returning", time.Since(revoked).Round(time.Millisecond))
	})
}
