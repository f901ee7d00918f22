package graphkit

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMuxKeepsFunctionCalls: a name('key') segment becomes name/key, but a
// function call with named parameters, such as a drive's search(q='x'), is
// left as it is even when "search" is a known segment.
func TestMuxKeepsFunctionCalls(t *testing.T) {
	m := NewMux()
	noop := func(http.ResponseWriter, *http.Request) {}
	m.HandleFunc("GET /v1.0/me/mailFolders/{id}", noop)
	m.HandleFunc("GET /v1.0/sites/search/{x}", noop)
	for in, want := range map[string]string{
		"/v1.0/me/MailFolders('inbox')":                "/v1.0/me/mailFolders/inbox",
		"/v1.0/me/drive/root/search(q='x')":            "/v1.0/me/drive/root/search(q='x')",
		"/v1.0/me/drive/root/Search(q='budget 2025')":  "/v1.0/me/drive/root/Search(q='budget 2025')",
		"/v1.0/drives/b!x/search(q='it''s')":           "/v1.0/drives/b!x/search(q='it''s')",
		"/v1.0/me/drive/special/documents/search(q=')": "/v1.0/me/drive/special/documents/search(q=')",
	} {
		if got := m.CanonicalPath(in); got != want {
			t.Errorf("CanonicalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNextLinkEscapesThePath: a page's next link is a URL a client can use
// as it is, its path escaped (a search text with a space).
func TestNextLinkEscapesThePath(t *testing.T) {
	r := httptest.NewRequest("GET", "https://graph.test/v1.0/me/drive/root/search(q='a%20b')", nil)
	got := nextLink(r, TokenPages, 2, 2)
	if !strings.Contains(got, "/search(q='a%20b')?") {
		t.Errorf("nextLink = %q, want the path escaped", got)
	}
}

// TestMuxRewrite: a rewrite turns an address the patterns cannot express
// into one they can before routing, the canonical case applies after it,
// and a wildcard tail keeps the case the client sent.
func TestMuxRewrite(t *testing.T) {
	m := NewMux()
	var tail string
	m.HandleFunc("GET /v1.0/sites/{sid}/drive/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		tail = r.PathValue("sid") + " " + SentCase(r, r.PathValue("rest"))
	})
	m.Rewrite(func(p string) string {
		return strings.Replace(p, "/sites/host:/sites/team:", "/sites/host,1,2", 1)
	})
	if got := m.CanonicalPath("/v1.0/sites/host:/sites/team:/Drive/root:/Drive:"); got != "/v1.0/sites/host,1,2/drive/root:/Drive:" {
		t.Errorf("CanonicalPath = %q", got)
	}
	m.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/v1.0/sites/host:/sites/team:/DRIVE/root:/Drive/x.txt:", nil))
	if tail != "host,1,2 root:/Drive/x.txt:" {
		t.Errorf("the handler saw %q, want the site's id and the tail as sent", tail)
	}
}

// TestMuxesShareOnlyTheTable: two route tables with the same patterns share
// one built http.ServeMux, yet each request reaches its own table's handler
// with the path values of its own request.
func TestMuxesShareOnlyTheTable(t *testing.T) {
	mux := func(name string) *Mux {
		m := NewMux()
		m.HandleFunc("GET /v1.0/sharedTest/{id}", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(name + " " + r.PathValue("id")))
		})
		m.Build()
		return m
	}
	a, b := mux("a"), mux("b")
	if a.table != b.table {
		t.Error("the same patterns built two tables")
	}
	for m, want := range map[*Mux]string{a: "a 1", b: "b 1"} {
		w := httptest.NewRecorder()
		m.ServeHTTP(w, httptest.NewRequest("GET", "/v1.0/SharedTest('1')", nil))
		if w.Body.String() != want {
			t.Errorf("got %q, want %q", w.Body.String(), want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a route registered after Build did not panic")
		}
	}()
	a.HandleFunc("GET /late", func(http.ResponseWriter, *http.Request) {})
}
