// Package gateway is `authsome serve`: one long-running credential gateway for many agents.
// It serves, on one TLS listener, the injecting proxy (package proxy) to agents that
// authenticate with their own credential, and a small versioned JSON API (/v1/...) for
// programs that cannot use a proxy; each agent may use only the connections and requests its
// grant (package grant) allows. It also serves /healthz, /readyz and Prometheus /metrics.
package gateway

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/proxy"
)

// Connection is what the gateway knows of a connection it serves, beyond its route.
type Connection struct {
	Provider, Name string
	// Graph applies Microsoft Graph's rules to grants on this connection (see grant.Request).
	Graph bool
	// Self are the connection account's object id and user principal name.
	Self []string
}

// Options configure a [Gateway].
type Options struct {
	// Proxy configures the injecting proxy: Routes (one per connection served), Credentials,
	// CA and Logger. The gateway sets Gate, DenyUnmatched and Audit itself.
	Proxy proxy.Options
	// Connections describe the connections of Proxy.Routes.
	Connections []Connection
	// Agents is where agents are kept.
	Agents AgentStore
	// TLS is the listener's TLS configuration (a certificate); required.
	TLS *tls.Config
	// Audit receives one entry per request (the profile's audit log); nil: none.
	Audit func(proxy.Entry)
	// Logger receives JSON logs, one line per request among them; never a secret.
	Logger *slog.Logger
	// Ready, when set, is part of /readyz: the gateway is ready while it returns nil.
	Ready func(ctx context.Context) error
	// Now is the clock for agent expiry; nil: time.Now.
	Now func() time.Time
	// Unavailable, when set, tells the errors of Proxy.Credentials that say the store cannot
	// be read for now (a database that is down): those requests are answered 503 with
	// Retry-After instead of 502. Errors of Agents always are.
	Unavailable func(error) bool
	// Collectors are more Prometheus collectors for /metrics (the audit writer's).
	Collectors []prometheus.Collector
	// Token, when set, serves POST /v1/token/... to agents whose grant allows token export;
	// nil: that endpoint answers 404.
	Token TokenFunc
}

// Gateway serves agents. Create it with [New], run it with [Gateway.Serve], stop it with
// [Gateway.Shutdown].
type Gateway struct {
	proxy   *proxy.Server
	forward http.Handler // the proxy's forward handler
	agents  AgentStore
	conns   atomic.Pointer[map[grant.Connection]Connection] // see connection and SetConnections
	tls     *tls.Config
	log     *slog.Logger
	audit   func(proxy.Entry)
	ready   func(ctx context.Context) error
	unavail func(error) bool
	tokens  TokenFunc
	clock   func() time.Time
	metrics *metrics
	srv     *http.Server
	closing atomic.Bool
}

// New builds a gateway; it does not listen.
func New(opts Options) (*Gateway, error) {
	if opts.Agents == nil || opts.TLS == nil {
		return nil, errors.New("gateway: Options.Agents and Options.TLS are required")
	}
	g := &Gateway{
		agents: opts.Agents, tls: opts.TLS, log: opts.Logger, audit: opts.Audit, ready: opts.Ready, clock: opts.Now,
		unavail: opts.Unavailable, tokens: opts.Token, metrics: newMetrics(),
	}
	for _, c := range opts.Collectors {
		if err := g.metrics.reg.Register(c); err != nil {
			return nil, err
		}
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	g.conns.Store(g.connMap(opts.Connections))
	po := opts.Proxy
	po.Gate = gate{g}
	po.DenyUnmatched = true
	po.Audit = g.record
	if po.Credentials != nil {
		po.Credentials = credentials{g: g, inner: po.Credentials}
	}
	if po.Logger == nil {
		po.Logger = g.log
	}
	p, err := proxy.New(po)
	if err != nil {
		return nil, err
	}
	g.proxy, g.forward = p, p.Handler()
	g.srv = &http.Server{
		Handler:           g,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(g.log.Handler(), slog.LevelDebug),
	}
	var protos http.Protocols
	protos.SetHTTP1(true) // CONNECT hijacks the connection: HTTP/1.1 only
	g.srv.Protocols = &protos
	return g, nil
}

// record audits, counts and logs one request.
func (g *Gateway) record(e proxy.Entry) {
	if g.audit != nil {
		g.audit(e)
	}
	g.metrics.observe(e)
	attrs := []any{"agent", e.Agent, "provider", e.Provider, "connection", e.Connection, "method", e.Method, "host", e.Host,
		"path", e.Path, "status", e.Status, "duration_ms", e.Duration.Milliseconds(), "mode", e.Mode, "injected", e.Injected}
	if e.Kind != "" {
		attrs = append(attrs, "kind", e.Kind, "count", e.Count)
	}
	if e.Error != "" {
		attrs = append(attrs, "error", e.Error)
	}
	g.log.Info("request", attrs...)
}

// Event counts a broker credential event (refreshes and their failures); pass it, beside
// the audit log, as the broker's event sink.
func (g *Gateway) Event(e broker.Event) {
	if e.Kind != broker.EventRefresh {
		return
	}
	conn := e.Provider + ":" + e.Connection
	g.metrics.refreshes.WithLabelValues(conn).Inc()
	if e.Outcome == broker.OutcomeFailed {
		g.metrics.refreshFailures.WithLabelValues(conn).Inc()
		g.log.Warn("token refresh failed", "provider", e.Provider, "connection", e.Connection, "error", e.Error)
	}
}

// Serve accepts TLS connections on l until [Gateway.Shutdown]; it then returns
// http.ErrServerClosed.
func (g *Gateway) Serve(l net.Listener) error {
	return g.srv.Serve(tls.NewListener(l, g.tls))
}

// ShutdownTimeout is how long `authsome serve` lets requests in flight finish.
const ShutdownTimeout = 30 * time.Second

// Shutdown stops accepting, reports not ready, lets requests in flight (API and proxied
// alike) finish until ctx ends, then closes everything.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.closing.Store(true)
	err := g.srv.Shutdown(ctx)
	return errors.Join(err, g.proxy.Shutdown(ctx))
}

// ServeHTTP dispatches: proxy requests (CONNECT, absolute-form) to the proxy, the rest to
// the API and the health and metrics endpoints.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect || r.URL.IsAbs() {
		g.serveProxy(w, r)
		return
	}
	switch p := r.URL.Path; {
	case p == "/healthz":
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	case p == "/readyz":
		g.serveReady(w, r)
	case p == "/metrics":
		g.metrics.handler().ServeHTTP(w, r)
	case p == "/v1" || len(p) > 4 && p[:4] == "/v1/":
		g.serveAPI(w, r)
	default:
		apiError(w, http.StatusNotFound, "not_found", "no such endpoint: see /v1/connections")
	}
}

// serveProxy serves a proxy request (CONNECT): it authenticates the agent first, so that a
// store that cannot be read is answered 503, not 407; the proxy's gate then takes the agent
// from the request's context.
func (g *Gateway) serveProxy(w http.ResponseWriter, r *http.Request) {
	c, err := g.authenticate(r, "Proxy-Authorization")
	if err != nil && !errors.Is(err, ErrBadCredential) {
		g.storeFailed(storeOpAgents, err)
		proxyUnavailable(w)
		return
	}
	g.forward.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authenticatedKey{}, c)))
}

// authenticatedKey is the context key of the agent serveProxy authenticated (nil: none).
type authenticatedKey struct{}

// serveReady serves /readyz, which anyone who reaches the gateway may ask: it names the part
// that is not ready, not the error (a database error names hosts, users and databases), which
// storeFailed logs.
func (g *Gateway) serveReady(w http.ResponseWriter, r *http.Request) {
	if g.closing.Load() {
		apiError(w, http.StatusServiceUnavailable, "shutting_down", "the gateway is shutting down")
		return
	}
	ctx, cancel := storeContext(r.Context())
	defer cancel()
	if _, err := g.agents.List(ctx); err != nil {
		g.storeFailed(storeOpReady, err)
		apiError(w, http.StatusServiceUnavailable, "agents_unavailable", "agents cannot be read (the cause is in the gateway's log)")
		return
	}
	if g.ready != nil {
		if err := g.ready(ctx); err != nil {
			g.storeFailed(storeOpReady, err)
			apiError(w, http.StatusServiceUnavailable, "not_ready", "the gateway is not ready (the cause is in its log)")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready"})
}
