package msgraph

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// This file drives the calendar service against the sandbox's seeded
// calendars (see sandbox/graph_calseed.go): Adele organizes a weekly standup
// (Mon/Wed/Fri 09:00 Pacific) and attends Patti's monthly review (first
// Tuesday, 14:00 UTC); everyone has a daily focus block (10:00 UTC until
// 14 March), monthly expense reports (the 7th, 16:00 UTC) and a yearly
// all-day founding day on 5 March.

// line is "subject start-in-UTC" of an event.
func line(t *testing.T, ev *Event) string {
	t.Helper()
	at, err := ev.Start.Time()
	if err != nil {
		t.Fatalf("%s: start %+v: %v", ev.Subject, ev.Start, err)
	}
	return ev.Subject + " " + at.UTC().Format("Mon 01-02 15:04")
}

func TestSandboxCalendarView(t *testing.T) {
	c, _, _ := onSandbox(t, "Calendars.Read")
	ctx := t.Context()
	start := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 7)

	// The week's occurrences of recurring series, worked out by hand from
	// the seeded patterns.
	want := []string{
		"Focus time Mon 03-03 10:00", "Weekly standup Mon 03-03 17:00",
		"Focus time Tue 03-04 10:00", "Monthly business review Tue 03-04 14:00",
		"Contoso founding day Wed 03-05 00:00", "Focus time Wed 03-05 10:00", "Weekly standup Wed 03-05 17:00",
		"Focus time Thu 03-06 10:00",
		"Focus time Fri 03-07 10:00", "Expense reports due Fri 03-07 16:00", "Weekly standup Fri 03-07 17:00",
		"Focus time Sat 03-08 10:00", "Focus time Sun 03-09 10:00",
	}
	var got []string
	ids := map[string]bool{}
	masters := map[string]string{}
	pages := 0
	for ev, err := range c.Calendar.CalendarViewIter(ctx, "me", "", start, end, &ListEventsOptions{ListOptions: ListOptions{Top: 3}}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if ev.Type != "occurrence" {
			continue
		}
		if ids[ev.ID] || ev.SeriesMasterID == "" || ev.Recurrence != nil {
			t.Errorf("occurrence %s: id seen before or no master: %+v", ev.Subject, ev)
		}
		ids[ev.ID] = true
		masters[ev.Subject] = ev.SeriesMasterID
		got = append(got, line(t, ev))
	}
	if !slices.Equal(got, want) {
		t.Errorf("occurrences\n got %q\nwant %q", got, want)
	}
	if pages <= 3 {
		t.Errorf("only %d events; the view was meant to span several pages of 3", pages)
	}

	// The series master and its instances.
	m, _, err := c.Calendar.GetEvent(ctx, "me", masters["Weekly standup"], nil)
	if err != nil || m.Type != "seriesMaster" || m.Recurrence == nil || m.Recurrence.Pattern.Type != "weekly" ||
		!slices.Equal(m.Recurrence.Pattern.DaysOfWeek, []string{"monday", "wednesday", "friday"}) || m.Recurrence.Range.EndDate != "2025-06-30" ||
		!m.IsOrganizer || len(m.Attendees) != 3 {
		t.Fatalf("standup master: %+v %v", m, err)
	}
	inst, _, err := c.Calendar.ListInstances(ctx, "me", m.ID, start, end, nil)
	if err != nil || len(inst) != 3 || inst[0].SeriesMasterID != m.ID {
		t.Fatalf("instances: %d %v", len(inst), err)
	}

	// Pacific time: the standup is at 09:00 local on both sides of the
	// daylight-saving change of 9 March, which moves it in UTC.
	la, _ := time.LoadLocation("America/Los_Angeles")
	for _, day := range []int{7, 10} {
		from := time.Date(2025, 3, day, 0, 0, 0, 0, la)
		evs, resp, err := c.Calendar.CalendarView(ctx, "me", "", from, from.AddDate(0, 0, 1),
			&ListEventsOptions{ListOptions: ListOptions{Filter: "subject eq 'Weekly standup'"}, TimeZone: "Pacific Standard Time"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("standup on %d March: %d %v", day, len(evs), err)
		}
		ev := evs[0]
		if ev.Start.TimeZone != "Pacific Standard Time" || !strings.HasSuffix(ev.Start.DateTime, "T09:00:00.0000000") || ev.End.DateTime[11:16] != "09:15" {
			t.Errorf("%d March in Pacific time: %+v – %+v", day, ev.Start, ev.End)
		}
		if got := resp.Header.Get("Preference-Applied"); got != `outlook.timezone="Pacific Standard Time"` {
			t.Errorf("Preference-Applied %q", got)
		}
		at, _ := ev.Start.Time()
		if wantUTC := map[int]int{7: 17, 10: 16}[day]; at.UTC().Hour() != wantUTC {
			t.Errorf("%d March: %v in UTC, want %d:00", day, at.UTC(), wantUTC)
		}
	}
}

func TestSandboxCalendarInvitations(t *testing.T) {
	adele, s, _ := onSandbox(t, "Calendars.ReadWrite")
	users := sandbox.Users()
	alexUser := users[1]
	alex := clientAs(t, s, alexUser, "Calendars.ReadWrite")
	ctx := t.Context()
	start := time.Date(2025, 3, 12, 15, 0, 0, 0, time.UTC)

	ev, _, err := adele.Calendar.CreateEvent(ctx, "me", "", &Event{
		Subject:   "Launch retro",
		Body:      ItemBody{ContentType: "text", Content: "What went well?"},
		Start:     NewDateTimeTimeZone(start),
		End:       NewDateTimeTimeZone(start.Add(45 * time.Minute)),
		Location:  Location{DisplayName: "Conf Room Adams"},
		Attendees: []Attendee{{EmailAddress: EmailAddress{Address: alexUser.Mail}, Type: "required"}},
	})
	if err != nil || ev.ID == "" || !ev.IsOrganizer || ev.Organizer.EmailAddress.Address != users[0].Mail ||
		ev.ResponseStatus.Response != "organizer" || len(ev.Attendees) != 1 || ev.Attendees[0].Status.Response != "none" {
		t.Fatalf("CreateEvent: %+v %v", ev, err)
	}

	// Alex has the invitation in his calendar.
	invite := func() *Event {
		t.Helper()
		evs, _, err := alex.Calendar.CalendarView(ctx, "me", "", start.Add(-time.Hour), start.Add(time.Hour),
			&ListEventsOptions{ListOptions: ListOptions{Filter: "subject eq 'Launch retro'"}})
		if err != nil || len(evs) != 1 {
			t.Fatalf("Alex's view: %d %v", len(evs), err)
		}
		return evs[0]
	}
	inv := invite()
	if inv.IsOrganizer || inv.ResponseStatus.Response != "notResponded" || inv.ICalUID != ev.ICalUID || inv.Location.DisplayName != "Conf Room Adams" {
		t.Fatalf("invitation: %+v", inv)
	}
	organizerSees := func() string {
		t.Helper()
		e, _, err := adele.Calendar.GetEvent(ctx, "me", ev.ID, nil)
		if err != nil || len(e.Attendees) != 1 {
			t.Fatalf("organizer's event: %+v %v", e, err)
		}
		return e.Attendees[0].Status.Response
	}
	if _, err := alex.Calendar.Accept(ctx, "me", inv.ID, "Count me in", true); err != nil {
		t.Fatal(err)
	}
	if got := organizerSees(); got != "accepted" {
		t.Errorf("after Accept the organizer sees %q", got)
	}
	if got := invite().ResponseStatus.Response; got != "accepted" {
		t.Errorf("after Accept Alex's copy says %q", got)
	}
	if _, err := alex.Calendar.TentativelyAccept(ctx, "me", inv.ID, "", false); err != nil {
		t.Fatal(err)
	}
	if got := organizerSees(); got != "accepted" {
		t.Errorf("an answer with sendResponse false reached the organizer: %q", got)
	}
	if _, err := alex.Calendar.Decline(ctx, "me", inv.ID, "Clash", true); err != nil {
		t.Fatal(err)
	}
	if got := organizerSees(); got != "declined" {
		t.Errorf("after Decline the organizer sees %q", got)
	}
	if _, err := adele.Calendar.Accept(ctx, "me", ev.ID, "", true); err == nil {
		t.Error("the organizer answered her own meeting")
	}

	// Update and Delete: the attendee's copy follows, then is cancelled.
	upd, _, err := adele.Calendar.UpdateEvent(ctx, "me", ev.ID, &EventUpdate{Subject: Ptr("Launch retro (final)"), Categories: []string{"Red category"}})
	if err != nil || upd.Subject != "Launch retro (final)" || !slices.Equal(upd.Categories, []string{"Red category"}) || upd.ChangeKey == ev.ChangeKey {
		t.Fatalf("UpdateEvent: %+v %v", upd, err)
	}
	if got, _, err := alex.Calendar.GetEvent(ctx, "me", inv.ID, nil); err != nil || got.Subject != "Launch retro (final)" {
		t.Errorf("Alex's copy after the update: %+v %v", got, err)
	}
	if _, err := adele.Calendar.DeleteEvent(ctx, "me", ev.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := adele.Calendar.GetEvent(ctx, "me", ev.ID, nil); !IsNotFound(err) {
		t.Errorf("deleted event: %v", err)
	}
	if got, _, err := alex.Calendar.GetEvent(ctx, "me", inv.ID, nil); err != nil || !got.IsCancelled {
		t.Errorf("Alex's copy after the organizer deleted the meeting: %+v %v", got, err)
	}
}

func TestSandboxCalendarsAndSchedule(t *testing.T) {
	c, _, _ := onSandbox(t, "Calendars.ReadWrite")
	ctx := t.Context()
	cals, _, err := c.Calendar.ListCalendars(ctx, "me", nil)
	if err != nil || len(cals) != 2 || !cals[0].IsDefaultCalendar || cals[1].Name != "Team" || cals[0].Owner.Address == "" {
		t.Fatalf("ListCalendars: %+v %v", cals, err)
	}
	def, _, err := c.Calendar.GetCalendar(ctx, "me", "")
	if err != nil || def.ID != cals[0].ID {
		t.Fatalf("GetCalendar default: %+v %v", def, err)
	}
	cal, _, err := c.Calendar.CreateCalendar(ctx, "me", "Hiring")
	if err != nil || cal.Name != "Hiring" || cal.IsDefaultCalendar {
		t.Fatalf("CreateCalendar: %+v %v", cal, err)
	}
	cal, _, err = c.Calendar.UpdateCalendar(ctx, "me", cal.ID, "Hiring 2025", "lightOrange")
	if err != nil || cal.Name != "Hiring 2025" || cal.Color != "lightOrange" || cal.HexColor == "" {
		t.Fatalf("UpdateCalendar: %+v %v", cal, err)
	}
	// An event in the new calendar shows in its view, not in the default one.
	at := time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC)
	if _, _, err := c.Calendar.CreateEvent(ctx, "me", cal.ID, &Event{Subject: "Interview", Start: NewDateTimeTimeZone(at), End: NewDateTimeTimeZone(at.Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	evs, _, err := c.Calendar.ListEvents(ctx, "me", cal.ID, nil)
	if err != nil || len(evs) != 1 || evs[0].Subject != "Interview" {
		t.Errorf("ListEvents of the new calendar: %d %v", len(evs), err)
	}
	evs, _, err = c.Calendar.ListEvents(ctx, "me", "", &ListEventsOptions{ListOptions: ListOptions{Filter: "subject eq 'Interview'"}})
	if err != nil || len(evs) != 0 {
		t.Errorf("the default calendar has the new calendar's event: %d %v", len(evs), err)
	}
	if _, err := c.Calendar.DeleteCalendar(ctx, "me", cal.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Calendar.DeleteCalendar(ctx, "me", def.ID)
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 400 || ge.Code != "ErrorDeleteDistinguishedFolder" {
		t.Errorf("deleting the default calendar: %v", err)
	}

	// Free/busy of Alex and Megan on Monday 3 March, 08:00–18:00 by the hour.
	users := sandbox.Users()
	from := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	sched, _, err := c.Calendar.GetSchedule(ctx, "me", []string{users[1].Mail, users[2].Mail}, from, from.Add(10*time.Hour), 60)
	if err != nil || len(sched) != 2 {
		t.Fatalf("GetSchedule: %+v %v", sched, err)
	}
	// Alex: focus 10:00–11:30, the Fabrikam call 16:00 and the standup 17:00
	// (both accepted). Megan: focus, and the standup she answered
	// "tentatively" (1) at 17:00.
	for i, want := range []string{"0022000022", "0022000001"} {
		if sched[i].ScheduleID != []string{users[1].Mail, users[2].Mail}[i] || sched[i].AvailabilityView != want {
			t.Errorf("schedule %d: %s %q, want %q", i, sched[i].ScheduleID, sched[i].AvailabilityView, want)
		}
	}
	if len(sched[0].ScheduleItems) == 0 || sched[0].ScheduleItems[0].Status != "busy" || sched[0].ScheduleItems[0].Subject != "Focus time" {
		t.Errorf("Alex's items: %+v", sched[0].ScheduleItems)
	}
}

// TestSandboxCalendarViewDelta: a round over a week, then one from its
// deltaLink with only the event added and the one deleted since.
func TestSandboxCalendarViewDelta(t *testing.T) {
	c, _, _ := onSandbox(t, "Calendars.ReadWrite")
	ctx := t.Context()
	start := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 7)
	view, _, err := c.Calendar.CalendarView(ctx, "me", "", start, end, &ListEventsOptions{ListOptions: ListOptions{Top: 100}})
	if err != nil {
		t.Fatal(err)
	}
	first, linkResp, err := c.Calendar.CalendarViewDelta(ctx, "me", "", start, end, &DeltaOptions{PageSize: 4})
	link := deltaLinkOf(linkResp)
	if err != nil || len(first) != len(view) || link == "" {
		t.Fatalf("first round: %d events (calendarView: %d), link %q, %v", len(first), len(view), link, err)
	}
	made, _, err := c.Calendar.CreateEvent(ctx, "me", "", &Event{Subject: "Delta", Start: NewDateTimeTimeZone(start.Add(30 * time.Hour)), End: NewDateTimeTimeZone(start.Add(31 * time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	gone := ""
	for _, ev := range first {
		if ev.Type == "singleInstance" {
			gone = ev.ID
		}
	}
	if gone != "" {
		if _, err := c.Calendar.DeleteEvent(ctx, "me", gone); err != nil {
			t.Fatal(err)
		}
	}
	second, _, err := c.Calendar.CalendarViewDelta(ctx, "me", "", start, end, &DeltaOptions{Link: link})
	if err != nil {
		t.Fatal(err)
	}
	var added, removed bool
	for _, ev := range second {
		added = added || (ev.ID == made.ID && ev.Removed == nil && ev.Subject == "Delta")
		removed = removed || (ev.ID == gone && ev.Removed != nil)
	}
	if !added || (gone != "" && !removed) || len(second) > 2 {
		t.Errorf("second round: %d events, added %v, removed %v", len(second), added, removed)
	}
}
