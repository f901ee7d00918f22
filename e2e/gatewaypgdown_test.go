package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/proxy"
	"github.com/authsome-go/authsome/vault"
)

// outageRecovery is how soon after PostgreSQL is back every replica must answer normally.
const outageRecovery = 5 * time.Second

// outageLength is how long PostgreSQL is down at least.
const outageLength = 3 * time.Second

// outageLoad counts what the agents of TestGatewaysAcrossPostgresRestart got.
type outageLoad struct {
	mu        sync.Mutex
	ok        map[string]int // 200 answers, by agent
	refused   [2]int         // 503 answers, by replica
	other     []string       // anything else
	oksBefore int            // ok's total when PostgreSQL was stopped
}

func (l *outageLoad) add(agent string, replica, status int, body string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case status == 200:
		l.ok[agent]++
	case status == 503, status == 0 && strings.Contains(body, "Service Unavailable"): // CONNECT answered 503
		l.refused[replica]++
	default:
		l.other = append(l.other, fmt.Sprintf("%s on replica %d: %d %.200s", agent, replica, status, body))
	}
}

func (l *outageLoad) snapshot() (oks int, refused [2]int, other int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range l.ok {
		oks += n
	}
	return oks, l.refused, len(l.other)
}

// TestGatewaysAcrossPostgresRestart: two `serve --store` replicas under load from several
// agents (proxy and API), and PostgreSQL restarted (fast shutdown, then started again on the
// same data). While it is down, requests are answered 503, nothing else; once it is back,
// every replica answers 200 within 5 s; every write acknowledged before, during and after
// (agents added with `agent add --store`, the audit rows of the requests answered 200) is in
// the database, which holds no token or credential in clear.
func TestGatewaysAcrossPostgresRestart(t *testing.T) {
	skipShort(t)
	pg := pgtest.Private(t)
	dsn := pg.DSN()
	e, _ := attackSignedIn(t)
	keyFile := t.TempDir() + "/store.key"
	key := []string{"--key", "file:" + keyFile}
	e.ok(append([]string{"store", "migrate", "--to", dsn}, key...)...)
	e.vars = append(e.vars, "AUTHSOME_STORE="+dsn) // the default of --store

	const agents = 4
	creds := make([]string, agents)
	for i := range creds {
		creds[i] = e.addAgent(t, append([]string{fmt.Sprintf("load-%d", i), "--grant", "microsoft:default"}, key...)...)
	}
	gws := []*runningGateway{e.startGateway(t, key...), e.startGateway(t, key...)}

	load := &outageLoad{ok: map[string]int{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, cred := range creds {
		name := fmt.Sprintf("load-%d", i)
		wg.Go(func() { // alternately through the proxy of one replica and the API of the other
			proxied, api := gws[i%2].proxyClient(name, cred), gws[(i+1)%2].apiClient()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond): // a steady load, not a storm
				}
				if n%2 == 0 {
					st, body := do(t, proxied, "GET", graphMe, "", "")
					load.add(name, i%2, st, body)
				} else {
					st, body := do(t, api, "GET", gws[(i+1)%2].URL+"/v1/graph/microsoft/default/v1.0/me", cred, "")
					load.add(name, (i+1)%2, st, body)
				}
			}
		})
	}
	var addedMu sync.Mutex
	var added []string // agents whose `agent add` succeeded
	wg.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			name := fmt.Sprintf("added-%d", n)
			if r := e.run("", append([]string{"agent", "add", name, "--grant", "microsoft:default"}, key...)...); r.code == 0 {
				addedMu.Lock()
				added = append(added, name)
				addedMu.Unlock()
			}
		}
	})
	defer func() { // the load ends however the test does
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()

	addedCount := func() int { addedMu.Lock(); defer addedMu.Unlock(); return len(added) }
	waitFor(t, "requests answered 200 before the outage", func() bool { oks, _, _ := load.snapshot(); return oks >= 4*agents })
	waitFor(t, "an agent added under load before the outage", func() bool { return addedCount() > 0 })
	pg.Stop(t)
	stopped := time.Now()
	oks, _, _ := load.snapshot()
	load.mu.Lock()
	load.oksBefore = oks
	load.mu.Unlock()
	waitFor(t, "503 answers from both replicas", func() bool { _, r, _ := load.snapshot(); return r[0] >= agents && r[1] >= agents })
	for i, gw := range gws {
		checkDownAnswers(t, gw, i, creds[0])
	}
	time.Sleep(outageLength - time.Since(stopped)) // down for a few seconds: the pool and the listener retry meanwhile

	pg.Start(t)
	back := time.Now()
	for i, gw := range gws { // every replica, by the API and by the proxy
		api, proxied := gw.apiClient(), gw.proxyClient("load-0", creds[0])
		waitFor(t, fmt.Sprintf("replica %d answering 200 again", i), func() bool {
			st, _ := do(t, api, "GET", gw.URL+"/v1/connections", creds[0], "")
			if st != 200 {
				return false
			}
			st, _ = do(t, proxied, "GET", graphMe, "", "")
			return st == 200
		})
	}
	recovered := time.Since(back)
	t.Logf("every replica answered 200 again %v after PostgreSQL was back", recovered.Round(time.Millisecond))
	if recovered > outageRecovery {
		t.Errorf("the replicas took %v to recover, more than %v", recovered, outageRecovery)
	}
	addedBack := addedCount()
	waitFor(t, "requests answered 200 after the outage", func() bool {
		oks, _, _ := load.snapshot()
		return oks >= load.oksBefore+8*agents
	})
	waitFor(t, "an agent added after the outage", func() bool { return addedCount() > addedBack })
	for i, gw := range gws {
		if st, body := do(t, gw.apiClient(), "GET", gw.URL+"/readyz", "", ""); st != 200 {
			t.Errorf("replica %d: /readyz %d %s after the outage", i, st, body)
		}
	}
	close(stop)
	wg.Wait()
	for _, gw := range gws { // a graceful stop writes the audit entries still buffered
		gw.cmd.Process.Signal(syscall.SIGTERM)
		if err := gw.cmd.Wait(); err != nil {
			t.Errorf("serve did not stop cleanly: %v\n%s", err, gw.logs.String())
		}
	}

	oks, refused, other := load.snapshot()
	t.Logf("load: %d answered 200, %d and %d answered 503 by the replicas, %d agents added", oks, refused[0], refused[1], len(added))
	if other != 0 {
		t.Errorf("%d answers other than 200 and 503, such as: %s", other, strings.Join(load.other[:min(5, other)], "; "))
	}
	checkAcknowledged(t, pg, dsn, keyFile, load, added, creds)
}

// checkDownAnswers checks, while the database is down, one replica's answers: /readyz and the
// API are 503 (JSON, with Retry-After), so is CONNECT (plain text), and the store errors are
// counted.
func checkDownAnswers(t *testing.T, gw *runningGateway, i int, cred string) {
	t.Helper()
	if st, body := do(t, gw.apiClient(), "GET", gw.URL+"/readyz", "", ""); st != 503 {
		t.Errorf("replica %d: /readyz %d %s while the database is down", i, st, body)
	}
	req, _ := http.NewRequest("GET", gw.URL+"/v1/connections", nil)
	req.Header.Set("Authorization", "Bearer "+cred)
	resp, err := gw.apiClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("replica %d, API: %s, Retry-After %q, %s", i, resp.Status, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"))
	}
	// CONNECT by hand, to see the answer's headers.
	conn, err := tls.Dial("tcp", gw.Listen, &tls.Config{RootCAs: gw.roots, ServerName: "gateway.test"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	auth := base64.StdEncoding.EncodeToString([]byte("load-0:" + cred))
	fmt.Fprintf(conn, "CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: graph.microsoft.com:443\r\nProxy-Authorization: Basic %s\r\n\r\n", auth)
	cresp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
	if err != nil {
		t.Fatal(err)
	}
	if cresp.StatusCode != 503 || cresp.Header.Get("Retry-After") == "" || !strings.HasPrefix(cresp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("replica %d, CONNECT: %s, Retry-After %q, %s", i, cresp.Status, cresp.Header.Get("Retry-After"), cresp.Header.Get("Content-Type"))
	}
	_, metrics := do(t, gw.apiClient(), "GET", gw.URL+"/metrics", "", "")
	if v := metricValue(t, metrics, gateway.MetricStoreErrors, `op="agents"`); v < 1 {
		t.Errorf("replica %d: %s{op=agents} = %v while the database is down", i, gateway.MetricStoreErrors, v)
	}
}

// checkAcknowledged checks that every acknowledged write is in the database: the agents
// added, and an audit row for each request answered 200; and that it holds no secret.
func checkAcknowledged(t *testing.T, pg *pgtest.Cluster, dsn, keyFile string, load *outageLoad, added, creds []string) {
	t.Helper()
	ctx := context.Background()
	ps, err := pgstore.Open(ctx, dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	list, err := ps.Agents().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	for _, name := range added {
		if !slices.Contains(names, name) {
			t.Errorf("agent %s was added (`agent add` succeeded) but is not in the database", name)
		}
	}
	recs, _, err := ps.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for _, r := range recs {
		if r.Kind == proxy.KindRequest && r.Status == 200 {
			rows[r.Agent]++
		}
	}
	for agent, n := range load.ok {
		if rows[agent] < n {
			t.Errorf("agent %s: %d requests answered 200, %d audit rows of them in the database", agent, n, rows[agent])
		}
	}
	d, err := ps.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := d.Connection("microsoft", "default")
	dump := pg.Dump(t)
	for _, s := range append([]string{c.AccessToken, c.RefreshToken}, creds...) {
		if s == "" || strings.Contains(dump, s[strings.LastIndex(s, ".")+1:]) {
			t.Fatal("the database dump holds a token or an agent's secret in clear")
		}
	}
}

// waitFor polls cond until it holds, failing the test after a generous while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
