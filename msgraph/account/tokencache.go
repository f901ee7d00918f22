package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/authsome-go/authsome/broker/msalcache"
	"github.com/authsome-go/authsome/internal/atomicfile"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/oauth"
)

// TokenCache holds the serialised MSAL token cache that [FromTokenCache] reads and writes
// back: a file ([FileCache]), or a secret store of the program's own.
type TokenCache interface {
	// Read returns the cache's content.
	Read(ctx context.Context) ([]byte, error)
	// Write replaces the content atomically.
	Write(ctx context.Context, data []byte) error
	// Lock takes the cache's exclusive lock, shared by every process using the cache, until
	// unlock is called; a holder that dies releases it. FromTokenCache holds it from reading
	// the cache again to writing the renewed tokens, so that one process refreshes at a time.
	Lock(ctx context.Context) (unlock func(), err error)
}

// FileCache is a [TokenCache] in a file, such as python-o365's o365_token.txt or an MSAL
// application's cache file. It is replaced atomically, with mode 0600, and locked through the
// file path+".lock". The tokens in it are not encrypted: keep it where only its owner can read
// it, or keep them in the authsome vault instead ([Open], `authsome import`).
type FileCache string

// Read reads the file.
func (f FileCache) Read(context.Context) ([]byte, error) { return os.ReadFile(string(f)) }

// Write replaces the file atomically, with mode 0600.
func (f FileCache) Write(_ context.Context, data []byte) error {
	return atomicfile.Write(string(f), data, 0o600)
}

// Lock takes an advisory lock on path+".lock".
func (f FileCache) Lock(ctx context.Context) (func(), error) {
	fl := flock.New(string(f)+".lock", flock.SetPermissions(0o600))
	ok, err := fl.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil {
		return nil, fmt.Errorf("account: locking %s: %w", fl.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("account: locking %s: %w", fl.Path(), ctx.Err())
	}
	var once sync.Once
	return func() { once.Do(func() { _ = fl.Unlock() }) }, nil
}

// CacheOptions configure [FromTokenCache]. The zero value uses the cache's only sign-in, at the
// authority and Graph of its cloud.
type CacheOptions struct {
	// Username picks the sign-in when the cache holds several.
	Username string
	// AuthorityURL replaces https://ENVIRONMENT, the authority host the cache records (for
	// example a sandbox's URL).
	AuthorityURL string
	// GraphURL is Graph's root; "" is the Graph of the authority's cloud.
	GraphURL string
	// HTTPClient reaches the token endpoint and Graph; nil is http.DefaultClient.
	HTTPClient *http.Client
	// Client are more options for the Graph client.
	Client []msgraph.Option
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// refreshSkew is how long before its expiry an access token is renewed; refreshTimeout bounds
// one refresh and the write of its result.
const (
	refreshSkew    = 5 * time.Minute
	refreshTimeout = 2 * time.Minute
)

// FromTokenCache returns a Graph client signed in as the sign-in of an MSAL token cache, for a
// program that runs outside `authsome run` and keeps its own tokens (as python-o365 and MSAL
// applications do). An access token about to expire is renewed with the cached refresh token,
// one refresh at a time (in the process, and across processes through [TokenCache.Lock]), and
// the rotated refresh token is written back to the cache before it is used, as MSAL writes it,
// so that the MSAL application sharing the cache keeps working.
func FromTokenCache(ctx context.Context, cache TokenCache, opts CacheOptions) (*Account, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	src := &cacheSource{cache: cache, opts: opts}
	s, _, err := src.read(ctx)
	if err != nil {
		return nil, err
	}
	graph, err := graphFor(s.Environment, opts)
	if err != nil {
		return nil, err
	}
	authed := *opts.HTTPClient
	authed.Transport = &cacheTransport{src: src, base: transportOf(opts.HTTPClient)}
	c, err := msgraph.NewClient(&authed, append([]msgraph.Option{
		msgraph.WithBaseURL(graph), msgraph.WithPreAuthClient(opts.HTTPClient)}, opts.Client...)...)
	if err != nil {
		return nil, err
	}
	return &Account{Client: c, UserPrincipalName: s.Username}, nil
}

// graphFor returns Graph's root for a cache's environment.
func graphFor(env string, opts CacheOptions) (string, error) {
	if opts.GraphURL != "" {
		return opts.GraphURL, nil
	}
	for _, name := range oauth.CloudNames() {
		if c, err := oauth.LookupCloud(name); err == nil && strings.EqualFold(c.AuthorityHost, "https://"+env) {
			return c.GraphHost, nil
		}
	}
	return "", fmt.Errorf("account: the token cache's authority %s is not a Microsoft cloud's: set CacheOptions.GraphURL", env)
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport == nil {
		return http.DefaultTransport
	}
	return c.Transport
}

// cacheSource hands out the access token of one sign-in of a token cache, renewing it.
type cacheSource struct {
	cache TokenCache
	opts  CacheOptions

	mu      sync.Mutex // one refresh at a time in this process; guards current
	current msalcache.SignIn
}

// read reads the cache and returns the sign-in, with the raw cache.
func (c *cacheSource) read(ctx context.Context) (msalcache.SignIn, []byte, error) {
	raw, err := c.cache.Read(ctx)
	if err != nil {
		return msalcache.SignIn{}, nil, fmt.Errorf("account: reading the token cache: %w", err)
	}
	parsed, err := msalcache.Parse(raw)
	if err != nil {
		return msalcache.SignIn{}, nil, fmt.Errorf("account: %w", err)
	}
	var found []msalcache.SignIn
	for _, s := range parsed.SignIns() {
		if c.opts.Username == "" || strings.EqualFold(s.Username, c.opts.Username) {
			found = append(found, s)
		}
	}
	switch {
	case len(found) == 0 && c.opts.Username != "":
		return msalcache.SignIn{}, nil, fmt.Errorf("account: the token cache has no sign-in of %s", c.opts.Username)
	case len(found) == 0:
		return msalcache.SignIn{}, nil, errors.New("account: the token cache holds no refresh token; sign in with the application that writes it")
	case len(found) > 1:
		return msalcache.SignIn{}, nil, fmt.Errorf("account: the token cache holds %d sign-ins: set CacheOptions.Username", len(found))
	}
	return found[0], raw, nil
}

func (c *cacheSource) fresh(s msalcache.SignIn) bool {
	return s.AccessToken != "" && c.opts.Now().Add(refreshSkew).Before(s.Expiry)
}

// token returns a valid access token: the one in memory, the cache's (another process may
// have renewed it), or a new one, whose rotated refresh token is in the cache on return.
func (c *cacheSource) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fresh(c.current) {
		return c.current.AccessToken, nil
	}
	unlock, err := c.cache.Lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	s, raw, err := c.read(ctx)
	if err != nil {
		return "", err
	}
	if c.fresh(s) {
		c.current = s
		return s.AccessToken, nil
	}
	authority := c.opts.AuthorityURL
	if authority == "" {
		authority = "https://" + s.Environment
	}
	cfg := &oauth.Config{ClientID: s.ClientID, Endpoint: oauth.MicrosoftEndpoint(authority, s.Tenant),
		Scopes: s.Scopes, HTTPClient: c.opts.HTTPClient, Now: c.opts.Now}
	// Once the identity platform has answered, the rotated refresh token exists nowhere else:
	// the refresh and the write go on if the caller goes.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
	defer cancel()
	tok, err := cfg.Refresh(ctx, s.RefreshToken)
	if err != nil {
		return "", fmt.Errorf("account: renewing the access token of %s: %w", s.Username, err)
	}
	scopes := strings.Fields(tok.Scope)
	if len(scopes) == 0 {
		scopes = s.Scopes
	}
	updated, err := msalcache.Update(raw, s, msalcache.Renewed{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		TokenType: tok.TokenType, Expiry: tok.Expiry, Scopes: scopes, Now: c.opts.Now()})
	if err != nil {
		return "", err
	}
	if err := c.cache.Write(ctx, updated); err != nil {
		return "", fmt.Errorf("account: writing the renewed tokens to the token cache: %w", err)
	}
	s.AccessToken, s.Expiry = tok.AccessToken, tok.Expiry
	if tok.RefreshToken != "" {
		s.RefreshToken = tok.RefreshToken
	}
	c.current = s
	return s.AccessToken, nil
}

// cacheTransport adds the cache's access token to requests. The msgraph client sends through
// it only requests for its Graph host (see bearer).
type cacheTransport struct {
	src  *cacheSource
	base http.RoundTripper
}

func (t *cacheTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.src.token(r.Context())
	if err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	return bearer{token: tok, base: t.base}.RoundTrip(r)
}
