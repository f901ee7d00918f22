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
