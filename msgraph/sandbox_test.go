package msgraph

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox"
)

// onSandbox starts an in-process sandbox (plain HTTP on loopback) and returns
// a client signed in as the first seeded user with the given scopes, and the
// sandbox. Waits for Retry-After are recorded, not slept.
func onSandbox(t *testing.T, scopes ...string) (*Client, *sandbox.Server, *[]time.Duration) {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{PlainHTTP: true, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := signIn(t, s, sandbox.Users()[0], scopes...)
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error { *waits = append(*waits, d); return ctx.Err() }
	return c, s, waits
}

// signIn returns a client of s signed in as user with the given scopes.
func signIn(t *testing.T, s *sandbox.Server, user sandbox.User, scopes ...string) *Client {
	t.Helper()
	cfg := oauth2.Config{
		ClientID: sandbox.PublicClientID,
		Endpoint: oauth2.Endpoint{TokenURL: s.URL() + "/" + sandbox.TenantID + "/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   append(scopes, "offline_access"),
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, s.Client())
	tok, err := cfg.PasswordCredentialsToken(ctx, user.UserPrincipalName, user.Password)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &oauth2.Transport{Source: cfg.TokenSource(ctx, tok), Base: s.Client().Transport}}
	c, err := NewClient(hc, WithBaseURL(s.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSandboxUsers(t *testing.T) {
	// User.Read.All: Microsoft lists no smaller permission for a manager.
	c, _, _ := onSandbox(t, "User.Read", "User.Read.All")
	ctx := t.Context()
	seeded := sandbox.Users()
	me, resp, err := c.Users.Me(ctx, nil)
	if err != nil || me.ID != seeded[0].ID || me.UserPrincipalName != seeded[0].UserPrincipalName || me.DisplayName != seeded[0].DisplayName {
		t.Fatalf("Me: %+v %v", me, err)
	}
	if resp.RequestID == "" {
		t.Error("no request-id")
	}
	sel, _, err := c.Users.Get(ctx, seeded[1].UserPrincipalName, &GetOptions{Select: []string{"id", "jobTitle"}})
	if err != nil || sel.ID != seeded[1].ID || sel.JobTitle != seeded[1].JobTitle || sel.DisplayName != "" {
		t.Errorf("Get with $select: %+v %v", sel, err)
	}
	if mgr, _, err := c.Users.Manager(ctx, "me", nil); seeded[0].ManagerID != "" && (err != nil || mgr.ID != seeded[0].ManagerID) {
		t.Errorf("Manager: %+v %v", mgr, err)
	}
	var ids []string
	for u, err := range c.Users.ListIter(ctx, &ListUsersOptions{ListOptions{Top: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if len(ids) != len(seeded) {
		t.Errorf("ListIter over pages of 2: %d users, seeded %d", len(ids), len(seeded))
	}
	_, _, err = c.Users.Get(ctx, "nobody@contoso.sandbox", nil)
	var ge *Error
	if !errors.As(err, &ge) || !IsNotFound(err) || ge.Code == "" || ge.RequestID == "" {
		t.Errorf("unknown user: %v", err)
	}
}

func TestSandboxMessagesPaging(t *testing.T) {
	c, _, _ := onSandbox(t, "Mail.Read")
	ctx := t.Context()
	big, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Top: 1000}})
	if err != nil || len(big) < 3 {
		t.Fatalf("one big page: %d, %v", len(big), err)
	}
	var n int
	for m, err := range c.Mail.ListMessagesIter(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Top: 3}}) {
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != big[n].ID || m.Subject != big[n].Subject || !m.ReceivedDateTime.Equal(big[n].ReceivedDateTime) {
			t.Fatalf("item %d differs from the big page: %+v", n, m)
		}
		n++
	}
	if n != len(big) {
		t.Errorf("pages of 3 gave %d messages, one page %d", n, len(big))
	}
	m, _, err := c.Mail.GetMessage(ctx, "me", big[0].ID, nil)
	if err != nil || m.ID != big[0].ID || m.From.EmailAddress.Address == "" || m.Body.Content == "" || m.ReceivedDateTime.IsZero() {
		t.Errorf("GetMessage: %+v %v", m, err)
	}
	_, _, err = c.Mail.GetMessage(ctx, "me", "AAMkAGnotthere", nil)
	if !IsNotFound(err) {
		t.Errorf("unknown message: %v", err)
	}
}

func TestSandboxThrottling(t *testing.T) {
	c, s, waits := onSandbox(t, "Mail.Read")
	if _, err := s.AddFault(sandbox.Fault{Path: "^/v1.0/me/messages$", Status: 429, RetryAfter: 2, Count: 2}); err != nil {
		t.Fatal(err)
	}
	var events int
	c.notify = func(RetryEvent) { events++ }
	seen := &[]string{}
	c.client.Transport = recorder{c.client.Transport, seen}
	msgs, _, err := c.Mail.ListMessages(t.Context(), "me", nil)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("after two 429s: %v", err)
	}
	if len(*waits) != 2 || (*waits)[0] != 2*time.Second || (*waits)[1] != 2*time.Second || events != 2 {
		t.Errorf("waits %v, events %d; want two waits of the sandbox's Retry-After (2s)", *waits, events)
	}
	if sent := len(*seen); sent != 3 {
		t.Errorf("sandbox saw %d requests, want 3", sent)
	}

	if _, err := s.AddFault(sandbox.Fault{Path: "^/v1.0/me$", Status: 503}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Users.Me(t.Context(), nil)
	var te *ThrottleError
	if !errors.As(err, &te) || te.Attempts != 4 || te.Err.Code == "" {
		t.Errorf("persistent 503: %v", err)
	}
}

// recorder notes the path of every request it carries.
type recorder struct {
	base http.RoundTripper
	seen *[]string
}

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	*r.seen = append(*r.seen, req.URL.Path)
	return r.base.RoundTrip(req)
}

// TestSandboxConnectionReset: a GET whose connection the server cuts is sent
// again; a POST is not (it may have been carried out).
func TestSandboxConnectionReset(t *testing.T) {
	c, s, _ := onSandbox(t, "Mail.Read", "User.Read")
	if _, err := s.AddFault(sandbox.Fault{Path: "^/v1.0/me$", Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	var events []RetryEvent
	c.notify = func(e RetryEvent) { events = append(events, e) }
	me, _, err := c.Users.Me(t.Context(), nil)
	if err != nil || me.ID == "" || len(events) != 1 || events[0].NetErr == nil || events[0].Err != nil {
		t.Fatalf("GET after a reset: %v, events %+v", err, events)
	}
	if _, err := s.AddFault(sandbox.Fault{Path: "^/v1.0/me/sendMail$", Reset: true, Count: 1}); err != nil {
		t.Fatal(err)
	}
	events = nil
	if _, err := c.Mail.SendMail(t.Context(), "me", &Message{Subject: "x"}, false); err == nil || len(events) != 0 {
		t.Errorf("POST after a reset: %v, events %+v", err, events)
	}
}

// deltaLinkOf is the DeltaLink of a delta round's Response, "" without one.
func deltaLinkOf(r *Response) string {
	if r == nil {
		return ""
	}
	return r.DeltaLink
}

// written is the Written of a download's Response, 0 without one.
func written(r *Response) int64 {
	if r == nil {
		return 0
	}
	return r.Written
}
