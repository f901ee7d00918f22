package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/proxy"
)

// credentialFrom extracts an agent credential from an Authorization or Proxy-Authorization
// value: "Bearer CRED", or "Basic base64(NAME:CRED)" (what HTTP clients send for a proxy URL
// https://NAME:CRED@host:port; NAME is informative).
func credentialFrom(v string) string {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return ""
	}
	rest = strings.TrimSpace(rest)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return rest
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return ""
		}
		_, cred, _ := strings.Cut(string(raw), ":")
		return cred
	}
	return ""
}

// client is an agent authenticated by its credential, as the proxy and the API see it. It
// keeps the agent's ID and credential hash, and checks on every request that the agent is
// still active with that credential (not revoked, expired or rotated).
type client struct {
	g        *Gateway
	id, name string
	// secret and cert: the agent's credential hash and certificate pin at authentication.
	secret, cert string
}

func (c *client) Name() string { return c.name }

// current returns the agent as the store holds it now, or an error when the credential no
// longer works (ErrBadCredential) or the store cannot be read.
func (c *client) current(ctx context.Context) (*Agent, error) {
	ctx, cancel := storeContext(ctx)
	defer cancel()
	a, err := c.g.agents.Lookup(ctx, c.id)
	if err != nil {
		if errors.Is(err, ErrAgentNotFound) {
			return nil, ErrBadCredential
		}
		return nil, err
	}
	if a.SecretSHA256 != c.secret || a.CertSHA256 != c.cert || a.Status(c.g.now()) != "active" {
		return nil, ErrBadCredential
	}
	return a, nil
}

// Uses implements [proxy.Client]. When the store cannot be read it says yes: Authorize,
// asked next, then answers 503 (or, the store back, checks the grant).
func (c *client) Uses(provider, connection string) bool {
	a, err := c.current(context.Background())
	if err != nil {
		return !errors.Is(err, ErrBadCredential)
	}
	return a.Grant.Uses(provider, connection)
}

// Authorize implements [proxy.Client]: the agent must still be active, the request must get
// a connection of its grant, and the grant's rules must allow it. The request's path becomes
// the checked one (dot segments removed).
func (c *client) Authorize(r *http.Request, provider, connection string) error {
	a, err := c.current(r.Context())
	switch {
	case errors.Is(err, ErrBadCredential):
		return &proxy.Refusal{Status: http.StatusUnauthorized, Code: "authsome_agent_credential",
			Message: "authsome gateway: the agent credential was revoked, rotated or has expired"}
	case err != nil:
		c.g.storeFailed(storeOpAgents, err)
		return unavailableRefusal
	case provider == "":
		return &proxy.Refusal{Code: "authsome_no_connection",
			Message: "authsome gateway: agent " + a.Name + " has no connection for " + r.Method + " " + r.URL.Path + " on this host"}
	case !a.Grant.Uses(provider, connection):
		return &proxy.Refusal{Code: "authsome_outside_grant", Message: "authsome gateway: agent " + a.Name + " may not use " + provider + ":" + connection}
	}
	info, _ := c.g.connection(grant.Connection{Provider: provider, Name: connection})
	fwd, err := a.Grant.Check(grant.Request{
		Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		Body: func() ([]byte, error) { return peekBody(r) }, Graph: info.Graph, Self: info.Self,
	})
	if err != nil {
		return &proxy.Refusal{Code: "authsome_outside_grant",
			Message: "authsome gateway: refused for agent " + a.Name + " on " + provider + ":" + connection + ": " + err.Error()}
	}
	if fwd != r.URL.EscapedPath() {
		r.URL.RawPath = fwd
		r.URL.Path, _ = unescapePath(fwd)
	}
	return nil
}

// peekBody reads r's body (at most grant.MaxBatchBody, refusing more or a compressed one) and
// puts it back for sending.
func peekBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, errors.New("a compressed body cannot be checked")
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, grant.MaxBatchBody+1))
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(b) > grant.MaxBatchBody {
		return nil, errors.New("the body is larger than 4 MiB")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, nil
}

// authenticate returns the client that sent r: by the agent credential in its header (the
// API's Authorization, the proxy's Proxy-Authorization) when there is one, else by its TLS
// client certificate.
func (g *Gateway) authenticate(r *http.Request, header string) (*client, error) {
	var a *Agent
	var err error
	ctx, cancel := storeContext(r.Context())
	defer cancel()
	if cred := credentialFrom(r.Header.Get(header)); cred != "" || r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		a, err = Authenticate(ctx, g.agents, cred, g.now())
	} else {
		a, err = AuthenticateCert(ctx, g.agents, r.TLS.PeerCertificates[0], g.now())
	}
	if err != nil {
		return nil, err
	}
	return &client{g: g, id: a.ID, name: a.Name, secret: a.SecretSHA256, cert: a.CertSHA256}, nil
}

// gate is the gateway as the proxy's [proxy.Gate].
type gate struct{ g *Gateway }

func (gt gate) Authenticate(r *http.Request) (proxy.Client, bool) {
	if c, ok := r.Context().Value(authenticatedKey{}).(*client); ok { // by serveProxy
		return c, c != nil
	}
	c, err := gt.g.authenticate(r, "Proxy-Authorization")
	if err != nil {
		if !errors.Is(err, ErrBadCredential) {
			gt.g.log.Warn("agents cannot be read", "error", err.Error())
		}
		return nil, false
	}
	return c, true
}

func (g *Gateway) now() time.Time {
	if g.clock != nil {
		return g.clock()
	}
	return time.Now()
}
