package gateway

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// APIVersion is the version of the /v1 API's JSON documents ("v").
const APIVersion = 1

// graphPrefix starts /v1/graph/{provider}/{connection}/{path...}.
const graphPrefix = "/v1/graph/"

// serveAPI serves /v1/...: every endpoint needs the agent's credential as a Bearer token, or
// the agent's pinned TLS client certificate.
func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c, err := g.authenticate(r, "Authorization")
	if err != nil {
		if !errors.Is(err, ErrBadCredential) {
			g.storeFailed(storeOpAgents, err)
			apiUnavailable(w)
			return
		}
		g.metrics.authFailures.WithLabelValues(proxy.ModeAPI).Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="authsome"`)
		apiError(w, http.StatusUnauthorized, "authsome_agent_credential", "a valid agent credential is required (Authorization: Bearer ...)")
		return
	}
	esc := r.URL.EscapedPath()
	switch {
	case esc == "/v1/connections":
		if r.Method != http.MethodGet {
			apiError(w, http.StatusMethodNotAllowed, "method_not_allowed", "GET only")
			return
		}
		g.serveConnections(w, r, c)
	case strings.HasPrefix(esc, graphPrefix):
		prov, rest, _ := strings.Cut(esc[len(graphPrefix):], "/")
		conn, path, ok := strings.Cut(rest, "/")
		if !ok || prov == "" || conn == "" {
			apiError(w, http.StatusNotFound, "not_found", "want /v1/graph/{provider}/{connection}/{path}")
			return
		}
		if c.Uses(prov, conn) {
			lw := rewritingLinks(w, r, g.proxy.RouteHost(prov, conn), prov, conn)
			g.proxy.ServeRoute(lw, r, c, prov, conn, "/"+path)
			lw.close()
			return
		}
		// Outside the grant, or unknown: the same answer, so that agents learn nothing of
		// connections they may not use.
		msg := outsideGrant(c.name, prov, conn)
		apiError(w, http.StatusForbidden, "authsome_outside_grant", msg)
		g.record(proxy.Entry{Time: start, Agent: c.name, Method: r.Method, Path: esc, Status: http.StatusForbidden,
			Duration: time.Since(start), Mode: proxy.ModeDenied, Error: msg})
	case strings.HasPrefix(esc, tokenPrefix):
		g.serveToken(w, r, c, esc)
	default:
		apiError(w, http.StatusNotFound, "not_found", "no such endpoint: see /v1/connections")
	}
}

// outsideGrant is the message of a refusal for a connection outside the agent's grant, or
// unknown: the same for both.
func outsideGrant(agent, provider, connection string) string {
	return "authsome gateway: agent " + agent + " may not use " + provider + ":" + connection
}

// apiConnection is one entry of GET /v1/connections.
type apiConnection struct {
	Provider   string   `json:"provider"`
	Connection string   `json:"connection"`
	Allow      []string `json:"allow,omitempty"` // empty: every request
	URL        string   `json:"url"`             // the /v1/graph prefix to send its requests to
	Served     bool     `json:"served"`          // false: granted, but this gateway has no such connection
}

func (g *Gateway) serveConnections(w http.ResponseWriter, r *http.Request, c *client) {
	a, ok := g.currentAgent(w, r, c)
	if !ok {
		return
	}
	var allow []string
	for _, rule := range a.Grant.Allow {
		allow = append(allow, rule.String())
	}
	out := []apiConnection{}
	for _, gc := range a.Grant.Connections {
		_, served := g.connection(gc)
		out = append(out, apiConnection{Provider: gc.Provider, Connection: gc.Name, Allow: allow, Served: served,
			URL: graphPrefix + url.PathEscape(gc.Provider) + "/" + url.PathEscape(gc.Name)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"v": APIVersion, "agent": a.Name, "connections": out})
}

// currentAgent returns c's agent as the store holds it now; when it cannot, it answers the
// request (401 for a credential that no longer works, 503 for a store that cannot be read).
func (g *Gateway) currentAgent(w http.ResponseWriter, r *http.Request, c *client) (*Agent, bool) {
	a, err := c.current(r.Context())
	switch {
	case errors.Is(err, ErrBadCredential):
		apiError(w, http.StatusUnauthorized, "authsome_agent_credential", "the agent credential no longer works")
		return nil, false
	case err != nil:
		g.storeFailed(storeOpAgents, err)
		apiUnavailable(w)
		return nil, false
	}
	return a, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// apiError answers {"error":{"code","message"}}, the shape of the proxy's own errors.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// unescapePath decodes an escaped path.
func unescapePath(p string) (string, error) { return url.PathUnescape(p) }
