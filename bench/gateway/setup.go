package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
)

const (
	graphHost   = "graph.microsoft.com"
	gatewayHost = "gateway.test" // the name agents reach the replicas by; dialled on loopback
	token       = "bench-access-token"
	meURL       = "https://" + graphHost + "/v1.0/me"
)

// meBody is a Graph-shaped answer of about 1 KiB.
var meBody = []byte(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users/$entity","businessPhones":["+1 425 555 0109"],` +
	`"displayName":"Adele Vance","givenName":"Adele","jobTitle":"Retail Manager","mail":"AdeleV@contoso.example",` +
	`"mobilePhone":null,"officeLocation":"18/2111","preferredLanguage":"en-US","surname":"Vance",` +
	`"userPrincipalName":"AdeleV@contoso.example","id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd","padding":"` +
	strings.Repeat("x", 560) + `"}`)

// staticToken is the connections' credential source: a fixed token, so that neither the
// broker nor a vault is part of the measurement.
type staticToken struct{}

func (staticToken) AuthHeader(context.Context, string, string) (string, string, error) {
	return "Authorization", "Bearer " + token, nil
}

// setup is everything a run measures against: the upstream, the local proxy, the gateway
// replicas and, per replica, the forwarder `run --gateway` starts on an agent's host.
type setup struct {
	upstream   *httptest.Server
	badAuth    atomic.Int64 // upstream requests without the run's token
	local      *endpoint
	forwarders []*endpoint // forwarders[i] relays to replica i
	closers    []func() error
}

// endpoint is a proxy a client uses: its URL (with the per-run credentials) and the CA
// the client trusts for the intercepted host.
type endpoint struct {
	proxyURL *url.URL
	roots    *x509.CertPool
}

func (s *setup) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.upstream.Close()
}

func newSetup(dir string, replicas int) (_ *setup, err error) {
	s := &setup{}
	s.upstream = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			s.badAuth.Add(1)
			http.Error(w, "wrong credential", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(meBody)
	}))
	s.upstream.EnableHTTP2 = true
	s.upstream.StartTLS()
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	upRoots := x509.NewCertPool()
	upRoots.AddCert(s.upstream.Certificate())
	upURL, _ := url.Parse(s.upstream.URL)
	match, err := provider.ParseRoute(graphHost)
	if err != nil {
		return nil, err
	}
	injecting := []proxy.Route{{Provider: "microsoft", Connection: "default", Match: match, Upstream: upURL, RootCAs: upRoots}}

	// The local `run` proxy: injects itself.
	if s.local, err = s.startProxy(proxy.Options{Routes: injecting, Credentials: staticToken{}}); err != nil {
		return nil, err
	}

	// The gateway replicas, on one agent store, and the agent.
	gwCA, err := proxy.NewCA([]string{graphHost, gatewayHost}, time.Hour)
	if err != nil {
		return nil, err
	}
	store := gateway.NewFileAgents(filepath.Join(dir, "agents.json"), func(context.Context) (func(), error) { return func() {}, nil })
	agent, cred, err := gateway.NewAgent("bench", grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "default"}}}, time.Now(), 0, nil)
	if err != nil {
		return nil, err
	}
	if err := store.Create(context.Background(), agent); err != nil {
		return nil, err
	}
	gwRoots := x509.NewCertPool()
	gwRoots.AddCert(gwCA.Certificate())
	relayRoute := []proxy.Route{{Provider: "microsoft", Connection: "default", Match: match, RootCAs: gwRoots}}
	for range replicas {
		g, err := gateway.New(gateway.Options{
			Proxy:       proxy.Options{Routes: injecting, Credentials: staticToken{}, CA: gwCA},
			Connections: []gateway.Connection{{Provider: "microsoft", Name: "default", Graph: true}},
			Agents:      store,
			TLS: &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
				return gwCA.ServerCertificate(gatewayHost)
			}},
		})
		if err != nil {
			return nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		go g.Serve(ln)
		s.closers = append(s.closers, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return g.Shutdown(ctx)
		})
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		relay := &proxy.Relay{URL: &url.URL{Scheme: "https", Host: net.JoinHostPort(gatewayHost, port)},
			Header: http.Header{"Proxy-Authorization": {"Bearer " + cred}}}
		fwd, err := s.startProxy(proxy.Options{Routes: relayRoute, Relay: relay, Dial: dialLoopback})
		if err != nil {
			return nil, err
		}
		s.forwarders = append(s.forwarders, fwd)
	}
	return s, nil
}

// startProxy starts a proxy as `authsome run` does (a CA for the routed host, per-run proxy
// credentials) with the routes and credential source of po.
func (s *setup) startProxy(po proxy.Options) (*endpoint, error) {
	ca, err := proxy.NewCA([]string{graphHost}, time.Hour)
	if err != nil {
		return nil, err
	}
	po.CA, po.Username, po.Password = ca, "authsome", "bench-proxy-password"
	srv, err := proxy.New(po)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, err
	}
	go srv.Serve(ln)
	s.closers = append(s.closers, srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	return &endpoint{proxyURL: &url.URL{Scheme: "http", Host: ln.Addr().String(), User: url.UserPassword(po.Username, po.Password)}, roots: roots}, nil
}

// dialLoopback reaches gatewayHost on 127.0.0.1; nothing else is dialled in this benchmark.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host != gatewayHost && host != "127.0.0.1" {
		return nil, fmt.Errorf("bench/gateway: refusing to dial %s", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
}

// errBadAuth reports requests that reached the upstream without the run's token.
var errBadAuth = errors.New("requests reached the upstream without the injected token")
