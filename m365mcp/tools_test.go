package m365mcp

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// wantRequests checks the sandbox's Graph requests since the last check.
func (e *env) wantRequests(t *testing.T, tool string, want ...string) {
	t.Helper()
	got := e.graphRequests()
	if !slices.Equal(got, want) {
		t.Errorf("%s: Graph requests\n got %q\nwant %q", tool, got, want)
	}
	c := e.lastCall(t)
	if c.Tool != tool || c.Outcome != OutcomeOK || len(c.Requests) != len(want) {
		t.Errorf("%s: audited %+v", tool, c)
	}
}

func TestMailTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	me := sandbox.Users()[0].UserPrincipalName
	e.sb.ClearRequests()

	var done Done
	call(t, cs, "mail_send", map[string]any{"to": []string{me}, "subject": "Quarterly O'Brien plan", "body": "Hello there,\nthe plan."}, &done)
	e.wantRequests(t, "mail_send", "POST /v1.0/me/sendMail")

	var found MessageList
	call(t, cs, "mail_search", map[string]any{"query": "O'Brien plan", "top": 5}, &found)
	e.wantRequests(t, "mail_search", "GET /v1.0/me/messages")
	if len(found.Messages) == 0 || !strings.Contains(found.Messages[0].Subject, "O'Brien") {
		t.Fatalf("mail_search: %+v", found)
	}
	id := ""
	for _, m := range found.Messages {
		if !strings.Contains(m.Subject, "O'Brien") {
			t.Errorf("mail_search found %q", m.Subject)
		}
		id = m.ID
	}

	var unread MessageList
	call(t, cs, "mail_search", map[string]any{"from": me, "unreadOnly": true, "since": "2000-01-01"}, &unread)
	e.graphRequests()
	if len(unread.Messages) == 0 {
		t.Error("mail_search by sender found nothing")
	}

	var msg Message
	call(t, cs, "mail_read", map[string]any{"id": id}, &msg)
	e.wantRequests(t, "mail_read", "GET /v1.0/me/messages/"+id)
	if !strings.Contains(msg.Body, "the plan.") || msg.From.Address == "" {
		t.Errorf("mail_read: %+v", msg)
	}

	var inbox MessageList
	call(t, cs, "mail_list", map[string]any{"top": 2}, &inbox)
	e.wantRequests(t, "mail_list", "GET /v1.0/me/mailFolders/inbox/messages")
	if len(inbox.Messages) != 2 || inbox.Cursor == "" {
		t.Fatalf("mail_list: %+v", inbox)
	}
	var next MessageList
	call(t, cs, "mail_list", map[string]any{"cursor": inbox.Cursor}, &next)
	e.graphRequests()
	if len(next.Messages) == 0 || next.Messages[0].ID == inbox.Messages[0].ID {
		t.Errorf("mail_list page 2: %+v", next)
	}
	if s := callErr(t, cs, "mail_search", map[string]any{"cursor": inbox.Cursor}); !strings.Contains(s, "cursor") {
		t.Errorf("a cursor of another tool: %s", s)
	}

	var folders MailFolders
	call(t, cs, "mail_folders", nil, &folders)
	e.wantRequests(t, "mail_folders", "GET /v1.0/me/mailFolders")
	if len(folders.Folders) == 0 {
		t.Error("mail_folders: none")
	}

	call(t, cs, "mail_flag", map[string]any{"id": id, "flag": "flagged", "read": true}, &done)
	e.wantRequests(t, "mail_flag", "PATCH /v1.0/me/messages/"+id)
	if !strings.Contains(done.Summary, "read=true flag=flagged") {
		t.Errorf("mail_flag: %+v", done)
	}
	call(t, cs, "mail_reply", map[string]any{"id": id, "comment": "Thanks!"}, &done)
	e.wantRequests(t, "mail_reply", "POST /v1.0/me/messages/"+id+"/reply")
	call(t, cs, "mail_forward", map[string]any{"id": id, "to": []string{"Alex <" + sandbox.Users()[1].UserPrincipalName + ">"}, "comment": "FYI"}, &done)
	e.wantRequests(t, "mail_forward", "POST /v1.0/me/messages/"+id+"/forward")
	call(t, cs, "mail_move", map[string]any{"id": id, "folder": "archive"}, &done)
	e.wantRequests(t, "mail_move", "POST /v1.0/me/messages/"+id+"/move")
	if done.ID == "" {
		t.Error("mail_move: no new id")
	}
}

func TestCalendarTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	other := sandbox.Users()[1].UserPrincipalName
	day := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	e.sb.ClearRequests()

	var ev EventSummary
	call(t, cs, "calendar_create_event", map[string]any{"subject": "Plan review", "start": day + "T10:00", "end": day + "T11:00",
		"timeZone": "Europe/Paris", "attendees": []string{other}, "location": "Room 1"}, &ev)
	e.wantRequests(t, "calendar_create_event", "POST /v1.0/me/calendar/events")
	if ev.ID == "" || ev.Subject != "Plan review" || len(ev.Attendees) != 1 {
		t.Fatalf("calendar_create_event: %+v", ev)
	}

	var ag Agenda
	call(t, cs, "calendar_view", map[string]any{"start": day, "timeZone": "Europe/Paris"}, &ag)
	e.wantRequests(t, "calendar_view", "GET /v1.0/me/calendar/calendarView")
	i := slices.IndexFunc(ag.Events, func(x EventSummary) bool { return x.ID == ev.ID })
	if ag.TimeZone != "Europe/Paris" || i < 0 || ag.Events[i].Start != day+"T10:00:00" {
		t.Fatalf("calendar_view: %+v", ag)
	}

	call(t, cs, "calendar_update_event", map[string]any{"id": ev.ID, "subject": "Plan review (moved)", "start": day + "T14:00", "end": day + "T15:00", "timeZone": "Europe/Paris"}, &ev)
	e.wantRequests(t, "calendar_update_event", "PATCH /v1.0/me/events/"+ev.ID)
	if ev.Subject != "Plan review (moved)" {
		t.Errorf("calendar_update_event: %+v", ev)
	}

	var free FreeTimes
	call(t, cs, "calendar_find_free_times", map[string]any{"attendees": []string{other}, "start": day + "T09:00", "end": day + "T17:00",
		"minutes": 60, "timeZone": "Europe/Paris"}, &free)
	e.wantRequests(t, "calendar_find_free_times", "GET /v1.0/me", "POST /v1.0/me/calendar/getSchedule")
	for _, sl := range free.Slots {
		if sl.Start < day+"T15:00:00" && sl.End > day+"T14:00:00" {
			t.Errorf("calendar_find_free_times offers %v, over the meeting", sl)
		}
	}
	if len(free.Slots) == 0 {
		t.Errorf("calendar_find_free_times: %+v", free)
	}

	// The attendee answers the invitation.
	e.loginAs(t, sandbox.Users()[1], false, testScopes...)
	cs1 := connect(t, e.server(t, Options{}), allowAll())
	call(t, cs1, "calendar_view", map[string]any{"start": day, "timeZone": "Europe/Paris"}, &ag)
	i = slices.IndexFunc(ag.Events, func(x EventSummary) bool { return x.Subject == "Plan review (moved)" })
	if i < 0 {
		t.Fatalf("the attendee's calendar_view: %+v", ag)
	}
	e.graphRequests()
	var done Done
	call(t, cs1, "calendar_respond", map[string]any{"id": ag.Events[i].ID, "response": "tentative", "comment": "Maybe"}, &done)
	e.wantRequests(t, "calendar_respond", "POST /v1.0/me/events/"+ag.Events[i].ID+"/tentativelyAccept")

	e.login(t, false, testScopes...) // the organizer again (cs uses the default connection)
	call(t, cs, "calendar_cancel_event", map[string]any{"id": ev.ID, "comment": "No longer needed"}, &done)
	e.wantRequests(t, "calendar_cancel_event", "POST /v1.0/me/events/"+ev.ID+"/cancel")
}

func TestFreeSlots(t *testing.T) {
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	got := freeSlots([]string{"00220000", "00002200"}, start, 30*time.Minute, start.Add(2*time.Hour))
	want := [][2]time.Time{{start, start.Add(30 * time.Minute)}, {start.Add(90 * time.Minute), start.Add(2 * time.Hour)}}
	if !slices.Equal(got, want) {
		t.Errorf("freeSlots = %v, want %v", got, want)
	}
}
