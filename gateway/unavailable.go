package gateway

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// While the store cannot be read (a database that is down or restarting), requests that need
// it, which are all the agents' requests since the agent is read for each of them, are
// answered 503 with Retry-After: never a 401 or 407 that would blame the agent's credential,
// nor a 502. /healthz stays 200 (the process is alive), /readyz answers 503.

// RetryAfter is the Retry-After of the gateway's 503 answers while its store cannot be read.
const RetryAfter = 2 * time.Second

// storeTimeout bounds one read of the agent store for a request, so that a store that does
// not answer (a database behind a broken network) makes requests fail, not hang.
const storeTimeout = 5 * time.Second

// Store operations counted by MetricStoreErrors.
const (
	storeOpAgents      = "agents"
	storeOpCredentials = "credentials"
	storeOpReady       = "ready"
)

// storeFailed counts and logs a failure to read the store for op.
func (g *Gateway) storeFailed(op string, err error) {
	g.metrics.storeErrors.WithLabelValues(op).Inc()
	g.log.Warn("the store cannot be read", "op", op, "error", err.Error())
}

const unavailableMessage = "authsome gateway: the credential store is unavailable; retry later"

// unavailableRefusal is the proxy's answer to a request while the store cannot be read.
var unavailableRefusal = &proxy.Refusal{Status: http.StatusServiceUnavailable, Code: "authsome_unavailable",
	Message: unavailableMessage, RetryAfter: RetryAfter}

// apiUnavailable answers an API request while the store cannot be read (JSON).
func apiUnavailable(w http.ResponseWriter) {
	setRetryAfter(w)
	apiError(w, http.StatusServiceUnavailable, unavailableRefusal.Code, unavailableMessage)
}

// proxyUnavailable answers a proxy request (CONNECT) while the store cannot be read: a plain
// body, as the proxy's other answers to CONNECT.
func proxyUnavailable(w http.ResponseWriter) {
	setRetryAfter(w)
	http.Error(w, unavailableMessage, http.StatusServiceUnavailable)
}

func setRetryAfter(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
}

// storeContext bounds a read of the store for a request.
func storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, storeTimeout)
}

// credentials is the proxy's [proxy.Credentials] under the gateway: a failure that says the
// store cannot be read (Options.Unavailable) becomes a 503 refusal instead of a 502.
type credentials struct {
	g     *Gateway
	inner proxy.Credentials
}

func (c credentials) AuthHeader(ctx context.Context, provider, connection string) (string, string, error) {
	name, value, err := c.inner.AuthHeader(ctx, provider, connection)
	if err != nil && c.g.unavailable(err) {
		c.g.storeFailed(storeOpCredentials, err)
		return "", "", unavailableRefusal
	}
	return name, value, err
}

// Invalidate implements [proxy.Invalidator] when the credentials do.
func (c credentials) Invalidate(ctx context.Context, provider, connection string) {
	if inv, ok := c.inner.(proxy.Invalidator); ok {
		inv.Invalidate(ctx, provider, connection)
	}
}

// unavailable reports whether err says the store cannot be read for now.
func (g *Gateway) unavailable(err error) bool {
	return g.unavail != nil && g.unavail(err)
}
