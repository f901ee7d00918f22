package msgraph

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// CalendarService is Outlook calendars and events (O365's Schedule, Calendar
// and Event). Methods take the user first ("me" or an id/UPN) and, where it
// matters, a calendar id: "" means the user's default calendar.
type CalendarService service

// ListEventsOptions are the options of event lists.
type ListEventsOptions struct {
	ListOptions
	// TimeZone asks for start and end times in this zone (Prefer:
	// outlook.timezone), e.g. "Europe/Paris" or "Pacific Standard Time";
	// Graph's default is UTC.
	TimeZone string
	// BodyType asks for bodies as "text" or "html".
	BodyType string
}

func (o *ListEventsOptions) header() http.Header {
	if o == nil {
		return nil
	}
	h := bodyTypeHeader(o.BodyType)
	if o.TimeZone != "" {
		if h == nil {
			h = http.Header{}
		}
		h.Add("Prefer", `outlook.timezone="`+o.TimeZone+`"`)
	}
	return h
}

func calendarPath(user, calendar string) string {
	if calendar == "" {
		return userPath(user) + "/calendar"
	}
	return userPath(user) + "/calendars/" + escapeSegment(calendar)
}

func eventPath(user, id string) string { return userPath(user) + "/events/" + escapeSegment(id) }

// ListCalendars returns the first page of a user's calendars.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-calendars
//
//meta:operation GET /users/{id}/calendars
func (s *CalendarService) ListCalendars(ctx context.Context, user string, opts *ListOptions) ([]*Calendar, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Calendar](ctx, s.client, q.on(userPath(user)+"/calendars"), nil)
}

// ListCalendarsIter iterates over everything ListCalendars would page through.
func (s *CalendarService) ListCalendarsIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*Calendar, error] {
	var q query
	q.list(opts)
	return all[Calendar](ctx, s.client, q.on(userPath(user)+"/calendars"), nil)
}

// GetCalendar returns a calendar ("" for the default calendar).
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-get
//
//meta:operation GET /users/{id}/calendars/{id}
//meta:operation GET /users/{id}/calendar
func (s *CalendarService) GetCalendar(ctx context.Context, user, calendar string) (*Calendar, *Response, error) {
	return getOne[Calendar](ctx, s.client, calendarPath(user, calendar))
}

// CreateCalendar creates a calendar named name.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-calendars
//
//meta:operation POST /users/{id}/calendars
func (s *CalendarService) CreateCalendar(ctx context.Context, user, name string) (*Calendar, *Response, error) {
	return doJSON[Calendar](ctx, s.client, http.MethodPost, userPath(user)+"/calendars", &Calendar{Name: name}, nil)
}

// UpdateCalendar changes a calendar's name and color (empty values are left as they are).
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-update
//
//meta:operation PATCH /users/{id}/calendars/{id}
func (s *CalendarService) UpdateCalendar(ctx context.Context, user, calendar, name, color string) (*Calendar, *Response, error) {
	return doJSON[Calendar](ctx, s.client, http.MethodPatch, calendarPath(user, calendar),
		&Calendar{Name: name, Color: color}, nil)
}

// DeleteCalendar deletes a calendar (not the default one) and its events.
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-delete
//
//meta:operation DELETE /users/{id}/calendars/{id}
func (s *CalendarService) DeleteCalendar(ctx context.Context, user, calendar string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, calendarPath(user, calendar), nil)
}

// ListEvents returns the first page of a calendar's events: single events and
// series masters, not the occurrences of series (see [CalendarService.CalendarView]).
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-list-events
//
//meta:operation GET /users/{id}/calendars/{id}/events
//meta:operation GET /users/{id}/calendar/events
func (s *CalendarService) ListEvents(ctx context.Context, user, calendar string, opts *ListEventsOptions) ([]*Event, *Response, error) {
	u, h := eventsURL(calendarPath(user, calendar)+"/events", opts, nil)
	return getPage[Event](ctx, s.client, u, h)
}

// ListEventsIter iterates over all the events ListEvents would page through.
func (s *CalendarService) ListEventsIter(ctx context.Context, user, calendar string, opts *ListEventsOptions) iter.Seq2[*Event, error] {
	u, h := eventsURL(calendarPath(user, calendar)+"/events", opts, nil)
	return all[Event](ctx, s.client, u, h)
}

// CalendarView returns the first page of what a calendar shows between start
// and end: single events, and each occurrence of recurring series.
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-list-calendarview
//
//meta:operation GET /users/{id}/calendars/{id}/calendarView
//meta:operation GET /users/{id}/calendar/calendarView
func (s *CalendarService) CalendarView(ctx context.Context, user, calendar string, start, end time.Time, opts *ListEventsOptions) ([]*Event, *Response, error) {
	u, h := eventsURL(calendarPath(user, calendar)+"/calendarView", opts, span(start, end))
	return getPage[Event](ctx, s.client, u, h)
}

// CalendarViewIter iterates over everything CalendarView would page through.
func (s *CalendarService) CalendarViewIter(ctx context.Context, user, calendar string, start, end time.Time, opts *ListEventsOptions) iter.Seq2[*Event, error] {
	u, h := eventsURL(calendarPath(user, calendar)+"/calendarView", opts, span(start, end))
	return all[Event](ctx, s.client, u, h)
}

// CalendarViewDelta runs one delta round over what a calendar shows between
// start and end: every page up to the deltaLink. A new round (opts.Link
// empty) lists the window's events and occurrences; a round from a
// deltaLink lists those changed since, and the ones gone with Removed set;
// the last page's Response carries the DeltaLink of the next round.
// The window is the round's: a deltaLink keeps the one it began with.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-delta
//
//meta:operation GET /users/{id}/calendarView/delta
//meta:operation GET /users/{id}/calendars/{id}/calendarView/delta
func (s *CalendarService) CalendarViewDelta(ctx context.Context, user, calendar string, start, end time.Time, opts *DeltaOptions) ([]*Event, *Response, error) {
	var o DeltaOptions
	if opts != nil {
		o = *opts
	}
	u := o.Link
	if u == "" {
		u = span(start, end).on(calendarPath(user, calendar) + "/calendarView/delta")
	}
	return deltaRound[Event](ctx, s.client, u, maxPageSize(o.PageSize))
}

// ListInstances returns the first page of the occurrences of a series between start and end.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-list-instances
//
//meta:operation GET /users/{id}/events/{id}/instances
func (s *CalendarService) ListInstances(ctx context.Context, user, id string, start, end time.Time, opts *ListEventsOptions) ([]*Event, *Response, error) {
	u, h := eventsURL(eventPath(user, id)+"/instances", opts, span(start, end))
	return getPage[Event](ctx, s.client, u, h)
}

// ListInstancesIter iterates over everything ListInstances would page through.
func (s *CalendarService) ListInstancesIter(ctx context.Context, user, id string, start, end time.Time, opts *ListEventsOptions) iter.Seq2[*Event, error] {
	u, h := eventsURL(eventPath(user, id)+"/instances", opts, span(start, end))
	return all[Event](ctx, s.client, u, h)
}

// span is the startDateTime/endDateTime query of a time window, in UTC.
func span(start, end time.Time) query {
	var q query
	q.add("startDateTime", start.UTC().Format(time.RFC3339))
	q.add("endDateTime", end.UTC().Format(time.RFC3339))
	return q
}

func eventsURL(path string, opts *ListEventsOptions, pre query) (string, http.Header) {
	q := pre
	if opts != nil {
		q.list(&opts.ListOptions)
	}
	return q.on(path), opts.header()
}

// GetEvent returns an event.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-get
//
//meta:operation GET /users/{id}/events/{id}
func (s *CalendarService) GetEvent(ctx context.Context, user, id string, opts *ListEventsOptions) (*Event, *Response, error) {
	var q query
	if opts != nil {
		q.get(&GetOptions{Select: opts.Select, Expand: opts.Expand})
	}
	return doJSON[Event](ctx, s.client, http.MethodGet, q.on(eventPath(user, id)), nil, opts.header())
}

// CreateEvent creates an event in a calendar ("" for the default one); Outlook
// sends invitations to its attendees.
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-post-events
//
//meta:operation POST /users/{id}/calendars/{id}/events
//meta:operation POST /users/{id}/calendar/events
func (s *CalendarService) CreateEvent(ctx context.Context, user, calendar string, ev *Event) (*Event, *Response, error) {
	return doJSON[Event](ctx, s.client, http.MethodPost, calendarPath(user, calendar)+"/events", ev, nil)
}

// UpdateEvent changes the properties set in upd and returns the event.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-update
//
//meta:operation PATCH /users/{id}/events/{id}
func (s *CalendarService) UpdateEvent(ctx context.Context, user, id string, upd *EventUpdate) (*Event, *Response, error) {
	return doJSON[Event](ctx, s.client, http.MethodPatch, eventPath(user, id), upd, nil)
}

// DeleteEvent deletes an event (a series master deletes the series).
//
// Graph docs: https://learn.microsoft.com/graph/api/event-delete
//
//meta:operation DELETE /users/{id}/events/{id}
func (s *CalendarService) DeleteEvent(ctx context.Context, user, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, eventPath(user, id), nil)
}

type eventResponseBody struct {
	Comment      string `json:"comment,omitempty"`
	SendResponse *bool  `json:"sendResponse,omitempty"`
}

// Accept accepts an invitation; the organizer is told when sendResponse is true.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-accept
//
//meta:operation POST /users/{id}/events/{id}/accept
func (s *CalendarService) Accept(ctx context.Context, user, id, comment string, sendResponse bool) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, eventPath(user, id)+"/accept", eventResponseBody{comment, &sendResponse})
}

// TentativelyAccept answers an invitation with "tentative".
//
// Graph docs: https://learn.microsoft.com/graph/api/event-tentativelyaccept
//
//meta:operation POST /users/{id}/events/{id}/tentativelyAccept
func (s *CalendarService) TentativelyAccept(ctx context.Context, user, id, comment string, sendResponse bool) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, eventPath(user, id)+"/tentativelyAccept", eventResponseBody{comment, &sendResponse})
}

// Decline declines an invitation.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-decline
//
//meta:operation POST /users/{id}/events/{id}/decline
func (s *CalendarService) Decline(ctx context.Context, user, id, comment string, sendResponse bool) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, eventPath(user, id)+"/decline", eventResponseBody{comment, &sendResponse})
}

// Cancel cancels a meeting the user organises and tells the attendees.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-cancel
//
//meta:operation POST /users/{id}/events/{id}/cancel
func (s *CalendarService) Cancel(ctx context.Context, user, id, comment string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, eventPath(user, id)+"/cancel", eventResponseBody{Comment: comment})
}

// GetSchedule returns the free/busy information of users, groups or rooms
// (by SMTP address) between start and end, in intervals of intervalMinutes
// (5 to 1440; 0 means 30).
//
// Graph docs: https://learn.microsoft.com/graph/api/calendar-getschedule
//
//meta:operation POST /users/{id}/calendar/getSchedule
func (s *CalendarService) GetSchedule(ctx context.Context, user string, schedules []string, start, end time.Time, intervalMinutes int) ([]*ScheduleInformation, *Response, error) {
	if intervalMinutes == 0 {
		intervalMinutes = 30
	}
	body := struct {
		Schedules []string         `json:"schedules"`
		Start     DateTimeTimeZone `json:"startTime"`
		End       DateTimeTimeZone `json:"endTime"`
		Interval  int              `json:"availabilityViewInterval"`
	}{schedules, NewDateTimeTimeZone(start.UTC()), NewDateTimeTimeZone(end.UTC()), intervalMinutes}
	p, resp, err := doJSON[page[ScheduleInformation]](ctx, s.client, http.MethodPost, userPath(user)+"/calendar/getSchedule", body, nil)
	if err != nil {
		return nil, resp, err
	}
	return p.Value, resp, nil
}
