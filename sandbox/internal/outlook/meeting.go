package outlook

import (
	"context"
	"time"
)

// Meeting messages: when an organizer sends, changes or cancels a meeting,
// Outlook puts an eventMessage in each invitee's inbox (meetingMessageType
// meetingRequest or meetingCancelled) whose event navigation property is
// the invitee's copy of the event. The calendar workload says what to
// deliver (a Mailer, the mail workload, delivers it) and the mail workload
// asks the calendar for the event (an EventReader).

// Meeting message types (Graph's meetingMessageType).
const (
	MeetingRequest   = "meetingRequest"
	MeetingCancelled = "meetingCancelled"
)

// MeetingMessage is one eventMessage to deliver.
type MeetingMessage struct {
	UserID    string // the invitee, whose inbox gets it
	Type      string // MeetingRequest or MeetingCancelled
	EventID   string // the invitee's copy of the event
	Organizer EmailAddress
	Subject   string
	Body      ItemBody
	// Start and End are the meeting's instants, StartTZ and EndTZ the
	// zones the organizer gave.
	Start, End        time.Time
	StartTZ, EndTZ    string
	IsAllDay          bool
	Location          string
	Recurring         bool
	ResponseRequested bool
	AllowProposals    bool
	// Update is true for a changed meeting's new request.
	Update bool
}

// Mailer delivers meeting messages; the caller may hold its own workload's
// lock, never the mailer's.
type Mailer interface {
	DeliverMeeting(ctx context.Context, msgs []MeetingMessage)
}

// EventReader returns a user's event as Graph's JSON object, for an
// eventMessage's event navigation property, or false when it is gone.
type EventReader interface {
	EventObject(ctx context.Context, userID, eventID string, zone ViewZone) (map[string]any, bool)
}
