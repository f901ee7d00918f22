package m365mcp

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// EventSummary is an event in a calendar view, its times in the view's zone.
type EventSummary struct {
	ID        string   `json:"id" jsonschema:"the event id, for calendar_update_event, calendar_cancel_event, calendar_respond"`
	Subject   string   `json:"subject"`
	Start     string   `json:"start" jsonschema:"local start, YYYY-MM-DDTHH:MM:SS in timeZone"`
	End       string   `json:"end"`
	AllDay    bool     `json:"allDay,omitempty"`
	Location  string   `json:"location,omitempty"`
	Organizer Person   `json:"organizer"`
	Attendees []Person `json:"attendees,omitempty"`
	Response  string   `json:"response,omitempty" jsonschema:"the user's answer: organizer, accepted, tentativelyAccepted, declined, notResponded, none"`
	ShowAs    string   `json:"showAs,omitempty"`
	Online    bool     `json:"online,omitempty" jsonschema:"an online meeting"`
	Cancelled bool     `json:"cancelled,omitempty"`
	Preview   string   `json:"preview,omitempty"`
}

// Agenda is a page of a calendar view.
type Agenda struct {
	TimeZone string         `json:"timeZone" jsonschema:"the zone of every start and end"`
	Events   []EventSummary `json:"events"`
	Cursor   string         `json:"cursor,omitempty" jsonschema:"pass back as cursor for the next page; absent on the last page"`
}

type calendarViewIn struct {
	Start    string `json:"start" jsonschema:"first day or time, ISO 8601 (2025-03-01 or 2025-03-01T09:00); a date is its midnight"`
	End      string `json:"end,omitempty" jsonschema:"end, exclusive, ISO 8601 (default: one day after start)"`
	TimeZone string `json:"timeZone,omitempty" jsonschema:"IANA or Windows zone for input and output (default: the user's mailbox zone)"`
	Top      int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor   string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type eventCreateIn struct {
	Subject   string   `json:"subject"`
	Start     string   `json:"start" jsonschema:"start, ISO 8601 local time in timeZone"`
	End       string   `json:"end" jsonschema:"end, ISO 8601 local time in timeZone"`
	TimeZone  string   `json:"timeZone,omitempty" jsonschema:"IANA or Windows zone of start and end (default: the user's mailbox zone)"`
	Attendees []string `json:"attendees,omitempty" jsonschema:"addresses to invite; each gets an invitation"`
	Location  string   `json:"location,omitempty"`
	Body      string   `json:"body,omitempty" jsonschema:"the description, plain text"`
	Online    bool     `json:"online,omitempty" jsonschema:"make it an online meeting"`
}

type eventUpdateIn struct {
	ID        string   `json:"id"`
	Subject   *string  `json:"subject,omitempty"`
	Start     string   `json:"start,omitempty" jsonschema:"new start, ISO 8601 local time in timeZone"`
	End       string   `json:"end,omitempty" jsonschema:"new end, ISO 8601 local time in timeZone"`
	TimeZone  string   `json:"timeZone,omitempty" jsonschema:"zone of start and end (default: the user's mailbox zone)"`
	Attendees []string `json:"attendees,omitempty" jsonschema:"the new full list of attendees (replaces it)"`
	Location  *string  `json:"location,omitempty"`
	Body      *string  `json:"body,omitempty"`
}

type eventCancelIn struct {
	ID      string `json:"id" jsonschema:"an event the user organizes"`
	Comment string `json:"comment,omitempty" jsonschema:"a message to the attendees"`
}

type eventRespondIn struct {
	ID       string `json:"id" jsonschema:"an event the user is invited to"`
	Response string `json:"response" jsonschema:"accept, tentative or decline"`
	Comment  string `json:"comment,omitempty"`
	Silent   bool   `json:"silent,omitempty" jsonschema:"do not send the answer to the organizer"`
}

type freeTimesIn struct {
	Attendees []string `json:"attendees" jsonschema:"addresses of the people (the user is included)"`
	Start     string   `json:"start" jsonschema:"search from, ISO 8601 local time"`
	End       string   `json:"end" jsonschema:"search until, ISO 8601 local time"`
	Minutes   int      `json:"minutes,omitempty" jsonschema:"meeting length in minutes (default 30)"`
	TimeZone  string   `json:"timeZone,omitempty" jsonschema:"zone of start, end and the answer (default: the user's mailbox zone)"`
}

// Slot is a free time.
type Slot struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// FreeTimes are the slots when everyone is free.
type FreeTimes struct {
	TimeZone string   `json:"timeZone"`
	Slots    []Slot   `json:"slots" jsonschema:"times when every attendee is free, at least minutes long"`
	Unknown  []string `json:"unknown,omitempty" jsonschema:"attendees whose availability Graph could not tell"`
}

func calendarTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "calendar_view", title: "View the calendar", area: AreaCalendar,
			description: "List the events between two times (recurring events expanded), in the user's time zone."},
			nil, func(ctx context.Context, s *Server, in calendarViewIn) (Agenda, error) {
				return s.g.calendarView(ctx, s, in)
			}),
		newTool(toolSpec{name: "calendar_find_free_times", title: "Find free times", area: AreaCalendar,
			description: "Find times when the user and the given attendees are all free, from their free/busy schedules."},
			nil, func(ctx context.Context, s *Server, in freeTimesIn) (FreeTimes, error) { return s.g.freeTimes(ctx, in) }),
		newTool(toolSpec{name: "calendar_create_event", title: "Create an event", area: AreaCalendar, write: true,
			description: "Create an event in the user's calendar; attendees, if any, are sent invitations."},
			func(in eventCreateIn) string {
				return fmt.Sprintf("Create %q from %s to %s%s.", in.Subject, in.Start, in.End, inviting(in.Attendees))
			},
			func(ctx context.Context, s *Server, in eventCreateIn) (EventSummary, error) {
				return s.g.createEvent(ctx, in)
			}),
		newTool(toolSpec{name: "calendar_update_event", title: "Update an event", area: AreaCalendar, write: true, idempotent: true,
			description: "Change an event's subject, times, location, description or attendees; attendees are sent the update."},
			func(in eventUpdateIn) string { return fmt.Sprintf("Change event %s.", in.ID) },
			func(ctx context.Context, s *Server, in eventUpdateIn) (EventSummary, error) {
				return s.g.updateEvent(ctx, in)
			}),
		newTool(toolSpec{name: "calendar_cancel_event", title: "Cancel an event", area: AreaCalendar, write: true, destructive: true,
			description: "Cancel an event the user organizes: it is removed and attendees get a cancellation."},
			func(in eventCancelIn) string { return fmt.Sprintf("Cancel event %s and tell its attendees.", in.ID) },
			func(ctx context.Context, s *Server, in eventCancelIn) (Done, error) { return s.g.cancelEvent(ctx, in) }),
		newTool(toolSpec{name: "calendar_respond", title: "Answer an invitation", area: AreaCalendar, write: true, idempotent: true,
			description: "Accept, tentatively accept or decline an invitation, telling the organizer unless silent."},
			func(in eventRespondIn) string { return fmt.Sprintf("Answer %q to event %s.", in.Response, in.ID) },
			func(ctx context.Context, s *Server, in eventRespondIn) (Done, error) {
				return s.g.respondEvent(ctx, in)
			}),
	}
}

func inviting(att []string) string {
	if len(att) == 0 {
		return ""
	}
	return ", inviting " + strings.Join(att, ", ")
}

// parseTime reads an ISO 8601 date or date-time in loc (nil: UTC); one with
// a zone offset keeps it.
func parseTime(field, v string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badInput("%s %q: want an ISO 8601 date or time such as 2025-03-01 or 2025-03-01T09:30", field, v)
}
