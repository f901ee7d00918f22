package msgraph_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// A filter built from a user's text: the apostrophes stay inside one
// string literal, so the text can neither break the request nor widen it.
func ExampleFilter() {
	ctx := context.Background()
	s, hc := sandboxClient(ctx)
	defer s.Close()
	client, err := msgraph.NewClient(hc, msgraph.WithBaseURL(s.URL()))
	if err != nil {
		log.Fatal(err)
	}
	userText := "O'Brien's report"
	if _, _, err := client.Mail.CreateDraft(ctx, "me", &msgraph.Message{Subject: userText}); err != nil {
		log.Fatal(err)
	}

	f := msgraph.And(msgraph.Eq("subject", userText), msgraph.Eq("isDraft", true))
	fmt.Println(f)
	msgs, _, err := client.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{
		ListOptions: msgraph.ListOptions{Filter: f.String(), Select: []string{"subject"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println(m.Subject)
	}
	// Output:
	// subject eq 'O''Brien''s report' and isDraft eq true
	// O'Brien's report
}

func ExampleAnd() {
	since := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	f := msgraph.And(
		msgraph.Ge("receivedDateTime", since),
		msgraph.Or(msgraph.Eq("importance", "high"), msgraph.Not(msgraph.Eq("isRead", true))),
	)
	fmt.Println(f)
	// Output:
	// receivedDateTime ge 2025-01-02T03:04:05Z and (importance eq 'high' or not (isRead eq true))
}

func ExampleAnyOf() {
	fmt.Println(msgraph.AnyOf("emailAddresses", "a", msgraph.Eq("a/address", "o'brien@contoso.com")))
	fmt.Println(msgraph.In("id", []string{"a1", "b'2"}...))
	fmt.Println(msgraph.Not(msgraph.StartsWith("displayName", "Test")))
	// Output:
	// emailAddresses/any(a:a/address eq 'o''brien@contoso.com')
	// id in ('a1','b''2')
	// not startswith(displayName,'Test')
}

func ExampleValidPath() {
	// A property name that comes from input is checked before it is used:
	// the Filter functions panic on anything but a property path.
	for _, p := range []string{"from/emailAddress/address", "subject eq 'x' or true"} {
		fmt.Println(p, msgraph.ValidPath(p))
	}
	// Output:
	// from/emailAddress/address true
	// subject eq 'x' or true false
}

// Search messages for text that holds double quotes: a KQL phrase here.
func ExampleSearchText() {
	ctx := context.Background()
	s, hc := sandboxClient(ctx)
	defer s.Close()
	client, err := msgraph.NewClient(hc, msgraph.WithBaseURL(s.URL()))
	if err != nil {
		log.Fatal(err)
	}
	if _, _, err := client.Mail.CreateDraft(ctx, "me", &msgraph.Message{Subject: `The "Falconer" plan`}); err != nil {
		log.Fatal(err)
	}

	search := msgraph.SearchText(`"Falconer" plan`)
	fmt.Println(search)
	msgs, _, err := client.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{
		ListOptions: msgraph.ListOptions{Search: search},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range msgs {
		fmt.Println(m.Subject)
	}
	// Output:
	// "\"Falconer\" plan"
	// The "Falconer" plan
}

func ExampleSearchProperty() {
	// $search over users: displayName or mail, for a text typed by a user.
	q := `Adele "AV"`
	fmt.Println(msgraph.SearchProperty("displayName", q) + " OR " + msgraph.SearchProperty("mail", q))
	// Output:
	// "displayName:Adele \"AV\"" OR "mail:Adele \"AV\""
}
