package azcred_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/authsome-go/authsome/azcred"
	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// clock is a settable clock for the broker, so a test can move past a token's expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// world is a running sandbox, a home whose sandbox.json points at it, and a broker on it.
type world struct {
	sb    *sandbox.Server
	home  string
	b     *broker.Broker
	clock *clock
}

// signedIn starts a sandbox and signs its first user in as the default Microsoft connection,
// with the device code flow (approved by the test).
func signedIn(ctx context.Context, dir string, scopes ...string) (*world, error) {
	sb, err := sandbox.New(sandbox.Options{Dir: filepath.Join(dir, "sandbox"), DeviceInterval: time.Second})
	if err != nil {
		return nil, err
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	w := &world{sb: sb, home: filepath.Join(dir, "home"), clock: &clock{t: time.Now()}}
	if err := os.MkdirAll(w.home, 0o700); err != nil {
		sb.Close()
		return nil, err
	}
	if err := sandbox.WriteInfo(filepath.Join(w.home, broker.SandboxInfoFile), sb.Info()); err != nil {
		sb.Close()
		return nil, err
	}
	w.b, err = broker.Open(ctx, broker.Options{Home: w.home, Profile: "default", Now: w.clock.Now,
		Keys: vault.FileKey(filepath.Join(w.home, "profiles", "default", vault.KeyFileName))})
	if err == nil {
		upn := sb.Info().Users[0].UserPrincipalName
		_, err = w.b.Login(ctx, broker.LoginRequest{Provider: "microsoft", Cloud: broker.CloudSandbox,
			Flow: provider.FlowDeviceCode, Scopes: scopes,
			OnDeviceCode: func(da *oauth.DeviceAuth) { _ = sb.ApproveDeviceCode(da.UserCode, upn) }})
	}
	if err != nil {
		sb.Close()
		return nil, err
	}
	return w, nil
}

// graphPipeline is azcore's own pipeline with its bearer token policy on cred, trusting the
// sandbox's CA: what Microsoft's SDK clients build.
func (w *world) graphPipeline(cred azcore.TokenCredential, scopes ...string) (runtime.Pipeline, error) {
	hc, err := broker.ClientTrusting(w.sb.Info().CAFile)
	if err != nil {
		return runtime.Pipeline{}, err
	}
	return runtime.NewPipeline("azcredtest", "v0.0.0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, scopes, nil)},
	}, &policy.ClientOptions{Transport: hc}), nil
}

// me asks the sandbox's Graph for the signed-in user through p.
func (w *world) me(ctx context.Context, p runtime.Pipeline) (string, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, w.sb.Info().URL+"/v1.0/me")
	if err != nil {
		return "", err
	}
	resp, err := p.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", &httpError{resp.StatusCode, string(body)}
	}
	var u struct {
		DisplayName string `json:"displayName"`
	}
	return u.DisplayName, json.Unmarshal(body, &u)
}

type httpError struct {
	status int
	body   string
}

func (e *httpError) Error() string { return http.StatusText(e.status) + ": " + e.body }

func newWorld(t *testing.T, scopes ...string) *world {
	t.Helper()
	w, err := signedIn(t.Context(), t.TempDir(), scopes...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.sb.Close() })
	return w
}

// TestPipelineReadsGraph: azcore's pipeline and bearer token policy, with Microsoft's default
// Graph scope, call the sandbox's Graph with the connection's token.
func TestPipelineReadsGraph(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cred, err := azcred.New(w.b, "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, scope := range []string{"https://graph.microsoft.com/.default", w.sb.Info().URL + "/.default", "00000003-0000-0000-c000-000000000000/.default"} {
		p, err := w.graphPipeline(cred, scope)
		if err != nil {
			t.Fatal(err)
		}
		name, err := w.me(t.Context(), p)
		if err != nil || name == "" {
			t.Fatalf("GET /me with %s: %q, %v", scope, name, err)
		}
	}
}

// TestScopesChecked: a permission the connection holds (or one it implies) is served; one it
// lacks is an error naming the command that adds it, before any request is sent; other
// resources and a .default mixed with named permissions are refused as Microsoft does.
func TestScopesChecked(t *testing.T) {
	t.Parallel()
	w := newWorld(t, "User.Read", "Mail.ReadWrite", "offline_access")
	cred, err := azcred.New(w.b, "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, ok := range [][]string{
		{"https://graph.microsoft.com/User.Read"},
		{"Mail.Read"}, // implied by Mail.ReadWrite
		{"https://graph.microsoft.com/Mail.ReadWrite", "openid", "offline_access"},
	} {
		if tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: ok}); err != nil || tok.Token == "" {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, c := range []struct {
		scopes []string
		want   string
	}{
		{[]string{"https://graph.microsoft.com/Mail.Send"}, "lacks Mail.Send; add it with: authsome login microsoft --scopes +Mail.Send"},
		{[]string{"https://management.azure.com/.default"}, "is for https://management.azure.com"},
		{[]string{"https://graph.microsoft.com/.default", "https://graph.microsoft.com/User.Read"}, "AADSTS70011"},
		{nil, "no scope requested"},
	} {
		_, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: c.scopes})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q", c.scopes, err, c.want)
		}
	}
	// Through the pipeline, the missing permission fails the request before it is sent.
	before := len(w.sb.Requests())
	p, err := w.graphPipeline(cred, "https://graph.microsoft.com/Mail.Send")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.me(ctx, p); err == nil || !strings.Contains(err.Error(), "--scopes +Mail.Send") {
		t.Errorf("pipeline with a missing permission: %v", err)
	}
	if n := len(w.sb.Requests()) - before; n != 0 {
		t.Errorf("%d requests reached the sandbox", n)
	}
}

// TestExpiredTokenIsRefreshed: past the token's expiry GetToken returns a new token, which the
// broker got with the refresh token (and stored); the pipeline reads Graph with it.
func TestExpiredTokenIsRefreshed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cred, err := azcred.New(w.b, "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	scopes := policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}}
	first, err := cred.GetToken(ctx, scopes)
	if err != nil {
		t.Fatal(err)
	}
	again, err := cred.GetToken(ctx, scopes)
	if err != nil || again.Token != first.Token {
		t.Fatalf("a fresh token was not served as it is: %v", err)
	}
	w.clock.Advance(time.Until(first.ExpiresOn) + time.Minute)
	if _, err := w.sb.AdvanceClock(time.Until(first.ExpiresOn) + time.Minute); err != nil {
		t.Fatal(err)
	}
	refreshes := func() int {
		n := 0
		for _, r := range w.sb.Requests() {
			if r.Form["grant_type"] == "refresh_token" {
				n++
			}
		}
		return n
	}
	before := refreshes()
	second, err := cred.GetToken(ctx, scopes)
	if err != nil {
		t.Fatal(err)
	}
	if second.Token == first.Token || !second.ExpiresOn.After(first.ExpiresOn) {
		t.Fatal("the expired token was served again")
	}
	if n := refreshes() - before; n != 1 {
		t.Errorf("%d refresh requests, want 1", n)
	}
	stored, err := w.b.Connection(ctx, "microsoft", "")
	if err != nil || stored.AccessToken != second.Token {
		t.Errorf("the refreshed token was not stored: %v", err)
	}
	p, err := w.graphPipeline(cred, "https://graph.microsoft.com/.default")
	if err != nil {
		t.Fatal(err)
	}
	if name, err := w.me(ctx, p); err != nil || name == "" {
		t.Fatalf("GET /me with the refreshed token: %q, %v", name, err)
	}
}

func TestMain(m *testing.M) {
	// The broker prefers these over the home's sandbox.json; a developer's shell must not
	// point the tests at another sandbox.
	os.Unsetenv("AUTHSOME_SANDBOX_URL")
	os.Unsetenv("AUTHSOME_SANDBOX_CA")
	os.Exit(m.Run())
}
