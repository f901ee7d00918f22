package msgraph

import (
	"slices"
	"strings"
	"testing"
)

// TestSandboxFilterQuoting lists messages by subjects that hold quotes and
// OData syntax, with filters from the builder, and gets back exactly the
// message each names.
func TestSandboxFilterQuoting(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	subjects := []string{"O'Brien's report", "O", "Brien's report", "x' or isRead eq false or subject eq 'y", "50%27 off", `back\slash`}
	ids := map[string]string{}
	for _, s := range subjects {
		m, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: s, Body: TextBody("filter test")})
		if err != nil {
			t.Fatalf("CreateDraft %q: %v", s, err)
		}
		ids[s] = m.ID
	}
	for _, s := range subjects {
		for _, f := range []Filter{Eq("subject", s), And(Eq("subject", s), Eq("isDraft", true)), Or(Eq("subject", s), Eq("subject", s+"'"))} {
			msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: f.String(), Select: []string{"subject"}}})
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(msgs) != 1 || msgs[0].ID != ids[s] || msgs[0].Subject != s {
				t.Errorf("%s: got %d messages %v", f, len(msgs), subjectsOf(msgs))
			}
		}
	}
	// A prefix holding a quote.
	msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: StartsWith("subject", "O'Brien").String()}})
	if err != nil || !slices.Equal(subjectsOf(msgs), []string{"O'Brien's report"}) {
		t.Errorf("startswith O'Brien: %v %v", subjectsOf(msgs), err)
	}
}

// TestSandboxSearchQuoting searches messages for a phrase in double quotes.
func TestSandboxSearchQuoting(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	want, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: `The "Falconer" plan`, Body: TextBody("quoted search")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: "The Falconer", Body: TextBody("no p-word")}); err != nil {
		t.Fatal(err)
	}
	for _, search := range []string{SearchText(`"Falconer" plan`), `"Falconer" plan`} {
		msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Search: search}})
		if err != nil {
			t.Fatalf("$search %s: %v", search, err)
		}
		if len(msgs) != 1 || msgs[0].ID != want.ID {
			t.Errorf("$search %s: got %v", search, subjectsOf(msgs))
		}
	}
}

func subjectsOf(msgs []*Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Subject)
	}
	return out
}
