package gateway

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/authsome-go/authsome/proxy"
)

// Metric names, for dashboards and tests.
const (
	MetricRequests        = "authsome_gateway_requests_total"
	MetricInjections      = "authsome_gateway_injections_total"
	MetricRefusals        = "authsome_gateway_refusals_total"
	MetricDuration        = "authsome_gateway_request_duration_seconds"
	MetricRefreshes       = "authsome_gateway_refreshes_total"
	MetricRefreshFailures = "authsome_gateway_refresh_failures_total"
	MetricAuthFailures    = "authsome_gateway_authentication_failures_total"
	// MetricStoreErrors counts requests (and /readyz checks) that failed because the store
	// could not be read, by op: agents, credentials or ready.
	MetricStoreErrors = "authsome_gateway_store_errors_total"
	// MetricAuditDropped counts audit entries dropped because the audit writer's buffer was
	// full (the database down for long under load); exported by the writer (Collectors).
	MetricAuditDropped = "authsome_gateway_audit_dropped_total"
	// MetricTokenExports counts access tokens handed to agents (POST /v1/token/...), by agent
	// and connection.
	MetricTokenExports = "authsome_gateway_token_exports_total"
)

// metrics are the gateway's Prometheus collectors. Labels: agent (its name), connection
// (PROVIDER:CONNECTION, "" when none), mode (mitm, api, denied, export) and code (the HTTP status).
type metrics struct {
	reg             *prometheus.Registry
	requests        *prometheus.CounterVec
	injections      *prometheus.CounterVec
	refusals        *prometheus.CounterVec
	duration        *prometheus.HistogramVec
	refreshes       *prometheus.CounterVec
	refreshFailures *prometheus.CounterVec
	authFailures    *prometheus.CounterVec
	storeErrors     *prometheus.CounterVec
	tokenExports    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricRequests,
			Help: "Requests the gateway answered, by agent, connection, mode and status."}, []string{"agent", "connection", "mode", "code"}),
		injections: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricInjections,
			Help: "Requests sent upstream with a connection's credential."}, []string{"agent", "connection"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricRefusals,
			Help: "Requests refused before being sent upstream (outside the grant, revoked agent...)."}, []string{"agent", "connection"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: MetricDuration,
			Help: "Time from a request's arrival to the end of its response.", Buckets: prometheus.DefBuckets}, []string{"agent", "connection"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricRefreshes,
			Help: "Token refreshes attempted, by connection."}, []string{"connection"}),
		refreshFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricRefreshFailures,
			Help: "Token refreshes that failed, by connection."}, []string{"connection"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricAuthFailures,
			Help: "Requests refused for a missing or invalid agent credential, by mode."}, []string{"mode"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricStoreErrors,
			Help: "Requests answered 503 because the store could not be read, by operation (agents, credentials, ready)."}, []string{"op"}),
		tokenExports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MetricTokenExports,
			Help: "Access tokens handed to agents whose grant allows token export, by agent and connection."}, []string{"agent", "connection"}),
	}
	for _, op := range []string{storeOpAgents, storeOpCredentials, storeOpReady} {
		m.storeErrors.WithLabelValues(op) // exported at 0 from the start
	}
	m.reg.MustRegister(m.requests, m.injections, m.refusals, m.duration, m.refreshes, m.refreshFailures, m.authFailures, m.storeErrors, m.tokenExports,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe counts one audited request.
func (m *metrics) observe(e proxy.Entry) {
	if e.Kind == proxy.KindRefusals {
		m.authFailures.WithLabelValues(proxy.ModeDenied).Add(float64(e.Count))
		return
	}
	conn := ""
	if e.Provider != "" {
		conn = e.Provider + ":" + e.Connection
	}
	m.requests.WithLabelValues(e.Agent, conn, e.Mode, strconv.Itoa(e.Status)).Inc()
	m.duration.WithLabelValues(e.Agent, conn).Observe(e.Duration.Seconds())
	if e.Injected {
		m.injections.WithLabelValues(e.Agent, conn).Inc()
	}
	if e.Mode == proxy.ModeDenied {
		m.refusals.WithLabelValues(e.Agent, conn).Inc()
	}
	if e.Mode == ModeExport && e.Status == http.StatusOK {
		m.tokenExports.WithLabelValues(e.Agent, conn).Inc()
	}
}
