package main

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/sandbox"
)

// env is the app on httptest, signing in through a sandbox.
type env struct {
	t  *testing.T
	s  *sandbox.Server
	ts *httptest.Server
	a  *app
}

func start(t *testing.T) *env {
	t.Helper()
	s, err := startSandbox(testkey.RSA(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ts := httptest.NewUnstartedServer(nil)
	a, err := newSandboxApp(s, "http://"+ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = a.handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return &env{t: t, s: s, ts: ts, a: a}
}

// browser is a client with a cookie jar that follows redirects, as a
// browser does.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

func read(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	ctxRE    = regexp.MustCompile(`name="ctx" id="ctx" value="([^"]+)"`)
	actionRE = regexp.MustCompile(`<form method="post" action="([^"]+)" id="signin">`)
)

// latestSubjects asks Graph directly (password grant) for u's five latest
// subjects: what the page must show.
func (e *env) latestSubjects(u sandbox.User) []string {
	e.t.Helper()
	ctx := context.Background()
	cfg := oauth2.Config{ClientID: sandbox.PublicClientID, Scopes: []string{"Mail.Read"},
		Endpoint: oauth2.Endpoint{TokenURL: e.s.URL() + "/organizations/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams}}
	tok, err := cfg.PasswordCredentialsToken(ctx, u.UserPrincipalName, u.Password)
	if err != nil {
		e.t.Fatal(err)
	}
	g, err := msgraph.NewClient(cfg.Client(ctx, tok), msgraph.WithBaseURL(e.s.URL()))
	if err != nil {
		e.t.Fatal(err)
	}
	msgs, _, err := g.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{ListOptions: msgraph.ListOptions{
		Select: []string{"subject"}, OrderBy: []string{"receivedDateTime desc"}, Top: 5}})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Subject)
	}
	return out
}

func TestSignInAndReadMail(t *testing.T) {
	e := start(t)
	user := sandbox.Users()[1] // not the AutoApprove user: the form decides who signs in
	want := e.latestSubjects(user)
	if len(want) == 0 {
		t.Fatal("the seeded user has no mail to show")
	}
	b := browser(t)

	resp, err := b.Get(e.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if page := read(t, resp); !strings.Contains(page, `href="/login"`) {
		t.Fatalf("home page without a sign-in link:\n%s", page)
	}

	// Sign in: the app redirects to the sandbox's authorize page.
	resp, err = b.Get(e.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	signin := read(t, resp)
	authorize := resp.Request.URL
	if !strings.HasPrefix(authorize.String(), e.s.URL()+"/organizations/oauth2/v2.0/authorize?") {
		t.Fatalf("login went to %s", authorize)
	}
	q := authorize.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("state") == "" || q.Get("nonce") == "" ||
		q.Get("redirect_uri") != e.ts.URL+sandboxCallbackPath {
		t.Fatalf("authorize parameters %v", q)
	}
	// The cookie is an opaque id; nothing of the sign-in is in it.
	for _, c := range b.Jar.Cookies(mustURL(t, e.ts.URL)) {
		if strings.Contains(c.Value, q.Get("state")) || strings.Contains(c.Value, q.Get("nonce")) {
			t.Errorf("cookie %s holds sign-in data", c.Name)
		}
	}

	// Post the sandbox's sign-in form as the user; the browser follows the
	// redirect to the callback and on to the mail page.
	ctxm, actm := ctxRE.FindStringSubmatch(signin), actionRE.FindStringSubmatch(signin)
	if ctxm == nil || actm == nil {
		t.Fatalf("no sign-in form:\n%s", signin)
	}
	resp, err = b.PostForm(e.s.URL()+actm[1], url.Values{"ctx": {ctxm[1]}, "login": {user.UserPrincipalName},
		"password": {user.Password}, "action": {"accept"}})
	if err != nil {
		t.Fatal(err)
	}
	page := read(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.String() != e.ts.URL+"/" {
		t.Fatalf("after sign-in: %d at %s:\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	if !strings.Contains(page, "Hello, "+user.DisplayName) {
		t.Errorf("page does not greet %s:\n%s", user.DisplayName, page)
	}
	for _, s := range want {
		if !strings.Contains(page, "<li>"+escape(t, s)+"</li>") {
			t.Errorf("page lacks subject %q:\n%s", s, page)
		}
	}
	// No token reached the browser.
	e.a.mu.Lock()
	var at string
	for _, s := range e.a.sessions {
		if s.token != nil {
			at = s.token.AccessToken
		}
	}
	e.a.mu.Unlock()
	if at == "" || strings.Contains(page, at) {
		t.Error("no session holds a token, or the page shows it")
	}

	// An access token about to expire is refreshed, and the rotated refresh
	// token kept, server-side.
	e.a.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	resp, err = b.Get(e.ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	if page := read(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "<li>"+escape(t, want[0])+"</li>") {
		t.Fatalf("after the token's expiry: %d\n%s", resp.StatusCode, page)
	}
	e.a.mu.Lock()
	for _, s := range e.a.sessions {
		if s.token != nil && s.token.AccessToken == at {
			t.Error("the access token was not refreshed")
		}
	}
	e.a.mu.Unlock()

	// Signing out forgets the session.
	resp, err = b.PostForm(e.ts.URL+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := read(t, resp); !strings.Contains(page, `href="/login"`) {
		t.Errorf("after sign-out:\n%s", page)
	}
}

func TestTamperedStateRefused(t *testing.T) {
	e := start(t)
	b := browser(t)
	b.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := b.Get(e.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	loc := mustURL(t, resp.Header.Get("Location"))
	state := loc.Query().Get("state")

	resp, err = b.Get(e.ts.URL + sandboxCallbackPath + "?" + url.Values{"code": {"1.AQforged"}, "state": {state + "x"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page := read(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "state mismatch") {
		t.Fatalf("tampered state: %d\n%s", resp.StatusCode, page)
	}
	// The pending sign-in is gone: even the right state is now refused.
	resp, err = b.Get(e.ts.URL + sandboxCallbackPath + "?" + url.Values{"code": {"1.AQforged"}, "state": {state}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("replay after a refused callback: %d", resp.StatusCode)
	}
}

func TestCallbackWithoutSession(t *testing.T) {
	e := start(t)
	resp, err := http.Get(e.ts.URL + sandboxCallbackPath + "?code=x&state=y")
	if err != nil {
		t.Fatal(err)
	}
	read(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback without a session: %d", resp.StatusCode)
	}
}

func TestDeniedConsentShowsAADSTS(t *testing.T) {
	e := start(t)
	b := browser(t)
	resp, err := b.Get(e.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	signin := read(t, resp)
	ctxm, actm := ctxRE.FindStringSubmatch(signin), actionRE.FindStringSubmatch(signin)
	if ctxm == nil || actm == nil {
		t.Fatalf("no sign-in form:\n%s", signin)
	}
	resp, err = b.PostForm(e.s.URL()+actm[1], url.Values{"ctx": {ctxm[1]}, "action": {"cancel"}})
	if err != nil {
		t.Fatal(err)
	}
	page := read(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "access_denied") || !strings.Contains(page, "65004") {
		t.Fatalf("declined consent: %d\n%s", resp.StatusCode, page)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// escape is s as the page's html/template writes it.
func escape(t *testing.T, s string) string {
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
