package teams

import (
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The seeded Teams data: the Product Team's team with General and a
// private-free "Launch" channel with a conversation (one reply mentions
// Megan), oneOnOne chats (Adele and Alex, Megan and Patti), a group chat, and presence for
// every seeded user; the same on every run and every Reset.

// Seeded ids, fixed like the directory's.
const (
	GeneralChannelID = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"
	LaunchChannelID  = "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.tacv2"
	GroupChatID      = "19:5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b@thread.v2"
)

var seedTime = time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)

// Seeded oneOnOne chats: Adele and Alex's, and Megan and Patti's (one
// Adele is not in).
var (
	OneOnOneChatID = oneOnOneID(directory.AdeleVanceID, directory.AlexWilberID)
	OtherChatID    = oneOnOneID(directory.MeganBowenID, directory.PattiFernandezID)
)

func seedStore() *store {
	st := &store{feed: graphkit.NewFeed(Name), presence: map[string]*presence{}}
	pt := directory.ProductTeamID
	st.teams = []*team{{ID: pt, Visibility: "private", Created: seedTime}}
	st.channels = []*channel{
		{ID: GeneralChannelID, TeamID: pt, DisplayName: "General", Description: "Plans, specs and launch tracking for the product.",
			MembershipType: standard, Email: "product.general@" + directory.TenantDomain, Created: seedTime},
		{ID: LaunchChannelID, TeamID: pt, DisplayName: "Launch", Description: "Launch week: checklist, press and support.",
			MembershipType: standard, Created: seedTime.Add(time.Hour)},
	}
	at := func(min int) time.Time { return seedTime.Add(time.Duration(min) * time.Minute) }
	msg := func(container, team, reply, from string, min int, content string) *message {
		m := &message{ID: itoa(at(min).UnixMilli()), Container: container, TeamID: team, ReplyTo: reply, From: from,
			Importance: "normal", ContentType: "html", Content: content, Created: at(min)}
		st.messages = append(st.messages, m)
		return m
	}
	msg(GeneralChannelID, pt, "", directory.MeganBowenID, 60, "<p>Welcome to the Product Team.</p>")
	plan := msg(LaunchChannelID, pt, "", directory.MeganBowenID, 120, "<p>Launch is on the 24th. Checklist in the Launch list.</p>")
	plan.Subject = "Launch plan"
	msg(LaunchChannelID, pt, plan.ID, directory.AdeleVanceID, 125, "<p>Docs are published.</p>")
	msg(LaunchChannelID, pt, plan.ID, directory.AlexWilberID, 130,
		`<p><at id="0">Megan Bowen</at> the press release needs your approval.</p>`).Mentions =
		[]mention{{ID: 0, Text: "Megan Bowen", UserID: directory.MeganBowenID}}
	msg(LaunchChannelID, pt, "", directory.AlexWilberID, 180, "<p>Support briefing is on Thursday.</p>")

	st.chats = []*chat{
		{ID: OneOnOneChatID, ChatType: oneOnOne, Created: seedTime, Updated: at(245)},
		{ID: GroupChatID, Topic: "Launch week", ChatType: group, Created: seedTime, Updated: at(305)},
		{ID: OtherChatID, ChatType: oneOnOne, Created: seedTime, Updated: seedTime},
	}
	for _, u := range []string{directory.MeganBowenID, directory.PattiFernandezID} {
		st.chats[2].Members = append(st.chats[2].Members, &member{ID: memberID(st.chats[2].ID, u), UserID: u, Roles: []string{"owner"}})
	}
	for _, u := range []string{directory.AdeleVanceID, directory.AlexWilberID} {
		st.chats[0].Members = append(st.chats[0].Members, &member{ID: memberID(OneOnOneChatID, u), UserID: u, Roles: []string{"owner"}})
	}
	for _, u := range []string{directory.AdeleVanceID, directory.AlexWilberID, directory.MeganBowenID} {
		st.chats[1].Members = append(st.chats[1].Members, &member{ID: memberID(GroupChatID, u), UserID: u, Roles: []string{"owner"}})
	}
	msg(OneOnOneChatID, "", "", directory.AlexWilberID, 240, "Lunch at noon?")
	msg(OneOnOneChatID, "", "", directory.AdeleVanceID, 245, "Sure, see you there.")
	msg(GroupChatID, "", "", directory.MeganBowenID, 300, "Launch week starts Monday: stand-up at 9.")
	msg(GroupChatID, "", "", directory.AdeleVanceID, 305, "I'll bring the checklist.")

	defaults := map[string][2]string{
		directory.AdeleVanceID: {"Available", "Available"}, directory.AlexWilberID: {"Busy", "InACall"},
		directory.MeganBowenID: {"Away", "Away"}, directory.NestorWilkeID: {"DoNotDisturb", "Presenting"},
		directory.PattiFernandezID: {"Offline", "Offline"},
	}
	for _, u := range directory.Seed() {
		d, ok := defaults[u.ID]
		if !ok {
			d = [2]string{"Offline", "Offline"}
		}
		st.presence[u.ID] = &presence{Availability: d[0], Activity: d[1]}
	}
	return st
}
