package msgraph

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestCalendarView(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v1.0/users/{user}/calendars/{cal}/calendarView", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.PathValue("user") != "adele@contoso.com" || r.PathValue("cal") != "AQMk/cal" ||
			q.Get("startDateTime") != "2025-03-03T00:00:00Z" || q.Get("endDateTime") != "2025-03-10T00:00:00Z" ||
			q.Get("$orderby") != "start/dateTime" || q.Get("$top") != "2" {
			t.Errorf("calendarView %s %v", r.URL.EscapedPath(), q)
		}
		if got := r.Header.Values("Prefer"); len(got) != 2 || got[0] != `outlook.body-content-type="text"` || got[1] != `outlook.timezone="Europe/Paris"` {
			t.Errorf("Prefer %q", got)
		}
		next := ""
		if q.Get("$skip") == "" {
			next = fmt.Sprintf(`,"@odata.nextLink":"http://%s%s&$skip=2"`, r.Host, r.URL.RequestURI())
		}
		fmt.Fprintf(w, `{"value":[{"id":"e%s","subject":"Standup","type":"occurrence","start":{"dateTime":"2025-03-03T09:00:00.0000000","timeZone":"Europe/Paris"},
			"recurrence":null,"attendees":[{"type":"required","status":{"response":"accepted","time":"2025-03-01T10:00:00Z"},"emailAddress":{"name":"Alex","address":"alex@contoso.com"}}]}]%s}`,
			q.Get("$skip"), next)
	})
	paris, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2025, 3, 3, 1, 0, 0, 0, paris)
	opts := &ListEventsOptions{ListOptions: ListOptions{OrderBy: []string{"start/dateTime"}, Top: 2}, TimeZone: "Europe/Paris", BodyType: "text"}
	var evs []*Event
	for ev, err := range c.Calendar.CalendarViewIter(t.Context(), "adele@contoso.com", "AQMk/cal", start, start.Add(7*24*time.Hour), opts) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if len(evs) != 2 || evs[0].ID != "e" || evs[1].ID != "e2" || evs[0].Attendees[0].Status.Response != "accepted" {
		t.Fatalf("events %+v", evs)
	}
	at, err := evs[0].Start.Time()
	if err != nil || !at.Equal(time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("start %v %v", at, err)
	}
}

func TestEventWrites(t *testing.T) {
	c, mux, _ := setup(t)
	bodies := map[string]string{}
	mux.HandleFunc("/v1.0/me/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies[r.Method+" "+r.URL.Path] = string(b)
		switch r.Method {
		case "POST":
			if r.URL.Path == "/v1.0/me/calendar/getSchedule" {
				io.WriteString(w, `{"value":[{"scheduleId":"alex@contoso.com","availabilityView":"0220","scheduleItems":[{"status":"busy","start":{"dateTime":"2025-03-03T10:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2025-03-03T11:00:00.0000000","timeZone":"UTC"}}]}]}`)
				return
			}
			if r.URL.Path == "/v1.0/me/calendar/events" {
				w.WriteHeader(201)
				io.WriteString(w, `{"id":"new"}`)
				return
			}
			w.WriteHeader(202)
		case "PATCH":
			io.WriteString(w, `{"id":"ev"}`)
		case "DELETE":
			w.WriteHeader(204)
		}
	})
	ctx := t.Context()
	ev := &Event{Subject: "Plan", Start: NewDateTimeTimeZone(time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)),
		End: NewDateTimeTimeZone(time.Date(2025, 3, 3, 11, 0, 0, 0, time.UTC)),
		Recurrence: &Recurrence{Pattern: RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday"}},
			Range: RecurrenceRange{Type: "numbered", StartDate: "2025-03-03", NumberOfOccurrences: 4}}}
	if got, _, err := c.Calendar.CreateEvent(ctx, "", "", ev); err != nil || got.ID != "new" {
		t.Fatalf("CreateEvent: %+v %v", got, err)
	}
	var sent map[string]any
	json.Unmarshal([]byte(bodies["POST /v1.0/me/calendar/events"]), &sent)
	if len(sent) != 4 || sent["start"].(map[string]any)["dateTime"] != "2025-03-03T10:00:00.0000000" {
		t.Errorf("create body sends zero fields or wrong times: %s", bodies["POST /v1.0/me/calendar/events"])
	}
	if _, _, err := c.Calendar.UpdateEvent(ctx, "me", "ev", &EventUpdate{Subject: Ptr("New"), Categories: []string{}}); err != nil {
		t.Fatal(err)
	}
	if got := bodies["PATCH /v1.0/me/events/ev"]; got != `{"subject":"New","categories":[]}`+"\n" {
		t.Errorf("PATCH body %s", got)
	}
	if _, err := c.Calendar.Decline(ctx, "me", "ev", "Sorry", false); err != nil {
		t.Fatal(err)
	}
	if got := bodies["POST /v1.0/me/events/ev/decline"]; got != `{"comment":"Sorry","sendResponse":false}`+"\n" {
		t.Errorf("decline body %s", got)
	}
	sched, _, err := c.Calendar.GetSchedule(ctx, "me", []string{"alex@contoso.com"}, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 11, 0, 0, 0, time.UTC), 0)
	if err != nil || len(sched) != 1 || sched[0].AvailabilityView != "0220" || sched[0].ScheduleItems[0].Status != "busy" {
		t.Fatalf("GetSchedule: %+v %v", sched, err)
	}
	if got := bodies["POST /v1.0/me/calendar/getSchedule"]; got != `{"schedules":["alex@contoso.com"],"startTime":{"dateTime":"2025-03-03T09:00:00.0000000","timeZone":"UTC"},"endTime":{"dateTime":"2025-03-03T11:00:00.0000000","timeZone":"UTC"},"availabilityViewInterval":30}`+"\n" {
		t.Errorf("getSchedule body %s", got)
	}
	if _, err := c.Calendar.DeleteEvent(ctx, "me", "ev"); err != nil {
		t.Fatal(err)
	}
}

func TestDateTimeTimeZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	at := time.Date(2025, 7, 1, 9, 30, 0, 0, ny)
	d := NewDateTimeTimeZone(at)
	if d.DateTime != "2025-07-01T09:30:00.0000000" || d.TimeZone != "America/New_York" {
		t.Errorf("New: %+v", d)
	}
	if u := NewDateTimeTimeZone(at.UTC()); u.DateTime != "2025-07-01T13:30:00.0000000" || u.TimeZone != "UTC" {
		t.Errorf("New UTC: %+v", u)
	}
	for _, tc := range []DateTimeTimeZone{
		{"2025-07-01T09:30:00.0000000", "Eastern Standard Time"},
		{"2025-07-01T09:30:00", "America/New_York"},
		{"2025-07-01T13:30:00.0000000", "UTC"},
		{"2025-07-01T13:30:00Z", ""},
	} {
		if got, err := tc.Time(); err != nil || !got.Equal(at) {
			t.Errorf("%+v → %v %v", tc, got, err)
		}
	}
	if _, err := (DateTimeTimeZone{"2025-07-01T09:30:00", "Mars Standard Time"}).Time(); err == nil {
		t.Error("unknown zone accepted")
	}
	if _, err := (DateTimeTimeZone{"July 1st", "UTC"}).Time(); err == nil {
		t.Error("bad date accepted")
	}
}
