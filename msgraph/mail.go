package msgraph

import (
	"context"
	"iter"
	"net/http"
)

// MailService is Outlook mail: messages, folders and attachments of a
// mailbox (O365's MailBox, Folder and Message). Every method takes the
// mailbox's user: "me" (or "") for the signed-in user, or a user's id or
// userPrincipalName (app-only tokens must name one).
//
// Mail works for work/school and personal accounts. Graph limits a mailbox to
// 4 concurrent requests and 10,000 requests per 10 minutes per app; the
// client retries throttled requests (see [RetryPolicy]).
type MailService service

// ListMessagesOptions are the options of [MailService.ListMessages].
type ListMessagesOptions struct {
	ListOptions
	// Folder limits the list to one folder: an id or a well-known name such
	// as [FolderInbox]. Empty lists the messages of every folder.
	Folder string
	// BodyType asks for bodies as "text" or "html" (Prefer: outlook.body-content-type).
	BodyType string
}

// GetMessageOptions are the options of [MailService.GetMessage].
type GetMessageOptions struct {
	GetOptions
	// BodyType asks for the body as "text" or "html".
	BodyType string
}

func messagesPath(user string) string { return userPath(user) + "/messages" }

func messagePath(user, id string) string { return messagesPath(user) + "/" + escapeSegment(id) }

func bodyTypeHeader(t string) http.Header {
	if t == "" {
		return nil
	}
	h := http.Header{}
	h.Set("Prefer", `outlook.body-content-type="`+t+`"`)
	return h
}

func listMessagesURL(user string, opts *ListMessagesOptions) (string, http.Header) {
	if opts == nil {
		return messagesPath(user), nil
	}
	path := messagesPath(user)
	if opts.Folder != "" {
		path = folderPath(user, opts.Folder) + "/messages"
	}
	var q query
	q.list(&opts.ListOptions)
	return q.on(path), bodyTypeHeader(opts.BodyType)
}

// ListMessages returns the first page of a mailbox's messages (or a folder's).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-messages
//
//meta:operation GET /users/{id}/messages
//meta:operation GET /users/{id}/mailFolders/{id}/messages
func (s *MailService) ListMessages(ctx context.Context, user string, opts *ListMessagesOptions) ([]*Message, *Response, error) {
	u, h := listMessagesURL(user, opts)
	return getPage[Message](ctx, s.client, u, h)
}

// ListMessagesIter iterates over all the messages ListMessages would page through.
func (s *MailService) ListMessagesIter(ctx context.Context, user string, opts *ListMessagesOptions) iter.Seq2[*Message, error] {
	u, h := listMessagesURL(user, opts)
	return all[Message](ctx, s.client, u, h)
}

// GetMessage returns a message.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-get
//
//meta:operation GET /users/{id}/messages/{id}
func (s *MailService) GetMessage(ctx context.Context, user, id string, opts *GetMessageOptions) (*Message, *Response, error) {
	var q query
	var h http.Header
	if opts != nil {
		q.get(&opts.GetOptions)
		h = bodyTypeHeader(opts.BodyType)
	}
	return doJSON[Message](ctx, s.client, http.MethodGet, q.on(messagePath(user, id)), nil, h)
}

// CreateDraft saves msg as a draft in the Drafts folder and returns it.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-messages
//
//meta:operation POST /users/{id}/messages
func (s *MailService) CreateDraft(ctx context.Context, user string, msg *Message) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagesPath(user), msg, nil)
}

// UpdateMessage changes the properties set in upd and returns the message.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-update
//
//meta:operation PATCH /users/{id}/messages/{id}
func (s *MailService) UpdateMessage(ctx context.Context, user, id string, upd *MessageUpdate) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPatch, messagePath(user, id), upd, nil)
}

// MarkRead marks a message read or unread.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-update
//
//meta:operation PATCH /users/{id}/messages/{id}
func (s *MailService) MarkRead(ctx context.Context, user, id string, read bool) (*Response, error) {
	_, resp, err := s.UpdateMessage(ctx, user, id, &MessageUpdate{IsRead: &read})
	return resp, err
}

// DeleteMessage deletes a message (Outlook keeps it in Recoverable Items,
// not in Deleted Items; move it to [FolderDeletedItems] for that).
//
// Graph docs: https://learn.microsoft.com/graph/api/message-delete
//
//meta:operation DELETE /users/{id}/messages/{id}
func (s *MailService) DeleteMessage(ctx context.Context, user, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, messagePath(user, id), nil)
}

// MoveMessage moves a message to a folder (an id or a well-known name) and
// returns it. Outlook gives a moved message a new id unless the client asked
// for immutable ids ([WithImmutableIDs]).
//
// Graph docs: https://learn.microsoft.com/graph/api/message-move
//
//meta:operation POST /users/{id}/messages/{id}/move
func (s *MailService) MoveMessage(ctx context.Context, user, id, folder string) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagePath(user, id)+"/move",
		map[string]string{"destinationId": folder}, nil)
}

// CopyMessage copies a message to a folder and returns the copy.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-copy
//
//meta:operation POST /users/{id}/messages/{id}/copy
func (s *MailService) CopyMessage(ctx context.Context, user, id, folder string) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagePath(user, id)+"/copy",
		map[string]string{"destinationId": folder}, nil)
}

// SendMail sends msg in one step; a copy goes to Sent Items when
// saveToSentItems is true. Graph answers 202: delivery happens afterwards.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-sendmail
//
//meta:operation POST /users/{id}/sendMail
func (s *MailService) SendMail(ctx context.Context, user string, msg *Message, saveToSentItems bool) (*Response, error) {
	body := struct {
		Message         *Message `json:"message"`
		SaveToSentItems bool     `json:"saveToSentItems"`
	}{msg, saveToSentItems}
	return s.client.sendNoContent(ctx, http.MethodPost, userPath(user)+"/sendMail", body)
}

// SendDraft sends a draft created with CreateDraft or CreateReply.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-send
//
//meta:operation POST /users/{id}/messages/{id}/send
func (s *MailService) SendDraft(ctx context.Context, user, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, messagePath(user, id)+"/send", nil)
}

// replyBody is the body of reply, replyAll, forward and their create… forms.
type replyBody struct {
	Comment      string      `json:"comment,omitempty"`
	ToRecipients []Recipient `json:"toRecipients,omitempty"`
}

// Reply replies to the sender with comment above the quoted message.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-reply
//
//meta:operation POST /users/{id}/messages/{id}/reply
func (s *MailService) Reply(ctx context.Context, user, id, comment string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, messagePath(user, id)+"/reply", replyBody{Comment: comment})
}

// ReplyAll replies to the sender and every recipient.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-replyall
//
//meta:operation POST /users/{id}/messages/{id}/replyAll
func (s *MailService) ReplyAll(ctx context.Context, user, id, comment string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, messagePath(user, id)+"/replyAll", replyBody{Comment: comment})
}

// Forward forwards a message to recipients with comment above it.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-forward
//
//meta:operation POST /users/{id}/messages/{id}/forward
func (s *MailService) Forward(ctx context.Context, user, id, comment string, to []Recipient) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, messagePath(user, id)+"/forward", replyBody{comment, to})
}

// CreateReply creates a draft reply to the sender, to edit and send with SendDraft.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-createreply
//
//meta:operation POST /users/{id}/messages/{id}/createReply
func (s *MailService) CreateReply(ctx context.Context, user, id string) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagePath(user, id)+"/createReply", struct{}{}, nil)
}

// CreateReplyAll creates a draft reply to the sender and every recipient.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-createreplyall
//
//meta:operation POST /users/{id}/messages/{id}/createReplyAll
func (s *MailService) CreateReplyAll(ctx context.Context, user, id string) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagePath(user, id)+"/createReplyAll", struct{}{}, nil)
}

// CreateForward creates a draft forward of a message to recipients.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-createforward
//
//meta:operation POST /users/{id}/messages/{id}/createForward
func (s *MailService) CreateForward(ctx context.Context, user, id string, to []Recipient) (*Message, *Response, error) {
	return doJSON[Message](ctx, s.client, http.MethodPost, messagePath(user, id)+"/createForward",
		replyBody{ToRecipients: to}, nil)
}

// DeltaOptions are the options of a delta round.
type DeltaOptions struct {
	// Link is the deltaLink the previous round ended with; empty starts a
	// new round that returns every item.
	Link string
	// Select limits the properties returned (only on a new round: a
	// deltaLink carries the round's options).
	Select []string
	// PageSize asks for at most that many items a page (Prefer: odata.maxpagesize).
	PageSize int
}

// MessagesDelta runs one delta round over a folder: every page up to the
// deltaLink. It returns the messages added or changed since opts.Link (items
// with Removed set are gone) and the last page's Response, whose DeltaLink
// starts the next round.
// A deltaLink Graph no longer knows fails with a 410 or a 400
// (SyncStateNotFound): start again with an empty Link.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-delta
//
//meta:operation GET /users/{id}/mailFolders/{id}/messages/delta
func (s *MailService) MessagesDelta(ctx context.Context, user, folder string, opts *DeltaOptions) ([]*Message, *Response, error) {
	u, h := deltaStart(folderPath(user, folder)+"/messages/delta", opts)
	return deltaRound[Message](ctx, s.client, u, h)
}

// deltaStart returns the URL and headers of a delta round's first request:
// opts.Link, or path with opts.Select to start a new round.
func deltaStart(path string, opts *DeltaOptions) (string, http.Header) {
	var o DeltaOptions
	if opts != nil {
		o = *opts
	}
	u := o.Link
	if u == "" {
		var q query
		q.get(&GetOptions{Select: o.Select})
		u = q.on(path)
	}
	return u, maxPageSize(o.PageSize)
}
