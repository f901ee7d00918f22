package proxy

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestPlainHTTPHostKeepsPort: plain-http forwarding sends the Host the child addressed, port
// included, as a direct request would (virtual hosts and host checks on non-default ports);
// http's own port 80 is left out, as clients write it.
func TestPlainHTTPHostKeepsPort(t *testing.T) {
	t.Parallel()
	hosts := make(chan string, 1)
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts <- r.Host
	}))
	t.Cleanup(rec.Close)
	srv, err := New(Options{Username: proxyUser, Password: proxyPass})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, proxyURL: &url.URL{Scheme: "http", User: url.UserPassword(proxyUser, proxyPass), Host: serveLoopback(t, srv)}}
	addr := rec.Listener.Addr().String()
	if _, _, err := h.get(h.client(false), "GET", "http://"+addr+"/via-proxy"); err != nil {
		t.Fatal(err)
	}
	if got := <-hosts; got != addr {
		t.Errorf("the server saw Host %q, want %q", got, addr)
	}

	// Port 80 (the harness dials it to its plain server), written or not.
	hp := newHarness(t, setup{})
	for _, u := range []string{"http://plain.test/a", "http://plain.test:80/b", "http://[::1]/c"} {
		if _, _, err := hp.get(hp.client(false), "GET", u); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, r := range hp.plain.requests() {
		got = append(got, r.Host)
	}
	if want := []string{"plain.test", "plain.test", "[::1]"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("the port-80 server saw Hosts %q, want %q", got, want)
	}
}
