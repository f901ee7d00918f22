package msgraph

import (
	"errors"
	"strings"
	"testing"
)

// TestSandboxForbiddenNamesPermission: a 403 says which permission the
// request needs, from Microsoft's table (the one the sandbox enforces), so
// a user knows what to add to the login's scopes.
func TestSandboxForbiddenNamesPermission(t *testing.T) {
	c, _, _ := onSandbox(t, "User.Read", "Mail.Read")
	_, err := c.Mail.SendMail(t.Context(), "me", &Message{Subject: "hi", ToRecipients: []Recipient{{EmailAddress: EmailAddress{Address: "alexw@contoso.sandbox"}}}}, false)
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 403 {
		t.Fatalf("sendMail with Mail.Read: %v, want a 403", err)
	}
	if d, a := ge.NeededPermissions(); d != "Mail.Send" || a != "Mail.Send" {
		t.Errorf("NeededPermissions() = %q, %q; want Mail.Send for both", d, a)
	}
	if !strings.Contains(err.Error(), "needs the permission Mail.Send (delegated)") {
		t.Errorf("the error does not name the permission: %v", err)
	}
	// A request the table does not know gets no hint.
	if d, a := (&Error{StatusCode: 403, Method: "GET", Path: "/v1.0/me/teleporter"}).NeededPermissions(); d != "" || a != "" {
		t.Errorf("unknown request: %q %q", d, a)
	}
}
