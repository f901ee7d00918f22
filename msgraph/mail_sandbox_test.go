package msgraph

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/sandbox"
)

// clientAs returns a client signed in to the sandbox s as user.
func clientAs(t *testing.T, s *sandbox.Server, user sandbox.User, scopes ...string) *Client {
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
	c, err := NewClient(hc, WithBaseURL(s.URL()), WithPreAuthClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	return c
}

const mailScopes = "Mail.ReadWrite Mail.Send User.Read"

func TestSandboxMailFoldersAndQueries(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	var names []string
	for f, err := range c.Mail.ListFoldersIter(ctx, "me", "", &ListOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.DisplayName)
	}
	for _, want := range []string{"Inbox", "Drafts", "Sent Items", "Deleted Items"} {
		if !slices.Contains(names, want) {
			t.Errorf("folders %v lack %q", names, want)
		}
	}
	inbox, _, err := c.Mail.GetFolder(ctx, "me", FolderInbox, nil)
	if err != nil || inbox.DisplayName != "Inbox" || inbox.TotalItemCount == 0 {
		t.Fatalf("inbox: %+v %v", inbox, err)
	}
	var unread []*Message
	for m, err := range c.Mail.ListMessagesIter(ctx, "me", &ListMessagesOptions{Folder: FolderInbox,
		// Exchange: the $orderby properties come first in the $filter, in the same order.
		ListOptions: ListOptions{Filter: "receivedDateTime ge 2000-01-01T00:00:00Z and isRead eq false", OrderBy: []string{"receivedDateTime desc"}, Top: 4}}) {
		if err != nil {
			t.Fatal(err)
		}
		unread = append(unread, m)
	}
	if len(unread) != inbox.UnreadItemCount {
		t.Errorf("%d unread messages listed, inbox says %d", len(unread), inbox.UnreadItemCount)
	}
	for i, m := range unread {
		if m.IsRead || m.ParentFolderID != inbox.ID || i > 0 && m.ReceivedDateTime.After(unread[i-1].ReceivedDateTime) {
			t.Fatalf("message %d: read %v, folder %s, order broken", i, m.IsRead, m.ParentFolderID)
		}
	}
	page, resp, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{Folder: FolderInbox, BodyType: "text",
		ListOptions: ListOptions{Top: 1, Count: true, Select: []string{"subject", "body"}}})
	if err != nil || len(page) != 1 || resp.Count != int64(inbox.TotalItemCount) || page[0].Body.ContentType != "text" ||
		strings.Contains(page[0].Body.Content, "<") || page[0].From.EmailAddress.Address != "" {
		t.Errorf("$count/$select/text body: %+v count %d %v", page, resp.Count, err)
	}
	if _, _, err := c.Mail.ListMessages(ctx, "me", &ListMessagesOptions{ListOptions: ListOptions{Filter: "subject eq"}}); StatusCode(err) != 400 {
		t.Errorf("bad $filter: %v", err)
	}
}

func TestSandboxMailRoundTrip(t *testing.T) {
	adele, s, _ := onSandbox(t, strings.Fields(mailScopes)...)
	alexUser := sandbox.Users()[1]
	alex := clientAs(t, s, alexUser, strings.Fields(mailScopes)...)
	ctx := t.Context()

	to, err := Recipients(alexUser.DisplayName + " <" + alexUser.Mail + ">")
	if err != nil {
		t.Fatal(err)
	}
	draft, _, err := adele.Mail.CreateDraft(ctx, "me", &Message{Subject: "Numbers for Q3", Body: TextBody("See attached."), ToRecipients: to})
	if err != nil || !draft.IsDraft || draft.ID == "" {
		t.Fatalf("CreateDraft: %+v %v", draft, err)
	}
	if _, _, err := adele.Mail.UpdateMessage(ctx, "me", draft.ID, &MessageUpdate{Subject: Ptr("Numbers for Q3 (final)"), Importance: Ptr("high")}); err != nil {
		t.Fatal(err)
	}
	csv := []byte("region,sales\nnorth,12\nsouth,30\n")
	att, _, err := adele.Mail.AddFileAttachment(ctx, "me", draft.ID, "q3.csv", "text/csv", csv)
	if err != nil || att.ID == "" || att.Size == 0 {
		t.Fatalf("AddFileAttachment: %+v %v", att, err)
	}
	var raw bytes.Buffer
	if _, err := adele.Mail.DownloadAttachment(ctx, "me", draft.ID, att.ID, &raw); err != nil || !bytes.Equal(raw.Bytes(), csv) {
		t.Fatalf("DownloadAttachment: %q %v", raw.Bytes(), err)
	}
	if _, err := adele.Mail.SendDraft(ctx, "me", draft.ID); err != nil {
		t.Fatal(err)
	}

	got, _, err := alex.Mail.ListMessages(ctx, "me", &ListMessagesOptions{Folder: FolderInbox,
		ListOptions: ListOptions{Filter: "subject eq 'Numbers for Q3 (final)'", Expand: []string{"attachments"}}})
	if err != nil || len(got) != 1 {
		t.Fatalf("recipient's inbox: %d messages, %v", len(got), err)
	}
	m := got[0]
	if m.Importance != "high" || !m.HasAttachments || len(m.Attachments) != 1 || !bytes.Equal(m.Attachments[0].ContentBytes, csv) ||
		!strings.EqualFold(m.From.EmailAddress.Address, sandbox.Users()[0].Mail) {
		t.Errorf("received message: %+v", m)
	}
	sent, _, err := adele.Mail.ListMessages(ctx, "me", &ListMessagesOptions{Folder: FolderSentItems,
		ListOptions: ListOptions{Filter: "subject eq 'Numbers for Q3 (final)'"}})
	if err != nil || len(sent) != 1 {
		t.Errorf("sender's sent items: %d, %v", len(sent), err)
	}

	if _, err := alex.Mail.Reply(ctx, "me", m.ID, "Thanks!"); err != nil {
		t.Fatal(err)
	}
	replies, _, err := adele.Mail.ListMessages(ctx, "me", &ListMessagesOptions{Folder: FolderInbox,
		ListOptions: ListOptions{Filter: "conversationId eq '" + m.ConversationID + "'"}})
	if err != nil || len(replies) != 1 || !strings.HasPrefix(strings.ToUpper(replies[0].Subject), "RE:") {
		t.Errorf("reply in sender's inbox: %+v %v", replies, err)
	}

	archive, _, err := alex.Mail.CreateFolder(ctx, "me", FolderInbox, "Finance")
	if err != nil {
		t.Fatal(err)
	}
	moved, _, err := alex.Mail.MoveMessage(ctx, "me", m.ID, archive.ID)
	if err != nil || moved.ParentFolderID != archive.ID {
		t.Fatalf("MoveMessage: %+v %v", moved, err)
	}
	if _, _, err := alex.Mail.GetMessage(ctx, "me", m.ID, nil); moved.ID != m.ID && !IsNotFound(err) {
		t.Errorf("old id after a move: %v", err)
	}
	if _, err := alex.Mail.DeleteMessage(ctx, "me", moved.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := alex.Mail.GetMessage(ctx, "me", moved.ID, nil); !IsNotFound(err) {
		t.Errorf("deleted message: %v", err)
	}
}

func TestSandboxMailDeltaAndBatch(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	all, linkResp, err := c.Mail.MessagesDelta(ctx, "me", FolderInbox, &DeltaOptions{PageSize: 5, Select: []string{"subject", "isRead"}})
	link := deltaLinkOf(linkResp)
	if err != nil || link == "" || len(all) == 0 {
		t.Fatalf("first round: %d, %q, %v", len(all), link, err)
	}
	inbox, _, _ := c.Mail.GetFolder(ctx, "me", FolderInbox, nil)
	if len(all) != inbox.TotalItemCount {
		t.Errorf("first round returned %d messages, inbox holds %d", len(all), inbox.TotalItemCount)
	}
	changed, gone := all[0], all[1]
	if _, err := c.Mail.MarkRead(ctx, "me", changed.ID, !changed.IsRead); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mail.DeleteMessage(ctx, "me", gone.ID); err != nil {
		t.Fatal(err)
	}
	delta, link2Resp, err := c.Mail.MessagesDelta(ctx, "me", FolderInbox, &DeltaOptions{Link: link})
	link2 := deltaLinkOf(link2Resp)
	if err != nil || link2 == "" || link2 == link {
		t.Fatalf("second round: %v %q", err, link2)
	}
	seen := map[string]*Message{}
	for _, m := range delta {
		seen[m.ID] = m
	}
	if m := seen[changed.ID]; m == nil || m.Removed != nil || m.IsRead == changed.IsRead {
		t.Errorf("changed message in the delta: %+v", m)
	}
	if m := seen[gone.ID]; m == nil || m.Removed == nil {
		t.Errorf("deleted message in the delta: %+v", m)
	}
	if len(delta) != 2 {
		t.Errorf("second round returned %d items, want the 2 changes", len(delta))
	}

	resps, _, err := c.Batch(ctx, []BatchRequest{
		{Method: "GET", URL: "/me/mailFolders/inbox"},
		{Method: "GET", URL: "/me/messages/AAMkAGnope"},
		{Method: "PATCH", URL: "/me/messages/" + escapeSegment(changed.ID), Body: map[string]bool{"isRead": changed.IsRead}, DependsOn: []string{"1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var f MailFolder
	if err := resps[0].Decode(&f); err != nil || f.ID != inbox.ID {
		t.Errorf("batch folder: %+v %v", f, err)
	}
	if !IsNotFound(resps[1].Err()) || resps[2].Status != 200 {
		t.Errorf("batch statuses %d %d", resps[1].Status, resps[2].Status)
	}
}
