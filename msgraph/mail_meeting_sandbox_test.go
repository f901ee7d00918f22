package msgraph

import (
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxMeetingMessages invites a seeded user to a meeting, changes it
// and cancels it: each time an eventMessage reaches the invitee's inbox
// (meetingRequest, then an update, then meetingCancelled) whose event is
// the invitee's copy of the meeting.
func TestSandboxMeetingMessages(t *testing.T) {
	org, s, _ := onSandbox(t, "Calendars.ReadWrite", "Mail.ReadWrite", "User.Read")
	alexUser := sandbox.Users()[1]
	alex := clientAs(t, s, alexUser, "Mail.ReadWrite", "Calendars.ReadWrite", "User.Read")
	ctx := t.Context()
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ev, _, err := org.Calendar.CreateEvent(ctx, "me", "", &Event{Subject: "Roadmap review",
		Start: NewDateTimeTimeZone(start), End: NewDateTimeTimeZone(start.Add(time.Hour)),
		Location:  Location{DisplayName: "Room 1"},
		Attendees: []Attendee{{EmailAddress: EmailAddress{Address: alexUser.Mail}, Type: "required"}}})
	if err != nil {
		t.Fatal(err)
	}
	meetings := func(want int) []*Message {
		t.Helper()
		var out []*Message
		for m, err := range alex.Mail.ListMessagesIter(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: StartsWith("subject", "").String()}}) {
			if err != nil {
				t.Fatal(err)
			}
			if m.IsEventMessage() {
				out = append(out, m)
			}
		}
		if len(out) != want {
			t.Fatalf("%d meeting messages, want %d", len(out), want)
		}
		return out
	}
	req := meetings(1)[0]
	em, _, err := alex.Mail.GetEventMessage(ctx, "me", req.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if em.MeetingMessageType != MeetingRequest || em.MeetingRequestType != "newMeetingRequest" || em.Subject != "Roadmap review" ||
		!strings.EqualFold(em.From.EmailAddress.Address, sandbox.Users()[0].Mail) ||
		em.Location == nil || em.Location.DisplayName != "Room 1" || em.StartDateTime == nil {
		t.Fatalf("meeting request: %+v", em)
	}
	if em.Event == nil || em.Event.ID == "" || em.Event.ID == ev.ID || em.Event.Subject != "Roadmap review" {
		t.Fatalf("the request's event: %+v, want Alex's copy of %s", em.Event, ev.ID)
	}
	copyEv, _, err := alex.Mail.GetMessageEvent(ctx, "me", req.ID)
	if err != nil || copyEv.ID != em.Event.ID {
		t.Fatalf("GetMessageEvent: %+v %v", copyEv, err)
	}
	if _, err := alex.Calendar.Accept(ctx, "me", copyEv.ID, "", false); err != nil {
		t.Errorf("accepting through the message's event: %v", err)
	}

	later := NewDateTimeTimeZone(start.Add(2 * time.Hour))
	if _, _, err := org.Calendar.UpdateEvent(ctx, "me", ev.ID, &EventUpdate{Start: &later, End: Ptr(NewDateTimeTimeZone(start.Add(3 * time.Hour)))}); err != nil {
		t.Fatal(err)
	}
	var update *EventMessage
	for _, m := range meetings(2) {
		if em, _, err := alex.Mail.GetEventMessage(ctx, "me", m.ID, nil); err == nil && em.MeetingRequestType == "fullUpdate" {
			update = em
		}
	}
	if update == nil || update.StartDateTime == nil || !strings.HasPrefix(update.StartDateTime.DateTime, "2026-03-02T12:00:00") {
		t.Fatalf("the update: %+v", update)
	}

	if _, err := org.Calendar.Cancel(ctx, "me", ev.ID, "Not needed"); err != nil {
		t.Fatal(err)
	}
	var cancelled *EventMessage
	for _, m := range meetings(3) {
		if em, _, err := alex.Mail.GetEventMessage(ctx, "me", m.ID, nil); err == nil && em.MeetingMessageType == MeetingCancelled {
			cancelled = em
		}
	}
	if cancelled == nil || cancelled.ODataType != "#microsoft.graph.eventMessage" || cancelled.Event == nil || !cancelled.Event.IsCancelled {
		t.Fatalf("the cancellation: %+v", cancelled)
	}
	// A message that is no meeting message has no event.
	plain, _, err := alex.Mail.CreateDraft(ctx, "me", &Message{Subject: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := alex.Mail.GetMessageEvent(ctx, "me", plain.ID); !IsNotFound(err) {
		t.Errorf("the event of a plain message: %v, want 404", err)
	}
}
