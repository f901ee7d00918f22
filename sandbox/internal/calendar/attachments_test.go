package calendar

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestEventAttachmentsJournaled: adding and deleting an event's attachment
// is journaled (replay gives the served state) and changes the event.
func TestEventAttachmentsJournaled(t *testing.T) {
	t.Parallel()
	env := kittest.New(t, newTestWorkload)
	tok := kittest.UserToken(directory.AdeleVanceID, "Calendars.ReadWrite")
	ev := write(t, env, "POST", "/v1.0/me/events", tok, map[string]any{"subject": "With a file",
		"start": map[string]any{"dateTime": "2025-06-10T10:00:00", "timeZone": "UTC"},
		"end":   map[string]any{"dateTime": "2025-06-10T11:00:00", "timeZone": "UTC"}}, 201)
	id := ev["id"].(string)
	env.Mark()
	a := write(t, env, "POST", "/v1.0/me/events/"+id+"/attachments", tok, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGk="}, 201)
	got := call(t, env, "GET", "/v1.0/me/events/"+id, tok, nil, 200)
	if got["hasAttachments"] != true || got["changeKey"] == ev["changeKey"] {
		t.Fatalf("event after attaching: %v", got)
	}
	write(t, env, "DELETE", "/v1.0/me/events/"+id+"/attachments/"+a["id"].(string), tok, nil, 204)
	if got := call(t, env, "GET", "/v1.0/me/events/"+id, tok, nil, 200); got["hasAttachments"] != false {
		t.Fatalf("event after deleting: %v", got)
	}
}
