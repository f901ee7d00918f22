package msgraph

import (
	"context"
	"fmt"
	"html"
	"io"
	"iter"
	"net/http"
	"strconv"
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

// ChatMessage is a message in a channel or chat. To post one with
// mentions or inline images, build it with [ChatMessage.Mention] and
// [ChatMessage.InlineImage] and send it with PostChannelMessage, PostReply
// or PostChatMessage.
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
	ChatID          string           `json:"chatId,omitempty"`
	ChannelIdentity *ChannelIdentity `json:"channelIdentity,omitempty"`
	// Mentions are the users the body's <at id="N"> tags name.
	Mentions []ChatMessageMention `json:"mentions,omitempty"`
	// HostedContents are the inline images: when posting, the bytes of
	// each image the body refers to as "../hostedContents/{id}/$value".
	HostedContents       []ChatMessageHostedContent `json:"hostedContents,omitempty"`
	WebURL               string                     `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time                  `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time                  `json:"lastModifiedDateTime,omitzero"`
	DeletedDateTime      time.Time                  `json:"deletedDateTime,omitzero"`
}

// ChannelIdentity names the team and channel of a channel message.
type ChannelIdentity struct {
	TeamID    string `json:"teamId,omitempty"`
	ChannelID string `json:"channelId,omitempty"`
}

// ChatMessageMention is a mention in a message: the body's <at id="ID">
// tag and the user it names.
type ChatMessageMention struct {
	ID          int    `json:"id"`
	MentionText string `json:"mentionText,omitempty"`
	Mentioned   struct {
		User *TeamworkUser `json:"user,omitempty"`
	} `json:"mentioned"`
}

// TeamworkUser is a user as Teams names one in messages.
type TeamworkUser struct {
	// ODataType is "#microsoft.graph.teamworkUserIdentity".
	ODataType   string `json:"@odata.type,omitempty"`
	ID          string `json:"id"`
	DisplayName string `json:"displayName,omitempty"`
	// UserIdentityType is "aadUser" for a user of the tenant.
	UserIdentityType string `json:"userIdentityType,omitempty"`
}

// ChatMessageHostedContent is an inline image of a message. Listed, only
// its ID is set; when posting, TemporaryID, ContentBytes and ContentType.
type ChatMessageHostedContent struct {
	ID           string `json:"id,omitempty"`
	TemporaryID  string `json:"@microsoft.graph.temporaryId,omitempty"`
	ContentBytes []byte `json:"contentBytes,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
}

// Mention adds a mention of the user with id (shown as name) to m and
// returns the tag to put in m's HTML body where the mention goes.
func (m *ChatMessage) Mention(id, name string) string {
	n := len(m.Mentions)
	mn := ChatMessageMention{ID: n, MentionText: name}
	mn.Mentioned.User = &TeamworkUser{ODataType: "#microsoft.graph.teamworkUserIdentity", ID: id, DisplayName: name, UserIdentityType: "aadUser"}
	m.Mentions = append(m.Mentions, mn)
	return fmt.Sprintf(`<at id="%d">%s</at>`, n, html.EscapeString(name))
}

// InlineImage adds an image (its bytes and MIME type, "image/png") to m as
// hosted content and returns the <img> tag to put in m's HTML body.
func (m *ChatMessage) InlineImage(contentType string, data []byte) string {
	id := strconv.Itoa(len(m.HostedContents) + 1)
	m.HostedContents = append(m.HostedContents, ChatMessageHostedContent{TemporaryID: id, ContentBytes: data, ContentType: contentType})
	return `<img src="../hostedContents/` + id + `/$value">`
}

// ConversationMember is a member of a chat or a private channel.
type ConversationMember struct {
	ID          string   `json:"id,omitempty"`
	DisplayName string   `json:"displayName,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	UserID      string   `json:"userId,omitempty"`
	Email       string   `json:"email,omitempty"`
	// VisibleHistoryStartDateTime is how far back a chat member sees the
	// history (zero: all of it).
	VisibleHistoryStartDateTime time.Time `json:"visibleHistoryStartDateTime,omitzero"`
}

// Presence is a user's availability and activity in Teams.
type Presence struct {
	ID string `json:"id"`
	// Availability is "Available", "Busy", "DoNotDisturb", "BeRightBack",
	// "Away", "Offline", ….
	Availability string `json:"availability"`
	// Activity is "Available", "InACall", "InAMeeting", "Presenting", ….
	Activity string `json:"activity"`
}

// TeamsAppInstallation is an app installed in a team, chat or a user's
// personal scope.
type TeamsAppInstallation struct {
	ID string `json:"id"`
	// TeamsAppDefinition is set when the request expands it.
	TeamsAppDefinition *TeamsAppDefinition `json:"teamsAppDefinition,omitempty"`
}

// TeamsAppDefinition is the details of one version of a Teams app.
type TeamsAppDefinition struct {
	ID               string `json:"id"`
	TeamsAppID       string `json:"teamsAppId"`
	DisplayName      string `json:"displayName"`
	Version          string `json:"version,omitempty"`
	ShortDescription string `json:"shortDescription,omitempty"`
}

func teamPath(team string) string { return "teams/" + escapeSegment(team) }

func channelPath(team, channel string) string {
	return teamPath(team) + "/channels/" + escapeSegment(channel)
}

func channelMessagePath(team, channel, msg string) string {
	return channelPath(team, channel) + "/messages/" + escapeSegment(msg)
}

// ListJoinedTeams returns the teams a user ("" or "me": the signed-in
// user) is a member of.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-joinedteams
//
//meta:operation GET /users/{id}/joinedTeams
func (s *TeamsService) ListJoinedTeams(ctx context.Context, user string, opts *ListOptions) ([]*Team, *Response, error) {
	return getPage[Team](ctx, s.client, listURL(userPath(user)+"/joinedTeams", opts), nil)
}

// ListJoinedTeamsIter iterates over all the teams a user is a member of.
func (s *TeamsService) ListJoinedTeamsIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*Team, error] {
	return all[Team](ctx, s.client, listURL(userPath(user)+"/joinedTeams", opts), nil)
}

// Get returns a team.
//
// Graph docs: https://learn.microsoft.com/graph/api/team-get
//
//meta:operation GET /teams/{id}
func (s *TeamsService) Get(ctx context.Context, team string) (*Team, *Response, error) {
	return getOne[Team](ctx, s.client, teamPath(team))
}

// ListChannels returns a team's channels (the private ones only to their
// members).
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-list
//
//meta:operation GET /teams/{id}/channels
func (s *TeamsService) ListChannels(ctx context.Context, team string, opts *ListOptions) ([]*Channel, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Channel](ctx, s.client, q.on(teamPath(team)+"/channels"), nil)
}

// ListChannelsIter iterates over all of a team's channels.
func (s *TeamsService) ListChannelsIter(ctx context.Context, team string, opts *ListOptions) iter.Seq2[*Channel, error] {
	var q query
	q.list(opts)
	return all[Channel](ctx, s.client, q.on(teamPath(team)+"/channels"), nil)
}

// GetChannel returns a channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-get
//
//meta:operation GET /teams/{id}/channels/{id}
func (s *TeamsService) GetChannel(ctx context.Context, team, channel string) (*Channel, *Response, error) {
	return getOne[Channel](ctx, s.client, channelPath(team, channel))
}

// PrimaryChannel returns a team's General channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/team-get-primarychannel
//
//meta:operation GET /teams/{id}/primaryChannel
func (s *TeamsService) PrimaryChannel(ctx context.Context, team string) (*Channel, *Response, error) {
	return getOne[Channel](ctx, s.client, teamPath(team)+"/primaryChannel")
}

// NewChannel is a channel to create.
type NewChannel struct {
	DisplayName string
	Description string
	// Private makes a private channel, which only its members see.
	Private bool
	// Owners are the ids of a private channel's owners (the signed-in user
	// is one already; an application must name at least one).
	Owners []string
}

// CreateChannel creates a standard or private channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post
//
//meta:operation POST /teams/{id}/channels
func (s *TeamsService) CreateChannel(ctx context.Context, team string, ch *NewChannel) (*Channel, *Response, error) {
	body := map[string]any{"displayName": ch.DisplayName, "membershipType": "standard"}
	if ch.Description != "" {
		body["description"] = ch.Description
	}
	if ch.Private {
		body["membershipType"] = "private"
		var members []any
		for _, o := range ch.Owners {
			members = append(members, s.client.memberBind(o, []string{"owner"}))
		}
		if members != nil {
			body["members"] = members
		}
	}
	return doJSON[Channel](ctx, s.client, http.MethodPost, teamPath(team)+"/channels", body, nil)
}

// ChannelUpdate changes a channel's name or description: nil fields are
// left as they are.
type ChannelUpdate struct {
	DisplayName *string `json:"displayName,omitempty"`
	Description *string `json:"description,omitempty"`
}

// UpdateChannel changes a channel (Graph answers with no content).
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-patch
//
//meta:operation PATCH /teams/{id}/channels/{id}
func (s *TeamsService) UpdateChannel(ctx context.Context, team, channel string, u *ChannelUpdate) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPatch, channelPath(team, channel), u)
}

// DeleteChannel deletes a channel (not the General one).
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-delete
//
//meta:operation DELETE /teams/{id}/channels/{id}
func (s *TeamsService) DeleteChannel(ctx context.Context, team, channel string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, channelPath(team, channel), nil)
}

// memberBind is a conversationMember body naming the user with id.
func (c *Client) memberBind(id string, roles []string) map[string]any {
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": roles,
		"user@odata.bind": c.BaseURL().String() + "users('" + id + "')"}
}

// ListChannelMembers returns a channel's members.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-list-members
//
//meta:operation GET /teams/{id}/channels/{id}/members
func (s *TeamsService) ListChannelMembers(ctx context.Context, team, channel string, opts *ListOptions) ([]*ConversationMember, *Response, error) {
	return getPage[ConversationMember](ctx, s.client, listURL(channelPath(team, channel)+"/members", opts), nil)
}

// ListChannelMembersIter iterates over all of a channel's members.
func (s *TeamsService) ListChannelMembersIter(ctx context.Context, team, channel string, opts *ListOptions) iter.Seq2[*ConversationMember, error] {
	return all[ConversationMember](ctx, s.client, listURL(channelPath(team, channel)+"/members", opts), nil)
}

// AddChannelMember adds a member of the team to a private channel, as an
// owner when owner is set.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post-members
//
//meta:operation POST /teams/{id}/channels/{id}/members
func (s *TeamsService) AddChannelMember(ctx context.Context, team, channel, user string, owner bool) (*ConversationMember, *Response, error) {
	var roles []string
	if owner {
		roles = []string{"owner"}
	}
	return doJSON[ConversationMember](ctx, s.client, http.MethodPost, channelPath(team, channel)+"/members", s.client.memberBind(user, roles), nil)
}

// RemoveChannelMember removes a member (by its membership id) from a
// private channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-delete-members
//
//meta:operation DELETE /teams/{id}/channels/{id}/members/{id}
func (s *TeamsService) RemoveChannelMember(ctx context.Context, team, channel, member string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, channelPath(team, channel)+"/members/"+escapeSegment(member), nil)
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

// GetChannelMessage returns one of a channel's messages.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-get
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}
func (s *TeamsService) GetChannelMessage(ctx context.Context, team, channel, msg string) (*ChatMessage, *Response, error) {
	return getOne[ChatMessage](ctx, s.client, channelMessagePath(team, channel, msg))
}

// ListReplies returns the replies to a channel message.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-list-replies
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}/replies
func (s *TeamsService) ListReplies(ctx context.Context, team, channel, msg string, opts *ListOptions) ([]*ChatMessage, *Response, error) {
	return getPage[ChatMessage](ctx, s.client, listURL(channelMessagePath(team, channel, msg)+"/replies", opts), nil)
}

// ListRepliesIter iterates over all the replies to a channel message.
func (s *TeamsService) ListRepliesIter(ctx context.Context, team, channel, msg string, opts *ListOptions) iter.Seq2[*ChatMessage, error] {
	return all[ChatMessage](ctx, s.client, listURL(channelMessagePath(team, channel, msg)+"/replies", opts), nil)
}

// GetReply returns one reply to a channel message.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-get
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}/replies/{id}
func (s *TeamsService) GetReply(ctx context.Context, team, channel, msg, reply string) (*ChatMessage, *Response, error) {
	return getOne[ChatMessage](ctx, s.client, channelMessagePath(team, channel, msg)+"/replies/"+escapeSegment(reply))
}

// SendChannelMessage posts a message with body to a channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post-messages
//
//meta:operation POST /teams/{id}/channels/{id}/messages
func (s *TeamsService) SendChannelMessage(ctx context.Context, team, channel string, body ItemBody) (*ChatMessage, *Response, error) {
	return s.PostChannelMessage(ctx, team, channel, &ChatMessage{Body: body})
}

// PostChannelMessage posts m (its subject, importance, mentions and
// inline images too) to a channel.
//
// Graph docs: https://learn.microsoft.com/graph/api/channel-post-messages
//
//meta:operation POST /teams/{id}/channels/{id}/messages
func (s *TeamsService) PostChannelMessage(ctx context.Context, team, channel string, m *ChatMessage) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost, channelPath(team, channel)+"/messages", m, nil)
}

// Reply replies to a channel message with body.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-post-replies
//
//meta:operation POST /teams/{id}/channels/{id}/messages/{id}/replies
func (s *TeamsService) Reply(ctx context.Context, team, channel, msg string, body ItemBody) (*ChatMessage, *Response, error) {
	return s.PostReply(ctx, team, channel, msg, &ChatMessage{Body: body})
}

// PostReply posts m as a reply to a channel message.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-post-replies
//
//meta:operation POST /teams/{id}/channels/{id}/messages/{id}/replies
func (s *TeamsService) PostReply(ctx context.Context, team, channel, msg string, m *ChatMessage) (*ChatMessage, *Response, error) {
	return doJSON[ChatMessage](ctx, s.client, http.MethodPost, channelMessagePath(team, channel, msg)+"/replies", m, nil)
}

// ListChannelHostedContents returns a channel message's inline images
// (their ids; DownloadChannelHostedContent gets the bytes).
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessage-list-hostedcontents
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}/hostedContents
func (s *TeamsService) ListChannelHostedContents(ctx context.Context, team, channel, msg string, opts *ListOptions) ([]*ChatMessageHostedContent, *Response, error) {
	return getPage[ChatMessageHostedContent](ctx, s.client, listURL(channelMessagePath(team, channel, msg)+"/hostedContents", opts), nil)
}

// ListChannelHostedContentsIter iterates over all of a channel message's
// inline images.
func (s *TeamsService) ListChannelHostedContentsIter(ctx context.Context, team, channel, msg string, opts *ListOptions) iter.Seq2[*ChatMessageHostedContent, error] {
	return all[ChatMessageHostedContent](ctx, s.client, listURL(channelMessagePath(team, channel, msg)+"/hostedContents", opts), nil)
}

// DownloadChannelHostedContent writes the bytes of a channel message's
// inline image to w.
//
// Graph docs: https://learn.microsoft.com/graph/api/chatmessagehostedcontent-get
//
//meta:operation GET /teams/{id}/channels/{id}/messages/{id}/hostedContents/{id}/$value
func (s *TeamsService) DownloadChannelHostedContent(ctx context.Context, team, channel, msg, id string, w io.Writer) (*Response, error) {
	return s.client.downloadValue(ctx, channelMessagePath(team, channel, msg)+"/hostedContents/"+escapeSegment(id)+"/$value", w)
}
