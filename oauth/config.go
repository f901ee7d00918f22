package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/guid"
)

// maxBody is the most this package reads from any response body.
const maxBody = 1 << 20

// Endpoint holds the URLs of an authorization server.
type Endpoint struct {
	AuthURL       string // authorization endpoint (browser)
	TokenURL      string // token endpoint
	DeviceAuthURL string // device authorization endpoint (RFC 8628); optional
	RevocationURL string // token revocation endpoint (RFC 7009); optional
}

// Config describes one OAuth client of one authorization server.
//
// A Config must not be modified while a request that uses it is running; its
// methods are safe for concurrent use otherwise. The zero values of HTTPClient,
// Now and Header are usable defaults.
type Config struct {
	// ClientID is the application (client) id.
	ClientID string
	// ClientSecret makes this a confidential client. When it is empty the
	// client is public: no client_secret parameter and no Authorization
	// header are ever sent.
	ClientSecret string
	// Assertion, when set, authenticates the client with a signed JWT
	// (client_assertion) on token requests instead of a secret: a
	// [*Certificate] or a [FederatedTokenFile]. It makes the client
	// confidential.
	Assertion ClientAssertion
	Endpoint  Endpoint
	// Scopes are sent space-separated as the scope parameter.
	Scopes []string
	// HTTPClient sends the requests; nil means http.DefaultClient. Redirects
	// are never followed for requests made by this package.
	HTTPClient *http.Client
	// Now is the clock used for expiry times; nil means time.Now.
	Now func() time.Time
	// Header holds extra request headers (for example User-Agent). A
	// client-request-id header is generated for each request unless Header
	// sets one. Content-Type and Accept are always set by this package, and
	// an Authorization header is never sent.
	Header http.Header
	// DeviceTokenJSON makes device-code polling send a JSON body
	// {"device_code", "client_id", "grant_type"} instead of a form, as some
	// providers require.
	DeviceTokenJSON bool

	// sleep waits between device-code polls; nil means a timer. Tests set it.
	sleep func(ctx context.Context, d time.Duration) error
}

// ErrNoClientSecret is returned by flows that need a confidential client when
// the Config has neither a ClientSecret nor an Assertion.
var ErrNoClientSecret = errors.New("oauth: this flow needs a client secret, certificate or federated credential (confidential client)")

// ErrNoRevocation is returned by [Revoke] when the endpoint has no
// revocation URL (Microsoft has none).
var ErrNoRevocation = errors.New("oauth: the provider has no token revocation endpoint")

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) public() bool { return c.ClientSecret == "" && c.Assertion == nil }

func (c *Config) scope() string { return strings.Join(c.Scopes, " ") }

// form starts a request body with client_id, the grant type and, for a
// confidential client, the secret.
func (c *Config) form(grant string) url.Values {
	v := url.Values{}
	v.Set("client_id", c.ClientID)
	if grant != "" {
		v.Set("grant_type", grant)
	}
	if c.ClientSecret != "" {
		v.Set("client_secret", c.ClientSecret)
	}
	return v
}

func (c *Config) setScope(v url.Values) {
	if s := c.scope(); s != "" {
		v.Set("scope", s)
	}
}

// Exchange redeems an authorization code (with its PKCE verifier) for tokens.
// redirectURI must be the one sent to the authorization endpoint.
func (c *Config) Exchange(ctx context.Context, code, redirectURI, verifier string) (*Token, error) {
	v := c.form("authorization_code")
	v.Set("code", code)
	v.Set("redirect_uri", redirectURI)
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	c.setScope(v)
	return c.tokenRequest(ctx, v)
}

// Refresh redeems a refresh token. The configured scopes are sent too, since
// Microsoft picks the resource of the new access token from them. When the
// response carries no refresh token, the returned Token keeps refreshToken;
// when it carries one, the caller must persist it (rotation).
func (c *Config) Refresh(ctx context.Context, refreshToken string) (*Token, error) {
	if refreshToken == "" {
		return nil, errors.New("oauth: no refresh token")
	}
	v := c.form("refresh_token")
	v.Set("refresh_token", refreshToken)
	c.setScope(v)
	t, err := c.tokenRequest(ctx, v)
	if err != nil {
		return nil, err
	}
	if t.RefreshToken == "" {
		t.RefreshToken = refreshToken
	}
	return t, nil
}

// ClientCredentials requests an app-only token. It needs a confidential
// client; for Microsoft the scope must be "<resource>/.default" and the
// tenant must not be common or consumers.
func (c *Config) ClientCredentials(ctx context.Context) (*Token, error) {
	if c.public() {
		return nil, ErrNoClientSecret
	}
	v := c.form("client_credentials")
	c.setScope(v)
	return c.tokenRequest(ctx, v)
}

// Password runs the resource owner password credentials grant. Microsoft
// discourages it: it fails for MFA, federated and personal accounts.
func (c *Config) Password(ctx context.Context, username, password string) (*Token, error) {
	v := c.form("password")
	v.Set("username", username)
	v.Set("password", password)
	c.setScope(v)
	return c.tokenRequest(ctx, v)
}

// Revoke asks the server to revoke token (RFC 7009). hint is the optional
// token_type_hint ("refresh_token" or "access_token"). It returns
// [ErrNoRevocation] when the endpoint has no revocation URL and an error for
// any response other than 200.
func Revoke(ctx context.Context, c *Config, token, hint string) error {
	if c.Endpoint.RevocationURL == "" {
		return ErrNoRevocation
	}
	v := c.form("")
	v.Set("token", token)
	if hint != "" {
		v.Set("token_type_hint", hint)
	}
	status, body, err := c.post(ctx, c.Endpoint.RevocationURL, v)
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		return nil
	}
	if e := parseError(status, body); e != nil {
		return e
	}
	return &MalformedResponseError{StatusCode: status, Reason: "revocation failed", Snippet: snippet(body)}
}

func (c *Config) tokenRequest(ctx context.Context, v url.Values) (*Token, error) {
	if c.Endpoint.TokenURL == "" {
		return nil, errors.New("oauth: the endpoint has no token URL")
	}
	now := c.now()
	if err := c.authenticate(ctx, v, now); err != nil {
		return nil, err
	}
	status, body, err := c.post(ctx, c.Endpoint.TokenURL, v)
	if err != nil {
		return nil, err
	}
	return ParseTokenResponse(status, body, now)
}

// post sends a form and returns the status and at most maxBody bytes of the
// response body.
func (c *Config) post(ctx context.Context, target string, v url.Values) (int, []byte, error) {
	return c.send(ctx, target, "application/x-www-form-urlencoded", []byte(v.Encode()))
}

// postJSON sends v as a JSON body, like post.
func (c *Config) postJSON(ctx context.Context, target string, v any) (int, []byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return 0, nil, fmt.Errorf("oauth: %w", err)
	}
	return c.send(ctx, target, "application/json", body)
}

func (c *Config) send(ctx context.Context, target, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("oauth: %w", err)
	}
	for k, vs := range c.Header {
		req.Header[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	if req.Header.Get("client-request-id") == "" {
		req.Header.Set("client-request-id", guid.New())
	}
	req.Header.Del("Authorization")

	hc := http.DefaultClient
	if c.HTTPClient != nil {
		hc = c.HTTPClient
	}
	// Never follow redirects: a 307/308 would resend the code or secret to
	// wherever the Location points.
	nc := *hc
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	resp, err := nc.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("oauth: request to %s: %w", hostOf(target), err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("oauth: reading response from %s: %w", hostOf(target), err)
	}
	return resp.StatusCode, respBody, nil
}

func hostOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		return u.Host
	}
	return "the server"
}

// String describes the Config without its client secret.
func (c Config) String() string {
	secret := "none (public client)"
	switch {
	case c.ClientSecret != "":
		secret = redacted
	case c.Assertion != nil:
		secret = "none (client assertion)"
	}
	return fmt.Sprintf("oauth.Config{ClientID: %q, ClientSecret: %s, TokenURL: %q, Scopes: %q}",
		c.ClientID, secret, c.Endpoint.TokenURL, c.Scopes)
}

// GoString is String, so %#v cannot print the secret.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so no verb can print the secret.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the Config without its client secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", c.ClientID),
		slog.Bool("confidential", !c.public()),
		slog.String("token_url", c.Endpoint.TokenURL),
		slog.String("scope", c.scope()),
	)
}
