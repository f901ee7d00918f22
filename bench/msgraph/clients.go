package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// Client names: the anchor and the client under test.
const (
	implPlain   = "net/http" // net/http + encoding/json into minimal structs: the anchor
	implMsgraph = "msgraph"  // authsome's msgraph package
)

// graphAPI is what the scenarios ask of a Graph client. Each method returns
// what the benchmark checks, so that a client that skips work fails the run.
type graphAPI interface {
	// Me gets /me and returns the user's id.
	Me(ctx context.Context) (string, error)
	// ListMessages pages through all of /me/messages with $top=top and
	// returns how many messages it saw.
	ListMessages(ctx context.Context, top int) (int, error)
	// Message gets /me/messages/{id} and returns the message's id.
	Message(ctx context.Context, id string) (string, error)
}

// plainClient is the anchor: what a careful program does with net/http and
// encoding/json alone. It decodes into structs holding the fields a
// mail-listing program would print, checks the status, reads each body to its
// end (keeping the connection), and follows @odata.nextLink.
type plainClient struct {
	hc   *http.Client
	base string // ends in "/v1.0/"
}

type plainUser struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
}

type plainMessage struct {
	ID               string    `json:"id"`
	Subject          string    `json:"subject"`
	ReceivedDateTime time.Time `json:"receivedDateTime"`
	IsRead           bool      `json:"isRead"`
	From             struct {
		EmailAddress struct {
			Name    string `json:"name"`
			Address string `json:"address"`
		} `json:"emailAddress"`
	} `json:"from"`
}

type plainPage struct {
	Value    []plainMessage `json:"value"`
	NextLink string         `json:"@odata.nextLink"`
}

func newPlainClient(hc *http.Client, sandboxURL string) *plainClient {
	return &plainClient{hc: hc, base: sandboxURL + "/v1.0/"}
}

func (p *plainClient) get(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return err
	}
	// Read what the decoder left (the end of a chunked body) so that the
	// connection goes back to the pool instead of being closed.
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (p *plainClient) Me(ctx context.Context) (string, error) {
	var u plainUser
	err := p.get(ctx, p.base+"me", &u)
	return u.ID, err
}

func (p *plainClient) ListMessages(ctx context.Context, top int) (int, error) {
	n := 0
	next := p.base + "me/messages?$top=" + strconv.Itoa(top)
	for next != "" {
		var pg plainPage
		if err := p.get(ctx, next, &pg); err != nil {
			return n, err
		}
		for i := range pg.Value {
			if pg.Value[i].ID == "" {
				return n, fmt.Errorf("GET %s: message without id", next)
			}
		}
		n += len(pg.Value)
		next = pg.NextLink
	}
	return n, nil
}

func (p *plainClient) Message(ctx context.Context, id string) (string, error) {
	var m plainMessage
	err := p.get(ctx, p.base+"me/messages/"+url.PathEscape(id), &m)
	return m.ID, err
}

// graphClient is authsome's msgraph, used as its documentation shows.
type graphClient struct{ c *msgraph.Client }

func newGraphClient(hc *http.Client, sandboxURL string) (*graphClient, error) {
	c, err := msgraph.NewClient(hc, msgraph.WithBaseURL(sandboxURL))
	if err != nil {
		return nil, err
	}
	return &graphClient{c}, nil
}

func (g *graphClient) Me(ctx context.Context) (string, error) {
	u, _, err := g.c.Users.Me(ctx, nil)
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

func (g *graphClient) ListMessages(ctx context.Context, top int) (int, error) {
	n := 0
	opts := &msgraph.ListMessagesOptions{ListOptions: msgraph.ListOptions{Top: top}}
	for m, err := range g.c.Mail.ListMessagesIter(ctx, "me", opts) {
		if err != nil {
			return n, err
		}
		if m.ID == "" {
			return n, fmt.Errorf("msgraph: message without id")
		}
		n++
	}
	return n, nil
}

func (g *graphClient) Message(ctx context.Context, id string) (string, error) {
	m, _, err := g.c.Mail.GetMessage(ctx, "me", id, nil)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}
