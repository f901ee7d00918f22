package msgraph

import (
	"context"
	"net/http"
	"strings"
)

// Meeting message types ([EventMessage.MeetingMessageType]).
const (
	MeetingRequest   = "meetingRequest"
	MeetingCancelled = "meetingCancelled"
	MeetingAccepted  = "meetingAccepted"
	MeetingDeclined  = "meetingDeclined"
)

// EventMessage is a meeting message: the request an invitee gets when an
// organizer sends or changes a meeting, the cancellation, or an answer in
// the organizer's mailbox (Graph's eventMessage; a request is an
// eventMessageRequest, with ResponseRequested and MeetingRequestType).
type EventMessage struct {
	Message
	// MeetingMessageType is [MeetingRequest], [MeetingCancelled],
	// [MeetingAccepted], "meetingTenativelyAccepted" or [MeetingDeclined].
	MeetingMessageType string            `json:"meetingMessageType,omitempty"`
	StartDateTime      *DateTimeTimeZone `json:"startDateTime,omitempty"`
	EndDateTime        *DateTimeTimeZone `json:"endDateTime,omitempty"`
	Location           *Location         `json:"location,omitempty"`
	// Type is the meeting's: "singleInstance", "occurrence", "exception"
	// or "seriesMaster".
	Type        string `json:"type,omitempty"`
	IsAllDay    bool   `json:"isAllDay,omitempty"`
	IsOutOfDate bool   `json:"isOutOfDate,omitempty"`
	IsDelegated bool   `json:"isDelegated,omitempty"`
	// ResponseRequested and MeetingRequestType ("newMeetingRequest",
	// "fullUpdate", …) are a request's.
	ResponseRequested  *bool  `json:"responseRequested,omitempty"`
	MeetingRequestType string `json:"meetingRequestType,omitempty"`
	// Event is the meeting in the mailbox owner's calendar (the invitee's
	// copy): answer it with [CalendarService.Accept] and the like.
	Event *Event `json:"event,omitempty"`
}

// IsEventMessage reports whether m, read from a list, is a meeting message.
func (m *Message) IsEventMessage() bool {
	return strings.HasPrefix(m.ODataType, "#microsoft.graph.eventMessage")
}

// GetEventMessage returns a meeting message with its Event (expanded
// through the cast microsoft.graph.eventMessage/event); opts may add to
// $select and $expand.
//
// Graph docs: https://learn.microsoft.com/graph/api/eventmessage-get
//
//meta:operation GET /users/{id}/messages/{id}
func (s *MailService) GetEventMessage(ctx context.Context, user, id string, opts *GetMessageOptions) (*EventMessage, *Response, error) {
	var o GetMessageOptions
	if opts != nil {
		o = *opts
	}
	o.Expand = append([]string{"microsoft.graph.eventMessage/event"}, o.Expand...)
	var q query
	q.get(&o.GetOptions)
	return doJSON[EventMessage](ctx, s.client, http.MethodGet, q.on(messagePath(user, id)), nil, bodyTypeHeader(o.BodyType))
}

// GetMessageEvent returns the event of a meeting message: the meeting in
// the mailbox owner's calendar.
//
// Graph docs: https://learn.microsoft.com/graph/api/resources/eventmessage
//
//meta:operation GET /users/{id}/messages/{id}/microsoft.graph.eventMessage/event
func (s *MailService) GetMessageEvent(ctx context.Context, user, id string) (*Event, *Response, error) {
	return getOne[Event](ctx, s.client, messagePath(user, id)+"/microsoft.graph.eventMessage/event")
}
