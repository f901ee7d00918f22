package m365mcp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// localLayout is how event times are written for the model and for Graph.
const localLayout = "2006-01-02T15:04:05"

// zone returns the time zone to work in: name, or the user's mailbox zone,
// or UTC when the mailbox settings cannot be read; and its location.
func (g *graph) zone(ctx context.Context, name string) (string, *time.Location, error) {
	if name == "" {
		if ms, _, err := g.c.Mail.GetMailboxSettings(ctx, me); err == nil && ms.TimeZone != "" {
			name = ms.TimeZone
		} else {
			name = "UTC"
		}
	}
	// msgraph knows the Windows zone names Outlook uses as well as IANA's.
	t, err := msgraph.DateTimeTimeZone{DateTime: "2000-01-01T00:00:00", TimeZone: name}.Time()
	if err != nil {
		return "", nil, badInput("timeZone %q: want an IANA zone such as Europe/Paris or a Windows zone such as Pacific Standard Time", name)
	}
	return name, t.Location(), nil
}

func eventSummary(e *msgraph.Event) EventSummary {
	out := EventSummary{ID: e.ID, Subject: e.Subject, Start: localTime(e.Start), End: localTime(e.End), AllDay: e.IsAllDay,
		Location: e.Location.DisplayName, Organizer: person(e.Organizer.EmailAddress), Response: e.ResponseStatus.Response,
		ShowAs: e.ShowAs, Online: e.IsOnlineMeeting, Cancelled: e.IsCancelled, Preview: e.BodyPreview}
	for _, a := range e.Attendees {
		out.Attendees = append(out.Attendees, person(a.EmailAddress))
	}
	return out
}

// localTime is Graph's local date-time without its fraction of a second.
func localTime(d msgraph.DateTimeTimeZone) string {
	s, _, _ := strings.Cut(d.DateTime, ".")
	return s
}

var eventFields = []string{"id", "subject", "start", "end", "isAllDay", "location", "organizer", "attendees", "responseStatus",
	"showAs", "isOnlineMeeting", "isCancelled", "bodyPreview"}

func (g *graph) calendarView(ctx context.Context, s *Server, in calendarViewIn) (Agenda, error) {
	name, loc, err := g.zone(ctx, in.TimeZone)
	if err != nil {
		return Agenda{}, err
	}
	out := Agenda{TimeZone: name, Events: []EventSummary{}}
	evs, cursor, err := page(ctx, s, "calendar_view", in.Cursor, func() ([]*msgraph.Event, *msgraph.Response, error) {
		start, err := parseTime("start", in.Start, loc)
		if err != nil {
			return nil, nil, err
		}
		end := start.AddDate(0, 0, 1)
		if in.End != "" {
			if end, err = parseTime("end", in.End, loc); err != nil {
				return nil, nil, err
			}
		}
		if !end.After(start) {
			return nil, nil, badInput("end must be after start")
		}
		lo := listOpts(in.Top, eventFields...)
		lo.OrderBy = []string{"start/dateTime"}
		return g.c.Calendar.CalendarView(ctx, me, "", start, end, &msgraph.ListEventsOptions{ListOptions: lo, TimeZone: name})
	})
	for _, e := range evs {
		out.Events = append(out.Events, eventSummary(e))
	}
	out.Cursor = cursor
	return out, err
}

// localIn reads a local time in loc and returns it as Graph's date-time in zone name.
func localIn(field, v, name string, loc *time.Location) (msgraph.DateTimeTimeZone, time.Time, error) {
	t, err := parseTime(field, v, loc)
	if err != nil {
		return msgraph.DateTimeTimeZone{}, t, err
	}
	return msgraph.DateTimeTimeZone{DateTime: t.In(loc).Format(localLayout), TimeZone: name}, t, nil
}

func attendees(addrs []string) ([]msgraph.Attendee, error) {
	rs, err := recipients("attendees", addrs)
	if err != nil {
		return nil, err
	}
	out := make([]msgraph.Attendee, 0, len(rs))
	for _, r := range rs {
		out = append(out, msgraph.Attendee{EmailAddress: r.EmailAddress, Type: "required"})
	}
	return out, nil
}

func (g *graph) createEvent(ctx context.Context, in eventCreateIn) (EventSummary, error) {
	name, loc, err := g.zone(ctx, in.TimeZone)
	if err != nil {
		return EventSummary{}, err
	}
	ev := &msgraph.Event{Subject: in.Subject, Location: msgraph.Location{DisplayName: in.Location}, IsOnlineMeeting: in.Online}
	var start, end time.Time
	if ev.Start, start, err = localIn("start", in.Start, name, loc); err != nil {
		return EventSummary{}, err
	}
	if ev.End, end, err = localIn("end", in.End, name, loc); err != nil {
		return EventSummary{}, err
	}
	if !end.After(start) {
		return EventSummary{}, badInput("end must be after start")
	}
	if in.Body != "" {
		ev.Body = msgraph.TextBody(in.Body)
	}
	if ev.Attendees, err = attendees(in.Attendees); err != nil {
		return EventSummary{}, err
	}
	created, _, err := g.c.Calendar.CreateEvent(ctx, me, "", ev)
	if err != nil {
		return EventSummary{}, err
	}
	return eventSummary(created), nil
}

func (g *graph) updateEvent(ctx context.Context, in eventUpdateIn) (EventSummary, error) {
	upd := &msgraph.EventUpdate{Subject: in.Subject}
	if in.Start != "" || in.End != "" {
		name, loc, err := g.zone(ctx, in.TimeZone)
		if err != nil {
			return EventSummary{}, err
		}
		for _, f := range []struct {
			field, v string
			dst      **msgraph.DateTimeTimeZone
		}{{"start", in.Start, &upd.Start}, {"end", in.End, &upd.End}} {
			if f.v == "" {
				continue
			}
			d, _, err := localIn(f.field, f.v, name, loc)
			if err != nil {
				return EventSummary{}, err
			}
			*f.dst = &d
		}
	}
	if in.Location != nil {
		upd.Location = &msgraph.Location{DisplayName: *in.Location}
	}
	if in.Body != nil {
		b := msgraph.TextBody(*in.Body)
		upd.Body = &b
	}
	if in.Attendees != nil {
		att, err := attendees(in.Attendees)
		if err != nil {
			return EventSummary{}, err
		}
		upd.Attendees = att
	}
	ev, _, err := g.c.Calendar.UpdateEvent(ctx, me, in.ID, upd)
	if err != nil {
		return EventSummary{}, err
	}
	return eventSummary(ev), nil
}

func (g *graph) cancelEvent(ctx context.Context, in eventCancelIn) (Done, error) {
	if _, err := g.c.Calendar.Cancel(ctx, me, in.ID, in.Comment); err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: "cancelled event " + in.ID + " and told its attendees", ID: in.ID}, nil
}

func (g *graph) respondEvent(ctx context.Context, in eventRespondIn) (Done, error) {
	var answer func(context.Context, string, string, string, bool) (*msgraph.Response, error)
	switch in.Response {
	case "accept":
		answer = g.c.Calendar.Accept
	case "tentative":
		answer = g.c.Calendar.TentativelyAccept
	case "decline":
		answer = g.c.Calendar.Decline
	default:
		return Done{}, badInput("response %q: want accept, tentative or decline", in.Response)
	}
	if _, err := answer(ctx, me, in.ID, in.Comment, !in.Silent); err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: fmt.Sprintf("answered %s to event %s", in.Response, in.ID), ID: in.ID}, nil
}

// freeInterval is the granularity of free/busy views.
const freeInterval = 15 * time.Minute

func (g *graph) freeTimes(ctx context.Context, in freeTimesIn) (FreeTimes, error) {
	name, loc, err := g.zone(ctx, in.TimeZone)
	if err != nil {
		return FreeTimes{}, err
	}
	start, err := parseTime("start", in.Start, loc)
	if err != nil {
		return FreeTimes{}, err
	}
	end, err := parseTime("end", in.End, loc)
	if err != nil {
		return FreeTimes{}, err
	}
	if !end.After(start) || end.Sub(start) > 62*24*time.Hour {
		return FreeTimes{}, badInput("end must be after start, at most 62 days later")
	}
	if _, err := recipients("attendees", in.Attendees); err != nil {
		return FreeTimes{}, err
	}
	u, _, err := g.c.Users.Me(ctx, &msgraph.GetOptions{Select: []string{"mail", "userPrincipalName"}})
	if err != nil {
		return FreeTimes{}, err
	}
	self := u.Mail
	if self == "" {
		self = u.UserPrincipalName
	}
	infos, _, err := g.c.Calendar.GetSchedule(ctx, me, append([]string{self}, in.Attendees...), start, end, int(freeInterval/time.Minute))
	if err != nil {
		return FreeTimes{}, err
	}
	out := FreeTimes{TimeZone: name, Slots: []Slot{}}
	var views []string
	for _, si := range infos {
		if si.Error != nil || si.AvailabilityView == "" {
			out.Unknown = append(out.Unknown, si.ScheduleID)
			continue
		}
		views = append(views, si.AvailabilityView)
	}
	minutes := in.Minutes
	if minutes <= 0 {
		minutes = 30
	}
	for _, sl := range freeSlots(views, start, time.Duration(minutes)*time.Minute, end) {
		out.Slots = append(out.Slots, Slot{Start: sl[0].In(loc).Format(localLayout), End: sl[1].In(loc).Format(localLayout)})
	}
	return out, nil
}

// freeSlots returns the runs of intervals (from start, freeInterval each,
// ending by end) in which every availability view says free ('0'), at least
// length long.
func freeSlots(views []string, start time.Time, length time.Duration, end time.Time) [][2]time.Time {
	var out [][2]time.Time
	n := int(end.Sub(start) / freeInterval)
	runStart := -1
	for i := 0; i <= n; i++ {
		free := i < n
		for _, v := range views {
			if i >= len(v) || v[i] != '0' {
				free = false
			}
		}
		switch {
		case free && runStart < 0:
			runStart = i
		case !free && runStart >= 0:
			a, b := start.Add(time.Duration(runStart)*freeInterval), start.Add(time.Duration(i)*freeInterval)
			if b.Sub(a) >= length {
				out = append(out, [2]time.Time{a, b})
			}
			runStart = -1
		}
	}
	return out
}
