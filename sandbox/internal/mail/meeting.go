package mail

import (
	"context"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Meeting messages: the calendar workload has Outlook's eventMessages
// delivered here when an organizer invites, updates or cancels (a
// meetingRequest or meetingCancelled in each seeded invitee's inbox), and
// a message's event navigation property, read through the cast
// microsoft.graph.eventMessage, is the invitee's copy of the event.

// eventNav is the cast navigation property $expand names
// (?$expand=microsoft.graph.eventMessage/event).
const eventNav = "microsoft.graph.eventMessage/event"

// meetingInfo is what makes a message an eventMessage.
type meetingInfo struct {
	Type, EventID, Location                string
	Start, End                             outlook.DateTimeTimeZone
	AllDay, Recurring, Response, Proposals bool
	Update                                 bool
}

// eventMessageJSON are the properties of an eventMessage (or of an
// eventMessageRequest, a meeting request) beside the message's.
type eventMessageJSON struct {
	ODataType             string                   `json:"@odata.type"`
	MeetingMessageType    string                   `json:"meetingMessageType"`
	StartDateTime         outlook.DateTimeTimeZone `json:"startDateTime"`
	EndDateTime           outlook.DateTimeTimeZone `json:"endDateTime"`
	Location              meetingLocation          `json:"location"`
	Type                  string                   `json:"type"`
	IsOutOfDate           bool                     `json:"isOutOfDate"`
	IsAllDay              bool                     `json:"isAllDay"`
	IsDelegated           bool                     `json:"isDelegated"`
	ResponseRequested     *bool                    `json:"responseRequested,omitempty"`
	AllowNewTimeProposals *bool                    `json:"allowNewTimeProposals,omitempty"`
	MeetingRequestType    string                   `json:"meetingRequestType,omitempty"`
	Event                 map[string]any           `json:"event,omitempty"` // when expanded
}

type meetingLocation struct {
	DisplayName  string `json:"displayName"`
	LocationType string `json:"locationType"`
	UniqueIDType string `json:"uniqueIdType"`
}

func (mi *meetingInfo) toJSON() *eventMessageJSON {
	j := &eventMessageJSON{
		ODataType: "#microsoft.graph.eventMessage", MeetingMessageType: mi.Type,
		StartDateTime: mi.Start, EndDateTime: mi.End, IsAllDay: mi.AllDay, Type: "singleInstance",
		Location: meetingLocation{DisplayName: mi.Location, LocationType: "default", UniqueIDType: "unknown"},
	}
	if mi.Recurring {
		j.Type = "seriesMaster"
	}
	if mi.Type == outlook.MeetingRequest {
		j.ODataType = "#microsoft.graph.eventMessageRequest"
		j.ResponseRequested, j.AllowNewTimeProposals = &mi.Response, &mi.Proposals
		j.MeetingRequestType = "newMeetingRequest"
		if mi.Update {
			j.MeetingRequestType = "fullUpdate"
		}
	}
	return j
}

// SetEvents makes r read the events of meeting messages.
func (s *Workload) SetEvents(r outlook.EventReader) {
	s.mu.Lock()
	s.events = r
	s.mu.Unlock()
}

// DeliverMeeting puts each meeting message in its invitee's inbox, from the
// organizer. The calendar calls it holding its own lock.
func (s *Workload) DeliverMeeting(ctx context.Context, msgs []outlook.MeetingMessage) {
	now := s.Now().UTC()
	st := s.lock(ctx)
	defer s.unlock()
	for _, mm := range msgs {
		mb := st.boxes[mm.UserID]
		if mb == nil {
			continue
		}
		m := newDraft(now)
		m.IsDraft, m.IsRead = false, false
		org := &outlook.Recipient{EmailAddress: mm.Organizer}
		m.From, m.Sender = org, org
		m.To = []outlook.Recipient{*userRecipient(mb.owner)}
		m.Subject, m.Body = mm.Subject, mm.Body
		if m.Body.ContentType == "" {
			m.Body.ContentType = "text"
		}
		m.Meeting = &meetingInfo{
			Type: mm.Type, EventID: mm.EventID, Location: mm.Location,
			Start: outlook.UTCView.Format(mm.Start), End: outlook.UTCView.Format(mm.End),
			AllDay: mm.IsAllDay, Recurring: mm.Recurring, Response: mm.ResponseRequested, Proposals: mm.AllowProposals,
			Update: mm.Update,
		}
		st.insert(mb, m, mb.wellKnown("inbox").ID, "meeting", now)
		m.finishNew(now)
	}
}

// meetingEvent returns the event of user u's meeting message mid as Graph's
// JSON object: nil and an error when the message is no eventMessage or its
// event is gone. It takes the mail lock and then, without it, asks the
// calendar.
func (s *Workload) meetingEvent(ctx context.Context, u *user, mid string, zone outlook.ViewZone) (map[string]any, *graphkit.Error) {
	st := s.lock(ctx)
	var eventID string
	m := st.boxes[u.ID].message(mid)
	if m != nil && m.Meeting != nil {
		eventID = m.Meeting.EventID
	}
	events := s.events
	s.unlock()
	switch {
	case m == nil:
		return nil, graphkit.ErrItemNotFound
	case eventID == "" || events == nil:
		return nil, graphkit.Err(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store., The message is not an event message.")
	}
	obj, ok := events.EventObject(ctx, u.ID, eventID, zone)
	if !ok {
		return nil, graphkit.ErrItemNotFound
	}
	return obj, nil
}

// expandsEvent reports whether q expands the event of an eventMessage, and
// takes that item out of q.Expand (the answer names it "event").
func expandsEvent(q *odata.Query) bool {
	for i, x := range q.Expand {
		if strings.EqualFold(x, eventNav) {
			q.Expand[i] = "event"
			return true
		}
	}
	return false
}

// messageEvent answers GET …/messages/{mid}/microsoft.graph.eventMessage/event.
func (s *Workload) messageEvent(w http.ResponseWriter, r *http.Request, u *user) {
	zone, applied := outlook.PreferredZone(graphkit.Prefer(r))
	if applied != "" {
		w.Header().Set("Preference-Applied", applied)
	}
	obj, ge := s.meetingEvent(r.Context(), u, r.PathValue("mid"), zone)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	obj["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/events/$entity"
	s.WriteStatus(w, r, http.StatusOK, obj)
}
