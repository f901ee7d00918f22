package broker_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

func TestMain(m *testing.M) {
	// The broker prefers these over the home's sandbox.json; a developer's shell must not
	// point the tests at another sandbox.
	os.Unsetenv("AUTHSOME_SANDBOX_URL")
	os.Unsetenv("AUTHSOME_SANDBOX_CA")
	os.Exit(pgtest.Main(m))
}

// clock is a settable clock for broker.Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is one test's world: a running TLS sandbox, a home folder whose sandbox.json points
// at it, a fake clock, and a broker on the default profile.
type fixture struct {
	sb    *sandbox.Server
	home  string
	clock *clock
	b     *broker.Broker
	// events, when set, is the event sink of the brokers opened after it was set.
	events func(broker.Event)
	// store, when set, replaces the profile's vault in every broker of the fixture.
	store broker.Store
	// reopen, when set, gives every broker of the fixture its own handle on the store's data,
	// as separate processes or replicas have.
	reopen func(testing.TB) broker.Store
	// propagation is how long a change made through one broker may take to reach another
	// broker's cache (0: at once).
	propagation time.Duration
}

func newFixture(t testing.TB) *fixture { return newFixtureOn(t, nil) }

// newFixtureOn is newFixture with brokers on store (nil: the profile's vault).
func newFixtureOn(t testing.TB, store broker.Store) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), clock: newClock(), store: store}
	return f.start(t)
}

// start starts the fixture's sandbox, records it in the home and opens the fixture's broker.
func (f *fixture) start(t testing.TB) *fixture {
	t.Helper()
	f.sb = startSandbox(t, sandbox.Options{Dir: t.TempDir()})
	if err := sandbox.WriteInfo(filepath.Join(f.home, broker.SandboxInfoFile), f.sb.Info()); err != nil {
		t.Fatal(err)
	}
	f.b = f.open(t, nil)
	return f
}

// startSandbox starts a sandbox on a free loopback port, with the process's signing key. The
// device-code interval is one second: the sandbox announces whole seconds, and 0 would make
// clients wait the RFC default 5 s.
func startSandbox(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.DeviceInterval = time.Second
	opts.SigningKey = testkey.RSA(t)
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// open opens another broker on the fixture's home and clock (as another process would).
func (f *fixture) open(t testing.TB, hc *http.Client) *broker.Broker {
	t.Helper()
	store := f.store
	if f.reopen != nil {
		store = f.reopen(t)
	}
	b, err := broker.Open(t.Context(), broker.Options{
		Home:       f.home,
		Profile:    "default",
		Keys:       vault.FileKey(filepath.Join(f.home, "profiles", "default", vault.KeyFileName)),
		Now:        f.clock.Now,
		HTTPClient: hc,
		Events:     f.events,
		Store:      store,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f *fixture) user(i int) string { return f.sb.Info().Users[i].UserPrincipalName }

// pollAtOnce is the OnDeviceCode callback for a code approved before the broker polls: the
// first poll gets the token, so it shortens the interval the broker waits before it (polling
// itself is oauth's, tested there; TestLoginDeviceFormPollingByDefault keeps the interval).
func pollAtOnce(da *oauth.DeviceAuth) { da.Interval = time.Millisecond }

// approver returns an OnDeviceCode callback that approves the code as upn and polls at once.
func approver(t testing.TB, sb *sandbox.Server, upn string) func(*oauth.DeviceAuth) {
	return func(da *oauth.DeviceAuth) {
		if da.UserCode == "" {
			t.Error("device code callback got no user code")
		}
		if err := sb.ApproveDeviceCode(da.UserCode, upn); err != nil {
			t.Errorf("approve device code: %v", err)
		}
		pollAtOnce(da)
	}
}

// loginDevice signs in to the sandbox's Microsoft tenant as upn with the device code flow.
func (f *fixture) loginDevice(t testing.TB, conn, upn string) *vault.Connection {
	t.Helper()
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider:     "microsoft",
		Connection:   conn,
		Cloud:        broker.CloudSandbox,
		Flow:         provider.FlowDeviceCode,
		OnDeviceCode: approver(t, f.sb, upn),
	})
	if err != nil {
		t.Fatalf("device code login: %v", err)
	}
	return c
}

// grants counts the token requests of one grant type the sandbox received.
func grants(sb *sandbox.Server, grantType string) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Form["grant_type"] == grantType {
			n++
		}
	}
	return n
}

const grantRefresh = "refresh_token"

// stored reads a connection straight from the store: the vault file through a fresh
// vault.Store, or the fixture's store.
func (f *fixture) stored(t *testing.T, prov, name string) *vault.Connection {
	t.Helper()
	st := f.store
	if st == nil {
		var err error
		st, err = vault.Open(filepath.Join(f.home, "profiles", "default"), vault.FileKey(filepath.Join(f.home, "profiles", "default", vault.KeyFileName)))
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := st.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	c, ok := d.Connection(prov, name)
	if !ok {
		t.Fatalf("%s/%s is not in the vault", prov, name)
	}
	return c
}

// recorder is an http.RoundTripper that keeps every request's header and form body.
type recorder struct {
	base http.RoundTripper
	// answered, when set, is called once the response has been read into memory.
	answered func(recorded)
	mu       sync.Mutex
	reqs     []recorded
}

type recorded struct {
	path   string
	header http.Header
	form   url.Values
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := recorded{path: req.URL.Path, header: req.Header.Clone()}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		rec.form, _ = url.ParseQuery(string(body))
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
	resp, err := r.base.RoundTrip(req)
	if err != nil || r.answered == nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.answered(rec)
	return resp, nil
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

func hasScope(scopes []string, s string) bool { return slices.Contains(scopes, s) }
