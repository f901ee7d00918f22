package broker_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
)

// newAutoApproveFixture is newFixture with a sandbox that approves every sign-in as its first
// user, so that the authorize request redirects straight to the loopback.
func newAutoApproveFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{home: t.TempDir(), clock: newClock()}
	f.sb = startSandbox(t, sandbox.Options{Dir: t.TempDir(), AutoApprove: true})
	if err := sandbox.WriteInfo(filepath.Join(f.home, broker.SandboxInfoFile), f.sb.Info()); err != nil {
		t.Fatal(err)
	}
	f.b = f.open(t, nil)
	return f
}

// visit is what the browser stand-in saw.
type visit struct {
	redirectURI string // the authorize request's redirect_uri
	status      int    // the authorize answer's status
	location    string // where it redirected
	page        string // the last page (the loopback's, or the sandbox's error page)
	err         error
}

// sandboxBrowser opens the authorize URL with the sandbox's client and, on a redirect, follows
// it to the loopback like a browser.
func sandboxBrowser(sb *sandbox.Server, seen chan<- visit) func(string) error {
	return func(u string) error {
		go func() {
			var v visit
			defer func() { seen <- v }()
			au, err := url.Parse(u)
			if err != nil {
				v.err = err
				return
			}
			v.redirectURI = au.Query().Get("redirect_uri")
			c := *sb.Client()
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := c.Get(u)
			if err != nil {
				v.err = err
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			v.status, v.page = resp.StatusCode, string(body)
			if resp.StatusCode != http.StatusFound {
				return
			}
			v.location = resp.Header.Get("Location")
			if resp, err = http.Get(v.location); err != nil {
				v.err = err
				return
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			v.page = string(body)
		}()
		return nil
	}
}

// An app registered with the original authsome's redirect URI signs in with --redirect-uri.
func TestLoginPKCECallbackPathOnSandbox(t *testing.T) {
	t.Parallel()
	f := newAutoApproveFixture(t)
	seen := make(chan visit, 1)
	c, err := f.b.Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowPKCE, Port: -1,
		RedirectURI: "http://127.0.0.1/auth/callback/oauth", Open: sandboxBrowser(f.sb, seen),
	})
	v := <-seen
	if err != nil {
		t.Fatalf("login through /auth/callback/oauth: %v (browser saw %d %.300s)", err, v.status, v.page)
	}
	ru, perr := url.Parse(v.redirectURI)
	if perr != nil || ru.Host == "127.0.0.1" || ru.Hostname() != "127.0.0.1" || ru.Path != "/auth/callback/oauth" {
		t.Errorf("redirect_uri sent = %q, want http://127.0.0.1:PORT/auth/callback/oauth", v.redirectURI)
	}
	if lu, err := url.Parse(v.location); err != nil || lu.Path != "/auth/callback/oauth" || lu.Query().Get("code") == "" {
		t.Errorf("the sandbox redirected to %q", v.location)
	}
	if !strings.Contains(v.page, "Signed in") {
		t.Errorf("loopback page: %.300s", v.page)
	}
	if c.Account.Username != f.user(0) || c.AccessToken == "" || c.ClientID != sandbox.PublicClientID {
		t.Errorf("connection = %v", c)
	}
}

// A path the app did not register fails on Microsoft's page with AADSTS50011, which never
// reaches the loopback: when the user gives up, the error says what to register.
func TestLoginPKCEUnregisteredRedirectPath(t *testing.T) {
	t.Parallel()
	f := newAutoApproveFixture(t)
	seen := make(chan visit, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := f.b.Login(ctx, broker.LoginRequest{
			Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowPKCE, Port: -1,
			RedirectURI: "http://127.0.0.1/not/registered", Open: sandboxBrowser(f.sb, seen),
		})
		done <- err
	}()
	v := <-seen
	if v.err != nil || v.status != http.StatusBadRequest || !strings.Contains(v.page, "AADSTS50011") || v.location != "" {
		t.Errorf("authorize answered %d (location %q, err %v), want the AADSTS50011 page:\n%.500s", v.status, v.location, v.err, v.page)
	}
	cancel() // the user gives up
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want it to wrap context.Canceled", err)
	}
	for _, want := range []string{"AADSTS50011", "http://127.0.0.1:7998 ", "http://127.0.0.1:7998/auth/callback/oauth", "sent " + v.redirectURI} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !strings.HasSuffix(v.redirectURI, "/not/registered") {
		t.Errorf("redirect_uri sent = %q", v.redirectURI)
	}
	if _, err := f.b.Connection(t.Context(), "microsoft", ""); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("a failed sign-in stored a connection: %v", err)
	}
}

// A bad --redirect-uri is refused before anything is started.
func TestLoginRedirectURIRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, bad := range []string{"https://127.0.0.1/cb", "http://example.com/cb", "http://127.0.0.1/cb?x=1"} {
		_, err := f.b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowPKCE, Port: -1, RedirectURI: bad,
			Open: func(string) error { t.Errorf("%s: the browser was opened", bad); return nil }})
		if err == nil || !strings.Contains(err.Error(), "redirect URI") {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}
