package gateway

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// POST /v1/token/{provider}/{connection} hands an agent whose grant allows it
// (grant.Grant.ExportToken) the connection's current access token: the one deliberate
// exception to "the credential never leaves the gateway", for programs that can use neither
// the proxy nor /v1/graph. Every export is audited (ModeExport, never the token) and counted
// (MetricTokenExports).

// ModeExport is the audit mode of a token handed to an agent by POST /v1/token/....
const ModeExport = "export"

// tokenPrefix starts /v1/token/{provider}/{connection}.
const tokenPrefix = "/v1/token/"

// TokenFunc returns a connection's current access token and its expiry, refreshing it first
// when needed (the broker's Token).
type TokenFunc func(ctx context.Context, provider, connection string) (token string, expiry time.Time, err error)

// apiToken is the answer of POST /v1/token/...: see docs/json.md.
type apiToken struct {
	V           int    `json:"v"`
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresAt   string `json:"expires_at"` // RFC 3339
	ExpiresIn   int64  `json:"expires_in"` // seconds
}

// serveToken serves POST /v1/token/{provider}/{connection}; esc is the escaped path.
func (g *Gateway) serveToken(w http.ResponseWriter, r *http.Request, c *client, esc string) {
	start := time.Now()
	prov, conn, ok := strings.Cut(esc[len(tokenPrefix):], "/")
	if g.tokens == nil || !ok || prov == "" || conn == "" || strings.Contains(conn, "/") {
		apiError(w, http.StatusNotFound, "not_found", "no such endpoint: see /v1/connections")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		apiError(w, http.StatusMethodNotAllowed, "method_not_allowed", "POST only")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	a, ok := g.currentAgent(w, r, c)
	if !ok {
		return
	}
	e := proxy.Entry{Time: start, Agent: a.Name, Method: r.Method, Path: esc, Mode: proxy.ModeDenied, Status: http.StatusForbidden}
	defer func() {
		e.Duration = time.Since(start)
		g.record(e)
	}()
	if !a.Grant.Uses(prov, conn) {
		// Outside the grant, or unknown: the answer of /v1/graph, the same for both.
		e.Error = outsideGrant(a.Name, prov, conn)
		apiError(w, http.StatusForbidden, "authsome_outside_grant", e.Error)
		return
	}
	e.Provider, e.Connection = prov, conn
	if !a.Grant.ExportToken {
		e.Error = "authsome gateway: agent " + a.Name + " may not export tokens (its grant has no --allow-token-export): use /v1/graph or the proxy"
		apiError(w, http.StatusForbidden, "authsome_export_not_granted", e.Error)
		return
	}
	e.Mode = ModeExport
	g.exportToken(w, r, &e)
}

// exportToken answers the connection's token to an agent allowed to export it, and sets e's
// status and error.
func (g *Gateway) exportToken(w http.ResponseWriter, r *http.Request, e *proxy.Entry) {
	tok, exp, err := g.tokens(r.Context(), e.Provider, e.Connection)
	switch {
	case err != nil && g.unavailable(err):
		g.storeFailed(storeOpCredentials, err)
		e.Status, e.Error = http.StatusServiceUnavailable, unavailableMessage
		apiUnavailable(w)
		return
	case err != nil:
		// The broker's errors name no secret; the agent gets no detail of the connection.
		g.log.Warn("token export failed", "agent", e.Agent, "provider", e.Provider, "connection", e.Connection, "error", err.Error())
		e.Status, e.Error = http.StatusBadGateway, "the connection's token could not be obtained"
		apiError(w, http.StatusBadGateway, "authsome_token_unavailable", "authsome gateway: "+e.Error+"; see the gateway's log")
		return
	}
	e.Status = http.StatusOK
	in := max(int64(exp.Sub(g.now())/time.Second), 0)
	writeJSON(w, http.StatusOK, apiToken{V: APIVersion, AccessToken: tok, TokenType: "Bearer",
		ExpiresAt: exp.UTC().Format(time.RFC3339), ExpiresIn: in})
}
