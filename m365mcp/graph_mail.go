package m365mcp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

var summaryFields = []string{"id", "subject", "from", "receivedDateTime", "bodyPreview", "isRead", "flag", "hasAttachments", "importance"}

func summarize(m *msgraph.Message) MessageSummary {
	return MessageSummary{ID: m.ID, Subject: m.Subject, From: person(m.From.EmailAddress), Received: stamp(m.ReceivedDateTime),
		Preview: m.BodyPreview, IsRead: m.IsRead, Flag: flagOf(m.Flag), HasAttachments: m.HasAttachments, Importance: m.Importance}
}

func flagOf(f msgraph.FollowupFlag) string {
	if f.FlagStatus == "notFlagged" {
		return ""
	}
	return f.FlagStatus
}

func messageList(msgs []*msgraph.Message, cursor string) MessageList {
	out := MessageList{Messages: make([]MessageSummary, 0, len(msgs)), Cursor: cursor}
	for _, m := range msgs {
		out.Messages = append(out.Messages, summarize(m))
	}
	return out
}

// searchMail searches with $search (words, from:) or, without words, filters
// with $filter (sender, unread, date), each value a literal of the safe
// builders so that a model's text cannot change the query.
func (g *graph) searchMail(ctx context.Context, s *Server, in mailSearchIn) (MessageList, error) {
	lo := listOpts(in.Top, summaryFields...)
	if q := strings.TrimSpace(in.Query); q != "" {
		lo.Search = msgraph.SearchText(q)
		if in.From != "" {
			lo.Search = msgraph.SearchProperty("from", in.From) + " AND " + lo.Search
		}
	} else {
		since := time.Time{}
		if in.Since != "" {
			t, err := parseTime("since", in.Since, nil)
			if err != nil {
				return MessageList{}, err
			}
			since = t
		}
		fs := []msgraph.Filter{newestFirst(&lo, since)}
		if in.From != "" {
			fs = append(fs, msgraph.Eq("from/emailAddress/address", in.From))
		}
		if in.UnreadOnly {
			fs = append(fs, msgraph.Eq("isRead", false))
		}
		lo.Filter = msgraph.And(fs...).String()
	}
	msgs, cursor, err := page(ctx, s, "mail_search", in.Cursor, func() ([]*msgraph.Message, *msgraph.Response, error) {
		return g.c.Mail.ListMessages(ctx, me, &msgraph.ListMessagesOptions{ListOptions: lo})
	})
	return messageList(msgs, cursor), err
}

// newestFirst orders lo newest first and returns the filter on the received
// time (since, or any time) that must come first in a $filter that goes with
// that order (else Exchange answers InefficientFilter).
func newestFirst(lo *msgraph.ListOptions, since time.Time) msgraph.Filter {
	lo.OrderBy = []string{"receivedDateTime desc"}
	if since.IsZero() {
		since = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return msgraph.Ge("receivedDateTime", since)
}

func (g *graph) listMail(ctx context.Context, s *Server, in mailListIn) (MessageList, error) {
	lo := listOpts(in.Top, summaryFields...)
	if in.UnreadOnly {
		lo.Filter = msgraph.And(newestFirst(&lo, time.Time{}), msgraph.Eq("isRead", false)).String()
	} else {
		lo.OrderBy = []string{"receivedDateTime desc"}
	}
	folder := in.Folder
	if folder == "" {
		folder = msgraph.FolderInbox
	}
	msgs, cursor, err := page(ctx, s, "mail_list", in.Cursor, func() ([]*msgraph.Message, *msgraph.Response, error) {
		return g.c.Mail.ListMessages(ctx, me, &msgraph.ListMessagesOptions{ListOptions: lo, Folder: folder})
	})
	return messageList(msgs, cursor), err
}

func (g *graph) mailFolders(ctx context.Context) (MailFolders, error) {
	fs, _, err := g.c.Mail.ListFolders(ctx, me, "", &msgraph.ListOptions{Top: 50})
	out := MailFolders{Folders: []MailFolder{}}
	for _, f := range fs {
		out.Folders = append(out.Folders, MailFolder{ID: f.ID, Name: f.DisplayName, Unread: f.UnreadItemCount, Total: f.TotalItemCount})
	}
	return out, err
}

func (g *graph) readMail(ctx context.Context, in mailReadIn) (Message, error) {
	if in.ID == "" {
		return Message{}, badInput("id is required: take it from mail_search or mail_list")
	}
	m, _, err := g.c.Mail.GetMessage(ctx, me, in.ID, &msgraph.GetMessageOptions{BodyType: "text", GetOptions: msgraph.GetOptions{
		Select: []string{"id", "subject", "from", "toRecipients", "ccRecipients", "receivedDateTime", "isRead", "flag", "body", "conversationId", "hasAttachments"},
		Expand: []string{"attachments($select=name)"},
	}})
	if err != nil {
		return Message{}, err
	}
	body, cut := truncate(m.Body.Content, in.MaxChars)
	out := Message{ID: m.ID, Subject: m.Subject, From: person(m.From.EmailAddress), To: people(m.ToRecipients), Cc: people(m.CcRecipients),
		Received: stamp(m.ReceivedDateTime), IsRead: m.IsRead, Flag: flagOf(m.Flag), ConversationID: m.ConversationID, Body: body, Truncated: cut}
	for _, a := range m.Attachments {
		out.Attachments = append(out.Attachments, a.Name)
	}
	return out, nil
}

// truncate cuts s after max characters (0: defaultMaxChars).
func truncate(s string, max int) (string, bool) {
	if max <= 0 {
		max = defaultMaxChars
	}
	r := []rune(s)
	if len(r) <= max {
		return s, false
	}
	return string(r[:max]), true
}

func (g *graph) sendMail(ctx context.Context, in mailSendIn) (Done, error) {
	if len(in.To)+len(in.Cc)+len(in.Bcc) == 0 {
		return Done{}, badInput("to: give at least one recipient")
	}
	msg := &msgraph.Message{Subject: in.Subject, Body: msgraph.TextBody(in.Body)}
	var err error
	if msg.ToRecipients, err = recipients("to", in.To); err != nil {
		return Done{}, err
	}
	if msg.CcRecipients, err = recipients("cc", in.Cc); err != nil {
		return Done{}, err
	}
	if msg.BccRecipients, err = recipients("bcc", in.Bcc); err != nil {
		return Done{}, err
	}
	if _, err := g.c.Mail.SendMail(ctx, me, msg, true); err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: fmt.Sprintf("sent %q to %d recipient(s)", in.Subject, len(in.To)+len(in.Cc)+len(in.Bcc))}, nil
}

func (g *graph) replyMail(ctx context.Context, in mailReplyIn) (Done, error) {
	reply, what := g.c.Mail.Reply, "replied to"
	if in.ReplyAll {
		reply, what = g.c.Mail.ReplyAll, "replied to all of"
	}
	if _, err := reply(ctx, me, in.ID, in.Comment); err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: what + " message " + in.ID, ID: in.ID}, nil
}

func (g *graph) forwardMail(ctx context.Context, in mailForwardIn) (Done, error) {
	to, err := recipients("to", in.To)
	if err != nil {
		return Done{}, err
	}
	if len(to) == 0 {
		return Done{}, badInput("to: give at least one recipient")
	}
	if _, err := g.c.Mail.Forward(ctx, me, in.ID, in.Comment, to); err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: fmt.Sprintf("forwarded message %s to %d recipient(s)", in.ID, len(to)), ID: in.ID}, nil
}

func (g *graph) moveMail(ctx context.Context, in mailMoveIn) (Done, error) {
	if in.Folder == "" {
		return Done{}, badInput("folder is required")
	}
	m, _, err := g.c.Mail.MoveMessage(ctx, me, in.ID, in.Folder)
	if err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: "moved to " + in.Folder + "; the message's new id is in id", ID: m.ID}, nil
}

func (g *graph) flagMail(ctx context.Context, in mailFlagIn) (Done, error) {
	var upd msgraph.MessageUpdate
	switch in.Flag {
	case "":
	case "flagged", "complete", "notFlagged":
		upd.Flag = &msgraph.FollowupFlag{FlagStatus: in.Flag}
	default:
		return Done{}, badInput("flag %q: want flagged, complete or notFlagged", in.Flag)
	}
	upd.IsRead = in.Read
	if upd.Flag == nil && upd.IsRead == nil {
		return Done{}, badInput("give flag, read or both")
	}
	m, _, err := g.c.Mail.UpdateMessage(ctx, me, in.ID, &upd)
	if err != nil {
		return Done{}, err
	}
	return Done{Done: true, Summary: fmt.Sprintf("message is now read=%v flag=%s", m.IsRead, orNone(flagOf(m.Flag))), ID: m.ID}, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
