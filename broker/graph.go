package broker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// GraphEndpoint is where a Microsoft connection's Graph is, with the HTTP
// clients to reach it.
type GraphEndpoint struct {
	// URL is Graph's root: https://graph.microsoft.com, a national cloud's,
	// or the sandbox's current address.
	URL string
	// Connection is the connection's name (the default one resolved).
	Connection string
	// UserPrincipalName is the signed-in account ("" for app-only connections).
	UserPrincipalName string
	// Client adds the connection's token (refreshed as needed) to every
	// request: use it for URL's host only.
	Client *http.Client
	// PreAuth reaches the same hosts without a token, for pre-authenticated
	// upload and download URLs (it trusts the sandbox's CA where needed).
	PreAuth *http.Client
}

// Graph returns the Graph endpoint of a Microsoft connection ("" for the
// default one). It fails as Token does when the connection has no usable
// credential.
func (b *Broker) Graph(ctx context.Context, connection string) (*GraphEndpoint, error) {
	conn, err := b.Token(ctx, "microsoft", connection)
	if err != nil {
		return nil, err
	}
	raw, caFile := conn.GraphURL, ""
	if conn.Cloud == CloudSandbox {
		info, err := b.Sandbox()
		if err != nil {
			return nil, err
		}
		raw, caFile = info.URL, info.CAFile
	}
	if raw == "" {
		raw = "https://graph.microsoft.com"
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("connection %s: Graph URL %q is not an https URL", conn.Name, raw)
	}
	plain, err := ClientTrusting(caFile)
	if err != nil {
		return nil, err
	}
	authed := *plain
	authed.Transport = &Transport{Broker: b, Provider: "microsoft", Connection: conn.Name, Base: plain.Transport}
	return &GraphEndpoint{URL: u.String(), Connection: conn.Name, UserPrincipalName: conn.Account.Username,
		Client: &authed, PreAuth: plain}, nil
}
