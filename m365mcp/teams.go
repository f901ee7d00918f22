package m365mcp

import (
	"context"
	"fmt"
)

// ChatSummary is a Teams chat.
type ChatSummary struct {
	ID      string `json:"id" jsonschema:"the chat id, for teams_post"`
	Topic   string `json:"topic,omitempty"`
	Type    string `json:"type" jsonschema:"oneOnOne, group or meeting"`
	Updated string `json:"updated,omitempty"`
}

// Chats are a page of chats.
type Chats struct {
	Chats  []ChatSummary `json:"chats"`
	Cursor string        `json:"cursor,omitempty" jsonschema:"pass back as cursor for the next page; absent on the last page"`
}

// TeamChannels is a team the user joined, with its channels.
type TeamChannels struct {
	ID       string           `json:"id" jsonschema:"the team id, for teams_post"`
	Name     string           `json:"name"`
	Channels []ChannelSummary `json:"channels"`
}

// ChannelSummary is a channel.
type ChannelSummary struct {
	ID   string `json:"id" jsonschema:"the channel id, for teams_post"`
	Name string `json:"name"`
}

// Teams are the user's teams.
type Teams struct {
	Teams []TeamChannels `json:"teams"`
}

// Posted is a message posted.
type Posted struct {
	ID string `json:"id"`
}

type teamsChatsIn struct {
	Top    int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type teamsPostIn struct {
	Chat    string `json:"chat,omitempty" jsonschema:"a chat id from teams_chats (or give team and channel)"`
	Team    string `json:"team,omitempty" jsonschema:"a team id from teams_channels"`
	Channel string `json:"channel,omitempty" jsonschema:"a channel id from teams_channels"`
	Text    string `json:"text" jsonschema:"the message, plain text"`
}

func teamsTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "teams_chats", title: "List Teams chats", area: AreaTeams,
			description: "List the user's Teams chats (one-on-one, group and meeting chats)."},
			nil, func(ctx context.Context, s *Server, in teamsChatsIn) (Chats, error) { return s.g.chats(ctx, s, in) }),
		newTool(toolSpec{name: "teams_channels", title: "List teams and channels", area: AreaTeams,
			description: "List the teams the user belongs to, each with its channels."},
			nil, func(ctx context.Context, s *Server, _ struct{}) (Teams, error) { return s.g.channels(ctx) }),
		newTool(toolSpec{name: "teams_post", title: "Post a Teams message", area: AreaTeams, write: true, destructive: true,
			description: "Post a plain-text message to a Teams chat, or to a channel of a team."},
			func(in teamsPostIn) string {
				if in.Chat != "" {
					return fmt.Sprintf("Post %q to chat %s.", in.Text, in.Chat)
				}
				return fmt.Sprintf("Post %q to channel %s of team %s.", in.Text, in.Channel, in.Team)
			},
			func(ctx context.Context, s *Server, in teamsPostIn) (Posted, error) { return s.g.post(ctx, in) }),
	}
}
