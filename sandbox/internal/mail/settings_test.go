package mail

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestSettingsJournaled: changes to mailbox settings and categories, and a
// deferred message, are journaled (replay gives the served state, also over
// a snapshot taken midway).
func TestSettingsJournaled(t *testing.T) {
	t.Parallel()
	e := kittest.New(t, newWorkload)
	tok := kittest.UserToken(directory.AdeleVanceID, "MailboxSettings.ReadWrite", "Mail.ReadWrite", "Mail.Send")
	e.Write("PATCH", "/v1.0/me/mailboxSettings", tok, map[string]any{"timeZone": "UTC", "language": map[string]any{"locale": "de-DE"}}, 200)
	e.Mark()
	c := e.Write("POST", "/v1.0/me/outlook/masterCategories", tok, map[string]any{"displayName": "Kit", "color": "preset2"}, 201)
	e.Write("PATCH", "/v1.0/me/outlook/masterCategories/"+c["id"].(string), tok, map[string]any{"color": "preset5"}, 200)
	e.Write("DELETE", "/v1.0/me/outlook/masterCategories/"+c["id"].(string), tok, nil, 204)
	e.Write("POST", "/v1.0/me/sendMail", tok, map[string]any{"message": map[string]any{"subject": "Later",
		"toRecipients":                  []any{map[string]any{"emailAddress": map[string]any{"address": "AlexW@" + directory.TenantDomain}}},
		"singleValueExtendedProperties": []any{map[string]any{"id": "SystemTime 0x3FEF", "value": "2099-01-01T00:00:00Z"}}}}, 202)
	got := do(t, e, 200, "GET", "/v1.0/me/mailboxSettings/language", tok, nil)
	if got["locale"] != "de-DE" {
		t.Fatalf("language: %v", got)
	}
	out := do(t, e, 200, "GET", "/v1.0/me/mailFolders/outbox/messages?$select=subject", tok, nil)
	if v, _ := out["value"].([]any); len(v) != 1 {
		t.Fatalf("outbox: %v", out)
	}
}
