package broker

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
)

// ErrDuplicateProvider is returned by [Broker.ProxyRoutes] for a provider named twice: the
// proxy injects one connection per provider.
var ErrDuplicateProvider = errors.New("provider given twice: one connection per provider and run")

// ProxyRoutes is what a proxy run injects: one route per connection, the definitions of their
// providers in the same order (with {base_url} resolved for each connection), and the CA file
// of the sandbox when a connection targets the sandbox ("" otherwise).
type ProxyRoutes struct {
	Routes    []proxy.Route
	Providers []*provider.Definition
	SandboxCA string
}

// ProxyRoutes resolves specs, each "PROVIDER" or "PROVIDER:CONNECTION", to the proxy's routes;
// no specs means every provider's default connection. Each connection must have a usable
// credential now (refreshed if needed), so that a dead sign-in fails before a child starts.
// A Microsoft connection routes its cloud's Graph host; a sandbox connection is sent to the
// running sandbox, verified against its CA.
func (b *Broker) ProxyRoutes(ctx context.Context, specs []string) (*ProxyRoutes, error) {
	type pick struct{ prov, conn string }
	var picks []pick
	if len(specs) == 0 {
		list, err := b.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			if p.Default != "" {
				picks = append(picks, pick{p.Def.Name, p.Default})
			}
		}
		if len(picks) == 0 {
			return nil, fmt.Errorf("%w: no connections to inject (sign in first: `authsome login microsoft`)", ErrConnectionNotFound)
		}
	}
	for _, s := range specs {
		p, c, _ := strings.Cut(s, ":")
		picks = append(picks, pick{p, c})
	}
	out := &ProxyRoutes{}
	seen := map[string]bool{}
	var sandboxRoots *x509.CertPool // one upstream pool for every sandbox route
	for _, pk := range picks {
		def, _, err := b.catalog.Get(pk.prov)
		if err != nil {
			return nil, err
		}
		if seen[def.Name] {
			return nil, fmt.Errorf("%w (%s)", ErrDuplicateProvider, def.Name)
		}
		seen[def.Name] = true
		conn, err := b.Token(ctx, def.Name, pk.conn)
		if err != nil {
			return nil, err
		}
		if def, err = ResolveFor(def, conn); err != nil { // {base_url} → the connection's
			return nil, err
		}
		r := proxy.Route{Provider: def.Name, Connection: conn.Name}
		apiURL := def.APIURL
		if def.IsMicrosoft() && conn.Cloud != CloudSandbox && conn.GraphURL != "" {
			apiURL = strings.TrimPrefix(conn.GraphURL, "https://") // national clouds: their Graph host
		}
		if r.Match, err = provider.ParseRoute(apiURL); err != nil {
			return nil, err
		}
		if conn.Cloud == CloudSandbox {
			info, err := b.Sandbox()
			if err != nil {
				return nil, err
			}
			if r.Upstream, err = url.Parse(info.URL); err != nil {
				return nil, err
			}
			if sandboxRoots == nil {
				if sandboxRoots, err = RootsTrusting(info.CAFile); err != nil {
					return nil, err
				}
				out.SandboxCA = info.CAFile
			}
			r.RootCAs = sandboxRoots
		}
		out.Routes = append(out.Routes, r)
		out.Providers = append(out.Providers, def)
	}
	return out, nil
}
