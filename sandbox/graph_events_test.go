package sandbox

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func alex() User { return seedUsers[1] }

// attendeeStatus is the response the organizer's event shows for addr.
func attendeeStatus(ev map[string]any, addr string) string {
	as, _ := ev["attendees"].([]any)
	for _, a := range as {
		if strings.EqualFold(field(a.(map[string]any), "emailAddress", "address").(string), addr) {
			return field(a.(map[string]any), "status", "response").(string)
		}
	}
	return ""
}

// findBySubject finds an event in a collection answer.
func findBySubject(t *testing.T, list map[string]any, subject string) map[string]any {
	t.Helper()
	for _, ev := range values(t, list) {
		if ev["subject"] == subject {
			return ev
		}
	}
	return nil
}

func TestEventInvitations(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	org := e.calToken(adele(), "Calendars.ReadWrite")
	att := e.calToken(alex(), "Calendars.ReadWrite")
	st, ev, resp := e.call("POST", "/v1.0/me/events", org, map[string]any{
		"subject":         "Pricing workshop",
		"body":            map[string]any{"contentType": "html", "content": "<p>Bring the <b>numbers</b></p>"},
		"start":           map[string]any{"dateTime": "2025-03-11T09:00:00", "timeZone": "Pacific Standard Time"},
		"end":             map[string]any{"dateTime": "2025-03-11T10:30:00", "timeZone": "Pacific Standard Time"},
		"location":        map[string]any{"displayName": "Conf Room Baker"},
		"attendees":       []any{map[string]any{"type": "required", "emailAddress": map[string]any{"address": alex().Mail}}, map[string]any{"emailAddress": map[string]any{"address": "guest@fabrikam.com", "name": "Guest"}}},
		"isOnlineMeeting": true,
	}, map[string]string{"Prefer": `outlook.timezone="Pacific Standard Time"`})
	if st != 201 || resp.Header.Get("Location") == "" || ev["isOrganizer"] != true || field(ev, "responseStatus", "response") != "organizer" ||
		field(ev, "organizer", "emailAddress", "address") != adele().Mail || field(ev, "start", "dateTime") != "2025-03-11T09:00:00.0000000" ||
		ev["originalStartTimeZone"] != "Pacific Standard Time" || ev["bodyPreview"] != "Bring the numbers" ||
		attendeeStatus(ev, alex().Mail) != "none" || field(ev, "onlineMeeting", "joinUrl") == nil || ev["type"] != "singleInstance" {
		t.Fatalf("create: %d %v", st, ev)
	}
	id := ev["id"].(string)

	// The attendee has the invitation in the default calendar.
	_, list, _ := e.call("GET", "/v1.0/me/calendarView?startDateTime=2025-03-11T00:00:00Z&endDateTime=2025-03-12T00:00:00Z", att, nil, nil)
	inv := findBySubject(t, list, "Pricing workshop")
	if inv == nil || inv["isOrganizer"] != false || field(inv, "responseStatus", "response") != "notResponded" ||
		field(inv, "start", "dateTime") != "2025-03-11T16:00:00.0000000" || inv["iCalUId"] != ev["iCalUId"] || inv["id"] == id {
		t.Fatalf("invitation: %v", inv)
	}
	invID := inv["id"].(string)
	orgView := func() map[string]any {
		_, o, _ := e.call("GET", "/v1.0/me/events/"+id, org, nil, nil)
		return o
	}
	for _, tc := range []struct {
		name, token, path string
		body              any
		status            int
		code              string
		orgSees, attSees  string
	}{
		{"tentative without telling the organizer", att, "/v1.0/me/events/" + invID + "/tentativelyAccept", map[string]any{"comment": "maybe", "sendResponse": false}, 202, "", "none", "tentativelyAccepted"},
		{"accept", att, "/v1.0/me/events/" + invID + "/accept", map[string]any{"comment": "see you", "sendResponse": true}, 202, "", "accepted", "accepted"},
		{"decline", att, "/v1.0/me/events/" + invID + "/decline", map[string]any{"sendResponse": true}, 202, "", "declined", "declined"},
		{"the organizer cannot answer", org, "/v1.0/me/events/" + id + "/accept", map[string]any{}, 400, "ErrorInvalidRequest", "declined", "declined"},
		{"an attendee cannot cancel", att, "/v1.0/me/events/" + invID + "/cancel", map[string]any{"comment": "no"}, 400, "ErrorInvalidRequest", "declined", "declined"},
		{"unknown parameter", att, "/v1.0/me/events/" + invID + "/accept", map[string]any{"note": "x"}, 400, "RequestBodyRead", "declined", "declined"},
		{"unknown event", att, "/v1.0/me/events/AAMkAGnope/accept", map[string]any{}, 404, "ErrorItemNotFound", "declined", "declined"},
		{"read-only token", e.calToken(alex(), "Calendars.Read"), "/v1.0/me/events/" + invID + "/accept", map[string]any{}, 403, "ErrorAccessDenied", "declined", "declined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, out, _ := e.call("POST", tc.path, tc.token, tc.body, nil)
			if st != tc.status || errCode(out) != tc.code {
				t.Fatalf("%d %v", st, out)
			}
			if got := attendeeStatus(orgView(), alex().Mail); got != tc.orgSees {
				t.Errorf("organizer sees %q, want %q", got, tc.orgSees)
			}
			_, mine, _ := e.call("GET", "/v1.0/me/events/"+invID, att, nil, nil)
			if got := field(mine, "responseStatus", "response"); got != tc.attSees {
				t.Errorf("attendee's responseStatus %v, want %q", got, tc.attSees)
			}
		})
	}

	// The organizer's changes reach the attendee's copy.
	st, upd, _ := e.call("PATCH", "/v1.0/me/events/"+id, org, map[string]any{"subject": "Pricing workshop (moved)",
		"start": map[string]any{"dateTime": "2025-03-11T18:00:00", "timeZone": "UTC"}, "end": map[string]any{"dateTime": "2025-03-11T19:00:00", "timeZone": "UTC"}}, nil)
	if st != 200 || upd["subject"] != "Pricing workshop (moved)" || field(upd, "start", "dateTime") != "2025-03-11T18:00:00.0000000" || upd["changeKey"] == ev["changeKey"] {
		t.Fatalf("patch: %d %v", st, upd)
	}
	_, cp, _ := e.call("GET", "/v1.0/me/events/"+invID, att, nil, nil)
	if cp["subject"] != "Pricing workshop (moved)" || field(cp, "start", "dateTime") != "2025-03-11T18:00:00.0000000" {
		t.Errorf("attendee's copy after patch: %v", cp)
	}
	for _, tc := range []struct {
		body any
		code string
	}{
		{map[string]any{"importance": "urgent"}, "RequestBodyRead"},
		{map[string]any{"subjekt": "x"}, "RequestBodyRead"},
		{map[string]any{"start": map[string]any{"dateTime": "2025-03-11T18:00:00", "timeZone": "Mars Standard Time"}}, "TimeZoneNotSupportedException"},
		{map[string]any{"end": map[string]any{"dateTime": "2025-03-11T08:00:00", "timeZone": "UTC"}}, "ErrorCalendarEndDateIsEarlierThanStartDate"},
		{map[string]any{"recurrence": map[string]any{"pattern": map[string]any{"type": "weekly", "interval": 1}, "range": map[string]any{"type": "noEnd", "startDate": "2025-03-11"}}}, "ErrorInvalidRequest"},
	} {
		if st, out, _ := e.call("PATCH", "/v1.0/me/events/"+id, org, tc.body, nil); st != 400 || errCode(out) != tc.code {
			t.Errorf("PATCH %v: %d %v", tc.body, st, out)
		}
	}

	// Cancel: the attendee's copy is cancelled, the organizer's event is gone.
	if st, out, _ := e.call("POST", "/v1.0/me/events/"+id+"/cancel", org, map[string]any{"comment": "Sorry"}, nil); st != 202 {
		t.Fatalf("cancel: %d %v", st, out)
	}
	if st, _, _ := e.call("GET", "/v1.0/me/events/"+id, org, nil, nil); st != 404 {
		t.Errorf("organizer's event after cancel: %d", st)
	}
	_, cp, _ = e.call("GET", "/v1.0/me/events/"+invID, att, nil, nil)
	if cp["isCancelled"] != true || !strings.HasPrefix(cp["subject"].(string), "Canceled: ") {
		t.Errorf("attendee's copy after cancel: %v", cp)
	}
	if st, _, _ := e.call("DELETE", "/v1.0/me/events/"+invID, att, nil, nil); st != 204 {
		t.Errorf("attendee deletes the cancelled copy: %d", st)
	}
	if st, _, _ := e.call("GET", "/v1.0/me/events/"+invID, att, nil, nil); st != 404 {
		t.Errorf("deleted copy: %d", st)
	}
}

func TestEventSeriesWrites(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite")
	st, ev, _ := e.call("POST", "/v1.0/me/calendars/"+strings.NewReplacer(calendarFill(e)...).Replace("{calendar}")+"/events", tok, map[string]any{
		"subject": "Sprint planning",
		"start":   map[string]any{"dateTime": "2025-03-04T08:00:00", "timeZone": "Europe/Berlin"},
		"end":     map[string]any{"dateTime": "2025-03-04T09:00:00", "timeZone": "Europe/Berlin"},
		"recurrence": map[string]any{"pattern": map[string]any{"type": "weekly", "interval": 2, "daysOfWeek": []string{"Tuesday"}},
			"range": map[string]any{"type": "numbered", "startDate": "2025-03-04", "numberOfOccurrences": 3}},
	}, nil)
	if st != 201 || ev["type"] != "seriesMaster" || field(ev, "recurrence", "range", "recurrenceTimeZone") != "Europe/Berlin" ||
		field(ev, "recurrence", "pattern", "firstDayOfWeek") != "sunday" {
		t.Fatalf("create series: %d %v", st, ev)
	}
	id := ev["id"].(string)
	inst := func() []string {
		_, out, _ := e.call("GET", "/v1.0/me/events/"+id+"/instances?startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-05-01T00:00:00Z", tok, nil, nil)
		var got []string
		for _, o := range values(t, out) {
			got = append(got, field(o, "start", "dateTime").(string)[:16])
		}
		return got
	}
	if got := strings.Join(inst(), " "); got != "2025-03-04T07:00 2025-03-18T07:00 2025-04-01T06:00" {
		t.Fatalf("instances %s", got)
	}
	// Deleting an occurrence leaves the rest of the series.
	_, out, _ := e.call("GET", "/v1.0/me/events/"+id+"/instances?startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-03-19T00:00:00Z", tok, nil, nil)
	if st, _, _ := e.call("DELETE", "/v1.0/me/events/"+values(t, out)[0]["id"].(string), tok, nil, nil); st != 204 {
		t.Fatalf("delete occurrence: %d", st)
	}
	if got := strings.Join(inst(), " "); got != "2025-03-04T07:00 2025-04-01T06:00" {
		t.Errorf("instances after deleting one %s", got)
	}
	// Ending the recurrence makes it a single event; deleting removes it.
	if st, upd, _ := e.call("PATCH", "/v1.0/me/events/"+id, tok, map[string]any{"recurrence": nil}, nil); st != 200 || upd["type"] != "singleInstance" {
		t.Errorf("drop recurrence: %d %v", st, upd)
	}
	if st, _, _ := e.call("DELETE", "/v1.0/me/events/"+id, tok, nil, nil); st != 204 {
		t.Errorf("delete: %d", st)
	}
	if st, out, _ := e.call("DELETE", "/v1.0/me/events/"+id, tok, nil, nil); st != 404 || errCode(out) != "ErrorItemNotFound" {
		t.Errorf("delete twice: %d %v", st, out)
	}
	// All-day events must span whole days.
	st, out, _ = e.call("POST", "/v1.0/me/events", tok, map[string]any{"subject": "Off", "isAllDay": true,
		"start": map[string]any{"dateTime": "2025-03-20T09:00:00", "timeZone": "UTC"}, "end": map[string]any{"dateTime": "2025-03-21T00:00:00", "timeZone": "UTC"}}, nil)
	if st != 400 || errCode(out) != "ErrorInvalidRequest" {
		t.Errorf("all-day at 09:00: %d %v", st, out)
	}
}

func TestGetSchedule(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.Read")
	st, out, _ := e.call("POST", "/v1.0/me/calendar/getSchedule", tok, map[string]any{
		"schedules":                []string{alex().Mail, "nobody@contoso.sandbox"},
		"startTime":                map[string]any{"dateTime": "2025-03-03T08:00:00", "timeZone": "UTC"},
		"endTime":                  map[string]any{"dateTime": "2025-03-03T18:00:00", "timeZone": "UTC"},
		"availabilityViewInterval": 60,
	}, nil)
	if st != 200 {
		t.Fatalf("getSchedule: %d %v", st, out)
	}
	infos := values(t, out)
	// Alex on Monday 3 March: focus time 10:00-11:30 (busy), the Fabrikam call
	// he accepted 16:00-17:00 (busy), his own Northwind call from 16:00 only on
	// Tuesday, the standup 17:00-17:15 he accepted (busy).
	if infos[0]["scheduleId"] != alex().Mail || infos[0]["availabilityView"] != "0022000022" {
		t.Errorf("Alex: %v", infos[0])
	}
	var items []string
	for _, it := range infos[0]["scheduleItems"].([]any) {
		m := it.(map[string]any)
		items = append(items, m["subject"].(string)+"/"+m["status"].(string)+"@"+field(m, "start", "dateTime").(string)[11:16])
	}
	if got := strings.Join(items, ", "); got != "Focus time/busy@10:00, Customer call: Fabrikam/busy@16:00, Weekly standup/busy@17:00" {
		t.Errorf("Alex's items: %s", got)
	}
	if infos[1]["scheduleId"] != "nobody@contoso.sandbox" || field(infos[1], "error", "responseCode") == nil {
		t.Errorf("unknown schedule: %v", infos[1])
	}
	for _, body := range []map[string]any{
		{"schedules": []string{alex().Mail}},
		{"schedules": []string{alex().Mail}, "startTime": map[string]any{"dateTime": "2025-03-03T08:00:00", "timeZone": "UTC"},
			"endTime": map[string]any{"dateTime": "2025-03-03T18:00:00", "timeZone": "UTC"}, "availabilityViewInterval": 1},
	} {
		if st, out, _ := e.call("POST", "/v1.0/me/calendar/getSchedule", tok, body, nil); st != 400 || errCode(out) != "ErrorInvalidParameter" {
			t.Errorf("%v: %d %v", body, st, out)
		}
	}
}

// TestCalendarConcurrentUse creates, answers and reads meetings from many
// goroutines at once (run with -race), and then Resets.
func TestCalendarConcurrentUse(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	org := e.calToken(adele(), "Calendars.ReadWrite Contacts.ReadWrite")
	att := e.calToken(alex(), "Calendars.ReadWrite")
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 4 {
				body := fmt.Sprintf(`{"subject":"Sync %d-%d","start":{"dateTime":"2025-03-1%dT09:00:00","timeZone":"UTC"},`+
					`"end":{"dateTime":"2025-03-1%dT10:00:00","timeZone":"UTC"},"attendees":[{"emailAddress":{"address":%q}}]}`, i, j, j, j, alex().Mail)
				hdr := map[string]string{"Authorization": "Bearer " + org, "Content-Type": "application/json"}
				if resp := e.do("POST", "/v1.0/me/events", strings.NewReader(body), hdr, nil); resp.StatusCode != 201 {
					t.Errorf("create: %d", resp.StatusCode)
				}
				var view struct {
					Value []struct{ ID, Subject string }
				}
				e.do("GET", "/v1.0/me/calendarView?startDateTime=2025-03-10T00:00:00Z&endDateTime=2025-03-14T00:00:00Z&$top=200",
					nil, map[string]string{"Authorization": "Bearer " + att}, &view)
				for _, v := range view.Value {
					if strings.HasPrefix(v.Subject, fmt.Sprintf("Sync %d-", i)) {
						e.do("POST", "/v1.0/me/events/"+v.ID+"/accept", strings.NewReader(`{}`),
							map[string]string{"Authorization": "Bearer " + att, "Content-Type": "application/json"}, nil)
					}
				}
				e.do("GET", "/v1.0/me/contacts?$top=3", nil, map[string]string{"Authorization": "Bearer " + org}, nil)
				if i == 0 && j == 3 {
					e.s.Reset()
				}
			}
		}()
	}
	wg.Wait()
}

// TestEventException moves one occurrence of the seeded standup: it becomes
// an exception at its new time, for the organizer and the attendees.
func TestEventException(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	org := e.calToken(adele(), "Calendars.ReadWrite")
	att := e.calToken(alex(), "Calendars.Read")
	standup := func(tok string) []string {
		t.Helper()
		_, out, _ := e.call("GET", "/v1.0/me/calendarView?"+week+"&$filter=startswith(subject,%27Weekly%20standup%27)", tok, nil, nil)
		var got []string
		for _, ev := range values(t, out) {
			got = append(got, ev["type"].(string)+" "+viewLine(ev))
		}
		return got
	}
	fill := strings.NewReplacer(calendarFill(e)...)
	_, occ, _ := e.call("GET", "/v1.0/me/calendarView?startDateTime=2025-03-05T00:00:00Z&endDateTime=2025-03-06T00:00:00Z&$filter=subject%20eq%20%27Weekly%20standup%27", org, nil, nil)
	wed := values(t, occ)[0]["id"].(string)
	st, ex, _ := e.call("PATCH", "/v1.0/me/events/"+wed, org, map[string]any{"subject": "Weekly standup (moved)",
		"start": map[string]any{"dateTime": "2025-03-05T18:00:00", "timeZone": "UTC"}, "end": map[string]any{"dateTime": "2025-03-05T18:15:00", "timeZone": "UTC"}}, nil)
	if st != 200 || ex["type"] != "exception" || ex["id"] != wed || ex["seriesMasterId"] == nil {
		t.Fatalf("patch occurrence: %d %v", st, ex)
	}
	want := "occurrence Weekly standup@2025-03-03T17:00, exception Weekly standup (moved)@2025-03-05T18:00, occurrence Weekly standup@2025-03-07T17:00"
	for who, tok := range map[string]string{"organizer": org, "attendee": att} {
		if got := strings.Join(standup(tok), ", "); got != want {
			t.Errorf("%s sees %s", who, got)
		}
	}
	if st, one, _ := e.call("GET", "/v1.0/me/events/"+wed, org, nil, nil); st != 200 || one["type"] != "exception" || one["subject"] != "Weekly standup (moved)" {
		t.Errorf("exception by id: %d %v", st, one)
	}
	if st, out, _ := e.call("PATCH", "/v1.0/me/events/"+wed, org, map[string]any{"recurrence": nil}, nil); st != 400 {
		t.Errorf("recurrence on an occurrence: %d %v", st, out)
	}
	// Cancelling the occurrence removes it for everyone.
	if st, out, _ := e.call("POST", "/v1.0/me/events/"+wed+"/cancel", org, map[string]any{}, nil); st != 202 {
		t.Fatalf("cancel occurrence: %d %v", st, out)
	}
	want = "occurrence Weekly standup@2025-03-03T17:00, occurrence Weekly standup@2025-03-07T17:00"
	for who, tok := range map[string]string{"organizer": org, "attendee": att} {
		if got := strings.Join(standup(tok), ", "); got != want {
			t.Errorf("%s after cancel sees %s", who, got)
		}
	}
	if st, _, _ := e.call("GET", "/v1.0/me/events/"+wed, org, nil, nil); st != 404 {
		t.Errorf("cancelled occurrence by id: %d", st)
	}
	_, master, _ := e.call("GET", "/v1.0/me/events/"+fill.Replace("{series}")+"?$select=subject,cancelledOccurrences", org, nil, nil)
	if co, _ := master["cancelledOccurrences"].([]any); len(co) != 1 || !strings.HasSuffix(co[0].(string), ".2025-03-05") {
		t.Errorf("the master's cancelledOccurrences: %v", master)
	}
}
