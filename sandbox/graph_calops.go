package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"slices"
	"sort"
	"strings"
	"time"
)

// This file is what happens to events in the store: creating one sends the
// invitation (a copy in each seeded attendee's default calendar), answers
// travel back to the organizer's event, and cancelling or deleting a meeting
// cancels the attendees' copies. The caller holds calStore.mu.

// addEvent stores ev, organised by cu's owner, in cal and invites its
// attendees.
func (st *calStore) addEvent(cu *calUser, cal *calCalendar, ev *calEvent, now time.Time) {
	ev.ID = st.newID(cu.owner.ID, "event")
	sum := sha256.Sum256([]byte(ev.ID))
	ev.ICalUID = "040000008200E00074C5B7101A82E00800000000" + strings.ToUpper(hex.EncodeToString(sum[:16]))
	ev.CalendarID = cal.ID
	ev.Organizer = outlook.EmailAddress{Name: cu.owner.DisplayName, Address: cu.owner.Mail}
	ev.Response = calResponse{"organizer", graphTimestamp(now)}
	ev.Created, ev.Changed = now, now
	ev.ChangeKey = st.changeKey()
	ev.Seq = st.seq
	for i := range ev.Attendees {
		ev.Attendees[i].Status = calResponse{"none", calNoTime}
	}
	cu.events[ev.ID] = ev
	st.invite(ev, now)
}

// invite puts a copy of the organizer's event ev into the default calendar
// of each seeded attendee that has none yet.
func (st *calStore) invite(ev *calEvent, now time.Time) {
	org := calUserByMail(ev.Organizer.Address)
	for _, a := range ev.Attendees {
		u := calUserByMail(a.EmailAddress.Address)
		if u == nil || org == nil || u.ID == org.ID || st.copyOf(ev, u) != nil {
			continue
		}
		cu := st.users[u.ID]
		cp := *ev
		cp.ID = st.newID(u.ID, "event")
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
		cp.ChangeKey = st.changeKey()
		cp.Seq = st.seq
		cu.events[cp.ID] = &cp
	}
}

// copyOf returns u's copy of the organizer's event ev, or nil.
func (st *calStore) copyOf(ev *calEvent, u *User) *calEvent {
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
func (st *calStore) organizerEvent(cp *calEvent) *calEvent {
	if cu := st.users[cp.OrgUser]; cu != nil {
		return cu.events[cp.OrgEvent]
	}
	return nil
}

// respond records cu's answer to the invitation ev; with send, the
// organizer's event shows it too.
func (st *calStore) respond(cu *calUser, ev *calEvent, response string, send bool, now time.Time) {
	org := st.organizerEvent(ev)
	ev.Response = calResponse{response, graphTimestamp(now)}
	ev.Changed, ev.ChangeKey = now, st.changeKey()
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
	org.Changed, org.ChangeKey = now, st.changeKey()
}

// cancelCopies marks the attendees' copies of the organizer's event ev as
// cancelled ("Canceled: " as Outlook titles them).
func (st *calStore) cancelCopies(ev *calEvent, now time.Time) {
	for _, a := range ev.Attendees {
		if u := calUserByMail(a.EmailAddress.Address); u != nil {
			if cp := st.copyOf(ev, u); cp != nil && !cp.IsCancelled {
				cp.IsCancelled = true
				cp.Subject = "Canceled: " + cp.Subject
				cp.Changed, cp.ChangeKey = now, st.changeKey()
			}
		}
	}
}

// syncCopies brings the attendees' copies in line with the organizer's
// changed event ev: shared properties are copied, new attendees are
// invited and removed ones get a cancellation.
func (st *calStore) syncCopies(ev *calEvent, before []calAttendee, now time.Time) {
	for _, a := range before {
		if slices.ContainsFunc(ev.Attendees, func(b calAttendee) bool {
			return strings.EqualFold(a.EmailAddress.Address, b.EmailAddress.Address)
		}) {
			continue
		}
		if u := calUserByMail(a.EmailAddress.Address); u != nil {
			if cp := st.copyOf(ev, u); cp != nil && !cp.IsCancelled {
				cp.IsCancelled = true
				cp.Subject = "Canceled: " + cp.Subject
				cp.OrgEvent = "" // no longer this meeting's attendee
				cp.Changed, cp.ChangeKey = now, st.changeKey()
			}
		}
	}
	for _, a := range ev.Attendees {
		u := calUserByMail(a.EmailAddress.Address)
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
			cp.Changed, cp.ChangeKey = now, st.changeKey()
		}
	}
	st.invite(ev, now)
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

// patchOccurrence changes one occurrence of the series ev: it becomes an
// exception (or a changed one changes again); an organizer's change reaches
// the attendees' copies.
func (st *calStore) patchOccurrence(ev *calEvent, occ *occurrence, body map[string]json.RawMessage, now time.Time) (*calEvent, *calErr) {
	if _, ok := body["recurrence"]; ok {
		return nil, calBadRequest("ErrorInvalidRequest", "Your request can't be completed. An occurrence of a series can't have a recurrence of its own.")
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
	if ce := applyEventProps(&cp, body); ce != nil {
		return nil, ce
	}
	cp.Changed, cp.ChangeKey = now, st.changeKey()
	if ev.Exceptions == nil {
		ev.Exceptions = map[string]*calEvent{}
	}
	ev.Exceptions[occ.Date] = &cp
	ev.Changed, ev.ChangeKey = now, st.changeKey()
	if ev.OrgUser == "" {
		st.syncCopies(ev, ev.Attendees, now)
	}
	return &cp, nil
}

// deleteEvent removes ev from cu's calendar; an organizer's meeting is
// cancelled for its attendees first.
func (st *calStore) deleteEvent(cu *calUser, ev *calEvent, now time.Time) {
	if ev.OrgEvent == "" {
		st.cancelCopies(ev, now)
	}
	delete(cu.events, ev.ID)
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
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
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
	loc, ok := calZone(ev.StartTZ)
	if !ok {
		loc = time.UTC
	}
	s, e := ev.Start.In(loc), ev.End.In(loc)
	return time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, zone), time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, zone)
}
