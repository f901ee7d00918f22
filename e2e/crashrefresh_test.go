package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// crashRounds is how many replicas TestReplicaKilledMidRefresh kills.
const crashRounds = 100

// The token request of each round is delayed crashDelay before the sandbox redeems the
// refresh token and its answer held back crashHold after, so that the random kills fall
// before the request is sent, while the provider has it, after it redeemed the token and
// after the answer was stored.
const (
	crashDelay = 100 * time.Millisecond
	crashHold  = 100 * time.Millisecond
	crashSpan  = crashDelay + crashHold + 300*time.Millisecond // kills fall in [0, crashSpan) after the request
)

// TestReplicaKilledMidRefresh: 100 times, a `serve --store` replica starts refreshing an
// expired token (strict refresh-token rotation at the sandbox) and is killed with SIGKILL at a
// random moment; then another replica serves a request for the connection. It refreshes when
// the killed one had not sent its refresh; it answers that the connection needs a new sign-in
// when the killed one died between recording its refresh and storing the answer (the window
// in which the provider may have redeemed the token without anyone learning the new one); it
// serves the killed one's token when that was stored. The sandbox never sees a refresh token
// presented twice.
func TestReplicaKilledMidRefresh(t *testing.T) {
	skipShort(t)
	e, dsn, keyFile := signedInOnPostgres(t)
	key := []string{"--key", "file:" + keyFile}
	cred := e.addAgent(t, append([]string{"crash-agent", "--grant", "microsoft:default"}, key...)...)
	ps, err := pgstore.Open(t.Context(), dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	st := e.sb.Settings()
	st.StrictRefreshRotation = true
	e.sb.SetSettings(st)

	logB := filepath.Join(t.TempDir(), "b.log")
	outcomes := map[string]int{}
	var killedAt []time.Duration // how long after recording its refresh a replica died in the window
	for round := range crashRounds {
		outcome, inWindow := crashRound(t, e, ps, dsn, logB, key, cred, round)
		outcomes[outcome]++
		if inWindow > 0 {
			killedAt = append(killedAt, inWindow)
		}
		if got := e.sb.RefreshStats(); got.Reuses != 0 {
			t.Fatalf("round %d (%s): the sandbox saw a refresh token presented again: %+v", round, outcome, got)
		}
		if t.Failed() {
			return
		}
	}
	stats := e.sb.RefreshStats()
	t.Logf("%d rounds, %d refresh grants at the sandbox, %d reuses", crashRounds, stats.Grants, stats.Reuses)
	for _, k := range slices.Sorted(maps.Keys(outcomes)) {
		t.Logf("  %3d rounds (%2.0f%%): %s", outcomes[k], 100*float64(outcomes[k])/crashRounds, k)
	}
	window := refreshWindows(t, logB)
	t.Logf("window from recording a refresh to storing its answer, without injected delay (%d refreshes by the surviving replica): %s",
		len(window), spread(window))
	t.Logf("killed replicas that died in the window had recorded their refresh %s before (the sandbox delayed %v and held %v)",
		spread(killedAt), crashDelay, crashHold)
}

// signedInOnPostgres is a home signed in to the sandbox whose profile was migrated to a new
// PostgreSQL database (dsn, the default of --store for the env's commands), sealed with the
// key in keyFile.
func signedInOnPostgres(t *testing.T) (e *env, dsn, keyFile string) {
	t.Helper()
	dsn = pgtest.Start(t)
	e, _ = attackSignedIn(t)
	keyFile = filepath.Join(t.TempDir(), "store.key")
	e.ok("store", "migrate", "--to", dsn, "--key", "file:"+keyFile)
	e.vars = append(e.vars, "AUTHSOME_STORE="+dsn)
	return e, dsn, keyFile
}

// crashRound runs one round and returns how it ended and, for a replica killed in the window,
// how long after recording its refresh it died.
func crashRound(t *testing.T, e *env, ps *pgstore.Store, dsn, logB string, key []string, cred string, round int) (string, time.Duration) {
	t.Helper()
	reseed(t, e, ps)
	// Both replicas start while the token is fresh, so neither refreshes as it starts. The
	// second one is new in every round: a replica reuses a credential header for up to 30 s.
	// Replica A's sessions carry a name of their own, so that the test can wait for them to end.
	a := e.startGateway(t, append([]string{"--store", dsn + " application_name=" + crashReplicaA}, key...)...)
	b := e.startGateway(t, append([]string{"--log-file", logB}, key...)...)
	defer func() {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}()
	expire(t, ps)
	// The replica learns of the change by NOTIFY, in a few milliseconds; should it still serve
	// the old token, the round counts as one whose replica was killed before sending.
	time.Sleep(100 * time.Millisecond)
	e.sb.ClearFaults()
	if _, err := e.sb.AddFault(sandbox.Fault{Path: "/oauth2/v2.0/token$", Count: 1,
		DelayMS: int(crashDelay / time.Millisecond), HoldMS: int(crashHold / time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	before := e.sb.RefreshStats()
	client := a.proxyClient("crash-agent", cred)
	go func() {
		if resp, err := client.Get(graphMe); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(rand.N(crashSpan))
	a.cmd.Process.Kill()
	killed := time.Now()
	a.cmd.Wait()
	// A statement A sent just before it died (the commit recording its refresh) is carried out
	// by its server session after the kill; only once that session has ended is the store final.
	waitSessionsEnded(t, dsn, crashReplicaA)
	client.CloseIdleConnections()
	e.sb.ClearFaults()
	redeemed := e.sb.RefreshStats().Grants > before.Grants

	c := storedConn(t, ps)
	var outcome string
	switch {
	case c.RefreshSent != nil && redeemed:
		outcome = "killed after the sandbox redeemed the refresh token, before the answer was stored: needs_login"
	case c.RefreshSent != nil:
		outcome = "killed after recording the refresh, before the sandbox redeemed it: needs_login"
	case c.Expiry.After(time.Now()):
		outcome = "killed after the refresh was stored: the other replica serves its token"
	default:
		outcome = "killed before sending the refresh: the other replica refreshes"
	}
	inWindow := time.Duration(0)
	if c.RefreshSent != nil {
		inWindow = killed.Sub(c.RefreshSent.At)
	}

	status, body := proxyGet(t, b.proxyClient("crash-agent", cred))
	after := storedConn(t, ps)
	if c.RefreshSent != nil {
		if status == http.StatusOK || !strings.Contains(body, "sign in again") || after.Status != vault.StatusNeedsLogin ||
			!strings.Contains(after.LastError, "interrupted") {
			t.Errorf("round %d (%s): the other replica answered %d %q; stored status %q, last error %q",
				round, outcome, status, body, after.Status, after.LastError)
		}
		// No retry loop: the next request is refused at once, without a token request.
		e.sb.ClearRequests()
		if status, _ := proxyGet(t, b.proxyClient("crash-agent", cred)); status == http.StatusOK {
			t.Errorf("round %d: a second request on the connection needing a sign-in succeeded", round)
		}
		for _, r := range e.sb.Requests() {
			if r.Form["grant_type"] == "refresh_token" {
				t.Errorf("round %d: a connection needing a sign-in sent a refresh", round)
			}
		}
	} else if status != http.StatusOK || after.Status != vault.StatusConnected || !after.Expiry.After(time.Now()) {
		t.Errorf("round %d (%s): the other replica answered %d %q; stored status %q, expiry %v",
			round, outcome, status, body, after.Status, after.Expiry)
	}
	return outcome, inWindow
}

// crashReplicaA is the application_name of the killed replica's database sessions.
const crashReplicaA = "authsome-crash-replica-a"

// waitSessionsEnded waits until no session of the database of dsn carries the application
// name app: a session ends only after carrying out what its client sent before dying.
func waitSessionsEnded(t *testing.T, dsn, app string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d database sessions of the killed replica still open after a minute", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// proxyGet sends GET /v1.0/me through a replica and returns the status (0: no answer) and body.
func proxyGet(t *testing.T, c *http.Client) (int, string) {
	t.Helper()
	resp, err := c.Get(graphMe)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var sb strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&sb)
	return resp.StatusCode, sb.String()
}

func storedConn(t *testing.T, ps *pgstore.Store) *vault.Connection {
	t.Helper()
	d, err := ps.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	c, ok := d.Connection("microsoft", "default")
	if !ok {
		t.Fatal("microsoft/default is not in the store")
	}
	return c
}

// reseed gives the connection a fresh access token, and after a round that left it needing
// a sign-in, a new token pair from the sandbox (the user signing in again).
func reseed(t *testing.T, e *env, ps *pgstore.Store) {
	t.Helper()
	c := storedConn(t, ps)
	var fresh *sandboxTokens
	if c.Status == vault.StatusNeedsLogin {
		fresh = passwordGrant(t, e, c)
	}
	setConn(t, ps, func(c *vault.Connection) {
		if fresh != nil {
			c.AccessToken, c.RefreshToken, c.Status, c.LastError = fresh.AccessToken, fresh.RefreshToken, vault.StatusConnected, ""
		}
		c.Expiry = time.Now().Add(time.Hour)
	})
}

// expire makes the connection's access token expired.
func expire(t *testing.T, ps *pgstore.Store) {
	t.Helper()
	setConn(t, ps, func(c *vault.Connection) { c.Expiry = time.Now().Add(-time.Minute) })
}

func setConn(t *testing.T, ps *pgstore.Store, fn func(*vault.Connection)) {
	t.Helper()
	err := ps.Update(context.WithoutCancel(t.Context()), func(d *vault.Data) error {
		c, ok := d.Connection("microsoft", "default")
		if !ok {
			return fmt.Errorf("microsoft/default is not in the store")
		}
		fn(c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type sandboxTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// passwordGrant signs the sandbox's first user in again for c's client and scopes.
func passwordGrant(t *testing.T, e *env, c *vault.Connection) *sandboxTokens {
	t.Helper()
	u := e.sb.Info().Users[0]
	form := url.Values{"grant_type": {"password"}, "client_id": {c.ClientID}, "username": {u.UserPrincipalName},
		"password": {u.Password}, "scope": {strings.Join(c.Scopes, " ")}}
	resp, err := e.sb.Client().PostForm(e.sb.URL()+"/"+sandbox.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok sandboxTokens
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.RefreshToken == "" {
		t.Fatalf("signing in again: %d, %v", resp.StatusCode, err)
	}
	return &tok
}

// refreshWindows reads, from a replica's --log-file, how long each refresh it completed took
// from recording it to storing its answer.
func refreshWindows(t *testing.T, logFile string) []time.Duration {
	t.Helper()
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Duration
	for line := range strings.Lines(string(data)) {
		var rec struct {
			Msg  string `json:"msg"`
			Sent int64  `json:"sent_to_stored"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "token refreshed" {
			out = append(out, time.Duration(rec.Sent))
		}
	}
	return out
}

// spread is "min / median / max" of ds, rounded to the millisecond.
func spread(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Sorted(slices.Values(ds))
	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
	return fmt.Sprintf("min %v / median %v / max %v", r(s[0]), r(s[len(s)/2]), r(s[len(s)-1]))
}
