package msgraph

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// teamsScopes are the delegated permissions the Teams tests sign in with.
const teamsScopes = "Team.ReadBasic.All Channel.ReadBasic.All Channel.Create Channel.Delete.All ChannelSettings.ReadWrite.All " +
	"ChannelMember.ReadWrite.All ChannelMessage.Read.All ChannelMessage.Send Chat.ReadWrite Presence.Read.All Presence.ReadWrite " +
	"TeamsAppInstallation.ReadForTeam TeamsAppInstallation.ReadForChat TeamsAppInstallation.ReadForUser"

// TestSandboxTeamsChannels drives TeamsService's teams and channels
// against the sandbox: joined teams, the team, channels (list, primary,
// create standard and private, update, delete), a private channel's
// members, the seeded messages and replies with a mention.
func TestSandboxTeamsChannels(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(teamsScopes)...)
	ctx := t.Context()
	team := sandbox.ProductTeamGroupID
	var joined []string
	for tm, err := range c.Teams.ListJoinedTeamsIter(ctx, "", nil) {
		if err != nil {
			t.Fatal(err)
		}
		joined = append(joined, tm.ID)
	}
	if got, _, err := c.Teams.ListJoinedTeams(ctx, sandbox.MeganBowenID, nil); err != nil || len(joined) != 1 || joined[0] != team || len(got) != 1 {
		t.Fatalf("joined teams: %v, Megan's %v %v", joined, got, err)
	}
	if tm, _, err := c.Teams.Get(ctx, team); err != nil || tm.DisplayName != "Product Team" || tm.Visibility != "private" {
		t.Fatalf("Get: %+v %v", tm, err)
	}
	if g, _, err := c.Teams.PrimaryChannel(ctx, team); err != nil || g.DisplayName != "General" {
		t.Fatalf("PrimaryChannel: %+v %v", g, err)
	}
	var launch string
	for ch, err := range c.Teams.ListChannelsIter(ctx, team, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if ch.DisplayName == "Launch" {
			launch = ch.ID
		}
	}
	seeded, _, err := c.Teams.ListChannelMessages(ctx, team, launch, nil)
	if err != nil || len(seeded) != 2 {
		t.Fatalf("Launch messages: %d %v", len(seeded), err)
	}
	replies, _, err := c.Teams.ListReplies(ctx, team, launch, seeded[1].ID, nil)
	if err != nil || len(replies) != 2 || len(replies[0].Mentions) != 1 || replies[0].Mentions[0].Mentioned.User.ID != sandbox.MeganBowenID {
		t.Fatalf("seeded replies with a mention: %+v %v", replies, err)
	}

	design, _, err := c.Teams.CreateChannel(ctx, team, &NewChannel{DisplayName: "Design", Description: "Mock-ups"})
	if err != nil || design.MembershipType != "standard" {
		t.Fatalf("CreateChannel: %+v %v", design, err)
	}
	if _, err := c.Teams.UpdateChannel(ctx, team, design.ID, &ChannelUpdate{Description: Ptr("Mock-ups and research")}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Teams.GetChannel(ctx, team, design.ID); err != nil || got.Description != "Mock-ups and research" {
		t.Errorf("GetChannel after UpdateChannel: %+v %v", got, err)
	}
	leads, _, err := c.Teams.CreateChannel(ctx, team, &NewChannel{DisplayName: "Leads", Private: true})
	if err != nil || leads.MembershipType != "private" {
		t.Fatalf("CreateChannel private: %+v %v", leads, err)
	}
	m, _, err := c.Teams.AddChannelMember(ctx, team, leads.ID, sandbox.MeganBowenID, false)
	if err != nil || m.UserID != sandbox.MeganBowenID {
		t.Fatalf("AddChannelMember: %+v %v", m, err)
	}
	if _, err := c.Teams.RemoveChannelMember(ctx, team, leads.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	n := 0
	for range c.Teams.ListChannelMembersIter(ctx, team, leads.ID, nil) {
		n++
	}
	if members, _, err := c.Teams.ListChannelMembers(ctx, team, leads.ID, nil); err != nil || n != 1 || len(members) != 1 || members[0].UserID != sandbox.AdeleVanceID {
		t.Errorf("private channel members after a remove: %+v %v", members, err)
	}
	if _, err := c.Teams.DeleteChannel(ctx, team, leads.ID); err != nil {
		t.Fatal(err)
	}
}

// TestSandboxTeamsChannelMessages drives TeamsService's channel messages
// against the sandbox: a post with a mention and an inline image, its
// hosted contents, replies (one refused for a mention of nobody), messages
// by id, and the team's installed apps.
func TestSandboxTeamsChannelMessages(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(teamsScopes)...)
	ctx := t.Context()
	team := sandbox.ProductTeamGroupID
	design, _, err := c.Teams.CreateChannel(ctx, team, &NewChannel{DisplayName: "Design"})
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\nsketch")
	post := &ChatMessage{Subject: "Mock-ups"}
	post.Body = HTMLBody("<p>" + post.Mention(sandbox.AlexWilberID, "Alex Wilber") + ", first draft: " + post.InlineImage("image/png", png) + "</p>")
	msg, _, err := c.Teams.PostChannelMessage(ctx, team, design.ID, post)
	if err != nil || len(msg.Mentions) != 1 || msg.ChannelIdentity == nil || msg.ChannelIdentity.ChannelID != design.ID {
		t.Fatalf("PostChannelMessage: %+v %v", msg, err)
	}
	hosted, _, err := c.Teams.ListChannelHostedContents(ctx, team, design.ID, msg.ID, nil)
	if err != nil || len(hosted) != 1 || !strings.Contains(msg.Body.Content, hosted[0].ID) {
		t.Fatalf("ListChannelHostedContents: %+v %v (body %s)", hosted, err, msg.Body.Content)
	}
	for hc, err := range c.Teams.ListChannelHostedContentsIter(ctx, team, design.ID, msg.ID, nil) {
		if err != nil || hc.ID != hosted[0].ID {
			t.Errorf("ListChannelHostedContentsIter: %+v %v", hc, err)
		}
	}
	var img bytes.Buffer
	if _, err := c.Teams.DownloadChannelHostedContent(ctx, team, design.ID, msg.ID, hosted[0].ID, &img); err != nil || !bytes.Equal(img.Bytes(), png) {
		t.Errorf("DownloadChannelHostedContent: %q %v", img.Bytes(), err)
	}
	reply, _, err := c.Teams.Reply(ctx, team, design.ID, msg.ID, TextBody("Looks good"))
	if err != nil || reply.ReplyToID != msg.ID {
		t.Fatalf("Reply: %+v %v", reply, err)
	}
	bad := &ChatMessage{}
	bad.Body = HTMLBody(bad.Mention("00000000-0000-0000-0000-000000000000", "Nobody"))
	if _, _, err := c.Teams.PostReply(ctx, team, design.ID, msg.ID, bad); StatusCode(err) != 400 {
		t.Errorf("a mention of nobody: %v", err)
	}
	if got, _, err := c.Teams.GetReply(ctx, team, design.ID, msg.ID, reply.ID); err != nil || got.Body.Content != "Looks good" {
		t.Errorf("GetReply: %+v %v", got, err)
	}
	n := 0
	for range c.Teams.ListRepliesIter(ctx, team, design.ID, msg.ID, nil) {
		n++
	}
	if got, _, err := c.Teams.GetChannelMessage(ctx, team, design.ID, msg.ID); err != nil || got.Subject != "Mock-ups" || n != 1 {
		t.Errorf("GetChannelMessage: %+v %v; %d replies", got, err, n)
	}
	if sent, _, err := c.Teams.SendChannelMessage(ctx, team, design.ID, TextBody("Review on Friday")); err != nil || sent.Body.Content != "Review on Friday" {
		t.Errorf("SendChannelMessage: %+v %v", sent, err)
	}
	n = 0
	for range c.Teams.ListChannelMessagesIter(ctx, team, design.ID, &ListOptions{Top: 1}) {
		n++
	}
	if n != 2 {
		t.Errorf("ListChannelMessagesIter: %d messages", n)
	}
	apps, _, err := c.Teams.ListTeamApps(ctx, team, &InstalledAppsOptions{WithDefinition: true})
	if err != nil || len(apps) == 0 || apps[0].TeamsAppDefinition == nil || apps[0].TeamsAppDefinition.DisplayName == "" {
		t.Errorf("ListTeamApps: %+v %v", apps, err)
	}
	n = 0
	for range c.Teams.ListTeamAppsIter(ctx, team, nil) {
		n++
	}
	if n != len(apps) {
		t.Errorf("ListTeamAppsIter: %d apps, ListTeamApps %d", n, len(apps))
	}
}

// TestSandboxTeamsChats drives TeamsService's chats (members, messages with
// a mention and an inline image) and personal apps against the sandbox.
func TestSandboxTeamsChats(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(teamsScopes)...)
	ctx := t.Context()
	n := 0
	for _, err := range c.Teams.ListChatsIter(ctx, "", nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if chats, _, err := c.Teams.ListChats(ctx, "me", nil); err != nil || n != 2 || len(chats) != 2 {
		t.Fatalf("ListChats: %d %v", n, err)
	}
	one, resp, err := c.Teams.CreateChat(ctx, &NewChat{ChatType: "oneOnOne", Members: []string{sandbox.AdeleVanceID, sandbox.AlexWilberID}})
	if err != nil || resp.StatusCode != 200 || one.ChatType != "oneOnOne" {
		t.Fatalf("CreateChat of an existing oneOnOne: %+v %v", one, err)
	}
	grp, _, err := c.Teams.CreateChat(ctx, &NewChat{ChatType: "group", Topic: "Offsite", Members: []string{sandbox.AdeleVanceID, sandbox.MeganBowenID}})
	if err != nil || grp.Topic != "Offsite" {
		t.Fatalf("CreateChat group: %+v %v", grp, err)
	}
	if got, _, err := c.Teams.GetChat(ctx, grp.ID); err != nil || got.ChatType != "group" {
		t.Errorf("GetChat: %+v %v", got, err)
	}
	if m, _, err := c.Teams.AddChatMember(ctx, grp.ID, sandbox.AlexWilberID, &AddChatMemberOptions{Owner: true}); err != nil || m.UserID != sandbox.AlexWilberID {
		t.Errorf("AddChatMember: %+v %v", m, err)
	}
	n = 0
	for range c.Teams.ListChatMembersIter(ctx, grp.ID, nil) {
		n++
	}
	if members, _, err := c.Teams.ListChatMembers(ctx, grp.ID, nil); err != nil || len(members) != 3 || n != 3 {
		t.Errorf("ListChatMembers: %+v %v", members, err)
	}
	post := &ChatMessage{}
	post.Body = HTMLBody(post.Mention(sandbox.MeganBowenID, "Megan Bowen") + " venue: " + post.InlineImage("image/jpeg", []byte("jpeg bytes")))
	msg, _, err := c.Teams.PostChatMessage(ctx, grp.ID, post)
	if err != nil || msg.ChatID != grp.ID || len(msg.Mentions) != 1 {
		t.Fatalf("PostChatMessage: %+v %v", msg, err)
	}
	hosted, _, err := c.Teams.ListChatHostedContents(ctx, grp.ID, msg.ID, nil)
	if err != nil || len(hosted) != 1 {
		t.Fatalf("ListChatHostedContents: %+v %v", hosted, err)
	}
	if hc, _, err := c.Teams.GetChatHostedContent(ctx, grp.ID, msg.ID, hosted[0].ID); err != nil || string(hc.ContentBytes) != "jpeg bytes" || hc.ContentType != "image/jpeg" {
		t.Errorf("GetChatHostedContent: %+v %v", hc, err)
	}
	for hc, err := range c.Teams.ListChatHostedContentsIter(ctx, grp.ID, msg.ID, nil) {
		if err != nil || hc.ID != hosted[0].ID {
			t.Errorf("ListChatHostedContentsIter: %+v %v", hc, err)
		}
	}
	var img bytes.Buffer
	if _, err := c.Teams.DownloadChatHostedContent(ctx, grp.ID, msg.ID, hosted[0].ID, &img); err != nil || img.String() != "jpeg bytes" {
		t.Errorf("DownloadChatHostedContent: %q %v", img.String(), err)
	}
	if _, _, err := c.Teams.SendChatMessage(ctx, grp.ID, TextBody("Dates next")); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Teams.GetChatMessage(ctx, grp.ID, msg.ID); err != nil || got.ID != msg.ID {
		t.Errorf("GetChatMessage: %+v %v", got, err)
	}
	n = 0
	for range c.Teams.ListChatMessagesIter(ctx, grp.ID, &ListOptions{Top: 1}) {
		n++
	}
	if msgs, _, err := c.Teams.ListChatMessages(ctx, grp.ID, nil); err != nil || len(msgs) != 2 || n != 2 || msgs[0].Body.Content != "Dates next" {
		t.Errorf("ListChatMessages (newest first): %+v %v", msgs, err)
	}
	if apps, _, err := c.Teams.ListChatApps(ctx, grp.ID, nil); err != nil || len(apps) == 0 {
		t.Errorf("ListChatApps: %+v %v", apps, err)
	}
	for range c.Teams.ListChatAppsIter(ctx, grp.ID, nil) {
	}
	if apps, _, err := c.Teams.ListUserApps(ctx, "", &InstalledAppsOptions{WithDefinition: true}); err != nil || len(apps) == 0 || apps[0].TeamsAppDefinition == nil {
		t.Errorf("ListUserApps: %+v %v", apps, err)
	}
	for range c.Teams.ListUserAppsIter(ctx, "", nil) {
	}
}

// TestSandboxTeamsPresence drives TeamsService's presence against the
// sandbox: a session expires by the sandbox clock; a preferred presence
// overrides it until cleared.
func TestSandboxTeamsPresence(t *testing.T) {
	c, s, _ := onSandbox(t, strings.Fields(teamsScopes)...)
	ctx := t.Context()
	me := sandbox.AdeleVanceID
	presence := func() string {
		t.Helper()
		p, _, err := c.Teams.GetPresence(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return p.Availability + "/" + p.Activity
	}
	if p, _, err := c.Teams.GetPresence(ctx, sandbox.AlexWilberID); err != nil || p.Availability != "Busy" {
		t.Errorf("Alex's presence: %+v %v", p, err)
	}
	if _, err := c.Teams.SetPresence(ctx, me, &SetPresenceOptions{SessionID: sandbox.PublicClientID, Availability: "Busy", Activity: "InACall", Expiration: 5 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if got := presence(); got != "Busy/InACall" {
		t.Errorf("after SetPresence: %s", got)
	}
	if _, err := c.Teams.SetPreferredPresence(ctx, me, &PreferredPresenceOptions{Availability: "DoNotDisturb", Activity: "DoNotDisturb"}); err != nil {
		t.Fatal(err)
	}
	if got := presence(); got != "DoNotDisturb/DoNotDisturb" {
		t.Errorf("after SetPreferredPresence: %s", got)
	}
	if _, err := c.Teams.ClearPreferredPresence(ctx, me); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdvanceClock(6 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := presence(); got != "Available/Available" {
		t.Errorf("after the session expired: %s, want the default", got)
	}
	if _, err := c.Teams.ClearPresence(ctx, me, sandbox.PublicClientID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Teams.SetPresence(ctx, me, &SetPresenceOptions{SessionID: "x", Availability: "Busy", Activity: "Away"}); StatusCode(err) != 400 {
		t.Errorf("a pair Graph refuses: %v", err)
	}
}
