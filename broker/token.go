package broker

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// Connection returns the stored record of a connection as it is, without refreshing. An empty
// name means the provider's default connection.
func (b *Broker) Connection(ctx context.Context, prov, name string) (*vault.Connection, error) {
	def, err := b.definition(prov)
	if err != nil {
		return nil, err
	}
	data, err := b.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	return findConnection(data, def.Name, name)
}

func findConnection(d *vault.Data, prov, name string) (*vault.Connection, error) {
	ps := d.Providers[prov]
	if name == "" {
		if ps == nil || ps.Default == "" {
			return nil, fmt.Errorf("%w: no %s connection (sign in with `authsome login %s`)", ErrConnectionNotFound, prov, prov)
		}
		name = ps.Default
	}
	if ps == nil || ps.Connections[name] == nil {
		return nil, fmt.Errorf("%w: %s/%s (see `authsome list`)", ErrConnectionNotFound, prov, name)
	}
	return ps.Connections[name], nil
}

// Token returns the connection with a valid access token, refreshing it first when it expires
// within the refresh skew. Concurrent callers share one refresh: singleflight inside the process
// and the store's connection lock across processes and replicas, after which the store is
// re-read (another process may have refreshed already). The rotated refresh token is stored before Token returns; when ctx ends
// first, Token returns ctx.Err() and the refresh goes on to store it (see [Broker.Wait]).
func (b *Broker) Token(ctx context.Context, prov, name string) (*vault.Connection, error) {
	cacheKey := prov + "\x00" + name
	version, versionErr := b.store.Version(ctx)
	if v, ok := b.recent.Load(cacheKey); ok && versionErr == nil {
		if r := v.(recentConn); r.version == version && b.fresh(r.conn) {
			c := *r.conn
			return &c, nil
		}
	}
	c, err := b.Connection(ctx, prov, name)
	if err != nil {
		return nil, err
	}
	if b.fresh(c) {
		if versionErr == nil {
			copied := *c
			b.recent.Store(cacheKey, recentConn{version: version, conn: &copied})
		}
		return c, nil
	}
	key := c.Provider + "\x00" + c.Name
	// The refresh outlives the caller that started it: other callers share it, and once the
	// provider has rotated the refresh token the new one must reach the vault, or the
	// connection is lost. Each caller still stops waiting when its own ctx ends.
	ch := b.flight.DoChan(key, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		return b.refresh(ctx, c.Provider, c.Name)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*vault.Connection), nil
	case <-ctx.Done():
		// The refresh goes on; Wait lets the process stay until its result is stored.
		b.abandoned.add()
		go func() {
			<-ch
			b.abandoned.finish()
		}()
		return nil, ctx.Err()
	}
}

// recentConn is a connection as read from the store at version. Token serves it from memory
// while the store is unchanged and the token fresh: decrypting the vault on every proxied
// request would cost more than the request itself.
type recentConn struct {
	version string
	conn    *vault.Connection
}

// refreshTimeout bounds one refresh: waiting for another process's refresh, the token request
// and the vault write.
const refreshTimeout = 2 * time.Minute

// fresh reports whether c can be used without a refresh.
func (b *Broker) fresh(c *vault.Connection) bool {
	if c.AuthType == string(provider.AuthAPIKey) {
		return true
	}
	return c.AccessToken != "" && c.Status != StatusNeedsLogin && (c.Expiry.IsZero() || b.now().Add(b.skew).Before(c.Expiry))
}

func (b *Broker) refresh(ctx context.Context, prov, name string) (*vault.Connection, error) {
	unlock, err := b.store.LockConnection(ctx, prov, name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	data, err := b.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	c, err := findConnection(data, prov, name)
	if err != nil {
		return nil, err
	}
	if b.fresh(c) {
		return c, nil // refreshed by someone else while we waited
	}
	if c.Status == StatusNeedsLogin {
		if c.LastError == ErrRefreshInterrupted.Error() {
			return nil, interruptedError(c)
		}
		return nil, &CredentialError{Provider: prov, Connection: name, Reason: "the sign-in expired or was revoked; run `authsome login " + prov + " --connection " + name + " --force`", Err: errorString(c.LastError)}
	}
	def, err := b.definition(prov)
	if err != nil {
		return nil, err
	}
	if def, err = ResolveFor(def, c); err != nil {
		return nil, err
	}
	if interrupted(c) {
		return nil, b.refuseInterrupted(ctx, c)
	}
	sent, err := b.markSending(ctx, c)
	if err != nil {
		return nil, err
	}
	tok, err := b.renew(ctx, def, c, data)
	if err != nil {
		b.recordRefresh(prov, name, err)
		var oe *oauth.Error
		if errors.As(err, &oe) && oe.NeedsLogin() {
			b.markNeedsLogin(ctx, prov, name, oe)
			return nil, &CredentialError{Provider: prov, Connection: name, Reason: "refresh was refused; run `authsome login " + prov + " --connection " + name + " --force`", Err: err}
		}
		b.clearSending(ctx, c)
		if !c.Expiry.IsZero() && b.now().Before(c.Expiry) {
			b.log.Warn("refresh failed, using the current token until it expires", "provider", prov, "connection", name, "error", err)
			return c, nil
		}
		return nil, &CredentialError{Provider: prov, Connection: name, Reason: "the access token expired and could not be refreshed", Err: unreachable(err)}
	}
	var out *vault.Connection
	err = b.store.Update(ctx, func(d *vault.Data) error {
		cur, err := findConnection(d, prov, name)
		if err != nil {
			return err
		}
		cur.AccessToken, cur.TokenType, cur.Expiry = tok.AccessToken, tok.TokenType, tok.Expiry
		if tok.RefreshToken != "" {
			cur.RefreshToken = tok.RefreshToken
		}
		cur.LastRefreshAt, cur.Status, cur.LastError, cur.RefreshSent = b.now(), StatusConnected, "", nil
		copied := *cur
		out = &copied
		return nil
	})
	b.recordRefresh(prov, name, err) // a failed write loses the rotated refresh token
	if err != nil {
		return nil, err
	}
	b.log.Debug("token refreshed", "provider", prov, "connection", name, "expires", tok.Expiry, "sent_to_stored", b.now().Sub(sent))
	return out, nil
}

// renew obtains a new access token: refresh_token grant, or client credentials again for
// app-only connections.
func (b *Broker) renew(ctx context.Context, def *provider.Definition, c *vault.Connection, data *vault.Data) (*oauth.Token, error) {
	if def.OAuth == nil {
		return nil, fmt.Errorf("%s is not an OAuth provider", def.Name)
	}
	t, err := b.resolve(def, c.Cloud, c.Tenant)
	if err != nil {
		return nil, err
	}
	if c.Cloud == CloudSandbox && t.authority == "" && c.AuthorityURL != "" {
		t.endpoint = oauth.MicrosoftEndpoint(c.AuthorityURL, c.Tenant)
	}
	cfg := &oauth.Config{ClientID: c.ClientID, Endpoint: t.endpoint, Scopes: c.Scopes, HTTPClient: t.hc, Now: b.now}
	if ps := data.Providers[def.Name]; ps != nil && ps.Client != nil && ps.Client.ClientID == c.ClientID {
		cfg.ClientSecret = ps.Client.ClientSecret
	}
	if cfg.Assertion, err = connAssertion(c); err != nil {
		return nil, &CredentialError{Provider: def.Name, Connection: c.Name, Reason: "the stored client certificate is unusable (" + err.Error() + "); sign in again"}
	} else if cfg.Assertion != nil {
		cfg.ClientSecret = ""
	}
	if c.Flow == string(provider.FlowClientCredentials) {
		if cfg.ClientSecret == "" && cfg.Assertion == nil && t.sandbox != nil && t.sandbox.ConfidentialClientID == c.ClientID {
			cfg.ClientSecret = t.sandbox.ConfidentialClientSecret
		}
		return cfg.ClientCredentials(ctx)
	}
	if c.RefreshToken == "" {
		return nil, &CredentialError{Provider: def.Name, Connection: c.Name, Reason: "the access token expired and there is no refresh token (request offline_access); sign in again"}
	}
	return cfg.Refresh(ctx, c.RefreshToken)
}

func (b *Broker) markNeedsLogin(ctx context.Context, prov, name string, cause error) {
	err := b.store.Update(ctx, func(d *vault.Data) error {
		cur, err := findConnection(d, prov, name)
		if err != nil {
			return err
		}
		cur.Status, cur.LastError, cur.RefreshSent = StatusNeedsLogin, cause.Error(), nil
		return nil
	})
	if err != nil {
		b.log.Warn("could not record the failed refresh", "provider", prov, "connection", name, "error", err)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// TokenSource returns an oauth2.TokenSource for a connection; every Token call goes through
// [Broker.Token], so it refreshes and persists as needed. It is safe for concurrent use.
func (b *Broker) TokenSource(ctx context.Context, prov, name string) oauth2.TokenSource {
	return tokenSource{ctx: ctx, b: b, prov: prov, name: name}
}

type tokenSource struct {
	ctx        context.Context
	b          *Broker
	prov, name string
}

func (s tokenSource) Token() (*oauth2.Token, error) {
	c, err := s.b.Token(s.ctx, s.prov, s.name)
	if err != nil {
		return nil, err
	}
	if c.AuthType == string(provider.AuthAPIKey) {
		return nil, fmt.Errorf("%s/%s holds an API key, not an OAuth token", c.Provider, c.Name)
	}
	typ := c.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	return &oauth2.Token{AccessToken: c.AccessToken, TokenType: typ, Expiry: c.Expiry}, nil
}

// HTTPClient returns a client whose requests carry the connection's credential (a fresh token,
// or the API key header). Use it only for the provider's API host.
func (b *Broker) HTTPClient(ctx context.Context, prov, name string) *http.Client {
	return &http.Client{Transport: &Transport{Broker: b, Provider: prov, Connection: name}}
}

// Transport adds a connection's credential to each request for the host it is meant for: the
// host of the request the caller made, so that a redirect to another host (scheme, host or
// port) goes there without it, and for [Broker.Graph]'s client the Graph host only. It clones
// requests, never modifying the caller's. Base nil means http.DefaultTransport.
type Transport struct {
	Broker               *Broker
	Provider, Connection string
	Base                 http.RoundTripper

	only string // set by Graph: "scheme://host[:port]" of the only host the credential goes to
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.meantFor(req) {
		return t.base().RoundTrip(req)
	}
	name, value, err := t.Broker.AuthHeader(req.Context(), t.Provider, t.Connection)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r2 := req.Clone(req.Context())
	r2.Header.Set(name, value)
	return t.base().RoundTrip(r2)
}

func (t *Transport) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

// AuthHeader returns the header name and value that authenticate a request for the connection.
func (b *Broker) AuthHeader(ctx context.Context, prov, name string) (header, value string, err error) {
	c, err := b.Token(ctx, prov, name)
	if err != nil {
		return "", "", err
	}
	if c.AuthType == string(provider.AuthAPIKey) {
		def, err := b.definition(prov)
		if err != nil {
			return "", "", err
		}
		h, p := "Authorization", "Bearer"
		if def.APIKey != nil {
			if def.APIKey.HeaderName != "" {
				h = def.APIKey.HeaderName
			}
			p = def.APIKey.HeaderPrefix
		}
		if p == "" {
			return h, c.APIKey, nil
		}
		return h, p + " " + c.APIKey, nil
	}
	typ := c.TokenType
	if typ == "" || typ == "bearer" {
		typ = "Bearer"
	}
	return "Authorization", typ + " " + c.AccessToken, nil
}

// Invalidate marks the connection's access token as expired, so that the next [Broker.Token]
// refreshes it. The proxy calls it when the API rejects a token as expired or revoked before
// its recorded expiry. It does nothing for API-key connections.
func (b *Broker) Invalidate(ctx context.Context, prov, name string) {
	err := b.store.Update(ctx, func(d *vault.Data) error {
		c, err := findConnection(d, prov, name)
		if err != nil || c.AuthType == string(provider.AuthAPIKey) {
			return err
		}
		if past := b.now().Add(-time.Second); c.Expiry.IsZero() || c.Expiry.After(past) {
			c.Expiry = past
		}
		return nil
	})
	if err != nil {
		b.log.Warn("could not invalidate the token", "provider", prov, "connection", name, "error", err)
	}
}
