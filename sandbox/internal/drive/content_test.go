package drive

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestOtherHost: a download URL names the sandbox otherwise than the request.
func TestOtherHost(t *testing.T) {
	t.Parallel()
	remote := context.WithValue(context.Background(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8443})
	for _, c := range []struct {
		host string
		ctx  context.Context
		want string
	}{
		{"127.0.0.1:8443", context.Background(), "localhost:8443"},
		{"localhost:8443", context.Background(), "127.0.0.1:8443"},
		{"LocalHost", context.Background(), "127.0.0.1"},
		{"[::1]:8443", context.Background(), "localhost:8443"},
		{"sandbox.example:8443", remote, "192.0.2.7:8443"},
		{"192.0.2.7:8443", remote, "192.0.2.7:8443"},
	} {
		r := httptest.NewRequestWithContext(c.ctx, "GET", "/", nil)
		r.Host = c.host
		if got := otherHost(r); got != c.want {
			t.Errorf("otherHost(%s) = %s, want %s", c.host, got, c.want)
		}
	}
}
