package m365mcp

import (
	"context"

	"github.com/authsome-go/authsome/msgraph"
)

func (g *graph) chats(ctx context.Context, s *Server, in teamsChatsIn) (Chats, error) {
	lo := msgraph.ListOptions{Top: clampTop(in.Top)}
	cs, cursor, err := page(ctx, s, "teams_chats", in.Cursor, func() ([]*msgraph.Chat, *msgraph.Response, error) {
		return g.c.Teams.ListChats(ctx, me, &lo)
	})
	out := Chats{Chats: make([]ChatSummary, 0, len(cs)), Cursor: cursor}
	for _, c := range cs {
		out.Chats = append(out.Chats, ChatSummary{ID: c.ID, Topic: c.Topic, Type: c.ChatType, Updated: stamp(c.LastUpdatedDateTime)})
	}
	return out, err
}

// maxTeams bounds how many teams teams_channels lists channels for.
const maxTeams = 25

func (g *graph) channels(ctx context.Context) (Teams, error) {
	ts, _, err := g.c.Teams.ListJoinedTeams(ctx, me, nil)
	if err != nil {
		return Teams{}, err
	}
	out := Teams{Teams: []TeamChannels{}}
	for _, t := range ts[:min(len(ts), maxTeams)] {
		chs, _, err := g.c.Teams.ListChannels(ctx, t.ID, &msgraph.ListOptions{Select: []string{"id", "displayName"}})
		if err != nil {
			return Teams{}, err
		}
		tc := TeamChannels{ID: t.ID, Name: t.DisplayName, Channels: []ChannelSummary{}}
		for _, c := range chs {
			tc.Channels = append(tc.Channels, ChannelSummary{ID: c.ID, Name: c.DisplayName})
		}
		out.Teams = append(out.Teams, tc)
	}
	return out, nil
}

func (g *graph) post(ctx context.Context, in teamsPostIn) (Posted, error) {
	if in.Text == "" {
		return Posted{}, badInput("text is required")
	}
	var (
		m   *msgraph.ChatMessage
		err error
	)
	switch {
	case in.Chat != "" && in.Team == "" && in.Channel == "":
		m, _, err = g.c.Teams.SendChatMessage(ctx, in.Chat, msgraph.TextBody(in.Text))
	case in.Chat == "" && in.Team != "" && in.Channel != "":
		m, _, err = g.c.Teams.SendChannelMessage(ctx, in.Team, in.Channel, msgraph.TextBody(in.Text))
	default:
		return Posted{}, badInput("give chat, or team and channel")
	}
	if err != nil {
		return Posted{}, err
	}
	return Posted{ID: m.ID}, nil
}
