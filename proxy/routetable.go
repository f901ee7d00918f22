package proxy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/authsome-go/authsome/provider"
)

// The route table: the routes in use, swapped at once by SetRoutes, and the upstream
// transports they share.

// route is a Route with what the proxy derives from it.
type route struct {
	Route
	rank int // higher wins: prefix routes (by prefix length) > host routes > regex routes
	cred *credEntry
	rt   http.RoundTripper
}

// routeOptions are what the proxy needs to turn Routes into routes, kept for SetRoutes.
type routeOptions struct {
	creds Credentials
	inv   Invalidator
	ttl   time.Duration

	mu    sync.Mutex // guards pools and serialises SetRoutes
	pools map[*x509.CertPool]http.RoundTripper
}

// pool returns the upstream transport for roots: the one made for an equal pool (routes set
// again come with pools of their own), else a new one from newRT. o.mu must be held.
func (o *routeOptions) pool(roots *x509.CertPool, newRT func() http.RoundTripper) http.RoundTripper {
	for k, rt := range o.pools {
		if k == roots || k != nil && roots != nil && k.Equal(roots) {
			return rt
		}
	}
	rt := newRT()
	o.pools[roots] = rt
	return rt
}

// SetRoutes replaces the routes (as [Options.Routes]) at once: requests that start afterwards
// see the new ones; those in flight finish with the routes they started with. A connection
// kept from the old routes keeps its cached credential header. Intercepted connections stay
// up; only hosts the CA was created for are ever intercepted. The gateway calls it when
// connections are added to or removed from its store.
func (s *Server) SetRoutes(routes []Route) error {
	o := &s.routeOpt
	if len(routes) > 0 && (s.ca == nil || o.creds == nil && s.relay == nil) {
		return errors.New("proxy: routes need Options.CA and Options.Credentials")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	creds := map[[2]string]*credEntry{}
	for _, r := range s.routes {
		creds[[2]string{r.Provider, r.Connection}] = r.cred
	}
	table := make([]*route, 0, len(routes))
	fresh := map[[2]string]bool{}
	for _, r := range routes {
		if r.Provider == "" {
			return errors.New("proxy: a route needs a provider")
		}
		if u := r.Upstream; u != nil && (u.Scheme != "https" || u.Host == "") {
			return fmt.Errorf("proxy: route %s: upstream %q must be an https URL", r.Provider, u.Redacted())
		}
		key := [2]string{r.Provider, r.Connection}
		if !fresh[key] {
			fresh[key] = true
			if creds[key] == nil {
				creds[key] = &credEntry{src: o.creds, inv: o.inv, provider: r.Provider, connection: r.Connection, ttl: o.ttl}
			}
		}
		rr := &route{Route: r, rank: rankOf(r.Match), cred: creds[key], rt: r.Transport}
		if rr.rt == nil && (r.RootCAs != nil || s.relay != nil) {
			rr.rt = o.pool(r.RootCAs, func() http.RoundTripper { return s.newTransport(r.RootCAs, s.relay != nil) })
		}
		if rr.rt == nil {
			rr.rt = s.upstream
		}
		if h := r.Match.Host(); h == "" || !s.ca.Permits(h) {
			s.log.Warn("proxy: route not fully interceptable: only hosts the CA was created for are intercepted", "provider", r.Provider, "route", r.Match.String())
		}
		table = append(table, rr)
	}
	s.table.Store(&table)
	return nil
}

// routes yields the routes in use (one snapshot for the whole loop), with their index.
func (s *Server) routes(yield func(int, *route) bool) {
	t := s.table.Load()
	if t == nil {
		return
	}
	for i, r := range *t {
		if !yield(i, r) {
			return
		}
	}
}

func rankOf(m provider.Route) int {
	switch h := m.Host(); {
	case h == "":
		return 0
	case len(m.String()) > len("https://"+h):
		return 2 + len(m.String()) - len("https://"+h)
	}
	return 1
}

// newTransport makes an upstream pool verified against roots (nil: the system roots):
// keep-alive, HTTP/2, no proxy from the environment (the child's proxy is us) but, with
// relay, the Relay proxy, bodies passed through undecoded. Close closes it.
func (s *Server) newTransport(roots *x509.CertPool, relay bool) *http.Transport {
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           s.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true, // pass the child's Accept-Encoding and the body through as they are
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots},
	}
	if relay {
		t.Proxy = http.ProxyURL(s.relay.URL)
		t.ProxyConnectHeader = s.relay.Header
	}
	s.mu.Lock() // SetRoutes may make one while Close reads them
	s.ownedRT = append(s.ownedRT, t)
	s.mu.Unlock()
	return t
}
