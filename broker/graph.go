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
	// Client adds the connection's token (refreshed as needed) to requests
	// for URL's host, and to no other: a redirect elsewhere is followed
	// without it.
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
	authed.Transport = &Transport{Broker: b, Provider: "microsoft", Connection: conn.Name, Base: plain.Transport, only: origin(u)}
	return &GraphEndpoint{URL: u.String(), Connection: conn.Name, UserPrincipalName: conn.Account.Username,
		Client: &authed, PreAuth: plain}, nil
}

// meantFor reports whether req goes to the host t's credential is for: t.only when set, else
// the host of the request the caller made, the first of the redirect chain req belongs to
// (net/http links a redirected request to the response that caused it). A chain that cannot
// be traced back gets no credential.
func (t *Transport) meantFor(req *http.Request) bool {
	if t.only != "" {
		return origin(req.URL) == t.only
	}
	first := req
	for first.Response != nil {
		if first.Response.Request == nil {
			return false
		}
		first = first.Response.Request
	}
	return first == req || origin(first.URL) == origin(req.URL)
}

// origin is a URL's scheme://host[:port] in lower case: two URLs with different origins are
// different hosts for a credential, even on the same machine.
func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
