package oauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// authServer is a fake authorization server: /authorize sends the browser
// back to the redirect URI (query or form_post) and /token checks PKCE.
type authServer struct {
	*httptest.Server
	t *testing.T

	mu         sync.Mutex
	challenges map[string]string // code -> S256 challenge
	nonces     map[string]string // code -> nonce
	authorize  url.Values        // last authorize query
	exchanges  []url.Values
	// deny makes /authorize return this error instead of a code.
	deny string
	// badNonce makes the ID token carry a different nonce.
	badNonce bool
}

func newAuthServer(t *testing.T) *authServer {
	a := &authServer{t: t, challenges: map[string]string{}, nonces: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", a.handleAuthorize)
	mux.HandleFunc("POST /token", a.handleToken)
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func (a *authServer) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	a.authorize = q
	deny := a.deny
	code := fmt.Sprintf("code-%d", len(a.challenges)+1)
	a.challenges[code] = q.Get("code_challenge")
	a.nonces[code] = q.Get("nonce")
	a.mu.Unlock()
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("client_id") != "cid" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	resp := url.Values{"state": {q.Get("state")}}
	if deny != "" {
		resp.Set("error", deny)
		resp.Set("error_description", "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: tr-1\r\nCorrelation ID: co-1\r\nTimestamp: 2025-03-01 10:00:00Z")
	} else {
		resp.Set("code", code)
	}
	if q.Get("response_mode") == "form_post" {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<html><body onload="document.forms[0].submit()"><form method="POST" action="%s">`, html.EscapeString(q.Get("redirect_uri")))
		for k := range resp {
			fmt.Fprintf(w, `<input type="hidden" name="%s" value="%s">`, k, html.EscapeString(resp.Get(k)))
		}
		io.WriteString(w, `</form></body></html>`)
		return
	}
	sep := "/?"
	if u, err := url.Parse(q.Get("redirect_uri")); err == nil && u.Path != "" {
		sep = "?"
	}
	http.Redirect(w, r, q.Get("redirect_uri")+sep+resp.Encode(), http.StatusFound)
}

func (a *authServer) handleToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a.mu.Lock()
	a.exchanges = append(a.exchanges, r.PostForm)
	challenge, ok := a.challenges[r.PostForm.Get("code")]
	nonce := a.nonces[r.PostForm.Get("code")]
	if a.badNonce {
		nonce = "other"
	}
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok || oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != challenge {
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.","error_codes":[501481]}`)
		return
	}
	claims := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"tid":"t1","oid":"o1","preferred_username":"adele@contoso.com","nonce":%q}`, nonce))
	fmt.Fprintf(w, `{"access_token":"AT-SECRET","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-SECRET","id_token":"h.%s.s"}`, claims)
}

// browse plays the browser: it follows redirects and, for form_post pages,
// submits the form. It returns the final status and page.
func browse(start string) (int, string, error) {
	resp, err := http.Get(start)
	if err != nil {
		return 0, "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := regexp.MustCompile(`<form method="POST" action="([^"]+)">`).FindStringSubmatch(string(body))
	if form == nil {
		return resp.StatusCode, string(body), nil
	}
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(string(body), -1) {
		vals.Set(m[1], html.UnescapeString(m[2]))
	}
	resp, err = http.PostForm(html.UnescapeString(form[1]), vals)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), nil
}

type browserResult struct {
	status int
	body   string
	err    error
}

func authCodeSetup(t *testing.T) (*authServer, *Loopback, *Config) {
	t.Helper()
	a := newAuthServer(t)
	l, err := ListenLoopback(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	c := &Config{ClientID: "cid", Endpoint: Endpoint{AuthURL: a.URL + "/authorize", TokenURL: a.URL + "/token"},
		Scopes: []string{"openid", "offline_access", "Mail.Read"}, Now: func() time.Time { return fixedNow }}
	return a, l, c
}

func TestAuthCodeEndToEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"", "query", "form_post"} {
		t.Run("mode="+mode, func(t *testing.T) {
			t.Parallel()
			a, l, c := authCodeSetup(t)
			pages := make(chan browserResult, 1)
			var notified string
			tok, err := l.AuthCode(t.Context(), c, AuthCodeOptions{
				ResponseMode: mode,
				Extra:        url.Values{"prompt": {"select_account"}, "login_hint": {"adele@contoso.com"}},
				Notify:       func(u string) { notified = u },
				Open: func(u string) error {
					go func() {
						st, body, err := browse(u)
						pages <- browserResult{st, body, err}
					}()
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != "AT-SECRET" || tok.RefreshToken != "RT-SECRET" {
				t.Errorf("token = %v", tok)
			}
			p := <-pages
			if p.err != nil || p.status != 200 || !strings.Contains(p.body, "Signed in. You can close this window.") {
				t.Errorf("page %d %q %v", p.status, p.body, p.err)
			}
			for _, secret := range []string{"code-1", "AT-SECRET", "RT-SECRET"} {
				if strings.Contains(p.body, secret) {
					t.Errorf("page shows %s", secret)
				}
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			q := a.authorize
			if notified == "" || !strings.HasPrefix(notified, a.URL+"/authorize?") {
				t.Errorf("notified %q", notified)
			}
			want := map[string]string{"client_id": "cid", "response_type": "code", "redirect_uri": l.RedirectURI(),
				"scope": "openid offline_access Mail.Read", "code_challenge_method": "S256", "prompt": "select_account",
				"login_hint": "adele@contoso.com"}
			for k, v := range want {
				if q.Get(k) != v {
					t.Errorf("authorize %s = %q, want %q", k, q.Get(k), v)
				}
			}
			if got := q.Get("response_mode"); (mode == "form_post") != (got == "form_post") || (mode != "form_post" && got != "") {
				t.Errorf("response_mode = %q", got)
			}
			if len(q.Get("state")) < 20 || len(q.Get("code_challenge")) != 43 || q.Get("nonce") == "" {
				t.Errorf("state/challenge/nonce: %v", q)
			}
			if len(a.exchanges) != 1 {
				t.Fatalf("%d exchanges", len(a.exchanges))
			}
			ex := a.exchanges[0]
			if ex.Get("redirect_uri") != l.RedirectURI() || ex.Get("grant_type") != "authorization_code" || ex.Has("client_secret") {
				t.Errorf("exchange = %v", ex)
			}
		})
	}
}

func TestAuthCodeIgnoresForgedRequests(t *testing.T) {
	t.Parallel()
	a, l, c := authCodeSetup(t)
	type probe struct {
		method, path string
		host         string
		want         int
	}
	results := make(chan string, 10)
	tok, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Open: func(u string) error {
		go func() {
			for _, p := range []probe{
				{"GET", "/?code=evil&state=forged", "", 400},
				{"GET", "/?code=evil", "", 400},
				{"GET", "/", "", 400},
				{"POST", "/", "", 400},
				{"GET", "/favicon.ico", "", 404},
				{"GET", "/other", "", 404},
				{"PUT", "/", "", 405},
				{"GET", "/?code=evil&state=x", "evil.example:80", 421},
			} {
				req, _ := http.NewRequest(p.method, l.URL(p.path), nil)
				if p.method == "POST" {
					req.Body = io.NopCloser(strings.NewReader("code=evil&state=forged"))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				if p.host != "" {
					req.Host = p.host
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					results <- err.Error()
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != p.want {
					results <- fmt.Sprintf("%s %s: status %d, want %d", p.method, p.path, resp.StatusCode, p.want)
				}
			}
			if st, body, err := browse(u); err != nil || st != 200 {
				results <- fmt.Sprintf("real callback: %d %v %s", st, err, body)
			}
			close(results)
		}()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for r := range results {
		t.Error(r)
	}
	if tok.AccessToken != "AT-SECRET" {
		t.Errorf("token %v", tok)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ex := range a.exchanges {
		if ex.Get("code") == "evil" {
			t.Error("forged code was exchanged")
		}
	}
}

func TestAuthCodeErrorParam(t *testing.T) {
	t.Parallel()
	a, l, c := authCodeSetup(t)
	a.deny = "access_denied"
	pages := make(chan browserResult, 1)
	_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{ResponseMode: "form_post", Open: func(u string) error {
		go func() {
			st, body, err := browse(u)
			pages <- browserResult{st, body, err}
		}()
		return nil
	}})
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "access_denied" || oe.AADSTS() != 65004 || oe.TraceID != "tr-1" || oe.CorrelationID != "co-1" {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, ErrDeclined) {
		t.Error("not ErrDeclined")
	}
	p := <-pages
	if p.status != 400 || !strings.Contains(p.body, "Sign-in failed") || !strings.Contains(p.body, "AADSTS65004") {
		t.Errorf("page %d %s", p.status, p.body)
	}
	if len(a.exchanges) != 0 {
		t.Error("exchanged after an error")
	}
}

func TestAuthCodeExchangeFailureAndNonce(t *testing.T) {
	t.Parallel()
	a, l, c := authCodeSetup(t)
	a.badNonce = true
	pages := make(chan browserResult, 1)
	_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Open: func(u string) error {
		go func() {
			st, body, err := browse(u)
			pages <- browserResult{st, body, err}
		}()
		return nil
	}})
	if err == nil || !strings.Contains(err.Error(), "nonce") {
		t.Fatalf("err = %v", err)
	}
	if p := <-pages; p.status != 400 || strings.Contains(p.body, "Signed in") {
		t.Errorf("page %d %s", p.status, p.body)
	}
}

func TestAuthCodeOnlyFirstCallbackCounts(t *testing.T) {
	t.Parallel()
	a, l, c := authCodeSetup(t)
	statuses := make(chan int, 2)
	_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Open: func(u string) error {
		go func() {
			// Get the real redirect once, then deliver it twice at the same time.
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Get(u)
			if err != nil {
				statuses <- 0
				statuses <- 0
				return
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			for range 2 {
				go func() {
					resp, err := http.Get(loc)
					if err != nil {
						statuses <- 0
						return
					}
					resp.Body.Close()
					statuses <- resp.StatusCode
				}()
			}
		}()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{<-statuses, <-statuses}
	if (got[0] == 200) == (got[1] == 200) {
		t.Errorf("statuses %v: want exactly one 200", got)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.exchanges) != 1 {
		t.Errorf("%d exchanges", len(a.exchanges))
	}
}

func TestAuthCodeTimeoutAndOptions(t *testing.T) {
	t.Parallel()
	_, l, c := authCodeSetup(t)
	var notified bool
	_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Timeout: 50 * time.Millisecond,
		Notify: func(string) { notified = true },
		Open:   func(string) error { return errors.New("no browser") }})
	if !errors.Is(err, context.DeadlineExceeded) || !notified {
		t.Errorf("err = %v, notified %v", err, notified)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := l.AuthCode(ctx, c, AuthCodeOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if _, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Extra: url.Values{"state": {"x"}}}); err == nil {
		t.Error("Extra may not set state")
	}
	if _, err := l.AuthCode(t.Context(), c, AuthCodeOptions{ResponseMode: "fragment"}); err == nil {
		t.Error("fragment accepted")
	}
}

func TestListenLoopback(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	_, err = ListenLoopback(port)
	if err == nil || !strings.Contains(err.Error(), "--port") || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ListenLoopback(70000); err == nil {
		t.Error("port 70000 accepted")
	}
	l, err := ListenLoopback(0)
	if err != nil {
		t.Fatal(err)
	}
	if l.RedirectURI() != "http://127.0.0.1:"+strconv.Itoa(l.Port()) || l.URL("x") != l.RedirectURI()+"/x" {
		t.Errorf("RedirectURI %q URL %q", l.RedirectURI(), l.URL("x"))
	}
	if err := l.Close(); err != nil {
		t.Error(err)
	}
	if err := l.Close(); err != nil {
		t.Error("second Close:", err)
	}
	if _, err := http.Get(l.URL("/")); err == nil {
		t.Error("still serving after Close")
	}
}

func TestAuthCodeRedirectPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, redirect string }{
		{"default", ""},
		{"original authsome path", "http://127.0.0.1:PORT/auth/callback/oauth"},
		{"localhost and own path", "http://localhost:PORT/cb/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, l, c := authCodeSetup(t)
			redirect := strings.ReplaceAll(tc.redirect, "PORT", strconv.Itoa(l.Port()))
			pages := make(chan browserResult, 1)
			_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{RedirectURI: redirect, Open: func(u string) error {
				go func() {
					st, body, err := browse(u)
					pages <- browserResult{st, body, err}
				}()
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			if p := <-pages; p.status != 200 {
				t.Errorf("page %d %s %v", p.status, p.body, p.err)
			}
			want := redirect
			if want == "" {
				want = l.RedirectURI()
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			if got := a.authorize.Get("redirect_uri"); got != want {
				t.Errorf("authorize redirect_uri = %q, want %q", got, want)
			}
			if got := a.exchanges[0].Get("redirect_uri"); got != want {
				t.Errorf("exchange redirect_uri = %q, want %q", got, want)
			}
		})
	}
}

func TestAuthCodeCallbackPathAlwaysServed(t *testing.T) {
	t.Parallel()
	// Whatever is sent, a redirect to /auth/callback/oauth is accepted too (an app registered
	// with the original authsome's path, reached through a provider that rewrites it).
	_, l, c := authCodeSetup(t)
	res := make(chan int, 1)
	_, err := l.AuthCode(t.Context(), c, AuthCodeOptions{Open: func(u string) error {
		go func() {
			au, _ := url.Parse(u)
			resp, err := http.Get(l.URL(CallbackPath) + "?" + url.Values{"state": {au.Query().Get("state")}, "error": {"access_denied"}}.Encode())
			if err != nil {
				res <- 0
				return
			}
			resp.Body.Close()
			res <- resp.StatusCode
		}()
		return nil
	}})
	if !errors.Is(err, ErrDeclined) {
		t.Errorf("err = %v, want the error delivered to %s", err, CallbackPath)
	}
	var oe *Error
	if !errors.As(err, &oe) || oe.RedirectURI != l.RedirectURI() {
		t.Errorf("error does not record the redirect URI sent: %#v", oe)
	}
	if st := <-res; st != 400 {
		t.Errorf("callback page status %d, want 400", st)
	}
}

func TestAuthCodeRejectsBadRedirect(t *testing.T) {
	t.Parallel()
	_, l, c := authCodeSetup(t)
	for _, bad := range []string{
		"https://127.0.0.1:" + strconv.Itoa(l.Port()) + "/",
		"http://example.com:" + strconv.Itoa(l.Port()) + "/",
		"http://127.0.0.1:1/",
		"http://127.0.0.1:" + strconv.Itoa(l.Port()) + "/?x=1",
	} {
		if _, err := l.AuthCode(t.Context(), c, AuthCodeOptions{RedirectURI: bad}); err == nil {
			t.Errorf("RedirectURI %q accepted", bad)
		}
	}
}

func TestParseLoopbackRedirect(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"http://127.0.0.1":                     "127.0.0.1 0 /",
		"http://127.0.0.1/auth/callback/oauth": "127.0.0.1 0 /auth/callback/oauth",
		"http://LOCALHOST:8400/cb":             "localhost 8400 /cb",
		"http://127.0.0.1:7998/":               "127.0.0.1 7998 /",
		"https://127.0.0.1/":                   "error",
		"http://[::1]:7998/":                   "error",
		"http://evil.example/":                 "error",
		"http://127.0.0.1:0/":                  "error",
		"http://127.0.0.1:99999/":              "error",
		"http://127.0.0.1/cb#frag":             "error",
		"http://127.0.0.1/cb?x=1":              "error",
		"http://user@127.0.0.1/cb":             "error",
		"127.0.0.1:7998":                       "error",
	} {
		host, port, path, err := ParseLoopbackRedirect(raw)
		got := fmt.Sprintf("%s %d %s", host, port, path)
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("ParseLoopbackRedirect(%q) = %s (%v), want %s", raw, got, err, want)
		}
	}
}
