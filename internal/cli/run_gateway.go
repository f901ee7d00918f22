package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
)

// gatewayCADir is where `authsome serve` keeps its CA in a profile folder; gatewayCAFile, its
// certificate, is where `run --gateway` looks for it by default.
func gatewayCADir(profileDir string) string { return filepath.Join(profileDir, "gateway-ca") }

func gatewayCAFile(profileDir string) string {
	return filepath.Join(gatewayCADir(profileDir), "ca.pem")
}

// startGatewayProxy starts run's proxy as a forwarder to the gateway of opts (`authsome
// serve`): the child gets the same proxy, CA bundle and placeholders as with a local vault,
// and every request for a host of the agent's connections goes to the gateway, which injects
// the credential, with the agent credential on each CONNECT. The credential is read here and
// stays in this process.
func startGatewayProxy(ctx context.Context, f *Factory, opts *runOptions) (*proxyRun, error) {
	gw, err := url.Parse(opts.Gateway)
	if err != nil || gw.Scheme != "https" || gw.Host == "" || gw.User != nil || strings.Trim(gw.Path, "/") != "" || gw.RawQuery != "" {
		return nil, usagef("--gateway: want the gateway's URL, https://HOST:PORT")
	}
	gw = &url.URL{Scheme: "https", Host: gw.Host}
	cred, err := readAgentCredential(opts.CredentialFile)
	if err != nil {
		return nil, err
	}
	roots, err := gatewayRoots(f, opts.GatewayCA)
	if err != nil {
		return nil, err
	}
	conns, err := gatewayConnections(ctx, gw, cred, roots)
	if err != nil {
		return nil, err
	}
	routes, defs, err := agentRoutes(f.catalog(), conns, opts.Providers, roots)
	if err != nil {
		return nil, err
	}
	relay := &proxy.Relay{URL: gw, Header: http.Header{"Proxy-Authorization": {"Bearer " + cred}}}
	cfg := proxyConfig{denyUnmatched: opts.DenyUnmatched, logger: f.WarnLogger()}
	return newProxyRun(routes, defs, "", cfg, proxy.Options{Relay: relay})
}

// readAgentCredential reads an agent credential (`authsome agent add` prints it) from file:
// one line, surrounding blanks ignored.
func readAgentCredential(file string) (string, error) {
	if file == "" {
		return "", usagef("--gateway needs --agent-credential-file FILE (the credential `authsome agent add` printed)")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--agent-credential-file: %w", err)
	}
	cred := strings.TrimSpace(string(b))
	if cred == "" || strings.ContainsAny(cred, " \t\r\n") {
		return "", usagef("--agent-credential-file %s: want one agent credential on one line", file)
	}
	return cred, nil
}

// gatewayRoots is the system roots plus the gateway's CA: caFile, or the selected profile's
// gateway CA. The pool verifies the gateway's listener and the hosts it intercepts.
func gatewayRoots(f *Factory, caFile string) (*x509.CertPool, error) {
	flag := "--gateway-ca"
	if caFile == "" {
		home := f.vaultHome()
		profile, err := f.selectedProfile(home)
		if err != nil {
			return nil, err
		}
		caFile, flag = gatewayCAFile(home.ProfileDir(profile)), "gateway CA"
	}
	data, err := os.ReadFile(caFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && flag != "--gateway-ca" {
			return nil, usagef("no gateway CA at %s: copy the gateway's ca.pem there or pass --gateway-ca FILE", caFile)
		}
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s %s: no PEM certificate found", flag, caFile)
	}
	return pool, nil
}

// gatewayConnection is what run needs of an entry of the gateway's GET /v1/connections.
type gatewayConnection struct {
	Provider   string `json:"provider"`
	Connection string `json:"connection"`
	Served     bool   `json:"served"`
}

// gatewayTimeout bounds the question run asks the gateway before starting the child.
const gatewayTimeout = 30 * time.Second

// gatewayConnections asks the gateway which connections the agent's grant names.
func gatewayConnections(ctx context.Context, gw *url.URL, cred string, roots *x509.CertPool) ([]gatewayConnection, error) {
	ctx, cancel := context.WithTimeout(ctx, gatewayTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, gw.String()+"/v1/connections", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+cred)
	t := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}}
	defer t.CloseIdleConnections()
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: gateway %s: %s", broker.ErrUnreachable, gw.Host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, fmt.Errorf("gateway %s refused the agent credential (revoked, rotated or expired?)", gw.Host)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("gateway %s: GET /v1/connections answered %s", gw.Host, resp.Status)
	}
	var doc struct {
		Connections []gatewayConnection `json:"connections"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("gateway %s: GET /v1/connections: %w", gw.Host, err)
	}
	return doc.Connections, nil
}

// agentRoutes makes one intercepting route per provider among conns that the gateway
// serves (and specs, P or P:CONN, pick when given), for the provider's API host as the
// catalogue defines it, verified against roots.
func agentRoutes(cat *provider.Catalog, conns []gatewayConnection, specs []string, roots *x509.CertPool) ([]proxy.Route, []*provider.Definition, error) {
	var routes []proxy.Route
	var defs []*provider.Definition
	for _, c := range conns {
		if !c.Served || !pickedBy(specs, c.Provider, c.Connection) {
			continue
		}
		def, _, err := cat.Get(c.Provider)
		if err != nil {
			return nil, nil, err
		}
		if slices.ContainsFunc(defs, func(d *provider.Definition) bool { return d.Name == def.Name }) {
			continue // the gateway serves neither of two connections of one provider through its proxy
		}
		m, err := provider.ParseRoute(def.APIURL)
		if err != nil || m.Host() == "" {
			continue // templated or regex routes: the gateway's API (/v1/graph/...) serves them
		}
		routes = append(routes, proxy.Route{Provider: def.Name, Connection: c.Connection, Match: m, RootCAs: roots})
		defs = append(defs, def)
	}
	if len(routes) == 0 {
		return nil, nil, fmt.Errorf("%w: the gateway serves no connection of this agent's grant to run through", broker.ErrConnectionNotFound)
	}
	return routes, defs, nil
}

// pickedBy reports whether specs (P or P:CONN; none = all) select provider's connection.
func pickedBy(specs []string, provider, connection string) bool {
	if len(specs) == 0 {
		return true
	}
	for _, s := range specs {
		p, c, _ := strings.Cut(s, ":")
		if p == provider && (c == "" || c == connection) {
			return true
		}
	}
	return false
}
