// Package account opens Microsoft Graph clients the way authsome users have
// their credentials: from a connection in the authsome vault (the role of
// O365's Account and token backends, [Open]), from the environment `authsome
// run` gives an agent, where the program holds no token at all
// ([FromEnvironment]), or, for a program on its own, from an MSAL token cache
// it shares with python-o365 or an MSAL application, renewing the tokens and
// writing the rotated ones back ([FromTokenCache]).
package account

import (
	"context"
	"errors"
	"net/http"
	"os"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/provider"
)

// ProxyManaged is the value `authsome run` gives MICROSOFT_ACCESS_TOKEN: the
// proxy adds the real token.
const ProxyManaged = provider.ProxyPlaceholder

// Options say which authsome connection to use.
type Options struct {
	// Home is the authsome home ("" for $AUTHSOME_HOME or the default).
	Home string
	// Profile is the profile ("" for the active one).
	Profile string
	// Connection is the Microsoft connection ("" for the default one).
	Connection string
	// Client are more options for the Graph client (retry policy, version, …).
	Client []msgraph.Option
}

// Account is a Graph client signed in as a connection of the authsome vault.
type Account struct {
	*msgraph.Client
	// Connection is the connection's name.
	Connection string
	// UserPrincipalName is the signed-in user ("" for app-only connections,
	// whose calls must name a user instead of "me").
	UserPrincipalName string
}

// Open opens the authsome vault and returns a Graph client for a Microsoft
// connection: its cloud's Graph (or the sandbox's), its token refreshed as
// needed and kept off pre-authenticated upload and download URLs. Sign in
// first with `authsome login microsoft`.
func Open(ctx context.Context, opts Options) (*Account, error) {
	b, err := broker.Open(ctx, broker.Options{Home: opts.Home, Profile: opts.Profile})
	if err != nil {
		return nil, err
	}
	ep, err := b.Graph(ctx, opts.Connection)
	if err != nil {
		return nil, err
	}
	c, err := msgraph.NewClient(ep.Client, append([]msgraph.Option{
		msgraph.WithBaseURL(ep.URL), msgraph.WithPreAuthClient(ep.PreAuth)}, opts.Client...)...)
	if err != nil {
		return nil, err
	}
	return &Account{Client: c, Connection: ep.Connection, UserPrincipalName: ep.UserPrincipalName}, nil
}

// ErrNoCredentials is returned by FromEnvironment when the environment
// offers no way to reach Graph.
var ErrNoCredentials = errors.New("account: no Microsoft Graph credentials in the environment " +
	"(run the program with `authsome run -- PROGRAM`, or `eval $(authsome export microsoft --format shell)`)")

// FromEnvironment returns a Graph client for a program started by authsome:
//
//   - MICROSOFT_GRAPH_URL set (`authsome run`'s base-URL mode): requests go
//     there and the proxy adds the token;
//   - MICROSOFT_ACCESS_TOKEN = authsome-proxy-managed: requests go to Graph
//     through HTTPS_PROXY (honoured by Go's default transport, which trusts
//     the run's CA through SSL_CERT_FILE), and the proxy adds the token;
//   - MICROSOFT_ACCESS_TOKEN holding a token (`authsome export`): it is sent
//     as is, to Graph only (it is not refreshed: prefer the two above, or
//     [FromTokenCache] outside `authsome run`).
func FromEnvironment(opts ...msgraph.Option) (*msgraph.Client, error) {
	if u := os.Getenv("MICROSOFT_GRAPH_URL"); u != "" {
		return msgraph.NewClient(nil, append([]msgraph.Option{msgraph.WithBaseURL(u)}, opts...)...)
	}
	switch tok := os.Getenv("MICROSOFT_ACCESS_TOKEN"); tok {
	case "":
		return nil, ErrNoCredentials
	case ProxyManaged:
		return msgraph.NewClient(nil, opts...)
	default:
		return msgraph.NewClient(&http.Client{Transport: bearer{token: tok, base: http.DefaultTransport}}, opts...)
	}
}

// bearer adds a fixed token to every request. The msgraph client sends
// through it only requests for its Graph host, and follows through it only
// redirects on that host: pre-authenticated URLs, and redirects elsewhere, go
// through its pre-auth client.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}
