package broker_test

import (
	"errors"
	"testing"

	"github.com/authsome-go/authsome/broker"
)

// TestProxyRoutes: without specs every default connection is routed; a sandbox connection
// goes to the sandbox, verified against its CA; a provider named twice is refused; no
// connection at all is connection_not_found.
func TestProxyRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.b.ProxyRoutes(ctx, nil); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Fatalf("no connections: %v, want ErrConnectionNotFound", err)
	}
	f.loginDevice(t, "default", f.user(0))
	loginKey(t, f.b, "default", testKey)

	rs, err := f.b.ProxyRoutes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, r := range rs.Routes {
		got[r.Provider] = r.Connection + " " + r.Match.Host()
		if rs.Providers[i].Name != r.Provider {
			t.Errorf("Providers[%d] = %s, route %s", i, rs.Providers[i].Name, r.Provider)
		}
		if r.Provider == "microsoft" && (r.Upstream == nil || r.Upstream.String() != f.sb.Info().URL || r.RootCAs == nil) {
			t.Errorf("sandbox route upstream %v (roots %v), want %s", r.Upstream, r.RootCAs != nil, f.sb.Info().URL)
		}
	}
	if got["microsoft"] != "default graph.microsoft.com" || got["openai"] != "default api.openai.com" {
		t.Errorf("routes %v", got)
	}
	if rs.SandboxCA != f.sb.Info().CAFile {
		t.Errorf("SandboxCA %q, want %q", rs.SandboxCA, f.sb.Info().CAFile)
	}

	if _, err := f.b.ProxyRoutes(ctx, []string{"openai", "openai:default"}); !errors.Is(err, broker.ErrDuplicateProvider) {
		t.Errorf("provider twice: %v", err)
	}
	if _, err := f.b.ProxyRoutes(ctx, []string{"openai:nosuch"}); !errors.Is(err, broker.ErrConnectionNotFound) {
		t.Errorf("unknown connection: %v", err)
	}
}
