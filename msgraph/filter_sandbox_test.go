package msgraph

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
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

// TestSandboxFilterIn lists users and messages with In filters and gets
// back exactly the items whose property is one of the values.
func TestSandboxFilterIn(t *testing.T) {
	c, _, _ := onSandbox(t, append(strings.Fields(mailScopes), "User.Read.All")...)
	ctx := t.Context()
	seeded := sandbox.Users()
	userIDs := func(f Filter) []string {
		t.Helper()
		us, _, err := c.Users.List(ctx, &ListUsersOptions{ListOptions{Filter: f.String(), Select: []string{"id"}}})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.ID)
		}
		slices.Sort(out)
		return out
	}
	want := []string{seeded[1].ID, seeded[3].ID}
	slices.Sort(want)
	if got := userIDs(In("id", seeded[1].ID, seeded[3].ID, "00000000-0000-0000-0000-000000000000")); !slices.Equal(got, want) {
		t.Errorf("users by id: %v, want %v", got, want)
	}
	if got := userIDs(In("userPrincipalName", strings.ToUpper(seeded[2].UserPrincipalName), "nobody@contoso.sandbox")); !slices.Equal(got, []string{seeded[2].ID}) {
		t.Errorf("users by userPrincipalName: %v, want %s", got, seeded[2].ID)
	}
	if got := userIDs(Not(In("id", seeded[0].ID))); len(got) != len(seeded)-1 || slices.Contains(got, seeded[0].ID) {
		t.Errorf("users not by id: %v", got)
	}
	if got := userIDs(In[string]("id")); len(got) != 0 {
		t.Errorf("In with no values (false) matched %v", got)
	}
	// A directory object's id is an Edm.String: a GUID value is Graph's 400.
	g, err := ParseGUID(seeded[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Users.List(ctx, &ListUsersOptions{ListOptions{Filter: In("id", g).String()}})
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 400 || !strings.Contains(ge.Message, "Found operand types 'Edm.String' and 'Edm.Guid'") {
		t.Errorf("In(id, GUID): %v", err)
	}

	subjects := []string{"in-a", "in-b", "O'Brien in (x)", "in-c"}
	to := [][]string{{"adelev@contoso.sandbox"}, {"meganb@contoso.sandbox", "alexw@contoso.sandbox"}, nil, {"pattif@contoso.sandbox"}}
	ids := map[string]string{}
	for i, s := range subjects {
		m := &Message{Subject: s, Body: TextBody("in test")}
		for _, a := range to[i] {
			m.ToRecipients = append(m.ToRecipients, Recipient{EmailAddress: EmailAddress{Address: a}})
		}
		d, _, err := c.Mail.CreateDraft(ctx, "me", m)
		if err != nil {
			t.Fatalf("CreateDraft %q: %v", s, err)
		}
		ids[d.ID] = s
	}
	for _, tc := range []struct {
		f    Filter
		want []string
	}{
		{In("subject", "IN-A", "o'brien in (x)", "in-z"), []string{"in-a", "O'Brien in (x)"}},
		{And(In("subject", subjects...), Not(In("subject", "in-a", "in-b"))), []string{"O'Brien in (x)", "in-c"}},
		{And(In("subject", subjects...), AnyOf("toRecipients", "r", In("r/emailAddress/address", "MEGANB@contoso.sandbox", "pattif@contoso.sandbox"))), []string{"in-b", "in-c"}},
		{And(In("subject", subjects...), In("isDraft", true)), subjects},
	} {
		msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: tc.f.String(), Select: []string{"subject"}, Top: 100}})
		if err != nil {
			t.Fatalf("%s: %v", tc.f, err)
		}
		got := subjectsOf(msgs)
		for _, m := range msgs {
			if ids[m.ID] != m.Subject {
				t.Errorf("%s: message %s %q is not one of the drafts", tc.f, m.ID, m.Subject)
			}
		}
		slices.Sort(got)
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", tc.f, got, want)
		}
	}
}

// TestSandboxSearchQuoting searches messages for a phrase in double quotes
// and for a word holding a backslash.
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
	// A backslash, escaped by SearchText, is one backslash to Graph.
	slash, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: `back\slash note`, Body: TextBody("backslash search")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ search, want string }{
		{SearchText(`"Falconer" plan`), want.ID}, {`"Falconer" plan`, want.ID},
		{SearchText(`back\slash`), slash.ID}, {SearchText(`"back\slash" note`), slash.ID},
	} {
		msgs, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Search: tc.search}})
		if err != nil {
			t.Fatalf("$search %s: %v", tc.search, err)
		}
		if len(msgs) != 1 || msgs[0].ID != tc.want {
			t.Errorf("$search %s: got %v", tc.search, subjectsOf(msgs))
		}
	}
}

// TestSandboxSearchDirectory lists users with $search clauses from
// SearchProperty: a value holding a double quote and a backslash, and two
// clauses joined with OR, with $orderby and $count.
func TestSandboxSearchDirectory(t *testing.T) {
	c, _, _ := onSandbox(t, "User.ReadWrite.All")
	ctx := t.Context()
	enabled := true
	for i, name := range []string{`Dana "DJ" O'Neil`, "Dana DJ Smith", `Rowan back\slash`} {
		nick := fmt.Sprintf("search%d", i)
		_, _, err := c.Users.Create(ctx, &User{AccountEnabled: &enabled, DisplayName: name, MailNickname: nick,
			UserPrincipalName: nick + "@" + sandbox.TenantDomain, PasswordProfile: &PasswordProfile{Password: "Sandbox-Search-9!"}})
		if err != nil {
			t.Fatalf("Create %q: %v", name, err)
		}
	}
	names := func(opts ListOptions) []string {
		t.Helper()
		us, resp, err := c.Users.List(ctx, &ListUsersOptions{opts})
		if err != nil {
			t.Fatalf("$search %s: %v", opts.Search, err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.DisplayName)
		}
		if opts.Count && resp.Count != int64(len(out)) {
			t.Errorf("$search %s: count %d for %d users", opts.Search, resp.Count, len(out))
		}
		return out
	}
	for _, tc := range []struct {
		opts ListOptions
		want []string
	}{
		{ListOptions{Search: SearchProperty("displayName", `"DJ"`)}, []string{`Dana "DJ" O'Neil`}},
		{ListOptions{Search: SearchProperty("displayName", "dana dj")}, []string{`Dana "DJ" O'Neil`, "Dana DJ Smith"}},
		{ListOptions{Search: SearchProperty("displayName", `back\slash`)}, []string{`Rowan back\slash`}},
		{ListOptions{Search: SearchProperty("displayName", `"back\slash"`)}, nil},
		{ListOptions{Search: SearchProperty("displayName", "megan") + " OR " + SearchProperty("mail", "pattif"), OrderBy: []string{"displayName desc"}, Count: true},
			[]string{"Patti Fernandez", "Megan Bowen"}},
		{ListOptions{Search: SearchProperty("displayName", "dana") + " AND " + SearchProperty("userPrincipalName", "search1")}, []string{"Dana DJ Smith"}},
		// Without quotes, the client quotes the one clause.
		{ListOptions{Search: "displayName:rowan"}, []string{`Rowan back\slash`}},
	} {
		if got := names(tc.opts); !slices.Equal(got, tc.want) {
			t.Errorf("$search %s: %q, want %q", tc.opts.Search, got, tc.want)
		}
	}
	_, _, err := c.Users.List(ctx, &ListUsersOptions{ListOptions{Search: SearchProperty("jobTitle", "director")}})
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 400 || ge.Code != "Request_UnsupportedQuery" {
		t.Errorf("$search on jobTitle: %v", err)
	}
}

func subjectsOf(msgs []*Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Subject)
	}
	return out
}
