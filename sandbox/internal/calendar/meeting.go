package calendar

import (
	"context"

	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// SetMailer makes m deliver the meeting messages of invitations, updates
// and cancellations to the invitees' inboxes.
func (s *Workload) SetMailer(m outlook.Mailer) {
	s.mu.Lock()
	s.mail = m
	s.mu.Unlock()
}

// meetingMessage is the eventMessage of kind that invitee userID gets
// about cp, their copy of the meeting; update marks a changed meeting.
func meetingMessage(kind string, cp *calEvent, userID string, update bool) outlook.MeetingMessage {
	return outlook.MeetingMessage{
		UserID: userID, Type: kind, EventID: cp.ID, Organizer: cp.Organizer,
		Subject: cp.Subject, Body: cp.Body, Start: cp.Start, End: cp.End, StartTZ: cp.StartTZ, EndTZ: cp.EndTZ,
		IsAllDay: cp.IsAllDay, Location: cp.Location, Recurring: cp.Recurrence != nil,
		ResponseRequested: cp.ResponseRequest, AllowProposals: cp.AllowProposals, Update: update,
	}
}

// notify hands meeting messages to the mailer (the caller holds
// Workload.mu; the mailer takes its own lock, never the calendar's).
func (st *store) notify(ctx context.Context, msgs ...outlook.MeetingMessage) {
	if st.mail != nil && len(msgs) > 0 {
		st.mail.DeliverMeeting(ctx, msgs)
	}
}

// EventObject returns user userID's event eventID as Graph's JSON object,
// times in zone, for the event navigation property of an eventMessage.
func (s *Workload) EventObject(_ context.Context, userID, eventID string, zone outlook.ViewZone) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cu := s.users[userID]
	if cu == nil || cu.events[eventID] == nil {
		return nil, false
	}
	return eventObject(cu.events[eventID], nil, viewOpts{zone: zone, cu: cu}).Raw(), true
}
