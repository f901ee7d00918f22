package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// Loopback is an HTTP listener on 127.0.0.1 that receives the browser's
// redirect after sign-in ([Loopback.AuthCode]) and serves the client-id form
// ([Loopback.CollectClient]). It answers only requests whose Host is
// 127.0.0.1 or localhost on its port.
//
// Create it with [ListenLoopback]; its methods are safe for concurrent use,
// but only one AuthCode may run at a time.
type Loopback struct {
	ln   net.Listener
	srv  *http.Server
	port int

	mu     sync.Mutex
	routes map[string]http.Handler

	closeOnce sync.Once
	closeErr  error
}

// ListenLoopback binds 127.0.0.1:port (0 picks a free port) and starts
// serving. A busy port gives an error that suggests another --port.
func ListenLoopback(port int) (*Loopback, error) {
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("oauth: invalid port %d", port)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) || strings.Contains(strings.ToLower(err.Error()), "in use") ||
			strings.Contains(err.Error(), "Only one usage") {
			return nil, fmt.Errorf("oauth: port %d on 127.0.0.1 is already in use; choose another with --port (0 picks a free one): %w", port, err)
		}
		return nil, fmt.Errorf("oauth: cannot listen on 127.0.0.1:%d (try another --port): %w", port, err)
	}
	l := &Loopback{ln: ln, port: ln.Addr().(*net.TCPAddr).Port, routes: map[string]http.Handler{}}
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// DefaultLoopbackPort is the port of the browser flow's loopback listener
// unless the user picks another (authsome's: register http://127.0.0.1:7998).
const DefaultLoopbackPort = 7998

// SignInTimeout is how long [Loopback.AuthCode] waits for the browser unless
// [AuthCodeOptions] say otherwise: a caller can show the time left.
const SignInTimeout = 5 * time.Minute

// CallbackPath is the redirect path of the original authsome
// (http://127.0.0.1:7998/auth/callback/oauth). The listener accepts the
// redirect there as well as at "/".
const CallbackPath = "/auth/callback/oauth"

// ParseLoopbackRedirect checks a redirect URI given by the user (for an app
// registered with another path or host than "http://127.0.0.1"): plain http,
// host 127.0.0.1 or localhost, any port and path, no query, fragment or
// credentials. port is 0 when the URI names none; path is "/" when empty.
func ParseLoopbackRedirect(raw string) (host string, port int, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", 0, "", fmt.Errorf("redirect URI %q: %v", raw, err)
	}
	host = strings.ToLower(u.Hostname())
	switch {
	case u.Scheme != "http":
		return "", 0, "", fmt.Errorf("redirect URI %q must start with http:// (a loopback redirect on this machine)", raw)
	case host != "127.0.0.1" && host != "localhost":
		return "", 0, "", fmt.Errorf("redirect URI %q must use host 127.0.0.1 or localhost", raw)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", 0, "", fmt.Errorf("redirect URI %q must not have credentials, a query or a fragment", raw)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return "", 0, "", fmt.Errorf("redirect URI %q: invalid port", raw)
		}
	}
	path = u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return host, port, path, nil
}

// Redirect returns the redirect URI on this listener for host (127.0.0.1 or
// localhost) and path; path "" or "/" gives the same form as [Loopback.RedirectURI].
func (l *Loopback) Redirect(host, path string) string {
	u := "http://" + host + ":" + strconv.Itoa(l.port)
	if path == "" || path == "/" {
		return u
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return u + path
}

// Port returns the bound port.
func (l *Loopback) Port() int { return l.port }

// RedirectURI returns "http://127.0.0.1:PORT". Microsoft ignores the port
// when matching loopback redirect URIs, so the app registers
// "http://127.0.0.1" once.
func (l *Loopback) RedirectURI() string { return "http://127.0.0.1:" + strconv.Itoa(l.port) }

// URL returns the absolute URL of path on this listener.
func (l *Loopback) URL(path string) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return l.RedirectURI() + path
}

// Handle serves h at exactly path; a nil h removes the route.
func (l *Loopback) Handle(path string, h http.Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h == nil {
		delete(l.routes, path)
		return
	}
	l.routes[path] = h
}

// Close stops the listener, letting responses in flight finish for up to
// two seconds.
func (l *Loopback) Close() error {
	l.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := l.srv.Shutdown(ctx); err != nil {
			l.closeErr = l.srv.Close()
		}
	})
	return l.closeErr
}

func (l *Loopback) serve(w http.ResponseWriter, r *http.Request) {
	p := strconv.Itoa(l.port)
	if r.Host != "127.0.0.1:"+p && r.Host != "localhost:"+p {
		// A DNS-rebinding page cannot reach the form or the callback.
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "same-origin") // browsers then send a real Origin on form posts (checked by the client form)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if r.URL.Path == "/favicon.ico" {
		http.NotFound(w, r)
		return
	}
	l.mu.Lock()
	route := l.routes[r.URL.Path]
	l.mu.Unlock()
	if route == nil {
		renderPage(w, http.StatusNotFound, page{Title: "Not found", Message: "Nothing is served at this address."})
		return
	}
	route.ServeHTTP(w, r)
}

// AuthCodeOptions tune [Loopback.AuthCode].
type AuthCodeOptions struct {
	// Open opens url in a browser. It may be nil; an error from it is
	// ignored, since Notify has already given the user the URL.
	Open func(url string) error
	// Notify tells the user which URL to open. It is called (when not nil)
	// before Open.
	Notify func(url string)
	// ResponseMode is "query" (the default) or "form_post".
	ResponseMode string
	// Extra adds authorize parameters such as prompt, login_hint,
	// domain_hint or nonce. It cannot replace the parameters AuthCode sets.
	Extra url.Values
	// Timeout bounds the wait for the browser; 0 means [SignInTimeout].
	Timeout time.Duration
	// RedirectURI is the redirect URI to send, as [Loopback.Redirect] builds
	// it; "" means [Loopback.RedirectURI]. Whatever is sent, the redirect is
	// accepted at its path, at "/" and at [CallbackPath].
	RedirectURI string
}

// protectedParams are set by AuthCode and cannot come from Extra.
var protectedParams = []string{"client_id", "response_type", "redirect_uri", "scope", "state",
	"code_challenge", "code_challenge_method", "response_mode"}

// AuthCode runs the authorization code flow with PKCE (S256) on this
// listener: it builds the authorize URL, hands it to opts.Notify and
// opts.Open, waits for the redirect at "/", [CallbackPath] or the path of
// opts.RedirectURI (GET query or POST form_post),
// checks the state and exchanges the code with c.Exchange.
//
// Requests with a missing or wrong state get a 400 page and are otherwise
// ignored, so a forged request cannot end the flow. An error sent by the
// server is returned as an [*Error]. The browser's final page never shows a
// code or token.
func (l *Loopback) AuthCode(ctx context.Context, c *Config, opts AuthCodeOptions) (*Token, error) {
	if c.Endpoint.AuthURL == "" {
		return nil, errors.New("oauth: the endpoint has no authorization URL")
	}
	mode := opts.ResponseMode
	if mode == "" {
		mode = "query"
	}
	if mode != "query" && mode != "form_post" {
		return nil, fmt.Errorf("oauth: unsupported response mode %q (want query or form_post)", mode)
	}
	for _, k := range protectedParams {
		if opts.Extra.Has(k) {
			return nil, fmt.Errorf("oauth: AuthCodeOptions.Extra cannot set %q", k)
		}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = SignInTimeout
	}
	au, err := url.Parse(c.Endpoint.AuthURL)
	if err != nil {
		return nil, fmt.Errorf("oauth: bad authorization URL: %w", err)
	}
	redirect, paths, err := l.redirectFor(opts.RedirectURI)
	if err != nil {
		return nil, err
	}

	verifier := oauth2.GenerateVerifier()
	state := rand.Text()
	q := au.Query()
	for k, vs := range opts.Extra {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("client_id", c.ClientID)
	q.Set("response_type", "code")
	q.Set("redirect_uri", redirect)
	if s := c.scope(); s != "" {
		q.Set("scope", s)
	}
	q.Set("state", state)
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	if mode != "query" {
		q.Set("response_mode", mode)
	}
	nonce := q.Get("nonce")
	if nonce == "" && hasScope(c.Scopes, "openid") {
		nonce = rand.Text()
		q.Set("nonce", nonce)
	}
	au.RawQuery = q.Encode()
	authURL := au.String()

	cb := newCallback(state)
	if !l.handleAll(paths, cb) {
		return nil, errors.New("oauth: another sign-in is already waiting on this listener")
	}
	defer func() {
		for _, p := range paths {
			l.Handle(p, nil)
		}
	}()
	defer close(cb.quit)

	if opts.Notify != nil {
		opts.Notify(authURL)
	}
	if opts.Open != nil {
		_ = opts.Open(authURL)
	}

	wait, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var res callbackResult
	select {
	case res = <-cb.results:
	case <-wait.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("oauth: no sign-in arrived within %s: %w", timeout, context.DeadlineExceeded)
	}
	if res.err != nil {
		<-res.written
		return nil, withRedirect(res.err, redirect)
	}
	tok, err := c.Exchange(ctx, res.code, redirect, verifier)
	err = withRedirect(err, redirect)
	if err == nil && tok.IDToken != "" && nonce != "" {
		if got, perr := idTokenClaim(tok.IDToken, "nonce"); perr == nil && got != "" &&
			subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1 {
			tok, err = nil, errors.New("oauth: the ID token's nonce does not match this sign-in")
		}
	}
	res.reply <- err
	select {
	case <-res.written:
	case <-time.After(2 * time.Second):
	}
	return tok, err
}

// redirectFor checks the redirect URI AuthCode is asked to send and returns it
// with the paths the callback is served at.
func (l *Loopback) redirectFor(raw string) (string, []string, error) {
	paths := []string{"/", CallbackPath}
	if raw == "" {
		return l.RedirectURI(), paths, nil
	}
	host, port, path, err := ParseLoopbackRedirect(raw)
	if err != nil {
		return "", nil, fmt.Errorf("oauth: %w", err)
	}
	if port != l.port {
		return "", nil, fmt.Errorf("oauth: redirect URI %q is not on this listener's port %d", raw, l.port)
	}
	if !slices.Contains(paths, path) {
		paths = append(paths, path)
	}
	return l.Redirect(host, path), paths, nil
}

// handleAll registers h at every path, or at none when one is taken.
func (l *Loopback) handleAll(paths []string, h http.Handler) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range paths {
		if _, taken := l.routes[p]; taken {
			return false
		}
	}
	for _, p := range paths {
		l.routes[p] = h
	}
	return true
}

// withRedirect records on an [*Error] the redirect URI the sign-in sent, for
// the AADSTS50011 hint.
func withRedirect(err error, redirect string) error {
	var oe *Error
	if errors.As(err, &oe) && oe.RedirectURI == "" {
		oe.RedirectURI = redirect
	}
	return err
}

func hasScope(scopes []string, s string) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}

// callbackResult is what the redirect handler passes to AuthCode.
type callbackResult struct {
	code    string
	err     error
	reply   chan error    // AuthCode sends the exchange outcome for the page
	written chan struct{} // closed once the page is written
}

// callback handles the redirect; only the first valid request counts.
type callback struct {
	state   string
	results chan callbackResult
	quit    chan struct{} // closed when AuthCode returns

	mu   sync.Mutex
	done bool
}

func newCallback(state string) *callback {
	return &callback{state: state, results: make(chan callbackResult, 1), quit: make(chan struct{})}
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var params url.Values
	switch r.Method {
	case http.MethodGet:
		params = r.URL.Query()
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			renderPage(w, http.StatusBadRequest, page{Title: "Bad request", Message: "The sign-in response could not be read."})
			return
		}
		params = r.PostForm
	default:
		w.Header().Set("Allow", "GET, POST")
		renderPage(w, http.StatusMethodNotAllowed, page{Title: "Method not allowed", Message: "Use GET or POST."})
		return
	}
	if !stateMatches(params.Get("state"), cb.state) {
		renderPage(w, http.StatusBadRequest, page{Title: "Sign-in not recognised",
			Message: "This request does not belong to the sign-in in progress (state mismatch). Start the sign-in from the terminal."})
		return
	}
	cb.mu.Lock()
	first := !cb.done
	cb.done = true
	cb.mu.Unlock()
	if !first {
		renderPage(w, http.StatusConflict, page{Title: "Already handled", Message: "This sign-in has already completed. Return to the terminal."})
		return
	}

	res := callbackResult{reply: make(chan error, 1), written: make(chan struct{})}
	defer close(res.written)
	if e := errorFromRedirect(params); e != nil {
		res.err = e
		cb.results <- res
		renderFailure(w, e)
		return
	}
	res.code = params.Get("code")
	if res.code == "" {
		res.err = errors.New("oauth: the sign-in response has neither a code nor an error")
		cb.results <- res
		renderFailure(w, res.err)
		return
	}
	cb.results <- res
	var err error
	select {
	case err = <-res.reply:
	case <-cb.quit:
		select {
		case err = <-res.reply:
		default:
			err = errors.New("oauth: the sign-in was cancelled")
		}
	case <-r.Context().Done():
		return
	}
	if err != nil {
		renderFailure(w, err)
		return
	}
	renderPage(w, http.StatusOK, page{Title: "Signed in", Message: "Signed in. You can close this window.", OK: true})
}

func renderFailure(w http.ResponseWriter, err error) {
	p := page{Title: "Sign-in failed", Message: "Sign-in failed. Return to the terminal for details.", Detail: err.Error()}
	var oe *Error
	if errors.As(err, &oe) {
		p.Hint = oe.Hint()
	}
	renderPage(w, http.StatusBadRequest, p)
}

// page is the data of a small status page.
type page struct {
	Title, Message, Detail, Hint string
	OK                           bool
}

var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>authsome – {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.ok{color:#176b2c}.bad{color:#a11}pre{white-space:pre-wrap;background:#f4f4f4;padding:.6rem;border-radius:4px}</style>
</head><body>
<h1 class="{{if .OK}}ok{{else}}bad{{end}}">{{.Title}}</h1>
<p id="message">{{.Message}}</p>
{{if .Detail}}<pre id="detail">{{.Detail}}</pre>{{end}}
{{if .Hint}}<p id="hint">{{.Hint}}</p>{{end}}
</body></html>
`))
})

func renderPage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTmpl().Execute(w, p)
}

// idTokenClaim returns one string claim of an unverified ID token.
func idTokenClaim(idToken, name string) (string, error) {
	o, err := idTokenPayload(idToken)
	if err != nil {
		return "", err
	}
	return o.str(name), nil
}
