package sandbox

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"bytes"
	"github.com/google/go-cmp/cmp"
)

// TestCalendarPersists: calendars, events (a series with a changed occurrence, an invitation
// in the attendee's calendar) and contacts come back after a restart with the same state file.
func TestCalendarPersists(t *testing.T) {
	t.Parallel()
	file := t.TempDir() + "/state.json"
	e := start(t, Options{StateFile: file})
	const scopes = "Calendars.ReadWrite Contacts.ReadWrite"
	tok, att := e.calToken(adele(), scopes), e.calToken(alex(), scopes)
	st, cal, _ := e.call("POST", "/v1.0/me/calendars", tok, map[string]any{"name": "Kept calendar"}, nil)
	if st != 201 {
		t.Fatalf("calendar: %d %v", st, cal)
	}
	st, ev, _ := e.call("POST", "/v1.0/me/calendars/"+cal["id"].(string)+"/events", tok, map[string]any{
		"subject":    "Kept series",
		"start":      map[string]any{"dateTime": "2025-05-05T09:00:00", "timeZone": "W. Europe Standard Time"},
		"end":        map[string]any{"dateTime": "2025-05-05T09:30:00", "timeZone": "W. Europe Standard Time"},
		"attendees":  []any{map[string]any{"emailAddress": map[string]any{"address": alex().Mail}}},
		"recurrence": map[string]any{"pattern": map[string]any{"type": "daily", "interval": 1}, "range": map[string]any{"type": "numbered", "startDate": "2025-05-05", "numberOfOccurrences": 5}},
	}, nil)
	if st != 201 {
		t.Fatalf("event: %d %v", st, ev)
	}
	view := "/v1.0/me/calendarView?startDateTime=2025-05-05T00:00:00Z&endDateTime=2025-05-12T00:00:00Z&$orderby=start/dateTime"
	_, occ, _ := e.call("GET", view, tok, nil, nil)
	second := values(t, occ)[1]["id"].(string)
	if st, body, _ := e.call("PATCH", "/v1.0/me/events/"+second, tok, map[string]any{"subject": "Moved one"}, nil); st != 200 {
		t.Fatalf("exception: %d %v", st, body)
	}
	if st, body, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"givenName": "Kept", "surname": "Contact",
		"emailAddresses": []any{map[string]any{"address": "kept@fabrikam.com"}}}, nil); st != 201 {
		t.Fatalf("contact: %d %v", st, body)
	}
	snapshot := func(e *env, tok, att string) []any {
		var out []any
		for _, p := range []struct{ tok, path string }{
			{tok, "/v1.0/me/calendars"}, {tok, view}, {att, view}, {tok, "/v1.0/me/contacts?$top=100"}, {tok, "/v1.0/me/contactFolders"},
		} {
			st, body, _ := e.call("GET", p.path, p.tok, nil, nil)
			if st != 200 {
				t.Fatalf("GET %s: %d %v", p.path, st, body)
			}
			delete(body, "@odata.context")
			if next, ok := body["@odata.nextLink"].(string); ok {
				body["@odata.nextLink"] = strings.TrimPrefix(next, e.base) // the port changes
			}
			out = append(out, body)
		}
		return out
	}
	before := snapshot(e, tok, att)
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := start(t, Options{StateFile: file})
	after := snapshot(e2, e2.calToken(adele(), scopes), e2.calToken(alex(), scopes))
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("calendars and contacts changed across the restart (-before +after):\n%s", d)
	}
}

// TestContactsFromOlderStateFile: files written before contacts had their own
// workload kept calendars, events and contacts in one "calendar" member; the
// contacts come back from it as well as the calendars.
func TestContactsFromOlderStateFile(t *testing.T) {
	t.Parallel()
	file := t.TempDir() + "/state.json"
	e := start(t, Options{StateFile: file})
	tok := e.calToken(adele(), "Calendars.ReadWrite Contacts.ReadWrite")
	if st, body, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"givenName": "Kept", "surname": "Contact"}, nil); st != 201 {
		t.Fatalf("contact: %d %v", st, body)
	}
	if st, body, _ := e.call("POST", "/v1.0/me/events", tok, map[string]any{"subject": "Kept event",
		"start": map[string]any{"dateTime": "2025-05-05T09:00:00", "timeZone": "UTC"},
		"end":   map[string]any{"dateTime": "2025-05-05T10:00:00", "timeZone": "UTC"}}, nil); st != 201 {
		t.Fatalf("event: %d %v", st, body)
	}
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}

	// Write a state file the older way (one file, one top-level "calendar"
	// member with each user's calendars, events, contact folders and
	// contacts) from the state folder's snapshot.
	data, err := os.ReadFile(file + "/snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	_, data, _ = bytes.Cut(data, []byte("\n")) // after the snapshot's header line
	var f map[string]json.RawMessage
	var wl map[string]json.RawMessage
	if json.Unmarshal(data, &f) != nil || json.Unmarshal(f["workloads"], &wl) != nil {
		t.Fatalf("state file: %s", data)
	}
	type part struct {
		Seq   int                       `json:"seq"`
		Users map[string]map[string]any `json:"users"`
	}
	var cal, con part
	if json.Unmarshal(wl["calendar"], &cal) != nil || json.Unmarshal(wl["contacts"], &con) != nil {
		t.Fatalf("workloads: %s", f["workloads"])
	}
	for id, members := range con.Users {
		for k, v := range members {
			cal.Users[id][k] = v
		}
	}
	cal.Seq = max(cal.Seq, con.Seq)
	delete(wl, "calendar")
	delete(wl, "contacts")
	f["calendar"], _ = json.Marshal(cal)
	f["workloads"], _ = json.Marshal(wl)
	data, _ = json.Marshal(f)
	older := t.TempDir() + "/older.json"
	if err := os.WriteFile(older, data, 0o600); err != nil {
		t.Fatal(err)
	}

	e2 := start(t, Options{StateFile: older})
	tok = e2.calToken(adele(), "Calendars.ReadWrite Contacts.ReadWrite")
	for _, c := range []struct{ path, what string }{
		{"/v1.0/me/contacts?$filter=givenName%20eq%20%27Kept%27", "the contact"},
		{"/v1.0/me/events?$filter=subject%20eq%20%27Kept%20event%27", "the event"},
	} {
		st, body, _ := e2.call("GET", c.path, tok, nil, nil)
		if st != 200 || len(values(t, body)) != 1 {
			t.Errorf("%s did not come back from the older state file: %d %v", c.what, st, body)
		}
	}
}
