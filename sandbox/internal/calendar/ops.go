package calendar

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is what happens to events in the store: creating one sends the
// invitation (a copy in each seeded attendee's default calendar), answers
// travel back to the organizer's event, and cancelling or deleting a meeting
// cancels the attendees' copies. The caller holds Workload.mu; every change
// touches the event's key in ctx's change set, the attendees' and the
// organizer's events included (they are other users' data).

// addEvent stores ev, organised by cu's owner, in cal and invites its
// attendees.
func (st *store) addEvent(ctx context.Context, cu *calUser, cal *calCalendar, ev *calEvent, now time.Time) {
	ev.ID = st.newID(ctx, cu.owner.ID, "event")
	sum := sha256.Sum256([]byte(ev.ID))
	ev.ICalUID = "040000008200E00074C5B7101A82E00800000000" + strings.ToUpper(hex.EncodeToString(sum[:16]))
	ev.CalendarID = cal.ID
	ev.Organizer = outlook.EmailAddress{Name: cu.owner.DisplayName, Address: cu.owner.Mail}
	ev.Response = calResponse{"organizer", outlook.Timestamp(now)}
	ev.Created, ev.Changed = now, now
	ev.ChangeKey = st.changeKey(ctx)
	ev.Seq = int(st.feed.Seq())
	for i := range ev.Attendees {
		ev.Attendees[i].Status = calResponse{"none", calNoTime}
	}
	cu.events[ev.ID] = ev
	st.touchEvent(ctx, cu.owner.ID, ev, graphkit.Created)
	st.invite(ctx, ev, now)
}

// invite puts a copy of the organizer's event ev into the default calendar
// of each seeded attendee that has none yet.
func (st *store) invite(ctx context.Context, ev *calEvent, now time.Time) {
	org := userByMail(ev.Organizer.Address)
	for _, a := range ev.Attendees {
		u := userByMail(a.EmailAddress.Address)
		if u == nil || org == nil || u.ID == org.ID || st.copyOf(ev, u) != nil {
			continue
		}
		cu := st.users[u.ID]
		cp := *ev
		cp.ID = st.newID(ctx, u.ID, "event")
		cp.CalendarID = cu.defaultCalendar().ID
		cp.Attendees = slices.Clone(ev.Attendees)
		cp.Cancelled, cp.Exceptions = slices.Clone(ev.Cancelled), cloneExceptions(ev.Exceptions)
		cp.Categories = nil
		cp.Response = calResponse{"notResponded", calNoTime}
		if cp.ShowAs == "busy" {
			cp.ShowAs = "tentative" // as Outlook shows an unanswered request
		}
		cp.OrgUser, cp.OrgEvent = org.ID, ev.ID
		cp.Created, cp.Changed = now, now
		cp.ChangeKey = st.changeKey(ctx)
		cp.Seq = int(st.feed.Seq())
		cu.events[cp.ID] = &cp
		st.touchEvent(ctx, u.ID, &cp, graphkit.Created)
		st.notify(ctx, meetingMessage(outlook.MeetingRequest, &cp, u.ID, false))
	}
}

// copyOf returns u's copy of the organizer's event ev, or nil.
func (st *store) copyOf(ev *calEvent, u *graphkit.User) *calEvent {
	cu := st.users[u.ID]
	if cu == nil {
		return nil
	}
	for _, e := range cu.events {
		if e.OrgEvent == ev.ID {
			return e
		}
	}
	return nil
}

// organizerEvent returns the organizer's event of an attendee's copy, or nil.
func (st *store) organizerEvent(cp *calEvent) *calEvent {
	if cu := st.users[cp.OrgUser]; cu != nil {
		return cu.events[cp.OrgEvent]
	}
	return nil
}

// respond records cu's answer to the invitation ev; with send, the
// organizer's event shows it too.
func (st *store) respond(ctx context.Context, cu *calUser, ev *calEvent, response string, send bool, now time.Time) {
	org := st.organizerEvent(ev)
	ev.Response = calResponse{response, outlook.Timestamp(now)}
	ev.Changed, ev.ChangeKey = now, st.changeKey(ctx)
	st.touchEvent(ctx, cu.owner.ID, ev, graphkit.Updated)
	switch response {
	case "accepted":
		ev.ShowAs = "busy"
		if org != nil {
			ev.ShowAs = org.ShowAs
		}
	case "tentativelyAccepted":
		ev.ShowAs = "tentative"
	case "declined":
		ev.ShowAs = "free"
	}
	for i := range ev.Attendees {
		if strings.EqualFold(ev.Attendees[i].EmailAddress.Address, cu.owner.Mail) {
			ev.Attendees[i].Status = ev.Response
		}
	}
	if !send || org == nil {
		return
	}
	for i := range org.Attendees {
		if strings.EqualFold(org.Attendees[i].EmailAddress.Address, cu.owner.Mail) {
			org.Attendees[i].Status = ev.Response
		}
	}
	org.Changed, org.ChangeKey = now, st.changeKey(ctx)
	st.touchEvent(ctx, ev.OrgUser, org, graphkit.Updated)
}

// cancelCopies marks the attendees' copies of the organizer's event ev as
// cancelled ("Canceled: " as Outlook titles them).
func (st *store) cancelCopies(ctx context.Context, ev *calEvent, now time.Time) {
	for _, a := range ev.Attendees {
		if u := userByMail(a.EmailAddress.Address); u != nil {
			if cp := st.copyOf(ev, u); cp != nil && !cp.IsCancelled {
				cp.IsCancelled = true
				cp.Subject = "Canceled: " + cp.Subject
				cp.Changed, cp.ChangeKey = now, st.changeKey(ctx)
				st.touchEvent(ctx, u.ID, cp, graphkit.Updated)
				st.notify(ctx, meetingMessage(outlook.MeetingCancelled, cp, u.ID, false))
			}
		}
	}
}

// syncCopies brings the attendees' copies in line with the organizer's
// changed event ev: shared properties are copied, new attendees are
// invited and removed ones get a cancellation.
func (st *store) syncCopies(ctx context.Context, ev *calEvent, before []calAttendee, now time.Time) {
	for _, a := range before {
		if slices.ContainsFunc(ev.Attendees, func(b calAttendee) bool {
			return strings.EqualFold(a.EmailAddress.Address, b.EmailAddress.Address)
		}) {
			continue
		}
		if u := userByMail(a.EmailAddress.Address); u != nil {
			if cp := st.copyOf(ev, u); cp != nil && !cp.IsCancelled {
				cp.IsCancelled = true
				cp.Subject = "Canceled: " + cp.Subject
				cp.OrgEvent = "" // no longer this meeting's attendee
				cp.Changed, cp.ChangeKey = now, st.changeKey(ctx)
				st.touchEvent(ctx, u.ID, cp, graphkit.Updated)
				st.notify(ctx, meetingMessage(outlook.MeetingCancelled, cp, u.ID, false))
			}
		}
	}
	for _, a := range ev.Attendees {
		u := userByMail(a.EmailAddress.Address)
		if u == nil {
			continue
		}
		if cp := st.copyOf(ev, u); cp != nil {
			cp.Subject, cp.Body, cp.Location = ev.Subject, ev.Body, ev.Location
			cp.Start, cp.End, cp.StartTZ, cp.EndTZ, cp.IsAllDay = ev.Start, ev.End, ev.StartTZ, ev.EndTZ, ev.IsAllDay
			cp.Recurrence, cp.Cancelled, cp.Exceptions = ev.Recurrence, slices.Clone(ev.Cancelled), cloneExceptions(ev.Exceptions)
			cp.IsOnlineMeeting, cp.JoinURL = ev.IsOnlineMeeting, ev.JoinURL
			cp.Importance, cp.Sensitivity, cp.ResponseRequest = ev.Importance, ev.Sensitivity, ev.ResponseRequest
			cp.Attendees = slices.Clone(ev.Attendees)
			cp.Changed, cp.ChangeKey = now, st.changeKey(ctx)
			st.touchEvent(ctx, u.ID, cp, graphkit.Updated)
			if !cp.IsCancelled {
				st.notify(ctx, meetingMessage(outlook.MeetingRequest, cp, u.ID, true))
			}
		}
	}
	st.invite(ctx, ev, now)
}

func cloneExceptions(m map[string]*calEvent) map[string]*calEvent {
	if m == nil {
		return nil
	}
	out := make(map[string]*calEvent, len(m))
	for k, x := range m {
		cp := *x
		cp.Attendees = slices.Clone(x.Attendees)
		out[k] = &cp
	}
	return out
}

// patchOccurrence changes one occurrence of cu's series ev: it becomes an
// exception (or a changed one changes again); an organizer's change reaches
// the attendees' copies.
func (st *store) patchOccurrence(ctx context.Context, cu *calUser, ev *calEvent, occ *occurrence, body map[string]json.RawMessage, now time.Time) (*calEvent, *graphkit.Error) {
	if _, ok := body["recurrence"]; ok {
		return nil, graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. An occurrence of a series can't have a recurrence of its own.")
	}
	x := occ.Ex
	if x == nil {
		cp := *ev
		cp.Recurrence, cp.Cancelled, cp.Exceptions = nil, nil, nil
		cp.Start, cp.End = occ.Start, occ.End
		x = &cp
	}
	cp := *x
	cp.Attendees = slices.Clone(x.Attendees)
	if ce := applyEventProps(&cp, body, schema.Update); ce != nil {
		return nil, ce
	}
	cp.Changed, cp.ChangeKey = now, st.changeKey(ctx)
	if ev.Exceptions == nil {
		ev.Exceptions = map[string]*calEvent{}
	}
	ev.Exceptions[occ.Date] = &cp
	ev.Changed, ev.ChangeKey = now, st.changeKey(ctx)
	st.touchEvent(ctx, cu.owner.ID, ev, graphkit.Updated)
	if ev.OrgUser == "" {
		st.syncCopies(ctx, ev, ev.Attendees, now)
	}
	return &cp, nil
}

// deleteEvent removes ev from cu's calendar; an organizer's meeting is
// cancelled for its attendees first.
func (st *store) deleteEvent(ctx context.Context, cu *calUser, ev *calEvent, now time.Time) {
	if ev.OrgEvent == "" {
		st.cancelCopies(ctx, ev, now)
	}
	delete(cu.events, ev.ID)
	st.touchEvent(ctx, cu.owner.ID, ev, graphkit.Deleted)
}

// eventsIn returns the events of calendar cal ("" for all of cu's
// calendars) in creation order.
func (cu *calUser) eventsIn(cal string) []*calEvent {
	var out []*calEvent
	for _, e := range cu.events {
		if cal == "" || e.CalendarID == cal {
			out = append(out, e)
		}
	}
	sortEvents(out)
	return out
}

// viewItem is a single event or one occurrence of a series in a calendar view.
type viewItem struct {
	Ev  *calEvent
	Occ *occurrence // nil for a single event
}

func (v viewItem) start() time.Time {
	if v.Occ != nil {
		return v.Occ.Start
	}
	return v.Ev.Start
}

func (v viewItem) id() string {
	if v.Occ != nil {
		return occurrenceID(v.Ev.ID, v.Occ.Date)
	}
	return v.Ev.ID
}

// view returns what events show between from and to, sorted by start: single
// events that overlap the window and the occurrences of series. All-day
// events float: their days begin at midnight in zone.
func view(events []*calEvent, from, to time.Time, zone *time.Location) []viewItem {
	var out []viewItem
	for _, ev := range events {
		if ev.Recurrence != nil {
			for _, o := range ev.occurrences(from, to, zone) {
				out = append(out, viewItem{ev, &o})
			}
			continue
		}
		s, e := ev.span(zone)
		if s.Before(to) && (e.After(from) || (s.Equal(e) && !s.Before(from))) {
			out = append(out, viewItem{Ev: ev})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := out[i].start(), out[j].start()
		if !si.Equal(sj) {
			return si.Before(sj)
		}
		return out[i].id() < out[j].id()
	})
	return out
}

// span is the start and end of a single event; an all-day event's days are
// taken at midnight in zone.
func (ev *calEvent) span(zone *time.Location) (time.Time, time.Time) {
	if !ev.IsAllDay {
		return ev.Start, ev.End
	}
	loc, ok := outlook.Zone(ev.StartTZ)
	if !ok {
		loc = time.UTC
	}
	s, e := ev.Start.In(loc), ev.End.In(loc)
	return time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, zone), time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, zone)
}
