package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/internal/atomicfile"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/proxy"
)

// settleNames settles the names agents reach the gateway by (o.hostnames, the first of them
// in the URL serve prints). With --tls-cert, none is needed to issue a certificate: each one
// given must be a name of the certificate, and without any the certificate's first DNS name
// (or IP address) is used. Without it, the CA issues the listener's certificate for them:
// default this machine's name when it has a dot.
func (o *serveOptions) settleNames() error {
	if (o.certFile == "") != (o.keyFile == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	if o.certFile == "" {
		if len(o.hostnames) == 0 {
			if h, err := os.Hostname(); err == nil && strings.Contains(strings.Trim(h, "."), ".") {
				o.hostnames = []string{strings.ToLower(h)}
			} else {
				return usagef("give --hostname NAME, the DNS name (with a dot) agents reach the gateway by, or --tls-cert and --tls-key")
			}
		}
		return nil
	}
	cert, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
	if err != nil {
		return fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	leaf := cert.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("--tls-cert: %w", err)
		}
	}
	names := certNames(leaf)
	for _, h := range o.hostnames {
		if leaf.VerifyHostname(h) != nil {
			return usagef("--hostname %s is not a name of --tls-cert, which is for %s: give a certificate for it, or leave --hostname out",
				h, strings.Join(names, ", "))
		}
	}
	if len(o.hostnames) == 0 {
		i := slices.IndexFunc(names, func(n string) bool { return !strings.HasPrefix(n, "*") })
		if i < 0 {
			return usagef("--tls-cert names no host agents can reach the gateway by (%s): give --hostname NAME, one it covers", strings.Join(names, ", "))
		}
		o.hostnames, o.namesFromCert = []string{names[i]}, true
	}
	o.tlsCert = &cert
	return nil
}

// certNames are a certificate's DNS names, then its IP addresses.
func certNames(c *x509.Certificate) []string {
	out := slices.Clone(c.DNSNames)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	if len(out) == 0 {
		return []string{"no name"}
	}
	return out
}

// Lifetime of the gateway CA kept in a PostgreSQL store, and how long before its end serve
// warns: agents on other hosts are given its certificate once, so it lasts longer than a
// profile folder's, which renews itself.
const (
	storeCAValidity = 365 * 24 * time.Hour
	storeCAWarn     = 30 * 24 * time.Hour
)

// serveCA returns the CA the gateway issues its certificates from (the listener's, unless
// --tls-cert, and the intercepted hosts'), and the file of its certificate for agents. On a
// PostgreSQL store (ps) it is the store's, one for every replica on any host (see storeCA),
// its certificate copied into the profile folder; else the profile folder's own, made for the
// --hostname names and the routed hosts.
func serveCA(ctx context.Context, b *broker.Broker, ps *pgstore.Store, o *serveOptions, routes []proxy.Route, log *slog.Logger) (*proxy.CA, string, error) {
	// The names the CA issues the listener's certificate for. A profile folder's CA is made,
	// as it always was, for the --hostname names given with --tls-cert too.
	var names []string
	if o.certFile == "" || ps == nil && !o.namesFromCert {
		names = o.hostnames
	}
	hosts := caHosts(names, routes)
	caDir := gatewayCADir(profileDir(b))
	caFile := filepath.Join(caDir, "ca.pem")
	if ps == nil {
		ca, err := proxy.LoadOrCreateCA(caDir, hosts)
		return ca, caFile, err
	}
	ca, err := storeCA(ctx, ps, hosts, nil, false)
	if err != nil {
		return nil, "", err
	}
	if err := checkStoreCA(ca, names, hosts, log); err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(caDir, 0o700); err != nil {
		return nil, "", err
	}
	return ca, caFile, atomicfile.Write(caFile, ca.CertPEM(), 0o644)
}

// caHosts are names and the hosts of routes, sorted, once each.
func caHosts(names []string, routes []proxy.Route) []string {
	hosts := slices.Clone(names)
	for _, r := range routes {
		if h := r.Match.Host(); h != "" {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// storeCA returns the gateway CA of a PostgreSQL store, creating it when there is none: the
// replicas of a profile, on any host, share it, so that agents trust one certificate whichever
// replica answers. Its name constraints are fixed when it is made: hosts (the creating
// replica's --hostname names and routed hosts), and those of the CA it replaces. It is
// re-issued (a new key and certificate) when reissue is set, or when it does not cover every
// name of need; the first replica of several starting together creates it, the others find it.
func storeCA(ctx context.Context, ps *pgstore.Store, hosts, need []string, reissue bool) (*proxy.CA, error) {
	got, err := ps.UpdateGatewayCA(ctx, func(cur *pgstore.GatewayCA) (*pgstore.GatewayCA, error) {
		want := slices.Clone(hosts)
		if cur != nil {
			old, err := proxy.ParseCA(cur.CertPEM, cur.KeyPEM)
			switch {
			case err != nil && !reissue:
				return nil, fmt.Errorf("the store's gateway CA: %w (make a new one with `authsome store ca --reissue`)", err)
			case err == nil && !reissue && !slices.ContainsFunc(need, func(h string) bool { return !old.Permits(h) }):
				return nil, nil
			case err == nil:
				want = append(want, old.Hosts()...)
			}
		}
		want = append(want, need...)
		ca, err := proxy.NewCA(want, storeCAValidity)
		if err != nil {
			return nil, err
		}
		key, err := ca.KeyPEM()
		if err != nil {
			return nil, err
		}
		return &pgstore.GatewayCA{CertPEM: ca.CertPEM(), KeyPEM: key}, nil
	})
	if err != nil {
		return nil, err
	}
	return proxy.ParseCA(got.CertPEM, got.KeyPEM)
}

// checkStoreCA refuses a store's CA that has expired or does not cover names (the --hostname
// names it must issue the listener's certificate for), telling how to re-issue it, and warns
// of routed hosts it does not cover (agents reach those through /v1 only) and of its end.
func checkStoreCA(ca *proxy.CA, names, hosts []string, log *slog.Logger) error {
	end := ca.Certificate().NotAfter
	if !time.Now().Before(end) {
		return fmt.Errorf("the store's gateway CA expired on %s: re-issue it with `authsome store ca --reissue --out ca.pem`, give agents the new ca.pem and start serve again",
			end.Format(time.DateOnly))
	}
	for _, h := range names {
		if !ca.Permits(h) {
			return usagef("the store's gateway CA, shared by every replica, does not cover --hostname %s (it covers %s): add it with `authsome store ca --hostname %s --out ca.pem` (a new CA: give agents the new ca.pem and restart the other replicas)",
				h, strings.Join(ca.Hosts(), ", "), h)
		}
	}
	for _, h := range hosts {
		if !ca.Permits(h) {
			log.Warn("the store's gateway CA does not cover a routed host: agents reach it through /v1 only, not as a proxy (re-issue the CA with `authsome store ca --reissue`)", "host", h)
		}
	}
	if time.Until(end) < storeCAWarn {
		log.Warn("the store's gateway CA expires soon: re-issue it with `authsome store ca --reissue` and give agents the new certificate", "not_after", end.Format(time.RFC3339))
	}
	return nil
}

// connectionsPoll is how often serve checks whether its store's connections changed.
const connectionsPoll = time.Second

// followConnections keeps the connections g serves those of b's store until ctx ends: at most
// once every connectionsPoll it reads the store's version (from memory on a PostgreSQL store
// while its LISTEN connection is up, kept current by NOTIFY; a file's size and time on a
// vault), and when it changed and so did the connections (added, removed or signed in again:
// a refreshed token is no change), swaps in their routes. routes and conns are those served
// now. A connection still in the store that cannot be routed now (its token cannot be had)
// keeps its route, as it would have had serve not looked.
func followConnections(ctx context.Context, b *broker.Broker, g *gateway.Gateway, routes []proxy.Route, conns []gateway.Connection, log *slog.Logger) {
	// Nothing seen yet: the first tick reads the routes again, catching what changed since
	// routes were read.
	var seenVersion string
	var seenConns []string
	t := time.NewTicker(connectionsPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := b.Store().Version(ctx)
		if err != nil || v == seenVersion {
			continue
		}
		keys, err := connectionKeys(ctx, b)
		if err != nil {
			continue // the next tick tries again
		}
		seenVersion = v
		if slices.Equal(keys, seenConns) {
			continue
		}
		seenConns = keys
		nr, nc, err := gatewayRoutes(ctx, b, log)
		if err != nil && !errors.Is(err, broker.ErrConnectionNotFound) {
			log.Warn("connections changed but cannot be read", "error", err.Error())
			seenConns = nil // try again at the next change
			continue
		}
		nr, nc = keepServed(keys, routes, conns, nr, nc)
		if err := g.SetConnections(nr, nc); err != nil {
			log.Warn("connections changed but cannot be served", "error", err.Error())
			continue
		}
		if !sameConnections(conns, nc) {
			log.Info("connections changed", "served", len(nc))
		}
		routes, conns = nr, nc
	}
}

// sameConnections reports whether a and b name the same connections in the same order.
func sameConnections(a, b []gateway.Connection) bool {
	return slices.EqualFunc(a, b, func(x, y gateway.Connection) bool { return x.Provider == y.Provider && x.Name == y.Name })
}

// keepServed adds to routes and conns those of the connections served before (old) that are
// still in the store (keys, as connectionKeys) but were left out.
func keepServed(keys []string, oldRoutes []proxy.Route, oldConns []gateway.Connection, routes []proxy.Route, conns []gateway.Connection) ([]proxy.Route, []gateway.Connection) {
	for _, c := range oldConns {
		id := c.Provider + "\x00" + c.Name + "\x00"
		listed := slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, id) })
		if !listed || slices.ContainsFunc(conns, func(n gateway.Connection) bool { return n.Provider == c.Provider && n.Name == c.Name }) {
			continue
		}
		conns = append(conns, c)
		for _, r := range oldRoutes {
			if r.Provider == c.Provider && r.Connection == c.Name {
				routes = append(routes, r)
			}
		}
	}
	return routes, conns
}

// connectionKeys names every connection of b with its status, sorted: what, changing, changes
// the routes.
func connectionKeys(ctx context.Context, b *broker.Broker) ([]string, error) {
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range list {
		for _, c := range p.Connections {
			out = append(out, p.Def.Name+"\x00"+c.Name+"\x00"+string(c.Status)+"\x00"+c.GraphURL)
		}
	}
	slices.Sort(out)
	return out, nil
}
