package proxy

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkIntercepted measures one injected 1 KiB GET through an intercepted connection
// (client HTTP/1.1 keep-alive, upstream HTTP/2), in parallel. Client and upstream share the
// process; `go run ./bench/proxy` is the real comparison against direct requests.
func BenchmarkIntercepted(b *testing.B) {
	h := newHarness(b, setup{})
	body := strings.Repeat("x", 1024)
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	})
	c := h.client(false)
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", "https://graph.microsoft.com/v1.0/me", nil)
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
