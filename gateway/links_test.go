package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLinkWriter: nextLink and deltaLink members on the routed host are rewritten onto the
// gateway's URL of the connection, however the body is cut into writes; other links, other
// hosts, escaped look-alikes and non-JSON bodies pass as they are.
func TestLinkWriter(t *testing.T) {
	body := `{"value":[{"subject":"x \"@odata.nextLink\":\"https://graph.microsoft.com/evil\"",` +
		`"@microsoft.graph.downloadUrl":"https://graph.microsoft.com/dl"}],` +
		`"@odata.deltaLink" : "https://graph.microsoft.com/v1.0/me/delta?$deltatoken=a",` +
		`"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=2",` +
		`"other":{"@odata.nextLink":"https://evil.example/v1.0/x"}}`
	want := strings.NewReplacer(
		`"@odata.deltaLink" : "https://graph.microsoft.com/`, `"@odata.deltaLink" : "https://gw.example.com/v1/graph/microsoft/work/`,
		`"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages`, `"@odata.nextLink":"https://gw.example.com/v1/graph/microsoft/work/v1.0/me/messages`,
	).Replace(body)
	if want == body {
		t.Fatal("the test replaces nothing")
	}
	for _, ct := range []string{"application/json; odata.metadata=minimal", "text/plain"} {
		for cut := 1; cut <= len(body); cut++ {
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "https://gw.example.com/v1/graph/microsoft/work/v1.0/me/messages", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			lw := rewritingLinks(rec, r, "graph.microsoft.com", "microsoft", "work")
			lw.Header().Set("Content-Type", ct)
			lw.Header().Set("Content-Length", "1")
			lw.WriteHeader(http.StatusOK)
			for rest := body; rest != ""; {
				n := min(cut, len(rest))
				lw.Write([]byte(rest[:n]))
				rest = rest[n:]
			}
			lw.close()
			exp := want
			if ct == "text/plain" {
				exp = body
			}
			if got := rec.Body.String(); got != exp {
				t.Fatalf("%s, writes of %d bytes:\n got %s\nwant %s", ct, cut, got, exp)
			}
			if r.Header.Get("Accept-Encoding") != "" || (ct != "text/plain") != (rec.Header().Get("Content-Length") == "") {
				t.Fatalf("%s: Accept-Encoding %q, Content-Length %q", ct, r.Header.Get("Accept-Encoding"), rec.Header().Get("Content-Length"))
			}
			if ct == "text/plain" {
				break
			}
		}
	}
}
