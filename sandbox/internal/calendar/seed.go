package calendar

import (
	"context"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// This file builds the seeded calendars: per user a default calendar
// "Calendar" and a "Team" calendar with about two dozen events around the
// week of Monday 2025-03-03 (recurring series, all-day events, online
// meetings, invitations between the seeded users with their answers).
// Everything derives from fixed inputs, so every run and every Reset gives
// the same ids.

// bg is the context of seeding: nothing is journaled.
var bg = context.Background()

// calSeedWeek is the Monday the seeded events cluster around.
var calSeedWeek = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)

// seedEvent describes a seeded event; day counts from calSeedWeek.
type seedEvent struct {
	cal                  int // 0 = Calendar, 1 = Team
	subject, body, where string
	day, hour, min, mins int
	tz                   string // "" = UTC
	allDayCount          int    // > 0: an all-day event of this many days
	showAs, sensitivity  string
	important, online    bool
	attendees            []int    // seeded user indexes
	answers              []string // the attendees' answers, "" = none yet
	rec                  *outlook.Recurrence
}

func weekly(interval int, start, end string, days ...string) *outlook.Recurrence {
	return &outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: interval, DaysOfWeek: days},
		Range: outlook.RecurrenceRange{Type: "endDate", StartDate: start, EndDate: end}}
}

// personalEvents are every user's own events.
var personalEvents = []seedEvent{
	{subject: "Focus time", body: "Heads-down time. Please don't book over it.", hour: 10, mins: 90,
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "daily", Interval: 1}, Range: outlook.RecurrenceRange{Type: "endDate", StartDate: "2025-03-03", EndDate: "2025-03-14"}}},
	{subject: "Expense reports due", body: "Submit last month's expenses.", hour: 16, mins: 30, showAs: "free",
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "absoluteMonthly", Interval: 1, DayOfMonth: 7}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-01-07", NumberOfOccurrences: 12}}},
	{subject: "Contoso founding day", body: "Cake in the kitchen at 3.", day: 2, allDayCount: 1, showAs: "free",
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "absoluteYearly", Interval: 1, Month: 3, DayOfMonth: 5}, Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "2020-03-05"}}},
	{subject: "Lunch with the team", where: "Cafeteria", day: 2, hour: 12, mins: 60},
	{subject: "Coffee with mentor", where: "Fourth Coffee, 5th Avenue", day: 1, hour: 8, mins: 30, showAs: "tentative"},
	{subject: "Doctor's appointment", day: 8, hour: 7, min: 30, mins: 60, showAs: "oof", sensitivity: "private"},
	{cal: 1, subject: "Quarterly planning", body: "Goals, budget and hiring for next quarter.", where: "Conf Room Rainier", day: 9, hour: 13, mins: 180},
	{cal: 1, subject: "Trade show", body: "Contoso booth, hall B.", where: "Seattle Convention Center", day: 9, allDayCount: 2, showAs: "workingElsewhere"},
	{subject: "Company holiday", day: 14, allDayCount: 1, showAs: "oof"},
	{subject: "Security awareness training", body: "Annual training; join online.", day: -3, hour: 15, mins: 60, online: true},
	{subject: "Product launch rehearsal", where: "Main hall", day: 11, hour: 10, mins: 120},
	{subject: "Flight to Seattle", where: "SEA", day: 15, hour: 6, mins: 180, showAs: "oof"},
	{subject: "Board prep", day: -5, hour: 9, mins: 120, important: true},
	{subject: "Budget review", body: "Walk through the draft budget line by line.", day: 3, hour: 11, min: 30, mins: 60, important: true},
	{cal: 1, subject: "Vendor demo: Fabrikam", day: 10, hour: 14, mins: 60, online: true},
	{cal: 1, subject: "Team offsite planning", where: "Conf Room Baker", day: 16, hour: 9, mins: 240},
}

// sharedEvents are meetings between the seeded users, by organizer index.
var sharedEvents = []struct {
	organizer int
	ev        seedEvent
}{
	{0, seedEvent{subject: "Weekly standup", body: "What did you do, what will you do, what is in the way.", hour: 9, mins: 15,
		tz: "Pacific Standard Time", online: true, attendees: []int{1, 2, 3}, answers: []string{"accepted", "tentativelyAccepted", ""},
		rec: weekly(1, "2025-03-03", "2025-06-30", "monday", "wednesday", "friday")}},
	{4, seedEvent{subject: "Monthly business review", body: "Numbers, risks and decisions for the month.", where: "Board room", hour: 14, mins: 90,
		attendees: []int{0, 1, 2, 3}, answers: []string{"", "tentativelyAccepted", "accepted", "accepted"}, important: true,
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "relativeMonthly", Interval: 1, DaysOfWeek: []string{"tuesday"}, Index: "first"},
			Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "2025-01-07"}}}},
	{3, seedEvent{subject: "1:1 Nestor / Adele", hour: 15, mins: 30, attendees: []int{0}, answers: []string{"accepted"},
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"thursday"}}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-02-27", NumberOfOccurrences: 6}}}},
	{2, seedEvent{subject: "1:1 Megan / Alex", hour: 15, mins: 30, attendees: []int{1}, answers: []string{"accepted"},
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"thursday"}}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-02-27", NumberOfOccurrences: 6}}}},
	{4, seedEvent{subject: "1:1 Patti / Megan", hour: 16, mins: 30, attendees: []int{2}, answers: []string{"accepted"},
		rec: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"monday"}}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-03-10", NumberOfOccurrences: 6}}}},
	{2, seedEvent{cal: 1, subject: "Sprint demo", body: "Show what the sprint delivered.", where: "Conf Room Adams", day: 4, hour: 15, mins: 60,
		online: true, attendees: []int{0, 1}, answers: []string{"", "accepted"}}},
}

// customerCall is each user's meeting with the next user.
func customerCall(ui int) seedEvent {
	return seedEvent{subject: "Customer call: " + []string{"Fabrikam", "Northwind", "Tailspin", "Litware", "Woodgrove"}[ui],
		body: "Quarterly check-in with the customer's buying team.", day: ui % 5, hour: 16, mins: 60, online: true,
		attendees: []int{(ui + 1) % len(seedUsers)}, answers: []string{"accepted"}}
}

// seedUsers are the seeded users the calendars belong to.
var seedUsers = directory.Seed()

// seedStore returns the seeded calendars and events.
func seedStore() *store {
	st := &store{users: map[string]*calUser{}, feed: graphkit.NewFeed(Name)}
	for i := range seedUsers {
		u := &seedUsers[i]
		cu := &calUser{owner: u, events: map[string]*calEvent{}}
		cu.calendars = []*calCalendar{
			{ID: ids.Stable(u.ID, "calendar", "Calendar"), Name: "Calendar", Color: "auto", Default: true, ChangeKey: st.changeKey(bg)},
			{ID: ids.Stable(u.ID, "calendar", "Team"), Name: "Team", Color: "lightGreen", ChangeKey: st.changeKey(bg)},
		}
		st.users[u.ID] = cu
	}
	created := calSeedWeek.AddDate(0, 0, -21).Add(9 * time.Hour)
	for ui := range seedUsers {
		for i, se := range personalEvents {
			if se.subject == "Doctor's appointment" {
				se.day += ui % 3
			}
			st.seedEvent(ui, se, created.Add(time.Duration(i)*time.Minute))
		}
		st.seedEvent(ui, customerCall(ui), created.Add(time.Hour))
	}
	for i, s := range sharedEvents {
		st.seedEvent(s.organizer, s.ev, created.Add(2*time.Hour+time.Duration(i)*time.Minute))
	}
	return st
}

// seedEvent adds se to user ui's calendars and records the attendees' answers.
func (st *store) seedEvent(ui int, se seedEvent, now time.Time) {
	cu := st.users[seedUsers[ui].ID]
	tz := zoneName(se.tz)
	loc, _ := outlook.Zone(tz)
	d := calSeedWeek.AddDate(0, 0, se.day)
	ev := &calEvent{
		Subject: se.subject, Location: se.where, StartTZ: tz, EndTZ: tz,
		Body:       outlook.ItemBody{ContentType: "html", Content: calHTML(se.body)},
		Importance: "normal", Sensitivity: "normal", ShowAs: "busy",
		IsReminderOn: true, ReminderMinutes: 15, ResponseRequest: true, AllowProposals: true,
		Categories: []string{},
	}
	if se.allDayCount > 0 {
		ev.IsAllDay, ev.IsReminderOn, ev.ReminderMinutes = true, false, 1080
		ev.Start = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		ev.End = ev.Start.AddDate(0, 0, se.allDayCount)
	} else {
		ev.Start = time.Date(d.Year(), d.Month(), d.Day(), se.hour, se.min, 0, 0, loc)
		ev.End = ev.Start.Add(time.Duration(se.mins) * time.Minute)
	}
	if se.rec != nil {
		rc := *se.rec
		rc.Pattern.DaysOfWeek = append([]string(nil), rc.Pattern.DaysOfWeek...)
		rc.Range.RecurrenceTimeZone = tz
		if msg := rc.Validate(); msg != "" {
			panic("calendar: seeded recurrence: " + msg)
		}
		ev.Recurrence = &rc
		if start, ok := outlook.ParseDate(rc.Range.StartDate); ok {
			ev.Start = time.Date(start.Year(), start.Month(), start.Day(), ev.Start.Hour(), ev.Start.Minute(), 0, 0, loc)
			ev.End = ev.Start.Add(time.Duration(se.mins) * time.Minute)
			if se.allDayCount > 0 {
				ev.End = ev.Start.AddDate(0, 0, se.allDayCount)
			}
		}
	}
	for _, v := range []string{se.showAs, se.sensitivity} {
		switch v {
		case "":
		case "private":
			ev.Sensitivity = v
		default:
			ev.ShowAs = v
		}
	}
	if se.important {
		ev.Importance = "high"
	}
	if se.online {
		ev.IsOnlineMeeting = true
		ev.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + ids.Stable(cu.owner.ID, se.subject)[6:30] + "%40thread.v2/0"
	}
	for _, ai := range se.attendees {
		a := &seedUsers[ai]
		ev.Attendees = append(ev.Attendees, calAttendee{Type: "required", EmailAddress: outlook.EmailAddress{Name: a.DisplayName, Address: a.Mail}})
	}
	st.addEvent(bg, cu, cu.calendars[se.cal], ev, now)
	for i, ans := range se.answers {
		if ans == "" {
			continue
		}
		a := &seedUsers[se.attendees[i]]
		if cp := st.copyOf(ev, a); cp != nil {
			st.respond(bg, st.users[a.ID], cp, ans, true, now.Add(time.Duration(i+1)*time.Hour))
		}
	}
}

func calHTML(text string) string {
	return "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>" +
		"<p>" + text + "</p></body></html>"
}
