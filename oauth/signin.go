package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// ErrStateMismatch is returned by [ReadCallback] (and so by
// [Config.FinishSignIn]) when the callback's state is missing or is not the
// one the sign-in sent: the request does not belong to this sign-in (CSRF, a
// replayed or stale link). A web application answers it with 400.
var ErrStateMismatch = errors.New("oauth: the callback's state does not match this sign-in")

// ErrNonceMismatch is returned by [VerifyIDTokenNonce] when the ID token's
// nonce is missing or is not the one the sign-in sent.
var ErrNonceMismatch = errors.New("oauth: the ID token's nonce does not match this sign-in")

// NewState returns a fresh random state value (130 bits from crypto/rand)
// for one sign-in.
func NewState() string { return rand.Text() }

// NewNonce returns a fresh random nonce (130 bits from crypto/rand) for one
// sign-in that asks for an ID token (scope "openid").
func NewNonce() string { return rand.Text() }

// AuthURLOption adds to the authorize URL built by [Config.AuthCodeURL] and
// [Config.StartSignIn].
type AuthURLOption func(url.Values)

// WithParam sets an extra authorize parameter such as prompt
// ("select_account", "consent"), login_hint or domain_hint. It cannot
// replace a parameter the URL builder sets itself (client_id, redirect_uri,
// state, code_challenge, ...): those are set after the options run.
func WithParam(key, value string) AuthURLOption {
	return func(q url.Values) { q.Set(key, value) }
}

// WithFormPost asks the server to deliver the code as a POST to the redirect
// URI (response_mode=form_post) instead of a query string. A callback reached
// by a cross-site POST does not carry cookies marked SameSite=Lax or Strict,
// so a web application that finds its pending sign-in through such a cookie
// should keep the default (query).
func WithFormPost() AuthURLOption {
	return func(q url.Values) { q.Set("response_mode", "form_post") }
}

// AuthCodeURL returns the authorization endpoint URL that starts an
// authorization code sign-in for redirectURI, with PKCE (S256), and the PKCE
// verifier the caller keeps (server-side) until [Config.Exchange].
//
// redirectURI must be registered for the app exactly (Microsoft matches the
// path case-sensitively, and ignores only the port of http://localhost and
// http://127.0.0.1). state is required (see [NewState]); nonce is sent when
// not empty and should be set whenever the scopes include "openid" (see
// [NewNonce]).
func (c *Config) AuthCodeURL(redirectURI, state, nonce string, opts ...AuthURLOption) (authURL, verifier string, err error) {
	if c.Endpoint.AuthURL == "" {
		return "", "", errors.New("oauth: the endpoint has no authorization URL")
	}
	if redirectURI == "" {
		return "", "", errors.New("oauth: no redirect URI")
	}
	if state == "" {
		return "", "", errors.New("oauth: no state (use NewState)")
	}
	au, err := url.Parse(c.Endpoint.AuthURL)
	if err != nil {
		return "", "", fmt.Errorf("oauth: bad authorization URL: %w", err)
	}
	q := au.Query()
	for _, o := range opts {
		o(q)
	}
	verifier = oauth2.GenerateVerifier()
	q.Set("client_id", c.ClientID)
	q.Set("response_type", "code")
	q.Set("redirect_uri", redirectURI)
	if s := c.scope(); s != "" {
		q.Set("scope", s)
	}
	q.Set("state", state)
	if nonce != "" {
		q.Set("nonce", nonce)
	}
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	au.RawQuery = q.Encode()
	return au.String(), verifier, nil
}

// ReadCallback reads the authorization response a browser brings to the
// redirect URI (a GET query, or a POST form for form_post) and returns its
// code. The state is compared in constant time; a missing or different one
// gives [ErrStateMismatch] before anything else is looked at. An error sent
// by the server (access_denied, AADSTS errors) is returned as an [*Error].
func ReadCallback(r *http.Request, state string) (code string, err error) {
	var params url.Values
	switch r.Method {
	case http.MethodGet:
		params = r.URL.Query()
	case http.MethodPost:
		if r.PostForm == nil {
			r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
			if err := r.ParseForm(); err != nil {
				return "", fmt.Errorf("oauth: reading the sign-in response: %w", err)
			}
		}
		params = r.PostForm
	default:
		return "", fmt.Errorf("oauth: the sign-in response came with method %s (want GET or POST)", r.Method)
	}
	if !stateMatches(params.Get("state"), state) {
		return "", ErrStateMismatch
	}
	if e := errorFromRedirect(params); e != nil {
		return "", e
	}
	code = params.Get("code")
	if code == "" {
		return "", errors.New("oauth: the sign-in response has neither a code nor an error")
	}
	return code, nil
}

// stateMatches compares a returned state with the expected one in constant
// time; an empty expected state matches nothing.
func stateMatches(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// errorFromRedirect returns the OAuth error of an authorization response, or
// nil when it has none.
func errorFromRedirect(params url.Values) *Error {
	code := params.Get("error")
	if code == "" {
		return nil
	}
	e := &Error{Code: code, Description: params.Get("error_description"), URI: params.Get("error_uri")}
	e.fillFromDescription()
	return e
}

// VerifyIDTokenNonce checks that the ID token carries nonce (compared in
// constant time); it returns [ErrNonceMismatch] when the claim is missing or
// differs. Like [ParseIDTokenClaims] it does not verify the token's
// signature: the token came straight from the token endpoint over TLS.
func VerifyIDTokenNonce(idToken, nonce string) error {
	got, err := idTokenClaim(idToken, "nonce")
	if err != nil {
		return err
	}
	if !stateMatches(got, nonce) {
		return ErrNonceMismatch
	}
	return nil
}

// SignIn is one browser sign-in in progress: what [Config.StartSignIn]
// returns and [Config.FinishSignIn] needs. Keep it server-side (for example
// in memory, keyed by an opaque session id): the verifier must never reach
// the browser.
//
// String, GoString, Format and LogValue redact State, Nonce and Verifier.
type SignIn struct {
	RedirectURI string
	State       string
	Nonce       string // empty when the scopes do not include "openid"
	Verifier    string // the PKCE code verifier
}

// String describes the sign-in with its secrets redacted.
func (s SignIn) String() string {
	return fmt.Sprintf("oauth.SignIn{RedirectURI: %q, State: %s, Nonce: %s, Verifier: %s}",
		s.RedirectURI, redacted, redacted, redacted)
}

// GoString is String.
func (s SignIn) GoString() string { return s.String() }

// Format prints String for every verb.
func (s SignIn) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue logs the redirect URI only.
func (s SignIn) LogValue() slog.Value {
	return slog.GroupValue(slog.String("redirect_uri", s.RedirectURI))
}

// StartSignIn starts an authorization code sign-in for redirectURI: it makes
// a fresh state, a nonce (when the scopes include "openid") and a PKCE
// verifier, and returns the URL to send the browser to with the [SignIn] to
// keep until the callback.
func (c *Config) StartSignIn(redirectURI string, opts ...AuthURLOption) (authURL string, s SignIn, err error) {
	s = SignIn{RedirectURI: redirectURI, State: NewState()}
	if hasScope(c.Scopes, "openid") {
		s.Nonce = NewNonce()
	}
	authURL, s.Verifier, err = c.AuthCodeURL(redirectURI, s.State, s.Nonce, opts...)
	if err != nil {
		return "", SignIn{}, err
	}
	return authURL, s, nil
}

// FinishSignIn completes the sign-in s at its callback request r: it checks
// the state ([ErrStateMismatch]), returns the server's error as an [*Error],
// redeems the code with the PKCE verifier (and the client secret of a
// confidential client), and checks the ID token's nonce
// ([ErrNonceMismatch]). A sign-in can be finished once: the caller forgets s
// whatever the outcome, since a code is single use.
func (c *Config) FinishSignIn(ctx context.Context, r *http.Request, s SignIn) (*Token, error) {
	code, err := ReadCallback(r, s.State)
	if err != nil {
		return nil, withRedirect(err, s.RedirectURI)
	}
	tok, err := c.Exchange(ctx, code, s.RedirectURI, s.Verifier)
	if err != nil {
		return nil, withRedirect(err, s.RedirectURI)
	}
	if s.Nonce != "" {
		if tok.IDToken == "" {
			return nil, errors.New("oauth: the sign-in asked for an ID token (openid) but none came back")
		}
		if err := VerifyIDTokenNonce(tok.IDToken, s.Nonce); err != nil {
			return nil, err
		}
	}
	return tok, nil
}
