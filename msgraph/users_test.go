package msgraph

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"testing"
)

// TestRevokeSignInSessionsPaths: "" and "me" are the signed-in user's
// sessions, anything else a user's by id or userPrincipalName; an answer of
// {"value": false} is ErrSessionsNotRevoked.
func TestRevokeSignInSessionsPaths(t *testing.T) {
	c, mux, _ := setup(t)
	var seen []string
	answer := `{"value":true}`
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.EscapedPath())
		io.WriteString(w, answer)
	})
	ctx := t.Context()
	for _, user := range []string{"", "me", "megan@contoso.com"} {
		if _, err := c.Users.RevokeSignInSessions(ctx, user); err != nil {
			t.Errorf("%q: %v", user, err)
		}
	}
	answer = `{"value":false}`
	if _, err := c.Users.RevokeSignInSessions(ctx, "me"); !errors.Is(err, ErrSessionsNotRevoked) {
		t.Errorf("value false: %v, want ErrSessionsNotRevoked", err)
	}
	want := []string{"POST /v1.0/me/revokeSignInSessions", "POST /v1.0/me/revokeSignInSessions",
		"POST /v1.0/users/megan@contoso.com/revokeSignInSessions", "POST /v1.0/me/revokeSignInSessions"}
	if !slices.Equal(seen, want) {
		t.Errorf("requests %q, want %q", seen, want)
	}
}
