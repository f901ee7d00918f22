package msgraph

import (
	"slices"
	"strings"
	"testing"
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
