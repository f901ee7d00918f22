package graphkit

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPermittedRefusesUnknownRequests: a request Microsoft's permissions
// table grants is let through with one of its permissions and not without;
// a request the table does not know is refused whatever the token holds.
func TestPermittedRefusesUnknownRequests(t *testing.T) {
	t.Parallel()
	user := &Claims{IDType: "user", Scp: "Mail.Read User.Read.All Files.ReadWrite.All"}
	app := &Claims{IDType: "app", Roles: []string{"Mail.Read", "User.Read.All", "Files.ReadWrite.All"}}
	for _, c := range []struct {
		claims       *Claims
		method, path string
		want         bool
	}{
		{user, "GET", "/me/messages/{id}", true},
		{user, "GET", "/me/events", false},
		{app, "GET", "/users/{id}/messages", true},
		{app, "GET", "/users/{id}/events", false},
		{user, "GET", "/me/nothingMicrosoftLists", false},
		{app, "POST", "/users/{id}/nothingMicrosoftLists", false},
	} {
		if got := PermittedTo(c.claims, c.method, c.path); got != c.want {
			t.Errorf("PermittedTo(%s, %s %s) = %v, want %v", c.claims.IDType, c.method, c.path, got, c.want)
		}
	}
	mux := http.NewServeMux()
	var got bool
	mux.HandleFunc("GET /v1.0/users/{id}/{rest...}", func(_ http.ResponseWriter, r *http.Request) {
		got = PermittedBeyondSelf(r, user)
	})
	for path, want := range map[string]bool{"/v1.0/users/x/messages": false, "/v1.0/users/x/drive/root": true, "/v1.0/users/x/bogus": false} {
		got = !want
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if got != want {
			t.Errorf("PermittedBeyondSelf(GET %s) = %v, want %v", path, got, want)
		}
	}
}
