package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"github.com/authsome-go/authsome/sandbox"
)

// sandboxEnv is an in-process sandbox with a signed-in user, set up as
// msgraph's own sandbox tests do.
type sandboxEnv struct {
	sb         *sandbox.Server
	url        string
	token      *oauth2.Token
	userID     string
	messageIDs []string // the user's messages, newest first

	mu         sync.Mutex
	transports []*http.Transport // of the clients newHTTPClient made
}

// startSandbox starts the sandbox on loopback (plain HTTP) and signs the
// first seeded user in with the password grant of the public client.
func startSandbox(ctx context.Context) (*sandboxEnv, error) {
	sb, err := sandbox.New(sandbox.Options{PlainHTTP: true})
	if err != nil {
		return nil, err
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	e := &sandboxEnv{sb: sb, url: sb.URL(), userID: sandbox.Users()[0].ID}
	user := sandbox.Users()[0]
	cfg := oauth2.Config{
		ClientID: sandbox.PublicClientID,
		Endpoint: oauth2.Endpoint{TokenURL: e.url + "/" + sandbox.TenantID + "/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   []string{"User.Read", "Mail.Read", "Files.ReadWrite", "offline_access"},
	}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, sb.Client())
	if e.token, err = cfg.PasswordCredentialsToken(tctx, user.UserPrincipalName, user.Password); err != nil {
		sb.Close()
		return nil, fmt.Errorf("sandbox sign-in: %w", err)
	}
	var pg plainPage
	p := newPlainClient(newHTTPClient(e, &counters{}), e.url)
	if err := p.get(ctx, p.base+"me/messages?$top=1000", &pg); err != nil {
		sb.Close()
		return nil, err
	}
	for _, m := range pg.Value {
		e.messageIDs = append(e.messageIDs, m.ID)
	}
	if len(e.messageIDs) == 0 {
		sb.Close()
		return nil, fmt.Errorf("the sandbox user has no messages")
	}
	return e, nil
}

// Close closes the clients' idle connections, then the sandbox. A connection a
// client dialed and never sent a request on would otherwise hold up the
// server's graceful shutdown until it times out.
func (e *sandboxEnv) Close() {
	e.mu.Lock()
	for _, tr := range e.transports {
		tr.CloseIdleConnections()
	}
	e.mu.Unlock()
	e.sb.Close()
}

// counters count what one client's transport did.
type counters struct {
	requests atomic.Int64
	dials    atomic.Int64
}

type countingTransport struct {
	rt http.RoundTripper
	n  *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.rt.RoundTrip(r)
}

// newHTTPClient returns the authenticated HTTP client one Graph client uses:
// the sandbox's transport (its own connection pool, keeping enough idle
// connections for the concurrent scenario), counting dials and requests,
// under an oauth2.Transport with the signed-in user's token. Both the anchor
// and msgraph get one of these, so authentication costs them the same.
func newHTTPClient(e *sandboxEnv, cnt *counters) *http.Client {
	tr := e.sb.Client().Transport.(*http.Transport)
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	e.mu.Lock()
	e.transports = append(e.transports, tr)
	e.mu.Unlock()
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		cnt.dials.Add(1)
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tokenTransport(e, countingTransport{tr, &cnt.requests}), Timeout: 30 * time.Second}
}

// tokenTransport sends the signed-in user's access token with every request.
func tokenTransport(e *sandboxEnv, base http.RoundTripper) http.RoundTripper {
	return &oauth2.Transport{Source: oauth2.StaticTokenSource(e.token), Base: base}
}

// opFunc is one operation of a scenario, by worker w, its i-th.
type opFunc func(ctx context.Context, w, i int) error

// sample is one measured slice.
type sample struct {
	ops, requests  int64
	elapsed        time.Duration
	latencies      []time.Duration // per operation, sorted
	mallocs, bytes uint64          // whole process
}

func (s sample) percentile(q float64) time.Duration {
	n := len(s.latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return s.latencies[min(max(i, 0), n-1)]
}

// measure runs op in c closed loops: for warm (unmeasured), then, after a
// GC, for d. Every operation started in the measured part is waited for and
// counted; allocations are the process's between its start and end.
func measure(ctx context.Context, c int, warm, d time.Duration, op opFunc, requests func() int64) (sample, error) {
	if warm > 0 {
		if _, err := loop(ctx, c, warm, op); err != nil {
			return sample{}, err
		}
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	r0, t0 := requests(), time.Now()
	lat, err := loop(ctx, c, d, op)
	elapsed := time.Since(t0)
	runtime.ReadMemStats(&m1)
	if err != nil {
		return sample{}, err
	}
	s := sample{
		ops: int64(len(lat)), requests: requests() - r0, elapsed: elapsed, latencies: lat,
		mallocs: m1.Mallocs - m0.Mallocs, bytes: m1.TotalAlloc - m0.TotalAlloc,
	}
	if s.ops == 0 {
		return s, fmt.Errorf("no operation completed in %v", d)
	}
	return s, nil
}

// loop runs op in c goroutines until d has passed, each at least once (a
// busy machine may start a goroutine after d), and returns the sorted
// latencies of the operations.
func loop(ctx context.Context, c int, d time.Duration, op opFunc) ([]time.Duration, error) {
	until := time.Now().Add(d)
	g, gctx := errgroup.WithContext(ctx)
	lat := make([][]time.Duration, c)
	for w := range c {
		g.Go(func() error {
			own := make([]time.Duration, 0, 8192)
			for i := 0; ; i++ {
				t0 := time.Now()
				if i > 0 && t0.After(until) {
					break
				}
				if err := op(gctx, w, i); err != nil {
					return err
				}
				own = append(own, time.Since(t0))
			}
			lat[w] = own
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	return all, nil
}

// scenario is one workload, run the same way by each client.
type scenario struct {
	Name string
	C    int    // concurrent workers
	Desc string // what one operation is, for the report
	// Op returns the operation on a client; it checks what the client returns.
	Op func(g graphAPI) opFunc
	// PerMessage says the operation's requests depend on its index i (the
	// message it reads): recording it for the client-only part takes every
	// message id, where once does for the others.
	PerMessage bool
}

// scenarios are the live workloads; c is the concurrency of the concurrent one.
func scenarios(e *sandboxEnv, c int) []scenario {
	ids := e.messageIDs
	list := func(top int) func(g graphAPI) opFunc {
		return func(g graphAPI) opFunc {
			return func(ctx context.Context, _, _ int) error {
				n, err := g.ListMessages(ctx, top)
				if err == nil && n != len(ids) {
					err = fmt.Errorf("listing with $top=%d gave %d messages, want %d", top, n, len(ids))
				}
				return err
			}
		}
	}
	return []scenario{
		{Name: "me", C: 1, Desc: "GET /me, one after another", Op: func(g graphAPI) opFunc {
			return func(ctx context.Context, _, _ int) error {
				id, err := g.Me(ctx)
				if err == nil && id != e.userID {
					err = fmt.Errorf("GET /me: id %q, want %q", id, e.userID)
				}
				return err
			}
		}},
		{Name: "list-top10", C: 1, Desc: fmt.Sprintf("all %d of /me/messages in pages of 10", len(ids)), Op: list(10)},
		{Name: "list-top100", C: 1, Desc: fmt.Sprintf("all %d of /me/messages in one page ($top=100)", len(ids)), Op: list(100)},
		{Name: fmt.Sprintf("message-c%d", c), C: c, Desc: fmt.Sprintf("GET /me/messages/{id}, %d goroutines", c), PerMessage: true, Op: func(g graphAPI) opFunc {
			return func(ctx context.Context, w, i int) error {
				id := ids[(w*7+i)%len(ids)]
				got, err := g.Message(ctx, id)
				if err == nil && got != id {
					err = fmt.Errorf("GET message %s: got id %q", id, got)
				}
				return err
			}
		}},
	}
}
