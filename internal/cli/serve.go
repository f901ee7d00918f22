package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/proxy"
)

type serveOptions struct {
	listen, certFile, keyFile string
	hostnames                 []string
	store                     storeFlags
	tlsCert                   *tls.Certificate // --tls-cert and --tls-key, loaded
	namesFromCert             bool             // hostnames are tlsCert's, not given
}

func newServeCmd(f *Factory, runF func(*serveOptions) error) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--store postgres://… --key KEY]",
		Short: "Run the credential gateway for agents on other hosts (proxy and HTTP API)",
		Long: `Run the credential gateway: one TLS port serving, to agents that present their own credential
(` + "`authsome agent add`" + `), the injecting proxy (HTTPS_PROXY=https://NAME:CREDENTIAL@HOST:PORT) and
a JSON API (/v1/connections, /v1/graph/PROVIDER/CONNECTION/PATH with Authorization: Bearer
CREDENTIAL), each limited to the agent's grant; /healthz, /readyz and Prometheus /metrics
beside them. It serves every connection of the profile, and picks up connections added,
removed or signed in again while it runs within about a second.

The intercepted hosts' certificates, and without --tls-cert the listener's, come from a CA
that can sign only the routed hosts and the --hostname names (DNS names with a dot): agents
trust its ca.pem, and connect by one of those names, not by IP address. With --tls-cert, no
--hostname is needed: the URL printed uses the certificate's first name, and any --hostname
given must be one of its names. Logs are JSON lines on stderr, one per request, with no
secrets. SIGTERM or Ctrl-C stops accepting and lets requests in flight finish.

Without --store the CA is kept in the profile folder (gateway-ca/, key 0600). With --store
(default $` + envStoreURL + `), connections and agents are those of a PostgreSQL store
(` + "`authsome store migrate`" + `) instead of the profile's vault: any number of gateways on any
hosts may serve it together, refreshing each token once between them, and presenting one CA
kept in the store (its key sealed with the store's key; ` + "`authsome store ca`" + ` gives its
certificate, and widens it to more --hostname names).`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.settleNames(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runServe(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.listen, "listen", "127.0.0.1:8443", "address to listen on (TLS)")
	cmd.Flags().StringVar(&o.certFile, "tls-cert", "", "PEM certificate (chain) of the listener, instead of the profile's gateway CA")
	cmd.Flags().StringVar(&o.keyFile, "tls-key", "", "PEM private key of --tls-cert")
	cmd.Flags().StringArrayVar(&o.hostnames, "hostname", nil, "DNS name agents reach the gateway by, for the CA's certificate (repeatable; default: this machine's name when it has a dot, or with --tls-cert its first name)")
	o.store.register(cmd.Flags())
	return cmd
}

func runServe(ctx context.Context, f *Factory, o *serveOptions) error {
	_ = isolate.Protect() // other processes of this user must not read the tokens it holds
	var gw atomic.Pointer[gateway.Gateway]
	b, ps, err := o.store.openBroker(ctx, f, func(e broker.Event) {
		if g := gw.Load(); g != nil {
			g.Event(e)
		}
	})
	if err != nil {
		return err
	}
	if ps != nil {
		defer ps.Close()
		if err := os.MkdirAll(profileDir(b), 0o700); err != nil { // for the CA and the audit log
			return err
		}
	}
	log := slog.New(slog.NewJSONHandler(f.IO.ErrOut, nil))
	routes, conns, err := gatewayRoutes(ctx, b, log)
	if err != nil {
		return err
	}
	ca, caFile, err := serveCA(ctx, b, ps, o, routes, log)
	if err != nil {
		return err
	}
	tlsConf, err := serveTLS(o, ca)
	if err != nil {
		return err
	}
	audit, err := openServeAudit(b, ps, log)
	if err != nil {
		return err
	}
	defer audit.close()
	store := agentsOf(b, ps)
	g, err := gateway.New(gateway.Options{
		Proxy:       proxy.Options{Routes: routes, Credentials: b, CA: ca, Logger: log},
		Connections: conns,
		Agents:      store,
		TLS:         tlsConf,
		Audit:       audit.write,
		Unavailable: audit.unavailable,
		Collectors:  audit.collectors,
		Logger:      log,
		Token: func(ctx context.Context, prov, name string) (string, time.Time, error) {
			c, err := b.Token(ctx, prov, name)
			if err != nil {
				return "", time.Time{}, err
			}
			return c.AccessToken, c.Expiry, nil
		},
		Ready: func(ctx context.Context) error {
			_, err := b.Store().Load(ctx)
			return err
		},
	})
	if err != nil {
		return err
	}
	gw.Store(g)
	follow, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	go followConnections(follow, b, g, routes, conns, log)
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("%w: cannot listen on %s: %v", broker.ErrUnreachable, o.listen, err)
	}
	served := make(chan error, 1)
	go func() { served <- g.Serve(ln) }()
	addr := ln.Addr().(*net.TCPAddr)
	url := fmt.Sprintf("https://%s", net.JoinHostPort(o.hostnames[0], fmt.Sprint(addr.Port)))
	if f.JSON {
		err = writeJSON(f.IO.Out, map[string]any{"listen": ln.Addr().String(), "url": url, "ca_file": caFile})
	} else {
		fmt.Fprintf(f.IO.Out, "Gateway:  %s (listening on %s)\n", url, ln.Addr())
		fmt.Fprintf(f.IO.Out, "CA:       %s (agents trust it for the API hosts the gateway intercepts", caFile)
		if o.certFile == "" {
			fmt.Fprint(f.IO.Out, " and for the gateway itself")
		}
		fmt.Fprintln(f.IO.Out, ")")
		fmt.Fprintf(f.IO.Out, "\nFor an agent (see `authsome agent add`):\n  export HTTPS_PROXY=https://AGENT:CREDENTIAL@%s\n", url[len("https://"):])
	}
	if err != nil {
		return err
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), gateway.ShutdownTimeout)
	defer cancel()
	err = g.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	log.Info("stopped")
	return err
}

// serveTLS is the listener's TLS configuration: the given certificate, or one from the CA
// for the name the client asks for (the first --hostname when it asks for none it covers).
func serveTLS(o *serveOptions, ca *proxy.CA) (*tls.Config, error) {
	// Client certificates are asked for, not required: agents with a pinned certificate send
	// one, the others a credential. The pin is checked per request, not a chain.
	conf := &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}, ClientAuth: tls.RequestClientCert}
	if o.tlsCert != nil {
		conf.Certificates = []tls.Certificate{*o.tlsCert}
		return conf, nil
	}
	conf.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := hello.ServerName
		if !slices.Contains(o.hostnames, name) {
			name = o.hostnames[0]
		}
		return ca.ServerCertificate(name)
	}
	return conf, nil
}

// gatewayRoutes are the routes of every usable connection of the profile, with what the
// gateway needs to know of each; one that cannot be used now (it needs a sign-in) is left
// out with a warning.
func gatewayRoutes(ctx context.Context, b *broker.Broker, log *slog.Logger) ([]proxy.Route, []gateway.Connection, error) {
	list, err := b.List(ctx)
	if err != nil {
		return nil, nil, err
	}
	var routes []proxy.Route
	var conns []gateway.Connection
	for _, p := range list {
		for _, c := range p.Connections {
			pr, err := b.ProxyRoutes(ctx, []string{p.Def.Name + ":" + c.Name})
			if err != nil {
				log.Warn("connection not served", "provider", p.Def.Name, "connection", c.Name, "error", err.Error())
				continue
			}
			routes = append(routes, pr.Routes...)
			conns = append(conns, gateway.Connection{Provider: p.Def.Name, Name: c.Name, Graph: p.Def.IsMicrosoft(),
				Self: []string{c.Account.ObjectID, c.Account.Username}})
		}
	}
	if len(routes) == 0 {
		return nil, nil, fmt.Errorf("%w: no connections to serve (sign in first: `authsome login microsoft`)", broker.ErrConnectionNotFound)
	}
	return routes, conns, nil
}
