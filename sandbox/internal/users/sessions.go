package users

import (
	"net/http"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// revokeSessions is POST /me/revokeSignInSessions and POST
// /users/{id | userPrincipalName}/revokeSignInSessions: every refresh token
// the identity platform issued to the user so far stops working (a later
// refresh fails with AADSTS50173); access tokens stay valid until they
// expire, as at Microsoft. Graph answers {"value": true}. Another user's
// sessions take a permission that reaches beyond the caller's own data
// (User.RevokeSessions.All, User.ReadWrite.All, Directory.ReadWrite.All) or
// the application permission, as the other writes on /users/{id} do; an
// unknown user is 404 Request_ResourceNotFound (Kit.Other).
func (s *Workload) revokeSessions(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *graphkit.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	if s.RevokeSessions != nil {
		if _, err := s.RevokeSessions(r.Context(), u.ID); err != nil {
			s.WriteError(w, r, http.StatusInternalServerError, "generalException", "The sign-in sessions could not be revoked.")
			return
		}
	}
	s.WriteJSON(w, r, map[string]any{
		"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata#Edm.Boolean",
		"value":          true,
	})
}
