package gateway

import (
	"maps"

	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/proxy"
)

// connMap indexes conns, and exports their refresh counters (at 0 until the first refresh).
func (g *Gateway) connMap(conns []Connection) *map[grant.Connection]Connection {
	m := make(map[grant.Connection]Connection, len(conns))
	for _, c := range conns {
		k := grant.Connection{Provider: c.Provider, Name: c.Name}
		m[k] = c
		g.metrics.refreshes.WithLabelValues(k.String())
		g.metrics.refreshFailures.WithLabelValues(k.String())
	}
	return &m
}

// connection returns what the gateway knows of a connection it serves.
func (g *Gateway) connection(k grant.Connection) (Connection, bool) {
	c, ok := (*g.conns.Load())[k]
	return c, ok
}

// SetConnections replaces the connections the gateway serves, and their routes (as
// Options.Connections and Options.Proxy.Routes), while it runs: `authsome serve` calls it when
// connections are added to or removed from its store. Requests that start afterwards see the
// new ones. No request meets a route without its connection's description: the old and new
// descriptions are both known while the routes are swapped.
func (g *Gateway) SetConnections(routes []proxy.Route, conns []Connection) error {
	old, next := g.conns.Load(), g.connMap(conns)
	both := maps.Clone(*old)
	maps.Copy(both, *next)
	g.conns.Store(&both)
	if err := g.proxy.SetRoutes(routes); err != nil {
		g.conns.Store(old)
		return err
	}
	g.conns.Store(next)
	return nil
}
