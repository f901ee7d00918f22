package calendar

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

func newTestWorkload(k *graphkit.Kit) graphkit.Workload { return New(k) }

// call sends a request through env and checks its status; it returns the
// decoded answer (nil for an empty one).
func call(t *testing.T, env *kittest.Env, method, path, tok string, body any, want int) map[string]any {
	t.Helper()
	rec := env.Do(method, path, tok, body)
	if rec.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body.String())
	}
	var out map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return out
}

// write is call for a request that changes data: afterwards the journal,
// replayed, must give the served state (so a change a handler forgot to
// touch shows at the request that made it, not only when nothing touches
// the entity again).
func write(t *testing.T, env *kittest.Env, method, path, tok string, body any, want int) map[string]any {
	t.Helper()
	out := call(t, env, method, path, tok, body, want)
	env.CheckReplay()
	return out
}

// firstID is the id of the first item of a collection answer.
func firstID(t *testing.T, list map[string]any) string {
	t.Helper()
	v, _ := list["value"].([]any)
	if len(v) == 0 {
		t.Fatalf("empty collection: %v", list)
	}
	return v[0].(map[string]any)["id"].(string)
}

func attendees(mails ...string) []any {
	var out []any
	for _, m := range mails {
		out = append(out, map[string]any{"emailAddress": map[string]any{"address": m}})
	}
	return out
}

// TestStoreContract drives every write route of the calendar (calendars;
// events and series with their exceptions and cancelled occurrences;
// invitations copied into other users' calendars, their answers travelling
// back to the organizer, cancellations; app-only writes to another user)
// and checks that the journal they produce, replayed over the seed or over
// a snapshot taken midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	t.Parallel()
	env := kittest.New(t, newTestWorkload)
	seed := directory.Seed()
	adeleU, alexU, meganU, pattiU := seed[0], seed[1], seed[2], seed[4]
	adele := kittest.UserToken(adeleU.ID, "Calendars.ReadWrite")
	alex := kittest.UserToken(alexU.ID, "Calendars.ReadWrite")
	megan := kittest.UserToken(meganU.ID, "Calendars.ReadWrite")
	app := kittest.AppToken("Calendars.ReadWrite")

	cal := write(t, env, "POST", "/v1.0/me/calendars", adele, map[string]any{"name": "Projects"}, 201)["id"].(string)
	write(t, env, "PATCH", "/v1.0/me/calendars/"+cal, adele, map[string]any{"color": "lightBlue"}, 200)
	write(t, env, "PATCH", "/v1.0/me/calendar", adele, map[string]any{"color": "lightTeal"}, 200)
	series := write(t, env, "POST", "/v1.0/me/calendars/"+cal+"/events", adele, map[string]any{
		"subject":    "Contract series",
		"start":      map[string]any{"dateTime": "2026-02-02T09:00:00", "timeZone": "Pacific Standard Time"},
		"end":        map[string]any{"dateTime": "2026-02-02T09:30:00", "timeZone": "Pacific Standard Time"},
		"attendees":  attendees(alexU.Mail, meganU.Mail),
		"recurrence": map[string]any{"pattern": map[string]any{"type": "daily", "interval": 1}, "range": map[string]any{"type": "numbered", "startDate": "2026-02-02", "numberOfOccurrences": 5}},
	}, 201)["id"].(string)
	single := write(t, env, "POST", "/v1.0/me/events", adele, map[string]any{
		"subject":   "Contract single",
		"start":     map[string]any{"dateTime": "2026-02-10T15:00:00", "timeZone": "UTC"},
		"end":       map[string]any{"dateTime": "2026-02-10T16:00:00", "timeZone": "UTC"},
		"attendees": attendees(alexU.Mail), "isOnlineMeeting": true,
		"singleValueExtendedProperties": []any{map[string]any{"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name a", "value": "1"}},
	}, 201)["id"].(string)
	env.Mark()
	// Extended properties merge by id on an update, on events and calendars.
	write(t, env, "PATCH", "/v1.0/me/events/"+single, adele, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name b", "value": "2"}},
		"multiValueExtendedProperties":  []any{map[string]any{"id": "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name c", "value": []string{"x"}}},
	}, 200)
	write(t, env, "PATCH", "/v1.0/me/calendars/"+cal, adele, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": "Integer 0x3603", "value": "7"}}}, 200)

	copyOf := func(tok, subject string) string {
		t.Helper()
		return firstID(t, call(t, env, "GET", "/v1.0/me/events?$filter="+url.QueryEscape("subject eq '"+subject+"'"), tok, nil, 200))
	}
	// Answers change the attendee's copy and the organizer's event.
	write(t, env, "POST", "/v1.0/me/events/"+copyOf(alex, "Contract series")+"/accept", alex, map[string]any{}, 202)
	write(t, env, "POST", "/v1.0/me/events/"+copyOf(megan, "Contract series")+"/decline", megan, map[string]any{"comment": "away"}, 202)
	write(t, env, "POST", "/v1.0/me/events/"+copyOf(alex, "Contract single")+"/tentativelyAccept", alex, nil, 202)

	instance := func(date string) string {
		t.Helper()
		return firstID(t, call(t, env, "GET", "/v1.0/me/events/"+series+"/instances?startDateTime="+date+"T00:00:00Z&endDateTime="+date+"T23:59:59Z", adele, nil, 200))
	}
	// An exception, a deleted and a cancelled occurrence reach the copies.
	write(t, env, "PATCH", "/v1.0/me/events/"+instance("2026-02-03"), adele, map[string]any{"subject": "Moved", "location": map[string]any{"displayName": "Room 9"}}, 200)
	write(t, env, "DELETE", "/v1.0/me/events/"+instance("2026-02-04"), adele, nil, 204)
	write(t, env, "POST", "/v1.0/me/events/"+instance("2026-02-05")+"/cancel", adele, map[string]any{"comment": "no room"}, 202)
	// Megan leaves the meeting (her copy is cancelled), Patti is invited.
	write(t, env, "PATCH", "/v1.0/me/events/"+series, adele, map[string]any{"subject": "Contract series (new)", "attendees": attendees(alexU.Mail, pattiU.Mail)}, 200)
	// An attendee's own changes and deletions.
	write(t, env, "PATCH", "/v1.0/me/events/"+copyOf(alex, "Contract single"), alex, map[string]any{"isReminderOn": false}, 200)
	write(t, env, "DELETE", "/v1.0/me/events/"+copyOf(megan, "Canceled: Contract series"), megan, nil, 204)
	// Cancelling a meeting removes it and cancels the copies.
	write(t, env, "POST", "/v1.0/me/events/"+single+"/cancel", adele, nil, 202)
	// An app writes into another user's calendar.
	nestorEv := write(t, env, "POST", "/v1.0/users/"+seed[3].ID+"/events", app, map[string]any{
		"subject": "Booked by an app", "start": map[string]any{"dateTime": "2026-02-11T10:00:00", "timeZone": "UTC"},
		"end": map[string]any{"dateTime": "2026-02-11T10:30:00", "timeZone": "UTC"}, "attendees": attendees(adeleU.Mail),
	}, 201)["id"].(string)
	write(t, env, "DELETE", "/v1.0/users/"+seed[3].ID+"/events/"+nestorEv, app, nil, 204)
	// Deleting a calendar deletes its events and cancels their meetings.
	write(t, env, "DELETE", "/v1.0/me/calendars/"+cal, adele, nil, 204)

	env.CheckReplay()
}
