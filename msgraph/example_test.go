package msgraph_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/sandbox"
)

// sandboxClient starts an offline sandbox and returns an HTTP client signed
// in as its first user (in a program: account.Open, or broker.HTTPClient).
func sandboxClient(ctx context.Context) (*sandbox.Server, *http.Client) {
	s, err := sandbox.New(sandbox.Options{PlainHTTP: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	u := sandbox.Users()[0]
	cfg := oauth2.Config{ClientID: sandbox.PublicClientID, Scopes: []string{"User.Read", "Mail.ReadWrite", "Mail.Send"},
		Endpoint: oauth2.Endpoint{TokenURL: s.URL() + "/organizations/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams}}
	tok, err := cfg.PasswordCredentialsToken(ctx, u.UserPrincipalName, u.Password)
	if err != nil {
		log.Fatal(err)
	}
	return s, cfg.Client(ctx, tok)
}

func Example() {
	ctx := context.Background()
	s, hc := sandboxClient(ctx)
	defer s.Close()

	client, err := msgraph.NewClient(hc, msgraph.WithBaseURL(s.URL()))
	if err != nil {
		log.Fatal(err)
	}
	me, _, err := client.Users.Me(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", me.DisplayName)

	inbox, _, err := client.Mail.GetFolder(ctx, "me", msgraph.FolderInbox, nil)
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range client.Mail.ListMessagesIter(ctx, "me", &msgraph.ListMessagesOptions{
		Folder:      msgraph.FolderInbox,
		ListOptions: msgraph.ListOptions{Select: []string{"subject"}, Top: 10},
	}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println("every inbox message listed:", n == inbox.TotalItemCount)

	_, _, err = client.Mail.GetMessage(ctx, "me", "AAMkAGnotthere", nil)
	fmt.Println("not found:", msgraph.IsNotFound(err))
	// Output:
	// signed in as Adele Vance
	// every inbox message listed: true
	// not found: true
}

func ExampleClient_Batch() {
	ctx := context.Background()
	s, hc := sandboxClient(ctx)
	defer s.Close()
	client, err := msgraph.NewClient(hc, msgraph.WithBaseURL(s.URL()))
	if err != nil {
		log.Fatal(err)
	}
	resps, _, err := client.Batch(ctx, []msgraph.BatchRequest{
		{ID: "me", Method: "GET", URL: "/me?$select=displayName"},
		{ID: "inbox", Method: "GET", URL: "/me/mailFolders/inbox?$select=displayName"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range resps {
		var v struct{ DisplayName string }
		if err := r.Decode(&v); err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.ID, r.Status, v.DisplayName)
	}
	// Output:
	// me 200 Adele Vance
	// inbox 200 Inbox
}
