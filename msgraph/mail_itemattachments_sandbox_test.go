package msgraph

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSandboxItemAttachments attaches a message and an event to a draft and
// reads them back with their items expanded.
func TestSandboxItemAttachments(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	draft, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: "With items"})
	if err != nil {
		t.Fatal(err)
	}
	ma, _, err := c.Mail.AddItemAttachment(ctx, "me", draft.ID, "", &Message{Subject: "Forwarded note", Body: TextBody("inner body")})
	if err != nil || ma.ODataType != ItemAttachmentType || ma.Name != "Forwarded note" {
		t.Fatalf("AddItemAttachment(message): %+v %v", ma, err)
	}
	ea, _, err := c.Mail.AddItemAttachment(ctx, "me", draft.ID, "The meeting", &Event{Subject: "Planning",
		Start: DateTimeTimeZone{DateTime: "2025-06-10T10:00:00", TimeZone: "UTC"}, End: DateTimeTimeZone{DateTime: "2025-06-10T11:00:00", TimeZone: "UTC"}})
	if err != nil || ea.Name != "The meeting" {
		t.Fatalf("AddItemAttachment(event): %+v %v", ea, err)
	}
	got, _, err := c.Mail.GetItemAttachment(ctx, "me", draft.ID, ma.ID)
	if err != nil {
		t.Fatal(err)
	}
	var inner Message
	if err := json.Unmarshal(got.Item, &inner); err != nil || inner.Subject != "Forwarded note" || inner.Body.Content != "inner body" ||
		!strings.Contains(string(got.Item), `"#microsoft.graph.message"`) {
		t.Fatalf("item: %s %v", got.Item, err)
	}
	got, _, err = c.Mail.GetItemAttachment(ctx, "me", draft.ID, ea.ID)
	var ev Event
	if err != nil || json.Unmarshal(got.Item, &ev) != nil || ev.Subject != "Planning" {
		t.Fatalf("event item: %s %v", got.Item, err)
	}
	list, _, err := c.Mail.ListAttachments(ctx, "me", draft.ID, nil)
	if err != nil || len(list) != 2 || list[0].Item != nil {
		t.Fatalf("ListAttachments: %+v %v", list, err)
	}
	if _, _, err := c.Mail.AddItemAttachment(ctx, "me", draft.ID, "x", "not an item"); err == nil {
		t.Fatal("AddItemAttachment took a string")
	}
}
