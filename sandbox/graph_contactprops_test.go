package sandbox

import (
	"net/url"
	"testing"
)

// TestContactExtendedProperties: a contact keeps the extended properties a
// create gives, merges an update's by id and returns them through $expand
// with a $filter on id; every member the schema defines is stored, nested
// unknown ones are refused.
func TestContactExtendedProperties(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Contacts.ReadWrite")
	const prop = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name crm"
	st, c, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"givenName": "Ext", "surname": "Prop",
		"homeAddress":                   map[string]any{"city": "Brno", "street": "Main 1"},
		"emailAddresses":                []any{map[string]any{"address": "ext@fabrikam.com"}},
		"singleValueExtendedProperties": []any{map[string]any{"id": prop, "value": "42"}}}, nil)
	if st != 201 || c["displayName"] != "Ext Prop" || field(c, "homeAddress", "street") != "Main 1" {
		t.Fatalf("create: %d %v", st, c)
	}
	id := c["id"].(string)
	if st, out, _ := e.call("PATCH", "/v1.0/me/contacts/"+id, tok, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": prop, "value": "43"}},
		"multiValueExtendedProperties":  []any{map[string]any{"id": "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name tags", "value": []string{"x"}}},
	}, nil); st != 200 {
		t.Fatalf("patch: %d %v", st, out)
	}
	st, got, _ := e.call("GET", "/v1.0/me/contacts/"+id+"?$select=primaryEmailAddress&$expand="+url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+prop+"')"), tok, nil, nil)
	svep, _ := got["singleValueExtendedProperties"].([]any)
	if st != 200 || len(svep) != 1 || field(svep[0].(map[string]any), "value") != "43" || field(got, "primaryEmailAddress", "address") != "ext@fabrikam.com" {
		t.Fatalf("$expand after merge: %d %v", st, got)
	}
	if st, out, _ := e.call("GET", "/v1.0/me/contacts/"+id+"?$expand=multiValueExtendedProperties", tok, nil, nil); st != 400 {
		t.Errorf("$expand without $filter: %d %v", st, out)
	}
	if st, out, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"givenName": "X", "homeAddress": map[string]any{"planet": "Mars"}}, nil); st != 400 || errCode(out) != "RequestBodyRead" {
		t.Errorf("unknown member of homeAddress: %d %v", st, out)
	}
	if st, out, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"emailAddresses": []any{map[string]any{"name": "no address"}}}, nil); st != 400 {
		t.Errorf("email address without address: %d %v", st, out)
	}
}

// TestOutlookExpand: navigation properties expand inline on lists and
// single items: attachments (none in the sandbox) and the calendar of
// events, the events of a calendar, the contacts of a contact folder.
func TestOutlookExpand(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Calendars.Read Contacts.Read")
	_, list, _ := e.call("GET", "/v1.0/me/events?$top=3&$expand=attachments", tok, nil, nil)
	evs := values(t, list)
	if len(evs) == 0 {
		t.Fatalf("events: %v", list)
	}
	for _, ev := range evs {
		if a, ok := ev["attachments"].([]any); !ok || len(a) != 0 {
			t.Errorf("event without an empty attachments collection: %v", ev)
		}
	}
	st, ev, _ := e.call("GET", "/v1.0/me/events/"+evs[0]["id"].(string)+"?$expand=calendar", tok, nil, nil)
	if st != 200 || field(ev, "calendar", "id") == nil {
		t.Errorf("$expand=calendar: %d %v", st, ev)
	}
	st, cal, _ := e.call("GET", "/v1.0/me/calendar?$expand=events", tok, nil, nil)
	if es, _ := cal["events"].([]any); st != 200 || len(es) == 0 {
		t.Errorf("calendar $expand=events: %d %v", st, cal)
	}
	_, folders, _ := e.call("GET", "/v1.0/me/contactFolders", tok, nil, nil)
	f := values(t, folders)[0]
	st, fo, _ := e.call("GET", "/v1.0/me/contactFolders/"+f["id"].(string)+"?$expand=contacts", tok, nil, nil)
	if cs, _ := fo["contacts"].([]any); st != 200 || len(cs) == 0 || fo["@odata.etag"] == nil {
		t.Errorf("contact folder $expand=contacts: %d %v", st, fo)
	}
}
