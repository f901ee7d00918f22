package e2e

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

// otherHost is the env of another host: the same sandbox and environment (so the same
// store), another home.
func (e *env) otherHost(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	info, err := os.ReadFile(filepath.Join(e.home, "sandbox.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "sandbox.json"), info, 0o600); err != nil {
		t.Fatal(err)
	}
	o := *e
	o.t, o.home, o.vars = t, home, append(slices.Clone(e.vars), "AUTHSOME_HOME="+home)
	return &o
}

// storeEnv signs in on the sandbox, copies the profile into a fresh PostgreSQL store (the
// default of --store from then on) and returns the env and the --key flags of the store.
func storeEnv(t *testing.T) (e *env, dsn, keyFile string, key []string) {
	t.Helper()
	dsn = pgtest.Start(t)
	e, _ = attackSignedIn(t)
	keyFile = filepath.Join(t.TempDir(), "store.key")
	key = []string{"--key", "file:" + keyFile}
	e.ok(append([]string{"store", "migrate", "--to", dsn}, key...)...)
	e.vars = append(e.vars, "AUTHSOME_STORE="+dsn)
	return e, dsn, keyFile, key
}

// TestStoreCASharedByReplicas: two `serve --store` processes on two homes (two hosts) present
// the same CA, kept in the store, so an agent trusting one uses the other; `store ca` prints
// it; a replica with a name the CA does not cover is refused with the command that widens it;
// the widened CA survives a rekey; the database holds no CA key in clear.
func TestStoreCASharedByReplicas(t *testing.T) {
	skipShort(t)
	e, dsn, _, key := storeEnv(t)
	other := e.otherHost(t)
	cred := e.addAgent(t, append([]string{"ops", "--grant", "microsoft:default"}, key...)...)
	g1 := e.startGateway(t, key...)
	g2 := other.startGateway(t, key...)
	ca := readFile(t, g1.CAFile)
	if g1.CAFile == g2.CAFile || ca != readFile(t, g2.CAFile) {
		t.Fatalf("the replicas present different CAs (%s, %s)", g1.CAFile, g2.CAFile)
	}
	g2.roots = g1.roots // the agent was given the first replica's ca.pem
	if st, body := do(t, g2.apiClient(), "GET", g2.URL+"/v1/connections", cred, ""); st != 200 {
		t.Fatalf("replica 2 with replica 1's CA, API: %d %s", st, body)
	}
	if st, body := do(t, g2.proxyClient("ops", cred), "GET", graphMe, "", ""); st != 200 {
		t.Fatalf("replica 2 with replica 1's CA, proxy: %d %s", st, body)
	}
	if out := other.ok(append([]string{"store", "ca"}, key...)...).stdout; strings.TrimSpace(out) != ca {
		t.Fatalf("store ca printed\n%s\nwant the replicas' CA\n%s", out, ca)
	}

	r := other.run("", append([]string{"serve", "--listen", "127.0.0.1:0", "--hostname", "gw2.test"}, key...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "authsome store ca --hostname gw2.test") {
		t.Fatalf("serve for a name the CA does not cover: exit %d, %s", r.code, r.stderr)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	other.ok(append([]string{"store", "ca", "--hostname", "gw2.test", "--out", caFile}, key...)...)
	widened := readFile(t, caFile)
	if widened == ca {
		t.Fatal("store ca --hostname kept the CA that does not cover the name")
	}

	newKey := filepath.Join(t.TempDir(), "new.key")
	e.ok(append([]string{"store", "rekey", "--to", dsn, "--new-key", "file:" + newKey}, key...)...)
	g3 := other.startGateway(t, "--hostname", "gw2.test", "--key", "file:"+newKey)
	if readFile(t, g3.CAFile) != widened {
		t.Fatal("after the rekey, the replica presents another CA than the widened one")
	}
	if st, body := do(t, g3.proxyClient("ops", cred), "GET", graphMe, "", ""); st != 200 {
		t.Fatalf("after the rekey, proxy: %d %s", st, body)
	}

	ps, err := pgstore.Open(context.Background(), dsn, "default", vault.FileKey(newKey))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	stored, err := ps.GatewayCA(context.Background())
	if err != nil || stored == nil || strings.TrimSpace(string(stored.CertPEM)) != widened {
		t.Fatalf("the store's CA: %v %v", stored, err)
	}
	block, _ := pem.Decode(stored.KeyPEM)
	dump := pgtest.Dump(t, dsn)
	b64 := strings.Split(string(stored.KeyPEM), "\n")[1]
	if block == nil || strings.Contains(dump, b64) || strings.Contains(dump, hex.EncodeToString(block.Bytes[len(block.Bytes)-40:])) {
		t.Fatal("the database dump holds the gateway CA's key in clear")
	}
}

// TestServeFollowsConnections: a connection added to the store while serve runs (as another
// host's `store migrate` or sign-in would) is served within seconds, without a restart, to
// an agent granted it, through the API and the proxy; one removed stops being served.
func TestServeFollowsConnections(t *testing.T) {
	skipShort(t)
	e, dsn, keyFile, key := storeEnv(t)
	g := e.startGateway(t, key...)
	api := g.URL + "/v1/graph/microsoft/second/v1.0/me"
	ctx := context.Background()
	ps, err := pgstore.Open(ctx, dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	err = ps.Update(ctx, func(d *vault.Data) error {
		c, ok := d.Connection("microsoft", "default")
		if !ok {
			return fmt.Errorf("no microsoft:default in the store")
		}
		second := *c
		second.Name = "second"
		d.Put(&second)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cred := e.addAgent(t, append([]string{"late", "--grant", "microsoft:second"}, key...)...)
	waitStatus := func(what string, want int, get func() (int, string)) {
		t.Helper()
		var st int
		var body string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if st, body = get(); st == want {
				return
			}
		}
		t.Fatalf("%s: %d %s, want %d", what, st, body, want)
	}
	waitStatus("API, the added connection", 200, func() (int, string) { return do(t, g.apiClient(), "GET", api, cred, "") })
	if st, body := do(t, g.proxyClient("late", cred), "GET", graphMe, "", ""); st != 200 {
		t.Fatalf("proxy, the added connection: %d %s", st, body)
	}
	var list struct {
		Connections []struct {
			Connection string
			Served     bool
		} `json:"connections"`
	}
	_, body := do(t, g.apiClient(), "GET", g.URL+"/v1/connections", cred, "")
	if json.Unmarshal([]byte(body), &list); len(list.Connections) != 1 || !list.Connections[0].Served {
		t.Fatalf("/v1/connections: %s", body)
	}

	err = ps.Update(ctx, func(d *vault.Data) error {
		d.Delete("microsoft", "second")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitStatus("API, the removed connection", 404, func() (int, string) { return do(t, g.apiClient(), "GET", api, cred, "") })
}

// TestGraphPagesThroughAPI: a paged Graph list read through /v1/graph, following each page's
// @odata.nextLink as it is, which the gateway rewrote onto its own URL, reaches the end with
// every item once; the followed links are checked against the grant like any request.
func TestGraphPagesThroughAPI(t *testing.T) {
	skipShort(t)
	e, _ := attackSignedIn(t)
	cred := e.addAgent(t, "pager", "--grant", "microsoft:default", "--allow", "GET /v1.0/me/messages*")
	g := e.startGateway(t)
	prefix := g.URL + "/v1/graph/microsoft/default/"
	type page struct {
		Value []struct{ ID string } `json:"value"`
		Next  string                `json:"@odata.nextLink"`
	}
	get := func(u string) page {
		t.Helper()
		st, body := do(t, g.apiClient(), "GET", u, cred, "")
		var p page
		if err := json.Unmarshal([]byte(body), &p); st != 200 || err != nil {
			t.Fatalf("GET %s: %d %s", u, st, body)
		}
		return p
	}
	all := get(prefix + "v1.0/me/messages?$top=999&$select=id")
	if len(all.Value) < 5 {
		t.Fatalf("the sandbox mailbox has %d messages; the test needs a few pages", len(all.Value))
	}
	var ids []string
	pages := 0
	for u := prefix + "v1.0/me/messages?$top=2&$select=id"; u != ""; pages++ {
		p := get(u)
		for _, m := range p.Value {
			ids = append(ids, m.ID)
		}
		if p.Next != "" && !strings.HasPrefix(p.Next, prefix+"v1.0/me/messages?") {
			t.Fatalf("page %d: nextLink %s, want it on %s", pages, p.Next, prefix)
		}
		u = p.Next
	}
	var want []string
	for _, m := range all.Value {
		want = append(want, m.ID)
	}
	if !slices.Equal(ids, want) || pages < 3 {
		t.Fatalf("%d pages gave %d messages; one page gives %d", pages, len(ids), len(want))
	}
	if st, _ := do(t, g.apiClient(), "GET", prefix+"v1.0/me/contacts?$top=2", cred, ""); st != 403 {
		t.Fatalf("outside the grant: %d, want 403", st)
	}
}
