// Command inboxwatch is a small agent: it watches a mailbox through a
// Microsoft Graph change-notification subscription and posts a summary of
// the mail that arrives to a Teams channel.
//
//	go run ./examples/inboxwatch
//
// runs it against an offline sandbox tenant: it signs in as Adele Vance,
// subscribes to her inbox with a webhook on loopback (msgraph's
// NotificationHandler answers Graph's validation request and checks the
// clientState of every notification), has Alex Wilber send her a few
// messages, reads each one the notifications name, and posts one summary to
// the Product Team's General channel. Against a real tenant the webhook
// must be an HTTPS URL Microsoft can reach, and the client's token comes
// from authsome (account.Open, or the broker).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/sandbox"
)

func main() {
	n := flag.Int("messages", 3, "how many messages the demo sends to the watched inbox")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, *n); err != nil {
		log.Fatal(err)
	}
}

// run starts a sandbox tenant, watches Adele's inbox while n messages
// arrive, and posts their summary to the Product Team's General channel.
func run(ctx context.Context, out io.Writer, n int) error {
	s, err := sandbox.New(sandbox.Options{PlainHTTP: true})
	if err != nil {
		return err
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer s.Close()
	users := sandbox.Users()
	adele, err := signIn(ctx, s, users[0], "Mail.Read", "Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Send")
	if err != nil {
		return err
	}
	alex, err := signIn(ctx, s, users[1], "Mail.Send")
	if err != nil {
		return err
	}
	w, err := startWatch(ctx, adele, "me/mailFolders('inbox')/messages", s.Now().Add(time.Hour))
	if err != nil {
		return err
	}
	defer w.stop(ctx)
	fmt.Fprintf(out, "watching %s's inbox (subscription %s)\n", users[0].DisplayName, w.sub.ID)

	for i := range n {
		msg := &msgraph.Message{Subject: fmt.Sprintf("Status update %d", i+1), Body: msgraph.TextBody(fmt.Sprintf("Item %d is on track.", i+1)),
			ToRecipients: []msgraph.Recipient{{EmailAddress: msgraph.EmailAddress{Address: users[0].Mail}}}}
		if _, err := alex.Mail.SendMail(ctx, "me", msg, true); err != nil {
			return err
		}
	}
	lines, err := w.summarize(ctx, n)
	if err != nil {
		return err
	}
	posted, err := postToChannel(ctx, adele, "Product Team", "General", lines)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "posted a summary of %d new messages to Product Team > General (message %s):\n", len(lines), posted.ID)
	for _, l := range lines {
		fmt.Fprintln(out, " -", l)
	}
	return nil
}

// signIn returns a Graph client signed in to the sandbox as u.
func signIn(ctx context.Context, s *sandbox.Server, u sandbox.User, scopes ...string) (*msgraph.Client, error) {
	cfg := oauth2.Config{ClientID: sandbox.PublicClientID, Scopes: scopes,
		Endpoint: oauth2.Endpoint{TokenURL: s.URL() + "/organizations/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams}}
	tok, err := cfg.PasswordCredentialsToken(ctx, u.UserPrincipalName, u.Password)
	if err != nil {
		return nil, fmt.Errorf("signing in as %s: %w", u.UserPrincipalName, err)
	}
	return msgraph.NewClient(cfg.Client(ctx, tok), msgraph.WithBaseURL(s.URL()))
}

// watch is a subscription and the webhook it delivers to.
type watch struct {
	c     *msgraph.Client
	sub   *msgraph.Subscription
	srv   *http.Server
	notes chan msgraph.ChangeNotification
}

// startWatch serves a webhook on loopback and subscribes it to resource's
// new items until expires.
func startWatch(ctx context.Context, c *msgraph.Client, resource string, expires time.Time) (*watch, error) {
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	state := hex.EncodeToString(secret)
	w := &watch{c: c, notes: make(chan msgraph.ChangeNotification, 100)}
	w.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: msgraph.NotificationHandler(state, func(ns []msgraph.ChangeNotification) {
		for _, n := range ns {
			w.notes <- n // the channel's room is the backlog the agent accepts
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = w.srv.Serve(ln) }()
	w.sub, _, err = c.Subscriptions.Create(ctx, &msgraph.Subscription{Resource: resource, ChangeType: "created",
		NotificationURL: "http://" + ln.Addr().String() + "/notify", ClientState: state, ExpirationDateTime: expires})
	if err != nil {
		_ = w.srv.Close()
		return nil, fmt.Errorf("subscribing to %s: %w", resource, err)
	}
	return w, nil
}

// stop ends the subscription and the webhook.
func (w *watch) stop(ctx context.Context) {
	_, _ = w.c.Subscriptions.Delete(ctx, w.sub.ID)
	_ = w.srv.Close()
}

// summarize reads the messages of the next n notifications: one line each,
// sender and subject.
func (w *watch) summarize(ctx context.Context, n int) ([]string, error) {
	var lines []string
	for len(lines) < n {
		select {
		case <-ctx.Done():
			return lines, fmt.Errorf("waiting for notifications (%d of %d came): %w", len(lines), n, ctx.Err())
		case note := <-w.notes:
			msg, _, err := w.c.Mail.GetMessage(ctx, "me", note.ResourceData.ID, &msgraph.GetMessageOptions{GetOptions: msgraph.GetOptions{Select: []string{"subject", "from"}}})
			if err != nil {
				return lines, fmt.Errorf("reading the message a notification names: %w", err)
			}
			lines = append(lines, msg.From.EmailAddress.String()+": "+msg.Subject)
		}
	}
	return lines, nil
}

// postToChannel posts lines as a list to a channel of one of the user's
// teams, both found by name.
func postToChannel(ctx context.Context, c *msgraph.Client, team, channel string, lines []string) (*msgraph.ChatMessage, error) {
	teams, _, err := c.Teams.ListJoinedTeams(ctx, "me", nil)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		if t.DisplayName != team {
			continue
		}
		channels, _, err := c.Teams.ListChannels(ctx, t.ID, nil)
		if err != nil {
			return nil, err
		}
		for _, ch := range channels {
			if ch.DisplayName == channel {
				var b strings.Builder
				b.WriteString("<p>New mail:</p><ul>")
				for _, l := range lines {
					b.WriteString("<li>" + html.EscapeString(l) + "</li>")
				}
				b.WriteString("</ul>")
				msg, _, err := c.Teams.SendChannelMessage(ctx, t.ID, ch.ID, msgraph.HTMLBody(b.String()))
				return msg, err
			}
		}
	}
	return nil, errors.New("no channel " + channel + " in a team " + team + " of the signed-in user")
}
