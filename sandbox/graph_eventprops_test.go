package sandbox

import (
	"net/url"
	"testing"
)

// pyO365Prop is the extended property python-o365 sends with every event
// it creates.
const pyO365Prop = "String {00020329-0000-0000-C000-000000000046} Name o365_id"

// TestEventExtendedProperties: an event created with extended properties
// (as python-o365 does on every create) keeps them, returns them through
// $expand with a $filter on id, merges an update by id, and refuses an
// $expand without the $filter.
func TestEventExtendedProperties(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite")
	st, ev, _ := e.call("POST", "/v1.0/me/events", tok, map[string]any{
		"subject": "Tagged",
		"start":   map[string]any{"dateTime": "2025-06-10T09:00:00", "timeZone": "UTC"},
		"end":     map[string]any{"dateTime": "2025-06-10T10:00:00", "timeZone": "UTC"},
		"singleValueExtendedProperties": []any{map[string]any{"id": pyO365Prop, "value": "abc"},
			map[string]any{"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "value": "blue"}},
		"multiValueExtendedProperties": []any{map[string]any{"id": "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags", "value": []string{"a", "b"}}},
	}, nil)
	if st != 201 {
		t.Fatalf("create with extended properties: %d %v", st, ev)
	}
	id := ev["id"].(string)
	if _, ok := ev["singleValueExtendedProperties"]; ok {
		t.Errorf("extended properties answered without $expand: %v", ev)
	}
	expand := func(q string) (int, map[string]any) {
		st, out, _ := e.call("GET", "/v1.0/me/events/"+id+"?$expand="+url.QueryEscape(q), tok, nil, nil)
		return st, out
	}
	st, got := expand("singleValueExtendedProperties($filter=id eq '" + pyO365Prop + "')")
	svep, _ := got["singleValueExtendedProperties"].([]any)
	if st != 200 || len(svep) != 1 || field(svep[0].(map[string]any), "value") != "abc" {
		t.Fatalf("$expand of one extended property: %d %v", st, got)
	}
	if st, out := expand("singleValueExtendedProperties"); st != 400 || errCode(out) != "ErrorInvalidRequest" {
		t.Errorf("$expand without $filter: %d %v", st, out)
	}
	// An update merges by id: the changed one takes its value, the other stays.
	if st, out, _ := e.call("PATCH", "/v1.0/me/events/"+id, tok, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": pyO365Prop, "value": "def"}}}, nil); st != 200 {
		t.Fatalf("patch extended property: %d %v", st, out)
	}
	st, got = expand("singleValueExtendedProperties($filter=id eq '" + pyO365Prop + "' or id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color'),multiValueExtendedProperties($filter=id eq 'StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags')")
	svep, _ = got["singleValueExtendedProperties"].([]any)
	mvep, _ := got["multiValueExtendedProperties"].([]any)
	if st != 200 || len(svep) != 2 || field(svep[0].(map[string]any), "value") != "def" || field(svep[1].(map[string]any), "value") != "blue" || len(mvep) != 1 {
		t.Fatalf("after merge: %d %v", st, got)
	}
	// The list expands per event.
	_, list, _ := e.call("GET", "/v1.0/me/events?$filter="+url.QueryEscape("subject eq 'Tagged'")+"&$expand="+
		url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+pyO365Prop+"')"), tok, nil, nil)
	if vs := values(t, list); len(vs) != 1 || len(vs[0]["singleValueExtendedProperties"].([]any)) != 1 {
		t.Errorf("list with $expand: %v", list)
	}
}

// TestEventSchemaBodies: event bodies are checked against Graph's schema:
// properties the old switch dropped reach the event, nested unknown
// properties are errors, read-only ones are ignored, and a retried create
// with the same transactionId gives the first event back.
func TestEventSchemaBodies(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite")
	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"subject": "S", "start": map[string]any{"dateTime": "2025-06-11T09:00:00", "timeZone": "UTC"},
			"end": map[string]any{"dateTime": "2025-06-11T09:30:00", "timeZone": "UTC"}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	st, ev, _ := e.call("POST", "/v1.0/me/events", tok, base(map[string]any{"hideAttendees": true, "transactionId": "tx-1",
		"organizer": map[string]any{"emailAddress": map[string]any{"address": "someone@else.test"}}, "isDraft": true,
		"iCalUId": "ignored", "originalStartTimeZone": "Tokyo Standard Time"}), nil)
	if st != 201 || ev["hideAttendees"] != true || ev["transactionId"] != "tx-1" || ev["originalStartTimeZone"] != "UTC" ||
		field(ev, "organizer", "emailAddress", "address") != adele().Mail || ev["isDraft"] != false {
		t.Fatalf("create: %d %v", st, ev)
	}
	st, again, _ := e.call("POST", "/v1.0/me/events", tok, base(map[string]any{"transactionId": "tx-1", "subject": "retry"}), nil)
	if st != 201 || again["id"] != ev["id"] || again["subject"] != "S" {
		t.Errorf("retried create: %d %v, want the first event %v", st, again, ev["id"])
	}
	st, out, _ := e.call("POST", "/v1.0/me/events", tok, base(map[string]any{"location": map[string]any{"displayName": "R", "floor": 3}}), nil)
	if st != 400 || errCode(out) != "RequestBodyRead" {
		t.Errorf("unknown property inside location: %d %v", st, out)
	}
	st, out, _ = e.call("POST", "/v1.0/me/events", tok, base(map[string]any{"showAs": "Nope"}), nil)
	if st != 400 {
		t.Errorf("bad showAs: %d %v", st, out)
	}
	st, out, _ = e.call("POST", "/v1.0/me/events", tok, base(map[string]any{"attendees": []any{map[string]any{"emailAddress": map[string]any{"name": "x"}}}}), nil)
	if st != 400 || errCode(out) != "ErrorInvalidRecipients" {
		t.Errorf("attendee without address: %d %v", st, out)
	}
}

// TestOutlookETags: events, calendars, contacts and contact folders carry
// @odata.etag; an update or delete with a stale If-Match answers 412 and
// changes nothing, "*" or the current tag goes through.
func TestOutlookETags(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite Contacts.ReadWrite")
	for _, c := range []struct {
		coll   string
		create map[string]any
		change map[string]any
	}{
		{"/v1.0/me/events", map[string]any{"subject": "E", "start": map[string]any{"dateTime": "2025-06-12T09:00:00", "timeZone": "UTC"},
			"end": map[string]any{"dateTime": "2025-06-12T09:30:00", "timeZone": "UTC"}}, map[string]any{"subject": "E2"}},
		{"/v1.0/me/calendars", map[string]any{"name": "Tagged cal"}, map[string]any{"name": "Tagged cal 2"}},
		{"/v1.0/me/contacts", map[string]any{"givenName": "Tag"}, map[string]any{"givenName": "Tag2"}},
		{"/v1.0/me/contactFolders", map[string]any{"displayName": "Tagged"}, map[string]any{"displayName": "Tagged 2"}},
	} {
		st, obj, _ := e.call("POST", c.coll, tok, c.create, nil)
		tag, _ := obj["@odata.etag"].(string)
		if st != 201 || tag == "" {
			t.Fatalf("%s: create %d, etag %q: %v", c.coll, st, tag, obj)
		}
		path := c.coll + "/" + obj["id"].(string)
		if st, out, _ := e.call("PATCH", path, tok, c.change, map[string]string{"If-Match": tag}); st != 200 || out["@odata.etag"] == tag {
			t.Fatalf("%s: patch with the current tag: %d %v", c.coll, st, out)
		}
		st, out, _ := e.call("PATCH", path, tok, c.create, map[string]string{"If-Match": tag})
		if st != 412 || errCode(out) != "ErrorIrresolvableConflict" {
			t.Errorf("%s: patch with a stale tag: %d %v", c.coll, st, out)
		}
		if st, _, _ := e.call("DELETE", path, tok, nil, map[string]string{"If-Match": tag}); st != 412 {
			t.Errorf("%s: delete with a stale tag: %d", c.coll, st)
		}
		if _, got, _ := e.call("GET", path, tok, nil, nil); got["id"] != obj["id"] || (got["subject"] != nil && got["subject"] != "E2") {
			t.Errorf("%s: after stale writes: %v", c.coll, got)
		}
		if st, _, _ := e.call("DELETE", path, tok, nil, map[string]string{"If-Match": "*"}); st != 204 {
			t.Errorf("%s: delete with *: %d", c.coll, st)
		}
	}
}

// TestCalendarSchemaBodies: a calendar body is checked against Graph's
// schema: every calendarColor member (maxColor included) in any case, a
// name that is non-empty and unique among the user's calendars.
func TestCalendarSchemaBodies(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.ReadWrite")
	st, c, _ := e.call("POST", "/v1.0/me/calendars", tok, map[string]any{"name": "Colours", "color": "MAXCOLOR"}, nil)
	if st != 201 || c["color"] != "maxColor" {
		t.Fatalf("create with maxColor: %d %v", st, c)
	}
	path := "/v1.0/me/calendars/" + c["id"].(string)
	for _, x := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"name": " "}, 400},
		{map[string]any{"name": "calendar"}, 409},
		{map[string]any{"color": "purple"}, 400},
		{map[string]any{"hexColor": "#ffffff", "isDefaultCalendar": true, "name": "Colours 2"}, 200},
	} {
		if st, out, _ := e.call("PATCH", path, tok, x.body, nil); st != x.want {
			t.Errorf("PATCH %v: %d %v, want %d", x.body, st, out, x.want)
		}
	}
}
