package msgraph

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// TeamsService is Microsoft Teams: teams, channels, channel messages and
// chats (O365's Teams). Teams is work/school only; reading channel messages
// needs ChannelMessage.Read.All, sending ChannelMessage.Send.
type TeamsService service

// Team is a team (its id is the id of its Microsoft 365 group).
type Team struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	// Visibility is "private" or "public".
	Visibility      string    `json:"visibility,omitempty"`
	WebURL          string    `json:"webUrl,omitempty"`
	IsArchived      bool      `json:"isArchived,omitempty"`
	TenantID        string    `json:"tenantId,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
}

// Channel is a channel of a team.
type Channel struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	// MembershipType is "standard", "private" or "shared".
	MembershipType  string    `json:"membershipType,omitempty"`
	Email           string    `json:"email,omitempty"`
	WebURL          string    `json:"webUrl,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
}

// Chat is a one-on-one, group or meeting chat.
type Chat struct {
	ID    string `json:"id"`
	Topic string `json:"topic,omitempty"`
	// ChatType is "oneOnOne", "group" or "meeting".
	ChatType            string    `json:"chatType,omitempty"`
	WebURL              string    `json:"webUrl,omitempty"`
	CreatedDateTime     time.Time `json:"createdDateTime,omitzero"`
	LastUpdatedDateTime time.Time `json:"lastUpdatedDateTime,omitzero"`
}

// ChatMessage is a message in a channel or chat.
type ChatMessage struct {
	ID        string `json:"id,omitempty"`
	ReplyToID string `json:"replyToId,omitempty"`
	ETag      string `json:"etag,omitempty"`
	// MessageType is "message", "systemEventMessage", ….
	MessageType string   `json:"messageType,omitempty"`
	Subject     string   `json:"subject,omitempty"`
	Summary     string   `json:"summary,omitempty"`
	Body        ItemBody `json:"body,omitzero"`
	// Importance is "normal", "high" or "urgent".
	Importance string `json:"importance,omitempty"`
	From       struct {
		User        Identity `json:"user,omitzero"`
		Application Identity `json:"application,omitzero"`
	} `json:"from,omitzero"`
	ChatID               string    `json:"chatId,omitempty"`
	WebURL               string    `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	DeletedDateTime      time.Time `json:"deletedDateTime,omitzero"`
}

func teamPath(team string) string { return "teams/" + escapeSegment(team) }

func channelPath(team, channel string) string {
	return teamPath(team) + "/channels/" + escapeSegment(channel)
}

// ListJoinedTeams returns the teams a user is a member of.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-joinedteams
//
//meta:operation GET /users/{id}/joinedTeams
func (s *TeamsService) ListJoinedTeams(ctx context.Context, user string) ([]*Team, *Response, error) {
	return getPage[Team](ctx, s.client, userPath(user)+"/joinedTeams", nil)
}

// Get returns a team.
//
// Graph docs: https://learn.microsoft.com/graph/api/team-get
//
//meta:operation GET /teams/{id}
func (s *TeamsService) Get(ctx context.Context, team string) (*Team, *Response, error) {
	return getOne[Team](ctx, s.client, teamPath(team))
}

// ListChannels returns a team's channels.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-list
//
//meta:operation GET /teams/{id}/channels
func (s *TeamsService) ListChannels(ctx context.Context, team string, opts *ListOptions) ([]*Channel, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Channel](ctx, s.client, q.on(teamPath(team)+"/channels"), nil)
}

// GetChannel returns a channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-get
//
//meta:operation GET /teams/{id}/channels/{id}
func (s *TeamsService) GetChannel(ctx context.Context, team, channel string) (*Channel, *Response, error) {
	return getOne[Channel](ctx, s.client, channelPath(team, channel))
}

// CreateChannel creates a standard channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post
//
//meta:operation POST /teams/{id}/channels
func (s *TeamsService) CreateChannel(ctx context.Context, team, name, description string) (*Channel, *Response, error) {
	return doJSON[Channel](ctx, s.client, http.MethodPost, teamPath(team)+"/channels",
		&Channel{DisplayName: name, Description: description, MembershipType: "standard"}, nil)
}

// ListChannelMessages returns the first page of a channel's messages (top-level, newest first).
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-list-messages
//
//meta:operation GET /teams/{id}/channels/{id}/messages
func (s *TeamsService) ListChannelMessages(ctx context.Context, team, channel string, opts *ListOptions) ([]*ChatMessage, *Response, error) {
	var q query
	q.list(opts)
	return getPage[ChatMessage](ctx, s.client, q.on(channelPath(team, channel)+"/messages"), nil)
}

// ListChannelMessagesIter iterates over all of a channel's messages.
func (s *TeamsService) ListChannelMessagesIter(ctx context.Context, team, channel string, opts *ListOptions) iter.Seq2[*ChatMessage, error] {
	var q query
	q.list(opts)
	return all[ChatMessage](ctx, s.client, q.on(channelPath(team, channel)+"/messages"), nil)
}

// ListReplies returns the replies to a channel message.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-list-replies
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}/replies
func (s *TeamsService) ListReplies(ctx context.Context, team, channel, msg string) ([]*ChatMessage, *Response, error) {
	return getPage[ChatMessage](ctx, s.client, channelPath(team, channel)+"/messages/"+escapeSegment(msg)+"/replies", nil)
}

// SendChannelMessage posts a message to a channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post-messages
//
//meta:operation POST /teams/{id}/channels/{id}/messages
func (s *TeamsService) SendChannelMessage(ctx context.Context, team, channel string, body ItemBody) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost, channelPath(team, channel)+"/messages", &ChatMessage{Body: body}, nil)
}

// Reply replies to a channel message.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-post-replies
//
//meta:operation POST /teams/{id}/channels/{id}/messages/{id}/replies
func (s *TeamsService) Reply(ctx context.Context, team, channel, msg string, body ItemBody) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost,
		channelPath(team, channel)+"/messages/"+escapeSegment(msg)+"/replies", &ChatMessage{Body: body}, nil)
}

// ListChats returns the first page of a user's chats.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list
//
//meta:operation GET /users/{id}/chats
func (s *TeamsService) ListChats(ctx context.Context, user string, opts *ListOptions) ([]*Chat, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Chat](ctx, s.client, q.on(userPath(user)+"/chats"), nil)
}

// ListChatMessages returns the first page of a chat's messages.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-list-messages
//
//meta:operation GET /chats/{id}/messages
func (s *TeamsService) ListChatMessages(ctx context.Context, chat string, opts *ListOptions) ([]*ChatMessage, *Response, error) {
	var q query
	q.list(opts)
	return getPage[ChatMessage](ctx, s.client, q.on("chats/"+escapeSegment(chat)+"/messages"), nil)
}

// SendChatMessage posts a message to a chat.
//
// Graph docs: https://learn.microsoft.com/graph/api/chat-post-messages
//
//meta:operation POST /chats/{id}/messages
func (s *TeamsService) SendChatMessage(ctx context.Context, chat string, body ItemBody) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost, "chats/"+escapeSegment(chat)+"/messages", &ChatMessage{Body: body}, nil)
}
