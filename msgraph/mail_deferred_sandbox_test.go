package msgraph

import (
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxDeferredSendAndExtendedProperties sends a draft with
// PidTagDeferredSendTime: it waits in the Outbox until the sandbox's clock
// reaches the time, then is in Sent Items and the recipient's inbox. Extended
// properties set on a message and an event come back through $expand with a
// $filter on their id.
func TestSandboxDeferredSendAndExtendedProperties(t *testing.T) {
	adele, s, _ := onSandbox(t, "Mail.ReadWrite", "Mail.Send", "Calendars.ReadWrite", "User.Read")
	alexUser := sandbox.Users()[1]
	alex := clientAs(t, s, alexUser, strings.Fields(mailScopes)...)
	ctx := t.Context()
	at := s.Now().Add(5 * time.Minute).Truncate(time.Second)
	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	const tags = "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags"
	to, _ := Recipients(alexUser.Mail)
	draft, _, err := adele.Mail.CreateDraft(ctx, "me", &Message{Subject: "Later", ToRecipients: to,
		SingleValueExtendedProperties: []SingleValueExtendedProperty{DeferredSend(at), {ID: color, Value: "Green"}},
		MultiValueExtendedProperties:  []MultiValueExtendedProperty{{ID: tags, Value: []string{"a", "b"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := adele.Mail.GetMessage(ctx, "me", draft.ID, &GetMessageOptions{GetOptions: GetOptions{Expand: []string{ExpandExtended(false, color), ExpandExtended(true, tags)}}})
	if err != nil || len(got.SingleValueExtendedProperties) != 1 || got.SingleValueExtendedProperties[0].Value != "Green" ||
		len(got.MultiValueExtendedProperties) != 1 || strings.Join(got.MultiValueExtendedProperties[0].Value, ",") != "a,b" {
		t.Fatalf("extended properties: %+v %v", got, err)
	}
	if _, err := adele.Mail.SendDraft(ctx, "me", draft.ID); err != nil {
		t.Fatal(err)
	}
	subject := &ListMessagesOptions{ListOptions: ListOptions{Filter: "subject eq 'Later'"}}
	count := func(c *Client, folder string) int {
		t.Helper()
		o := *subject
		o.Folder = folder
		msgs, _, err := c.Mail.ListMessages(ctx, "me", &o)
		if err != nil {
			t.Fatal(err)
		}
		return len(msgs)
	}
	if out, sent, inbox := count(adele, "outbox"), count(adele, FolderSentItems), count(alex, FolderInbox); out != 1 || sent != 0 || inbox != 0 {
		t.Fatalf("before the time: outbox %d, sent %d, Alex's inbox %d", out, sent, inbox)
	}
	if _, err := s.AdvanceClock(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if out, sent, inbox := count(adele, "outbox"), count(adele, FolderSentItems), count(alex, FolderInbox); out != 0 || sent != 1 || inbox != 1 {
		t.Fatalf("after the time: outbox %d, sent %d, Alex's inbox %d", out, sent, inbox)
	}
	o := *subject
	o.Folder = FolderSentItems
	msgs, _, err := adele.Mail.ListMessages(ctx, "me", &o)
	if err != nil || len(msgs) != 1 || !msgs[0].SentDateTime.Equal(at) {
		t.Fatalf("sent: %+v %v (want sent at %v)", msgs, err, at)
	}

	ev, _, err := adele.Calendar.CreateEvent(ctx, "me", "", &Event{Subject: "Tagged",
		Start: DateTimeTimeZone{DateTime: "2025-06-10T10:00:00", TimeZone: "UTC"}, End: DateTimeTimeZone{DateTime: "2025-06-10T11:00:00", TimeZone: "UTC"},
		SingleValueExtendedProperties: []SingleValueExtendedProperty{{ID: color, Value: "Blue"}}})
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := adele.Calendar.GetEvent(ctx, "me", ev.ID, &ListEventsOptions{ListOptions: ListOptions{Expand: []string{ExpandExtended(false, color)}}})
	if err != nil || len(back.SingleValueExtendedProperties) != 1 || back.SingleValueExtendedProperties[0].Value != "Blue" {
		t.Fatalf("event's extended property: %+v %v", back, err)
	}
}
