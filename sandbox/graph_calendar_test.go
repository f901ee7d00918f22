package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
)

// calendarFill names seeded calendar items for request paths: {calendar}
// (Adele's "Team" calendar), {event} (her "Budget review"), {series} (the
// weekly standup she organizes), {occurrence} (its occurrence on Monday
// 2025-03-03), {contact} (Anna Kowalski) and {folder} ("Suppliers"). It
// reads them over Graph as Adele.
func calendarFill(e *env) []string {
	e.t.Helper()
	tok := e.calToken(adele(), "Calendars.Read Contacts.Read")
	first := func(path string) string {
		e.t.Helper()
		st, body, _ := e.call("GET", path, tok, nil, nil)
		if st != 200 {
			e.t.Fatalf("GET %s: %d %v", path, st, body)
		}
		v := values(e.t, body)
		if len(v) == 0 {
			e.t.Fatalf("GET %s: nothing found", path)
		}
		return v[0]["id"].(string)
	}
	series := first("/v1.0/me/events?$filter=subject%20eq%20%27Weekly%20standup%27")
	return []string{
		"{calendar}", first("/v1.0/me/calendars?$filter=name%20eq%20%27Team%27"),
		"{event}", first("/v1.0/me/events?$filter=subject%20eq%20%27Budget%20review%27"),
		"{series}", series,
		"{occurrence}", first("/v1.0/me/events/" + series + "/instances?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-04T00:00:00Z"),
		"{contact}", first("/v1.0/me/contacts?$filter=displayName%20eq%20%27Anna%20Kowalski%27"),
		"{folder}", first("/v1.0/me/contactFolders?$filter=displayName%20eq%20%27Suppliers%27"),
	}
}

// call sends a Graph request with a JSON body (when non-nil) and decodes
// the answer (when any).
func (e *env) call(method, path, tok string, in any, hdr map[string]string) (int, map[string]any, *http.Response) {
	e.t.Helper()
	h := map[string]string{"Authorization": "Bearer " + tok}
	for k, v := range hdr {
		h[k] = v
	}
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
		h["Content-Type"] = "application/json"
	}
	var out map[string]any
	resp := e.do(method, path, rd, h, &out)
	return resp.StatusCode, out, resp
}

func (e *env) calToken(u User, scopes string) string {
	e.t.Helper()
	return e.userToken(u.UserPrincipalName, u.Password, scopes)
}

// values returns the "value" array of a collection answer.
func values(t *testing.T, m map[string]any) []map[string]any {
	t.Helper()
	arr, ok := m["value"].([]any)
	if !ok {
		t.Fatalf("no value array: %v", m)
	}
	var out []map[string]any
	for _, v := range arr {
		out = append(out, v.(map[string]any))
	}
	return out
}

// field reads a nested member: field(ev, "start", "dateTime").
func field(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func errCode(m map[string]any) string {
	c, _ := field(m, "error", "code").(string)
	return c
}

const week = "startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z"

func TestCalendarsCRUD(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite")
	st, list, _ := e.call("GET", "/v1.0/me/calendars", tok, nil, nil)
	cals := values(t, list)
	if st != 200 || len(cals) != 2 || cals[0]["name"] != "Calendar" || cals[0]["isDefaultCalendar"] != true || cals[1]["name"] != "Team" {
		t.Fatalf("calendars: %d %v", st, list)
	}
	_, def, _ := e.call("GET", "/v1.0/me/calendar", tok, nil, nil)
	if def["id"] != cals[0]["id"] || !strings.HasSuffix(def["@odata.context"].(string), "/calendar/$entity") {
		t.Errorf("default calendar: %v", def)
	}
	st, created, resp := e.call("POST", "/v1.0/me/calendars", tok, map[string]any{"name": "Projects", "color": "lightBlue"}, nil)
	if st != 201 || created["name"] != "Projects" || created["color"] != "lightBlue" || created["isDefaultCalendar"] != false || resp.Header.Get("Location") == "" {
		t.Fatalf("create: %d %v", st, created)
	}
	id := created["id"].(string)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"rename", "PATCH", "/v1.0/me/calendars/" + id, map[string]any{"name": "Projects 2025", "color": "lightRed"}, 200, ""},
		{"keep the name, change the color", "PATCH", "/v1.0/me/calendars/" + id, map[string]any{"name": "projects 2025", "color": "lightGray"}, 200, ""},
		{"same name as another", "PATCH", "/v1.0/me/calendars/" + id, map[string]any{"name": "team"}, 409, "ErrorFolderExists"},
		{"unknown color", "PATCH", "/v1.0/me/calendars/" + id, map[string]any{"color": "purple"}, 400, "RequestBodyRead"},
		{"unknown property", "POST", "/v1.0/me/calendars", map[string]any{"name": "X", "colour": "auto"}, 400, "RequestBodyRead"},
		{"no name", "POST", "/v1.0/me/calendars", map[string]any{"color": "auto"}, 400, "ErrorInvalidRequest"},
		{"delete the default", "DELETE", "/v1.0/me/calendars/" + cals[0]["id"].(string), nil, 400, "ErrorDeleteDistinguishedFolder"},
		{"delete", "DELETE", "/v1.0/me/calendars/" + id, nil, 204, ""},
		{"deleted", "GET", "/v1.0/me/calendars/" + id, nil, 404, "ErrorItemNotFound"},
		{"read-only token writes", "POST", "/v1.0/me/calendars", map[string]any{"name": "X"}, 403, "ErrorAccessDenied"},
		{"app token writes", "POST", "/v1.0/users/" + AdeleVanceID + "/calendars", map[string]any{"name": "X"}, 403, "ErrorAccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := tok
			switch tc.name {
			case "read-only token writes":
				tk = e.calToken(adele(), "Calendars.Read")
			case "app token writes":
				tk = e.appToken()
			}
			st, out, _ := e.call(tc.method, tc.path, tk, tc.body, nil)
			if st != tc.status || errCode(out) != tc.code {
				t.Errorf("%d %v, want %d %s", st, out, tc.status, tc.code)
			}
		})
	}
	e.do("POST", "/_sandbox/reset", nil, nil, nil)
	_, list, _ = e.call("GET", "/v1.0/me/calendars", tok, nil, nil)
	if n := len(values(t, list)); n != 2 {
		t.Errorf("after reset: %d calendars", n)
	}
}

// viewLine is "subject@start" of an event in a calendar view.
func viewLine(ev map[string]any) string {
	return ev["subject"].(string) + "@" + field(ev, "start", "dateTime").(string)[:16]
}

func TestCalendarView(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.Read")
	occ := "&$filter=type%20eq%20%27occurrence%27&$top=100"
	for _, tc := range []struct {
		name, path, zone string
		want             []string
	}{
		{"occurrences of Adele's week in UTC", "/v1.0/me/calendarView?" + week + occ, "", []string{
			"Focus time@2025-03-03T10:00", "Weekly standup@2025-03-03T17:00",
			"Focus time@2025-03-04T10:00", "Monthly business review@2025-03-04T14:00",
			"Contoso founding day@2025-03-05T00:00", "Focus time@2025-03-05T10:00", "Weekly standup@2025-03-05T17:00",
			"Focus time@2025-03-06T10:00",
			"Focus time@2025-03-07T10:00", "Expense reports due@2025-03-07T16:00", "Weekly standup@2025-03-07T17:00",
			"Focus time@2025-03-08T10:00", "Focus time@2025-03-09T10:00",
		}},
		{"the standup stays at 09:00 Pacific across the DST change", "/v1.0/me/calendarView?startDateTime=2025-03-07T00:00:00Z&endDateTime=2025-03-13T00:00:00Z&$filter=subject%20eq%20%27Weekly%20standup%27", "Pacific Standard Time", []string{
			"Weekly standup@2025-03-07T09:00", "Weekly standup@2025-03-10T09:00", "Weekly standup@2025-03-12T09:00",
		}},
		{"and moves in UTC", "/v1.0/me/calendarView?startDateTime=2025-03-07T00:00:00Z&endDateTime=2025-03-13T00:00:00Z&$filter=subject%20eq%20%27Weekly%20standup%27", "", []string{
			"Weekly standup@2025-03-07T17:00", "Weekly standup@2025-03-10T16:00", "Weekly standup@2025-03-12T16:00",
		}},
		{"an IANA zone", "/v1.0/me/calendarView?startDateTime=2025-03-04T00:00:00Z&endDateTime=2025-03-05T00:00:00Z&$filter=startswith(subject,%27Monthly%27)", "Europe/Paris", []string{
			"Monthly business review@2025-03-04T15:00",
		}},
		{"the Team calendar: singles and an all-day event", "/v1.0/me/calendars/{team}/calendarView?startDateTime=2025-03-10T00:00:00Z&endDateTime=2025-03-15T00:00:00Z", "", []string{
			"Trade show@2025-03-12T00:00", "Quarterly planning@2025-03-12T13:00", "Vendor demo: Fabrikam@2025-03-13T14:00",
		}},
		{"events that only overlap the window's start", "/v1.0/me/calendarView?startDateTime=2025-03-05T12:30:00Z&endDateTime=2025-03-05T12:40:00Z", "", []string{
			"Contoso founding day@2025-03-05T00:00", "Lunch with the team@2025-03-05T12:00",
		}},
		{"instances of the standup", "/v1.0/me/events/{standup}/instances?startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-03-06T00:00:00Z", "", []string{
			"Weekly standup@2025-03-03T17:00", "Weekly standup@2025-03-05T17:00",
		}},
		{"the Monthly review, a relative monthly series, in its 3rd month", "/v1.0/me/calendar/calendarView?startDateTime=2025-03-01T00:00:00Z&endDateTime=2025-04-02T00:00:00Z&$filter=startswith(subject,%27Monthly%27)", "", []string{
			"Monthly business review@2025-03-04T14:00", "Monthly business review@2025-04-01T14:00",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fill := strings.NewReplacer(calendarFill(e)...)
			path := strings.NewReplacer("{team}", "{calendar}", "{standup}", "{series}").Replace(tc.path)
			hdr := map[string]string{}
			if tc.zone != "" {
				hdr["Prefer"] = `outlook.timezone="` + tc.zone + `"`
			}
			st, out, resp := e.call("GET", fill.Replace(path), tok, nil, hdr)
			if st != 200 {
				t.Fatalf("%d %v", st, out)
			}
			var got []string
			for _, ev := range values(t, out) {
				got = append(got, viewLine(ev))
				wantZone := tc.zone
				if wantZone == "" {
					wantZone = "UTC"
				}
				if field(ev, "start", "timeZone") != wantZone || field(ev, "end", "timeZone") != wantZone {
					t.Errorf("%s: zones %v %v", ev["subject"], ev["start"], ev["end"])
				}
			}
			sort.SliceStable(got, func(i, j int) bool { return got[i][strings.Index(got[i], "@"):] < got[j][strings.Index(got[j], "@"):] })
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if applied := resp.Header.Get("Preference-Applied"); tc.zone != "" && applied != `outlook.timezone="`+tc.zone+`"` {
				t.Errorf("Preference-Applied %q", applied)
			}
		})
	}

	// Occurrences: distinct ids that are stable across requests and can be
	// read back, pointing at their series master.
	_, a, _ := e.call("GET", "/v1.0/me/calendarView?"+week+occ, tok, nil, nil)
	_, b, _ := e.call("GET", "/v1.0/me/calendarView?"+week+occ, tok, nil, nil)
	seen := map[string]bool{}
	for i, ev := range values(t, a) {
		id := ev["id"].(string)
		if seen[id] || id != values(t, b)[i]["id"] || ev["seriesMasterId"] == nil || ev["recurrence"] != nil {
			t.Fatalf("occurrence %d: %v", i, ev)
		}
		seen[id] = true
	}
	first := values(t, a)[1]
	st, one, _ := e.call("GET", "/v1.0/me/events/"+first["id"].(string), tok, nil, nil)
	if st != 200 || one["type"] != "occurrence" || viewLine(one) != viewLine(first) {
		t.Errorf("occurrence by id: %d %v", st, one)
	}
	st, master, _ := e.call("GET", "/v1.0/me/events/"+first["seriesMasterId"].(string), tok, nil, nil)
	if st != 200 || master["type"] != "seriesMaster" || field(master, "recurrence", "pattern", "type") != "weekly" ||
		field(master, "recurrence", "range", "endDate") != "2025-06-30" || master["originalStartTimeZone"] != "Pacific Standard Time" {
		t.Errorf("series master: %d %v", st, master)
	}

	// Paging keeps the window in @odata.nextLink.
	var n int
	next := "/v1.0/me/calendarView?" + week + "&$top=4"
	for next != "" {
		st, page, _ := e.call("GET", strings.TrimPrefix(next, e.base), tok, nil, nil)
		if st != 200 {
			t.Fatalf("page: %d %v", st, page)
		}
		n += len(values(t, page))
		next, _ = page["@odata.nextLink"].(string)
	}
	_, all, _ := e.call("GET", "/v1.0/me/calendarView?"+week+"&$top=100", tok, nil, nil)
	if n != len(values(t, all)) || n < 15 {
		t.Errorf("paged %d items, one page %d", n, len(values(t, all)))
	}

	for _, tc := range []struct{ name, path, code string }{
		{"no window", "/v1.0/me/calendarView", "ErrorInvalidParameter"},
		{"no end", "/v1.0/me/calendarView?startDateTime=2025-03-03T00:00:00Z", "ErrorInvalidParameter"},
		{"bad start", "/v1.0/me/calendarView?startDateTime=monday&endDateTime=2025-03-03T00:00:00Z", "ErrorInvalidParameter"},
		{"instances without window", "/v1.0/me/events/" + first["seriesMasterId"].(string) + "/instances", "ErrorInvalidParameter"},
		{"bad filter", "/v1.0/me/calendarView?" + week + "&$filter=nope%20eq%201", "BadRequest"},
		{"no $search on events", "/v1.0/me/calendarView?" + week + "&$search=%22standup%22", "BadRequest"},
	} {
		if st, out, _ := e.call("GET", tc.path, tok, nil, nil); st != 400 || errCode(out) != tc.code {
			t.Errorf("%s: %d %v", tc.name, st, out)
		}
	}
	if msg := func() string {
		_, out, _ := e.call("GET", "/v1.0/me/calendarView", tok, nil, nil)
		m, _ := field(out, "error", "message").(string)
		return m
	}(); msg != "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime." {
		t.Errorf("missing window message %q", msg)
	}
}

// TestCalendarWritesConformance judges what the write routes answer by the
// Graph v1.0 schema (the GET routes are in graphConformance).
func TestCalendarWritesConformance(t *testing.T) {
	t.Parallel()
	schema := graphschema.ForTest(t)
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite Contacts.ReadWrite")
	send := func(method, path string, in any) []byte {
		t.Helper()
		b, _ := json.Marshal(in)
		resp := e.do(method, path, bytes.NewReader(b), map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}, nil)
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
		return data
	}
	ev := map[string]any{"subject": "Review", "start": map[string]any{"dateTime": "2025-03-12T10:00:00", "timeZone": "UTC"},
		"end":       map[string]any{"dateTime": "2025-03-12T11:00:00", "timeZone": "UTC"},
		"attendees": []any{map[string]any{"emailAddress": map[string]any{"address": alex().Mail}}}, "isOnlineMeeting": true,
		"recurrence": map[string]any{"pattern": map[string]any{"type": "relativeMonthly", "interval": 1, "daysOfWeek": []string{"wednesday"}, "index": "second"},
			"range": map[string]any{"type": "endDate", "startDate": "2025-03-12", "endDate": "2025-12-31"}}}
	var created map[string]any
	data := send("POST", "/v1.0/me/events", ev)
	_ = json.Unmarshal(data, &created)
	var april map[string]any
	_ = json.Unmarshal(send("GET", "/v1.0/me/events/"+created["id"].(string)+"/instances?startDateTime=2025-04-09T00:00:00Z&endDateTime=2025-04-10T00:00:00Z", nil), &april)
	aprilID := values(t, april)[0]["id"].(string)
	// Nested objects keep Graph's member order, as clients that print the
	// JSON show it.
	for _, want := range []string{`"body":{"contentType":"html","content":`, `"emailAddress":{"name":"Alex Wilber","address":"AlexW@contoso.sandbox"}`,
		`"pattern":{"type":"relativeMonthly","interval":1,"month":0,"dayOfMonth":0,"daysOfWeek":["wednesday"],"firstDayOfWeek":"sunday","index":"second"}`,
		`{"@odata.context":`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("created event lacks %s: %s", want, data)
		}
	}
	for _, c := range []struct {
		typ  string
		data []byte
		list bool
	}{
		{"event", data, false},
		{"event", send("PATCH", "/v1.0/me/events/"+created["id"].(string), map[string]any{"showAs": "oof"}), false},
		{"event", send("PATCH", "/v1.0/me/events/"+aprilID, map[string]any{"subject": "Review (April)",
			"location": map[string]any{"displayName": "Room 2"}}), false},
		{"calendar", send("POST", "/v1.0/me/calendars", map[string]any{"name": "Side"}), false},
		{"calendar", send("PATCH", "/v1.0/me/calendar", map[string]any{"color": "lightTeal"}), false},
		{"contact", send("POST", "/v1.0/me/contacts", map[string]any{"givenName": "Pavel", "homeAddress": map[string]any{"city": "Brno"}}), false},
		{"contactFolder", send("POST", "/v1.0/me/contactFolders", map[string]any{"displayName": "Club"}), false},
		{"scheduleInformation", send("POST", "/v1.0/me/calendar/getSchedule", map[string]any{"schedules": []string{alex().Mail, "x@y.z"},
			"startTime": map[string]any{"dateTime": "2025-03-03T00:00:00", "timeZone": "UTC"},
			"endTime":   map[string]any{"dateTime": "2025-03-08T00:00:00", "timeZone": "UTC"}}), true},
	} {
		var problems []graphschema.Problem
		if c.list {
			problems = schema.CheckCollection(c.typ, c.data)
		} else {
			problems = schema.CheckJSON(c.typ, c.data)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", c.typ, p)
		}
	}
}
