package msgraph

import (
	"context"
	"io"
	"iter"
	"net/http"
	"time"
)

// This file is TeamsService's chats (one-on-one and group: members,
// messages, inline images) and the apps installed in teams, chats and a
// user's personal scope.

func chatPath(chat string) string { return "chats/" + escapeSegment(chat) }

func chatMessagePath(chat, msg string) string {
	return chatPath(chat) + "/messages/" + escapeSegment(msg)
}

// ListChats returns the first page of a user's chats ("" or "me": the
// signed-in user's).
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list
//
//meta:operation GET /users/{id}/chats
func (s *TeamsService) ListChats(ctx context.Context, user string, opts *ListOptions) ([]*Chat, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Chat](ctx, s.client, q.on(userPath(user)+"/chats"), nil)
}

// ListChatsIter iterates over all of a user's chats.
func (s *TeamsService) ListChatsIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*Chat, error] {
	var q query
	q.list(opts)
	return all[Chat](ctx, s.client, q.on(userPath(user)+"/chats"), nil)
}

// GetChat returns a chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-get
//
//meta:operation GET /chats/{id}
func (s *TeamsService) GetChat(ctx context.Context, chat string) (*Chat, *Response, error) {
	return getOne[Chat](ctx, s.client, chatPath(chat))
}

// NewChat is a chat to create.
type NewChat struct {
	// ChatType is "oneOnOne" (exactly two members, no topic) or "group".
	ChatType string
	Topic    string
	// Members are the ids of the chat's users, the signed-in user among
	// them; each becomes an owner.
	Members []string
}

// CreateChat creates a chat. Creating a oneOnOne chat that exists returns
// it.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-post
//
//meta:operation POST /chats
func (s *TeamsService) CreateChat(ctx context.Context, chat *NewChat) (*Chat, *Response, error) {
	body := map[string]any{"chatType": chat.ChatType}
	if chat.Topic != "" {
		body["topic"] = chat.Topic
	}
	members := []any{}
	for _, id := range chat.Members {
		members = append(members, s.client.memberBind(id, []string{"owner"}))
	}
	body["members"] = members
	return doJSON[Chat](ctx, s.client, http.MethodPost, "chats", body, nil)
}

// ListChatMembers returns a chat's members.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list-members
//
//meta:operation GET /chats/{id}/members
func (s *TeamsService) ListChatMembers(ctx context.Context, chat string, opts *ListOptions) ([]*ConversationMember, *Response, error) {
	return getPage[ConversationMember](ctx, s.client, listURL(chatPath(chat)+"/members", opts), nil)
}

// ListChatMembersIter iterates over all of a chat's members.
func (s *TeamsService) ListChatMembersIter(ctx context.Context, chat string, opts *ListOptions) iter.Seq2[*ConversationMember, error] {
	return all[ConversationMember](ctx, s.client, listURL(chatPath(chat)+"/members", opts), nil)
}

// AddChatMemberOptions are the options of AddChatMember.
type AddChatMemberOptions struct {
	// Owner makes the member an owner.
	Owner bool
	// HistoryFrom is how far back the member sees the chat's history
	// (zero: all of it).
	HistoryFrom time.Time
}

// AddChatMember adds the user with id user to a group chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-post-members
//
//meta:operation POST /chats/{id}/members
func (s *TeamsService) AddChatMember(ctx context.Context, chat, user string, opts *AddChatMemberOptions) (*ConversationMember, *Response, error) {
	var roles []string
	history := "0001-01-01T00:00:00Z"
	if opts != nil {
		if opts.Owner {
			roles = []string{"owner"}
		}
		if !opts.HistoryFrom.IsZero() {
			history = opts.HistoryFrom.UTC().Format(time.RFC3339)
		}
	}
	body := s.client.memberBind(user, roles)
	body["visibleHistoryStartDateTime"] = history
	return doJSON[ConversationMember](ctx, s.client, http.MethodPost, chatPath(chat)+"/members", body, nil)
}

// ListChatMessages returns the first page of a chat's messages (newest
// first).
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list-messages
//
//meta:operation GET /chats/{id}/messages
func (s *TeamsService) ListChatMessages(ctx context.Context, chat string, opts *ListOptions) ([]*ChatMessage, *Response, error) {
	var q query
	q.list(opts)
	return getPage[ChatMessage](ctx, s.client, q.on(chatPath(chat)+"/messages"), nil)
}

// ListChatMessagesIter iterates over all of a chat's messages.
func (s *TeamsService) ListChatMessagesIter(ctx context.Context, chat string, opts *ListOptions) iter.Seq2[*ChatMessage, error] {
	var q query
	q.list(opts)
	return all[ChatMessage](ctx, s.client, q.on(chatPath(chat)+"/messages"), nil)
}

// GetChatMessage returns one of a chat's messages.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-get
//
//meta:operation GET /chats/{id}/messages/{id}
func (s *TeamsService) GetChatMessage(ctx context.Context, chat, msg string) (*ChatMessage, *Response, error) {
	return getOne[ChatMessage](ctx, s.client, chatMessagePath(chat, msg))
}

// SendChatMessage posts a message with body to a chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-post-messages
//
//meta:operation POST /chats/{id}/messages
func (s *TeamsService) SendChatMessage(ctx context.Context, chat string, body ItemBody) (*ChatMessage, *Response, error) {
	return s.PostChatMessage(ctx, chat, &ChatMessage{Body: body})
}

// PostChatMessage posts m (its mentions and inline images too) to a chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-post-messages
//
//meta:operation POST /chats/{id}/messages
func (s *TeamsService) PostChatMessage(ctx context.Context, chat string, m *ChatMessage) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost, chatPath(chat)+"/messages", m, nil)
}

// ListChatHostedContents returns a chat message's inline images (their
// ids; DownloadChatHostedContent gets the bytes).
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-list-hostedcontents
//
//meta:operation GET /chats/{id}/messages/{id}/hostedContents
func (s *TeamsService) ListChatHostedContents(ctx context.Context, chat, msg string, opts *ListOptions) ([]*ChatMessageHostedContent, *Response, error) {
	return getPage[ChatMessageHostedContent](ctx, s.client, listURL(chatMessagePath(chat, msg)+"/hostedContents", opts), nil)
}

// ListChatHostedContentsIter iterates over all of a chat message's inline
// images.
func (s *TeamsService) ListChatHostedContentsIter(ctx context.Context, chat, msg string, opts *ListOptions) iter.Seq2[*ChatMessageHostedContent, error] {
	return all[ChatMessageHostedContent](ctx, s.client, listURL(chatMessagePath(chat, msg)+"/hostedContents", opts), nil)
}

// GetChatHostedContent returns a chat message's inline image with its
// bytes and MIME type.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessagehostedcontent-get
//
//meta:operation GET /chats/{id}/messages/{id}/hostedContents/{id}
func (s *TeamsService) GetChatHostedContent(ctx context.Context, chat, msg, id string) (*ChatMessageHostedContent, *Response, error) {
	return getOne[ChatMessageHostedContent](ctx, s.client, chatMessagePath(chat, msg)+"/hostedContents/"+escapeSegment(id))
}

// DownloadChatHostedContent writes the bytes of a chat message's inline
// image to w.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessagehostedcontent-get
//
//meta:operation GET /chats/{id}/messages/{id}/hostedContents/{id}/$value
func (s *TeamsService) DownloadChatHostedContent(ctx context.Context, chat, msg, id string, w io.Writer) (*Response, error) {
	return s.client.downloadValue(ctx, chatMessagePath(chat, msg)+"/hostedContents/"+escapeSegment(id)+"/$value", w)
}

// InstalledAppsOptions are the options of the installed-apps lists.
type InstalledAppsOptions struct {
	// WithDefinition expands each installation's teamsAppDefinition (the
	// app's name, id and version).
	WithDefinition bool
}

func (o *InstalledAppsOptions) on(path string) string {
	var q query
	if o != nil && o.WithDefinition {
		q.add("$expand", "teamsAppDefinition")
	}
	return q.on(path)
}

// ListTeamApps returns the apps installed in a team.
//
// Graph docs: https://learn.microsoft.com/graph/api/team-list-installedapps
//
//meta:operation GET /teams/{id}/installedApps
func (s *TeamsService) ListTeamApps(ctx context.Context, team string, opts *InstalledAppsOptions) ([]*TeamsAppInstallation, *Response, error) {
	return getPage[TeamsAppInstallation](ctx, s.client, opts.on(teamPath(team)+"/installedApps"), nil)
}

// ListTeamAppsIter iterates over all the apps installed in a team.
func (s *TeamsService) ListTeamAppsIter(ctx context.Context, team string, opts *InstalledAppsOptions) iter.Seq2[*TeamsAppInstallation, error] {
	return all[TeamsAppInstallation](ctx, s.client, opts.on(teamPath(team)+"/installedApps"), nil)
}

// ListChatApps returns the apps installed in a chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list-installedapps
//
//meta:operation GET /chats/{id}/installedApps
func (s *TeamsService) ListChatApps(ctx context.Context, chat string, opts *InstalledAppsOptions) ([]*TeamsAppInstallation, *Response, error) {
	return getPage[TeamsAppInstallation](ctx, s.client, opts.on(chatPath(chat)+"/installedApps"), nil)
}

// ListChatAppsIter iterates over all the apps installed in a chat.
func (s *TeamsService) ListChatAppsIter(ctx context.Context, chat string, opts *InstalledAppsOptions) iter.Seq2[*TeamsAppInstallation, error] {
	return all[TeamsAppInstallation](ctx, s.client, opts.on(chatPath(chat)+"/installedApps"), nil)
}

// ListUserApps returns the apps installed in a user's personal scope (""
// or "me": the signed-in user's).
//
// Graph docs: https://learn.microsoft.com/graph/api/userteamwork-list-installedapps
//
//meta:operation GET /users/{id}/teamwork/installedApps
func (s *TeamsService) ListUserApps(ctx context.Context, user string, opts *InstalledAppsOptions) ([]*TeamsAppInstallation, *Response, error) {
	return getPage[TeamsAppInstallation](ctx, s.client, opts.on(userPath(user)+"/teamwork/installedApps"), nil)
}

// ListUserAppsIter iterates over all the apps in a user's personal scope.
func (s *TeamsService) ListUserAppsIter(ctx context.Context, user string, opts *InstalledAppsOptions) iter.Seq2[*TeamsAppInstallation, error] {
	return all[TeamsAppInstallation](ctx, s.client, opts.on(userPath(user)+"/teamwork/installedApps"), nil)
}
