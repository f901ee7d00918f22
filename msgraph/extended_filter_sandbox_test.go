package msgraph

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSandboxFilterExtended lists messages by their extended properties
// with HasExtended and HasMultiExtended, values holding quotes included.
func TestSandboxFilterExtended(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	const tags = "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags"
	for _, m := range []*Message{
		{Subject: "green", SingleValueExtendedProperties: []SingleValueExtendedProperty{{ID: color, Value: "Green"}}},
		{Subject: "quoted", SingleValueExtendedProperties: []SingleValueExtendedProperty{{ID: color, Value: "O'Green"}},
			MultiValueExtendedProperties: []MultiValueExtendedProperty{{ID: tags, Value: []string{"a", "b'c"}}}},
		{Subject: "plain"},
	} {
		if _, _, err := c.Mail.CreateDraft(ctx, "me", m); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		f    Filter
		want []string
	}{
		{HasExtended(color, "Green"), []string{"green"}},
		{HasExtended(color, "O'Green"), []string{"quoted"}},
		{HasExtended(color, "Green' or 1 eq 1"), nil},
		{HasMultiExtended(tags), []string{"quoted"}},
		{HasMultiExtended(tags, "b'c"), []string{"quoted"}},
		{HasMultiExtended(tags, "a", "z"), nil},
		{And(HasExtended(color, "Green"), Eq("isDraft", true)), []string{"green"}},
	} {
		msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: tc.f.String()}})
		if err != nil {
			t.Fatalf("%s: %v", tc.f, err)
		}
		if got := subjectsOf(msgs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

// TestSandboxFilterExtendedEventsContacts filters events and contacts by
// their extended properties.
func TestSandboxFilterExtendedEventsContacts(t *testing.T) {
	c, _, _ := onSandbox(t, "Calendars.ReadWrite", "Contacts.ReadWrite", "User.Read")
	ctx := t.Context()
	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	start := NewDateTimeTimeZone(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	end := NewDateTimeTimeZone(time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC))
	for _, ev := range []*Event{
		{Subject: "tagged", Start: start, End: end, SingleValueExtendedProperties: []SingleValueExtendedProperty{{ID: color, Value: "Blue"}}},
		{Subject: "untagged", Start: start, End: end},
	} {
		if _, _, err := c.Calendar.CreateEvent(ctx, "me", "", ev); err != nil {
			t.Fatal(err)
		}
	}
	evs, _, err := c.Calendar.ListEvents(ctx, "me", "", &ListEventsOptions{ListOptions: ListOptions{Filter: HasExtended(color, "Blue").String()}})
	if err != nil || len(evs) != 1 || evs[0].Subject != "tagged" || len(evs[0].SingleValueExtendedProperties) != 0 {
		t.Errorf("events with %s: %+v %v", color, evs, err)
	}
	if _, _, err := c.Contacts.CreateContact(ctx, "me", "", &Contact{GivenName: "Tagged",
		SingleValueExtendedProperties: []SingleValueExtendedProperty{{ID: color, Value: "Blue"}}}); err != nil {
		t.Fatal(err)
	}
	cs, _, err := c.Contacts.ListContacts(ctx, "me", "", &ListOptions{Filter: HasExtended(color, "Blue").String()})
	if err != nil || len(cs) != 1 || cs[0].GivenName != "Tagged" {
		t.Errorf("contacts with %s: %+v %v", color, cs, err)
	}
}
