package main

import (
	"context"
	"crypto/rand"
	"errors"
	"html/template"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/oauth"
)

// cookieName is the session cookie. It holds an opaque random id only; the
// tokens stay in the server's memory.
const cookieName = "webapp_session"

// pendingLifetime bounds how long a started sign-in waits for its callback
// (Microsoft's codes live about 10 minutes).
const pendingLifetime = 10 * time.Minute

// app is the web application: the OAuth client, where Graph is, and the
// sessions in memory.
type app struct {
	oauth       *oauth.Config
	redirectURI string // registered for the app, exactly
	graphURL    string // Graph's service root
	now         func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
}

// session is one browser's state: a sign-in in progress, or a signed-in user
// with their tokens.
type session struct {
	pending *oauth.SignIn
	started time.Time
	token   *oauth.Token
	user    string // display name, from the ID token
}

func newApp(cfg *oauth.Config, redirectURI, graphURL string) (*app, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("the redirect URI must be an absolute http(s) URL")
	}
	return &app{oauth: cfg, redirectURI: redirectURI, graphURL: graphURL, now: time.Now, sessions: map[string]*session{}}, nil
}

// handler serves "/" (sign-in link or the mail page), "/login", "/logout"
// and the redirect URI's path.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	cb, _ := url.Parse(a.redirectURI)
	mux.HandleFunc("GET /{$}", a.home)
	mux.HandleFunc("GET /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc(cb.EscapedPath(), a.callback) // GET (query) or POST (form_post)
	return secureHeaders(mux)
}

func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("Referrer-Policy", "no-referrer") // the callback URL holds the code
		h.ServeHTTP(w, r)
	})
}

// login starts a sign-in: a new session holding the pending sign-in (state,
// nonce, PKCE verifier), and a redirect to the authorization endpoint.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	if cb, _ := url.Parse(a.redirectURI); !strings.EqualFold(r.Host, cb.Host) {
		// The session cookie must be set on the host the callback comes back
		// to: continue on the redirect URI's origin.
		http.Redirect(w, r, originOf(a.redirectURI)+"/login", http.StatusFound)
		return
	}
	authURL, signIn, err := a.oauth.StartSignIn(a.redirectURI, oauth.WithParam("prompt", "select_account"))
	if err != nil {
		a.fail(w, http.StatusInternalServerError, err)
		return
	}
	id := a.newSession(&session{pending: &signIn, started: a.now()})
	a.setCookie(w, id)
	http.Redirect(w, r, authURL, http.StatusFound)
}

// callback finishes the sign-in of the browser's session at the redirect URI.
func (a *app) callback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s := a.take(r)
	if s == nil || s.pending == nil {
		a.fail(w, http.StatusBadRequest, errors.New("no sign-in is in progress in this browser (it expired or the cookie is missing): start again"))
		return
	}
	tok, err := a.oauth.FinishSignIn(r.Context(), r, *s.pending)
	if err != nil {
		// The session is dropped whatever the outcome: the code and the
		// state are single use.
		a.fail(w, http.StatusBadRequest, err)
		return
	}
	user := "you"
	if c, err := oauth.ParseIDTokenClaims(tok.IDToken); err == nil && c.Name != "" {
		user = c.Name
	}
	// A new session id after sign-in: an id seen before it is worth nothing.
	a.setCookie(w, a.newSession(&session{token: tok, user: user}))
	http.Redirect(w, r, "/", http.StatusFound)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.take(r)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// home shows the five latest mail subjects of the signed-in user, or a
// sign-in link.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	id, s := a.lookup(r)
	if s == nil || s.token == nil {
		render(w, http.StatusOK, pageData{})
		return
	}
	subjects, err := a.latestSubjects(r.Context(), id, 5)
	if err != nil {
		a.fail(w, http.StatusBadGateway, err)
		return
	}
	render(w, http.StatusOK, pageData{User: s.user, Subjects: subjects})
}

// latestSubjects reads the subjects of the user's n latest messages.
func (a *app) latestSubjects(ctx context.Context, id string, n int) ([]string, error) {
	hc := oauth2.NewClient(ctx, oauth2.ReuseTokenSource(nil, &sessionTokens{a: a, id: id, ctx: ctx}))
	g, err := msgraph.NewClient(hc, msgraph.WithBaseURL(a.graphURL))
	if err != nil {
		return nil, err
	}
	msgs, _, err := g.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{ListOptions: msgraph.ListOptions{
		Select: []string{"subject", "receivedDateTime"}, OrderBy: []string{"receivedDateTime desc"}, Top: n}})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range msgs[:min(n, len(msgs))] {
		out = append(out, m.Subject)
	}
	return out, nil
}

// sessionTokens gives a session's access token, refreshing it (and keeping
// the rotated refresh token) when it is about to expire.
type sessionTokens struct {
	a   *app
	id  string
	ctx context.Context
}

func (st *sessionTokens) Token() (*oauth2.Token, error) {
	a := st.a
	a.mu.Lock()
	s := a.sessions[st.id]
	var tok *oauth.Token
	if s != nil {
		tok = s.token
	}
	a.mu.Unlock()
	if tok == nil {
		return nil, errors.New("signed out")
	}
	if !tok.Expiry.IsZero() && a.now().Add(time.Minute).After(tok.Expiry) {
		fresh, err := a.oauth.Refresh(st.ctx, tok.RefreshToken)
		if err != nil {
			return nil, err
		}
		a.mu.Lock()
		if s := a.sessions[st.id]; s != nil {
			s.token = fresh
		}
		a.mu.Unlock()
		tok = fresh
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, TokenType: "Bearer", Expiry: tok.Expiry}, nil
}

// newSession stores s under a fresh random id and returns the id.
func (a *app) newSession(s *session) string {
	id := rand.Text()
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, old := range a.sessions { // forget sign-ins nobody finished
		if old.pending != nil && a.now().Sub(old.started) > pendingLifetime {
			delete(a.sessions, k)
		}
	}
	a.sessions[id] = s
	return id
}

// lookup returns the request's session, or nil.
func (a *app) lookup(r *http.Request) (string, *session) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return "", nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return c.Value, a.sessions[c.Value]
}

// take removes the request's session and returns it (nil when none, or when
// its sign-in has expired).
func (a *app) take(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[c.Value]
	delete(a.sessions, c.Value)
	if s != nil && s.pending != nil && a.now().Sub(s.started) > pendingLifetime {
		return nil
	}
	return s
}

// setCookie sets the session cookie: HttpOnly, SameSite=Lax (the callback is
// a top-level GET from the identity provider, which Lax lets through) and
// Secure when the app is served over https.
func (a *app) setCookie(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(a.redirectURI, "https:")})
}

// fail logs err and shows it. oauth errors never hold a token or a secret.
func (a *app) fail(w http.ResponseWriter, status int, err error) {
	log.Printf("webapp: %v", err)
	msg := err.Error()
	if errors.Is(err, oauth.ErrStateMismatch) {
		msg = "This sign-in response does not belong to the sign-in started in this browser (state mismatch)."
	}
	var oe *oauth.Error
	hint := ""
	if errors.As(err, &oe) {
		hint = oe.Hint()
	}
	render(w, status, pageData{Error: msg, Hint: hint})
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

type pageData struct {
	User        string
	Subjects    []string
	Error, Hint string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>authsome web app</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head><body>
{{if .Error}}<h1>Sign-in failed</h1><p id="error">{{.Error}}</p>{{if .Hint}}<p id="hint">{{.Hint}}</p>{{end}}<p><a href="/">Back</a></p>
{{else if .User}}<h1>Hello, {{.User}}</h1><h2>Your latest mail</h2>
<ul id="subjects">{{range .Subjects}}<li>{{.}}</li>{{else}}<li>(no mail)</li>{{end}}</ul>
<form method="post" action="/logout"><button>Sign out</button></form>
{{else}}<h1>authsome web app</h1><p><a id="signin" href="/login">Sign in with Microsoft</a></p>{{end}}
</body></html>
`))

func render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}
