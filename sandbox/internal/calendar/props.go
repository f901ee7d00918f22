package calendar

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the property tables of events and calendars: schema.Apply
// checks a create or update body against Graph's schema (unknown
// properties, types, enum members, read-only properties, which an event
// ignores), then each property's setter stores it and applies the
// calendar's own rules.

// eventEdit is an event a body changes: start and end are checked together
// once every property is set.
type eventEdit struct {
	ev         *calEvent
	start, end *outlook.DateTimeTimeZone
}

// into decodes a checked value into dst; null gives dst's zero value.
func into[T any](dst *T, raw json.RawMessage) *graphkit.Error {
	var v T
	if string(raw) != "null" {
		if err := json.Unmarshal(raw, &v); err != nil {
			return graphkit.ErrUnreadablePayload
		}
	}
	*dst = v
	return nil
}

// field is the setter of a property stored as it comes.
func field[T any](at func(ev *calEvent) *T) schema.Setter[*eventEdit] {
	return func(e *eventEdit, raw json.RawMessage) *graphkit.Error { return into(at(e.ev), raw) }
}

// keep is the setter of a property the service computes: Graph accepts it
// in a body and answers its own value.
func keep(*eventEdit, json.RawMessage) *graphkit.Error { return nil }

// eventSetters are the writable properties of an event.
var eventSetters = outlook.WithExtended(schema.Setters[*eventEdit]{
	"subject":                    field(func(ev *calEvent) *string { return &ev.Subject }),
	"isAllDay":                   field(func(ev *calEvent) *bool { return &ev.IsAllDay }),
	"isReminderOn":               field(func(ev *calEvent) *bool { return &ev.IsReminderOn }),
	"reminderMinutesBeforeStart": field(func(ev *calEvent) *int { return &ev.ReminderMinutes }),
	"responseRequested":          field(func(ev *calEvent) *bool { return &ev.ResponseRequest }),
	"allowNewTimeProposals":      field(func(ev *calEvent) *bool { return &ev.AllowProposals }),
	"isOnlineMeeting":            field(func(ev *calEvent) *bool { return &ev.IsOnlineMeeting }),
	"hideAttendees":              field(func(ev *calEvent) *bool { return &ev.HideAttendees }),
	"transactionId":              field(func(ev *calEvent) *string { return &ev.TransactionID }),
	"onlineMeetingProvider":      field(func(ev *calEvent) *string { return &ev.OnlineProvider }),
	"importance":                 enumField(func(ev *calEvent) *string { return &ev.Importance }, "normal"),
	"sensitivity":                enumField(func(ev *calEvent) *string { return &ev.Sensitivity }, "normal"),
	"showAs":                     enumField(func(ev *calEvent) *string { return &ev.ShowAs }, "busy"),
	"categories": func(e *eventEdit, raw json.RawMessage) *graphkit.Error {
		e.ev.Categories = []string{}
		return into(&e.ev.Categories, raw)
	},
	"body":      setBody,
	"start":     func(e *eventEdit, raw json.RawMessage) *graphkit.Error { return setTime(&e.start, "start", raw) },
	"end":       func(e *eventEdit, raw json.RawMessage) *graphkit.Error { return setTime(&e.end, "end", raw) },
	"location":  setLocation,
	"attendees": setAttendees,
	"recurrence": func(e *eventEdit, raw json.RawMessage) *graphkit.Error {
		if string(raw) == "null" {
			e.ev.Recurrence, e.ev.Cancelled = nil, nil
			return nil
		}
		var rc outlook.Recurrence
		if ge := into(&rc, raw); ge != nil {
			return ge
		}
		if msg := rc.Validate(); msg != "" {
			return graphkit.Err(400, "ErrorInvalidRequest", msg)
		}
		e.ev.Recurrence = &rc
		return nil
	},
	// Set by the service from the organizer's mailbox, the start and end
	// time zones, the first location and the draft state of a meeting the
	// sandbox never holds back: Graph answers its own values.
	"organizer": keep, "originalStartTimeZone": keep, "originalEndTimeZone": keep, "originalStart": keep,
	"locations": keep, "isDraft": keep,
}, func(e *eventEdit) *outlook.Extended { return &e.ev.Extended })

// enumField stores an enum member (canonical after schema.Check); null
// gives the default.
func enumField(at func(ev *calEvent) *string, def string) schema.Setter[*eventEdit] {
	return func(e *eventEdit, raw json.RawMessage) *graphkit.Error {
		p := at(e.ev)
		if ge := into(p, raw); ge != nil {
			return ge
		}
		if *p == "" {
			*p = def
		}
		return nil
	}
}

func setBody(e *eventEdit, raw json.RawMessage) *graphkit.Error {
	var b outlook.ItemBody
	if ge := into(&b, raw); ge != nil {
		return ge
	}
	if b.ContentType == "" {
		b.ContentType = "text"
	}
	e.ev.Body = b
	return nil
}

// setTime keeps a start or end for applyTimes.
func setTime(dst **outlook.DateTimeTimeZone, k string, raw json.RawMessage) *graphkit.Error {
	var d outlook.DateTimeTimeZone
	if into(&d, raw) != nil || d.DateTime == "" {
		return graphkit.PropTypeError(k, "microsoft.graph.dateTimeTimeZone")
	}
	*dst = &d
	return nil
}

// setLocation keeps the location's displayName: the sandbox has no rooms.
func setLocation(e *eventEdit, raw json.RawMessage) *graphkit.Error {
	var l struct {
		DisplayName string `json:"displayName"`
	}
	if ge := into(&l, raw); ge != nil {
		return ge
	}
	e.ev.Location = l.DisplayName
	return nil
}

// setAttendees sets the attendees; those already invited keep their answers.
func setAttendees(e *eventEdit, raw json.RawMessage) *graphkit.Error {
	var as []calAttendee
	if ge := into(&as, raw); ge != nil {
		return ge
	}
	for i := range as {
		if as[i].Type == "" {
			as[i].Type = "required"
		}
		if strings.TrimSpace(as[i].EmailAddress.Address) == "" {
			return graphkit.Err(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient is missing an email address.")
		}
		if u := userByMail(as[i].EmailAddress.Address); u != nil && as[i].EmailAddress.Name == "" {
			as[i].EmailAddress.Name = u.DisplayName
		}
		as[i].Status = calResponse{"none", calNoTime}
		if j := slices.IndexFunc(e.ev.Attendees, func(old calAttendee) bool {
			return strings.EqualFold(old.EmailAddress.Address, as[i].EmailAddress.Address)
		}); j >= 0 {
			as[i].Status = e.ev.Attendees[j].Status
		}
	}
	e.ev.Attendees = as
	return nil
}

// applyEventProps checks body as Graph does for an event and sets it on
// ev (op: a create or an update); start and end are checked together at
// the end.
func applyEventProps(ev *calEvent, body map[string]json.RawMessage, op schema.Op) *graphkit.Error {
	e := &eventEdit{ev: ev}
	if _, ge := schema.Apply("event", e, body, op, eventSetters); ge != nil {
		return ge
	}
	if ge := applyTimes(ev, e.start, e.end); ge != nil {
		return ge
	}
	if ev.Recurrence != nil && ev.Recurrence.Range.RecurrenceTimeZone == "" {
		ev.Recurrence.Range.RecurrenceTimeZone = ev.StartTZ
	}
	return nil
}

// calEdit is a calendar a body changes, among its owner's calendars.
type calEdit struct {
	cu *calUser
	c  *calCalendar
}

// calendarSetters are the writable properties of a calendar.
var calendarSetters = outlook.WithExtended(schema.Setters[*calEdit]{
	"name": func(e *calEdit, raw json.RawMessage) *graphkit.Error {
		var name string
		if ge := into(&name, raw); ge != nil {
			return ge
		}
		if strings.TrimSpace(name) == "" {
			return graphkit.Err(400, "ErrorInvalidRequest", "The calendar name must not be empty.")
		}
		if slices.ContainsFunc(e.cu.calendars, func(o *calCalendar) bool { return o.ID != e.c.ID && strings.EqualFold(o.Name, name) }) {
			return graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")
		}
		e.c.Name = name
		return nil
	},
	"color": func(e *calEdit, raw json.RawMessage) *graphkit.Error {
		if ge := into(&e.c.Color, raw); ge != nil || e.c.Color != "" {
			return ge
		}
		e.c.Color = "auto"
		return nil
	},
	// Every calendar of the sandbox offers Teams meetings only.
	"allowedOnlineMeetingProviders": func(*calEdit, json.RawMessage) *graphkit.Error { return nil },
	"defaultOnlineMeetingProvider":  func(*calEdit, json.RawMessage) *graphkit.Error { return nil },
}, func(e *calEdit) *outlook.Extended { return &e.c.Extended })

// calendarProps checks body as Graph does for a calendar and sets it on c.
func calendarProps(cu *calUser, c *calCalendar, body map[string]json.RawMessage, op schema.Op) *graphkit.Error {
	_, ge := schema.Apply("calendar", &calEdit{cu, c}, body, op, calendarSetters)
	return ge
}
