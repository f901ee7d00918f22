package m365mcp

import (
	"context"
	"fmt"
	"strings"
)

// Person is a name and an email address.
type Person struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
}

// MessageSummary is a message in a list: enough to choose one to read.
type MessageSummary struct {
	ID             string `json:"id" jsonschema:"the message id, for mail_read, mail_reply, mail_move, mail_flag"`
	Subject        string `json:"subject"`
	From           Person `json:"from"`
	Received       string `json:"received" jsonschema:"when it arrived, RFC 3339 UTC"`
	Preview        string `json:"preview,omitempty" jsonschema:"the start of the body"`
	IsRead         bool   `json:"isRead"`
	Flag           string `json:"flag,omitempty" jsonschema:"flagged or complete when set"`
	HasAttachments bool   `json:"hasAttachments,omitempty"`
	Importance     string `json:"importance,omitempty"`
}

// MessageList is a page of messages.
type MessageList struct {
	Messages []MessageSummary `json:"messages"`
	Cursor   string           `json:"cursor,omitempty" jsonschema:"pass back as cursor for the next page; absent on the last page"`
}

// Message is a message to read, its body as plain text.
type Message struct {
	ID             string   `json:"id"`
	Subject        string   `json:"subject"`
	From           Person   `json:"from"`
	To             []Person `json:"to"`
	Cc             []Person `json:"cc,omitempty"`
	Received       string   `json:"received"`
	IsRead         bool     `json:"isRead"`
	Flag           string   `json:"flag,omitempty"`
	Attachments    []string `json:"attachments,omitempty" jsonschema:"the names of the attachments"`
	ConversationID string   `json:"conversationId,omitempty"`
	Body           string   `json:"body" jsonschema:"the body as plain text"`
	Truncated      bool     `json:"truncated,omitempty" jsonschema:"the body was cut at maxChars"`
}

// Done is the result of a write that returns nothing else.
type Done struct {
	Done    bool   `json:"done"`
	Summary string `json:"summary" jsonschema:"what was done"`
	ID      string `json:"id,omitempty" jsonschema:"the id of the item, where it changed or was created"`
}

type mailSearchIn struct {
	Query      string `json:"query,omitempty" jsonschema:"words to find in subject, body and addresses (as typed, no syntax needed)"`
	From       string `json:"from,omitempty" jsonschema:"only messages from this address"`
	UnreadOnly bool   `json:"unreadOnly,omitempty" jsonschema:"only unread messages (ignored with query)"`
	Since      string `json:"since,omitempty" jsonschema:"only messages received since this date or time, ISO 8601 (ignored with query)"`
	Top        int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor     string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type mailListIn struct {
	Folder     string `json:"folder,omitempty" jsonschema:"inbox (default), drafts, sentitems, deleteditems, archive, junkemail, or a folder id from mail_folders"`
	UnreadOnly bool   `json:"unreadOnly,omitempty" jsonschema:"only unread messages"`
	Top        int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor     string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

// MailFolder is a mail folder.
type MailFolder struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Unread int    `json:"unread"`
	Total  int    `json:"total"`
}

// MailFolders are the top mail folders.
type MailFolders struct {
	Folders []MailFolder `json:"folders"`
}

type mailReadIn struct {
	ID       string `json:"id" jsonschema:"the message id"`
	MaxChars int    `json:"maxChars,omitempty" jsonschema:"cut the body after this many characters (default 20000)"`
}

type mailSendIn struct {
	To      []string `json:"to" jsonschema:"recipients: addresses, or Name <address>"`
	Cc      []string `json:"cc,omitempty"`
	Bcc     []string `json:"bcc,omitempty"`
	Subject string   `json:"subject"`
	Body    string   `json:"body" jsonschema:"the body as plain text"`
}

type mailReplyIn struct {
	ID       string `json:"id" jsonschema:"the message to reply to"`
	Comment  string `json:"comment" jsonschema:"the reply, plain text; the original is quoted below it"`
	ReplyAll bool   `json:"replyAll,omitempty" jsonschema:"reply to the sender and every recipient"`
}

type mailForwardIn struct {
	ID      string   `json:"id" jsonschema:"the message to forward"`
	To      []string `json:"to" jsonschema:"recipients: addresses, or Name <address>"`
	Comment string   `json:"comment,omitempty" jsonschema:"a note above the forwarded message"`
}

type mailMoveIn struct {
	ID     string `json:"id" jsonschema:"the message to move"`
	Folder string `json:"folder" jsonschema:"archive, deleteditems, inbox, junkemail, or a folder id from mail_folders"`
}

type mailFlagIn struct {
	ID   string `json:"id" jsonschema:"the message"`
	Flag string `json:"flag,omitempty" jsonschema:"flagged, complete or notFlagged; leave out to keep the flag"`
	Read *bool  `json:"read,omitempty" jsonschema:"mark the message read (true) or unread (false); leave out to keep it"`
}

const defaultMaxChars = 20000

func mailTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "mail_search", title: "Search mail", area: AreaMail,
			description: "Search the user's mailbox (all folders) by words, sender, unread state or date; newest first. Returns message summaries and a cursor for more."},
			nil, func(ctx context.Context, s *Server, in mailSearchIn) (MessageList, error) {
				return s.g.searchMail(ctx, s, in)
			}),
		newTool(toolSpec{name: "mail_list", title: "List a mail folder", area: AreaMail,
			description: "List the messages of one mail folder (the inbox by default), newest first."},
			nil, func(ctx context.Context, s *Server, in mailListIn) (MessageList, error) {
				return s.g.listMail(ctx, s, in)
			}),
		newTool(toolSpec{name: "mail_folders", title: "List mail folders", area: AreaMail,
			description: "List the user's top-level mail folders with their ids and unread counts."},
			nil, func(ctx context.Context, s *Server, _ struct{}) (MailFolders, error) { return s.g.mailFolders(ctx) }),
		newTool(toolSpec{name: "mail_read", title: "Read a message", area: AreaMail,
			description: "Read one message: sender, recipients, attachment names and the body as plain text."},
			nil, func(ctx context.Context, s *Server, in mailReadIn) (Message, error) { return s.g.readMail(ctx, in) }),
		newTool(toolSpec{name: "mail_send", title: "Send a message", area: AreaMail, write: true, destructive: true,
			description: "Send a new plain-text email from the user's mailbox (a copy is kept in Sent Items)."},
			func(in mailSendIn) string {
				return fmt.Sprintf("Send %q to %s.", in.Subject, strings.Join(append(append(in.To, in.Cc...), in.Bcc...), ", "))
			},
			func(ctx context.Context, s *Server, in mailSendIn) (Done, error) { return s.g.sendMail(ctx, in) }),
		newTool(toolSpec{name: "mail_reply", title: "Reply to a message", area: AreaMail, write: true, destructive: true,
			description: "Reply to a message (or to all its recipients) with a plain-text comment; the reply is sent at once."},
			func(in mailReplyIn) string { return fmt.Sprintf("Reply to message %s: %q.", in.ID, in.Comment) },
			func(ctx context.Context, s *Server, in mailReplyIn) (Done, error) { return s.g.replyMail(ctx, in) }),
		newTool(toolSpec{name: "mail_forward", title: "Forward a message", area: AreaMail, write: true, destructive: true,
			description: "Forward a message to new recipients with an optional comment; it is sent at once."},
			func(in mailForwardIn) string {
				return fmt.Sprintf("Forward message %s to %s.", in.ID, strings.Join(in.To, ", "))
			},
			func(ctx context.Context, s *Server, in mailForwardIn) (Done, error) { return s.g.forwardMail(ctx, in) }),
		newTool(toolSpec{name: "mail_move", title: "Move a message", area: AreaMail, write: true,
			description: "Move a message to another folder (archive, deleteditems, …). The message gets a new id, returned."},
			func(in mailMoveIn) string { return fmt.Sprintf("Move message %s to %s.", in.ID, in.Folder) },
			func(ctx context.Context, s *Server, in mailMoveIn) (Done, error) { return s.g.moveMail(ctx, in) }),
		newTool(toolSpec{name: "mail_flag", title: "Flag or mark a message", area: AreaMail, write: true, idempotent: true,
			description: "Set a message's follow-up flag (flagged, complete, notFlagged) and/or mark it read or unread."},
			func(in mailFlagIn) string { return fmt.Sprintf("Change the flag or read state of message %s.", in.ID) },
			func(ctx context.Context, s *Server, in mailFlagIn) (Done, error) { return s.g.flagMail(ctx, in) }),
	}
}
