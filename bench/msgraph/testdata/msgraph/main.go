// Command msgraph lists the signed-in user's messages with authsome's msgraph
// package: what bench/msgraph measures the build cost of.
//
//	GRAPH_URL=https://graph.microsoft.com GRAPH_TOKEN=... msgraph
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// bearer adds the access token to every request.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

func main() {
	base := os.Getenv("GRAPH_URL")
	if base == "" {
		base = msgraph.GlobalURL
	}
	c, err := msgraph.NewClient(&http.Client{Transport: bearer(os.Getenv("GRAPH_TOKEN"))}, msgraph.WithBaseURL(base))
	if err != nil {
		fail(err)
	}
	opts := &msgraph.ListMessagesOptions{ListOptions: msgraph.ListOptions{Top: 100}}
	for m, err := range c.Mail.ListMessagesIter(context.Background(), "me", opts) {
		if err != nil {
			fail(err)
		}
		fmt.Printf("%s\t%s\t%s\n", m.ReceivedDateTime.Format(time.RFC3339), m.From.EmailAddress.Address, m.Subject)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "msgraph:", err)
	os.Exit(1)
}
