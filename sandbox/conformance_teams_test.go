package sandbox

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/teams"
)

// graphConformanceTeams covers Teams: the team, joined teams, channels
// (standard and private, members), channel messages and replies with a
// mention and an inline image, chats with members and messages, presence
// and installed apps; run in order on one server ({channel}, {private},
// {msg}, {reply}, {hosted}, {chat}, {cmsg} and {member} are saved by
// earlier rows).
var graphConformanceTeams = []conformanceRow{
	{route: "GET /v1.0/teams/{tid}", path: "/v1.0/teams/{team}", auth: "teams", status: 200, typ: "team"},
	{route: "GET /v1.0/teams/{tid}", path: "/v1.0/teams/{team}", auth: "user", status: 403},
	{route: "GET /v1.0/teams/{tid}", path: "/v1.0/teams/00000000-0000-0000-0000-000000000000", auth: "teams", status: 404},
	{route: "GET /v1.0/me/joinedTeams", path: "/v1.0/me/joinedTeams", auth: "read", status: 200, typ: "team", list: true},
	{route: "GET /v1.0/users/{id}/joinedTeams", path: "/v1.0/users/{megan}/joinedTeams", auth: "read", status: 200, typ: "team", list: true},
	{route: "GET /v1.0/teams/{tid}/channels", path: "/v1.0/teams/{team}/channels", auth: "teams", status: 200, typ: "channel", list: true},
	{route: "GET /v1.0/teams/{tid}/primaryChannel", path: "/v1.0/teams/{team}/primaryChannel", auth: "read", status: 200, typ: "channel"},
	{route: "POST /v1.0/teams/{tid}/channels", path: "/v1.0/teams/{team}/channels", auth: "teams", status: 201, typ: "channel",
		body: `{"displayName": "Design", "description": "Specs and mock-ups", "membershipType": "standard"}`, save: "channel"},
	{route: "POST /v1.0/teams/{tid}/channels", path: "/v1.0/teams/{team}/channels", auth: "teams", status: 400, body: `{"displayName": "Design"}`},
	{route: "POST /v1.0/teams/{tid}/channels", path: "/v1.0/teams/{team}/channels", auth: "read", status: 403, body: `{"displayName": "Other"}`},
	{route: "POST /v1.0/teams/{tid}/channels", path: "/v1.0/teams/{team}/channels", auth: "teams", status: 201, typ: "channel",
		body: `{"displayName": "Leads", "membershipType": "private", "members": [{"@odata.type": "#microsoft.graph.aadUserConversationMember",
		"user@odata.bind": "https://graph.microsoft.com/v1.0/users('{adele}')", "roles": ["owner"]}]}`, save: "private"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}", path: "/v1.0/teams/{team}/channels/{channel}", auth: "read", status: 200, typ: "channel"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}", path: "/v1.0/teams/{team}/channels/19:nope@thread.tacv2", auth: "read", status: 404},
	{route: "PATCH /v1.0/teams/{tid}/channels/{cid}", path: "/v1.0/teams/{team}/channels/{channel}", auth: "teams", status: 204, judge: "none",
		body: `{"description": "Specs, mock-ups and research"}`},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/members", path: "/v1.0/teams/{team}/channels/{private}/members", auth: "teams", status: 200, typ: "aadUserConversationMember", list: true},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/members", path: "/v1.0/teams/{team}/channels/{private}/members", auth: "teams", status: 201, typ: "aadUserConversationMember",
		body: `{"@odata.type": "#microsoft.graph.aadUserConversationMember", "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{megan}')", "roles": []}`, save: "member"},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/members", path: "/v1.0/teams/{team}/channels/{channel}/members", auth: "teams", status: 400,
		body: `{"@odata.type": "#microsoft.graph.aadUserConversationMember", "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{megan}')"}`},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/members/{mbid}", path: "/v1.0/teams/{team}/channels/{private}/members/{member}", auth: "teams", status: 200, typ: "aadUserConversationMember"},
	{route: "DELETE /v1.0/teams/{tid}/channels/{cid}/members/{mbid}", path: "/v1.0/teams/{team}/channels/{private}/members/{member}", auth: "teams", status: 204, judge: "none"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages", path: "/v1.0/teams/{team}/channels/{launch}/messages", auth: "read", status: 200, typ: "chatMessage", list: true},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages", path: "/v1.0/teams/{team}/channels/{launch}/messages?$expand=replies", auth: "read", status: 200, typ: "chatMessage", list: true},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/messages", path: "/v1.0/teams/{team}/channels/{channel}/messages", auth: "teams", status: 201, typ: "chatMessage", save: "msg",
		body: `{"subject": "Mock-ups", "body": {"contentType": "html", "content": "<p>First draft <img src=\"../hostedContents/1/$value\"></p>"},
		"hostedContents": [{"@microsoft.graph.temporaryId": "1", "contentType": "image/png", "contentBytes": "iVBORw0KGgo="}]}`},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/messages", path: "/v1.0/teams/{team}/channels/{channel}/messages", auth: "teams", status: 400,
		body: `{"body": {"contentType": "html", "content": "<at id=\"0\">Nobody</at>"}, "mentions": [{"id": 0, "mentionText": "Nobody", "mentioned": {"user": {"id": "00000000-0000-0000-0000-000000000000"}}}]}`},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/messages", path: "/v1.0/teams/{team}/channels/{channel}/messages", auth: "read", status: 403, body: `{"body": {"content": "x"}}`},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}", auth: "read", status: 200, typ: "chatMessage"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}", path: "/v1.0/teams/{team}/channels/{channel}/messages/1", auth: "read", status: 404},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/hostedContents", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/hostedContents", auth: "read", status: 200,
		typ: "chatMessageHostedContent", list: true, save: "hosted"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/hostedContents/{hid}", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/hostedContents/{hosted}", auth: "read", status: 200, typ: "chatMessageHostedContent"},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/hostedContents/{hid}/$value", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/hostedContents/{hosted}/$value", auth: "read", status: 200, judge: "raw"},
	{route: "POST /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/replies", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/replies", auth: "teams", status: 201, typ: "chatMessage", save: "reply",
		body: `{"body": {"contentType": "html", "content": "<at id=\"0\">Megan Bowen</at> please review"}, "mentions": [{"id": 0, "mentionText": "Megan Bowen", "mentioned": {"user": {"id": "{megan}", "displayName": "Megan Bowen", "userIdentityType": "aadUser"}}}]}`},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/replies", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/replies", auth: "read", status: 200, typ: "chatMessage", list: true},
	{route: "GET /v1.0/teams/{tid}/channels/{cid}/messages/{mid}/replies/{rid}", path: "/v1.0/teams/{team}/channels/{channel}/messages/{msg}/replies/{reply}", auth: "read", status: 200, typ: "chatMessage"},
	{route: "DELETE /v1.0/teams/{tid}/channels/{cid}", path: "/v1.0/teams/{team}/channels/{general}", auth: "teams", status: 400},
	{route: "DELETE /v1.0/teams/{tid}/channels/{cid}", path: "/v1.0/teams/{team}/channels/{private}", auth: "teams", status: 204, judge: "none"},
	// Chats.
	{route: "GET /v1.0/me/chats", path: "/v1.0/me/chats", auth: "read", status: 200, typ: "chat", list: true},
	{route: "GET /v1.0/me/chats", path: "/v1.0/me/chats?$expand=members", auth: "read", status: 200, typ: "chat", list: true},
	{route: "GET /v1.0/users/{id}/chats", path: "/v1.0/users/{adele}/chats", auth: "read", status: 200, typ: "chat", list: true},
	{route: "GET /v1.0/users/{id}/chats", path: "/v1.0/users/{megan}/chats", auth: "read", status: 403},
	{route: "POST /v1.0/chats", path: "/v1.0/chats", auth: "teams", status: 201, typ: "chat", save: "chat",
		body: `{"chatType": "group", "topic": "Design review", "members": [
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{adele}')"},
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{megan}')"}]}`},
	{route: "POST /v1.0/chats", path: "/v1.0/chats", auth: "teams", status: 200, typ: "chat",
		body: `{"chatType": "oneOnOne", "members": [
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{adele}')"},
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{alex}')"}]}`},
	{route: "POST /v1.0/chats", path: "/v1.0/chats", auth: "teams", status: 403,
		body: `{"chatType": "oneOnOne", "members": [
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{megan}')"},
		{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{alex}')"}]}`},
	{route: "GET /v1.0/chats/{chid}", path: "/v1.0/chats/{chat}", auth: "read", status: 200, typ: "chat"},
	{route: "GET /v1.0/chats/{chid}", path: "/v1.0/chats/19:nope@thread.v2", auth: "read", status: 404},
	{route: "POST /v1.0/chats/{chid}/members", path: "/v1.0/chats/{chat}/members", auth: "teams", status: 201, typ: "aadUserConversationMember", save: "cmember",
		body: `{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": ["owner"], "user@odata.bind": "https://graph.microsoft.com/v1.0/users('{alex}')", "visibleHistoryStartDateTime": "0001-01-01T00:00:00Z"}`},
	{route: "GET /v1.0/chats/{chid}/members", path: "/v1.0/chats/{chat}/members", auth: "read", status: 200, typ: "aadUserConversationMember", list: true},
	{route: "GET /v1.0/chats/{chid}/members/{mbid}", path: "/v1.0/chats/{chat}/members/{cmember}", auth: "read", status: 200, typ: "aadUserConversationMember"},
	{route: "POST /v1.0/chats/{chid}/messages", path: "/v1.0/chats/{chat}/messages", auth: "teams", status: 201, typ: "chatMessage", save: "cmsg",
		body: `{"body": {"contentType": "html", "content": "Sketch: <img src=\"../hostedContents/1/$value\">"},
		"hostedContents": [{"@microsoft.graph.temporaryId": "1", "contentType": "image/png", "contentBytes": "iVBORw0KGgo="}]}`},
	{route: "GET /v1.0/chats/{chid}/messages", path: "/v1.0/chats/{chat}/messages", auth: "read", status: 200, typ: "chatMessage", list: true},
	{route: "GET /v1.0/chats/{chid}/messages/{mid}", path: "/v1.0/chats/{chat}/messages/{cmsg}", auth: "read", status: 200, typ: "chatMessage"},
	{route: "GET /v1.0/chats/{chid}/messages/{mid}/hostedContents", path: "/v1.0/chats/{chat}/messages/{cmsg}/hostedContents", auth: "read", status: 200,
		typ: "chatMessageHostedContent", list: true, save: "chosted"},
	{route: "GET /v1.0/chats/{chid}/messages/{mid}/hostedContents/{hid}", path: "/v1.0/chats/{chat}/messages/{cmsg}/hostedContents/{chosted}", auth: "read", status: 200, typ: "chatMessageHostedContent"},
	{route: "GET /v1.0/chats/{chid}/messages/{mid}/hostedContents/{hid}/$value", path: "/v1.0/chats/{chat}/messages/{cmsg}/hostedContents/{chosted}/$value", auth: "read", status: 200, judge: "raw"},
	{route: "GET /v1.0/chats/{chid}/messages", path: "/v1.0/chats/{other}/messages", auth: "read", status: 403},
	// Presence.
	{route: "GET /v1.0/me/presence", path: "/v1.0/me/presence", auth: "read", status: 200, typ: "presence"},
	{route: "GET /v1.0/users/{id}/presence", path: "/v1.0/users/{megan}/presence", auth: "read", status: 200, typ: "presence"},
	{route: "GET /v1.0/users/{id}/presence", path: "/v1.0/users/{megan}/presence", auth: "user", status: 403},
	{route: "POST /v1.0/users/{id}/presence/setPresence", path: "/v1.0/users/{adele}/presence/setPresence", auth: "teams", status: 200, judge: "none",
		body: `{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87", "availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"}`},
	{route: "POST /v1.0/users/{id}/presence/setPresence", path: "/v1.0/users/{adele}/presence/setPresence", auth: "teams", status: 400,
		body: `{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87", "availability": "Busy", "activity": "Away"}`},
	{route: "POST /v1.0/users/{id}/presence/setPresence", path: "/v1.0/users/{megan}/presence/setPresence", auth: "teams", status: 403,
		body: `{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87", "availability": "Busy", "activity": "InACall"}`},
	{route: "POST /v1.0/users/{id}/presence/clearPresence", path: "/v1.0/users/{adele}/presence/clearPresence", auth: "teams", status: 200, judge: "none",
		body: `{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87"}`},
	{route: "POST /v1.0/users/{id}/presence/setUserPreferredPresence", path: "/v1.0/users/{adele}/presence/setUserPreferredPresence", auth: "teams", status: 200, judge: "none",
		body: `{"availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "PT8H"}`},
	{route: "POST /v1.0/users/{id}/presence/clearUserPreferredPresence", path: "/v1.0/users/{adele}/presence/clearUserPreferredPresence", auth: "teams", status: 200, judge: "none"},
	// Installed apps.
	{route: "GET /v1.0/teams/{tid}/installedApps", path: "/v1.0/teams/{team}/installedApps?$expand=teamsAppDefinition", auth: "apps", status: 200, typ: "teamsAppInstallation", list: true},
	{route: "GET /v1.0/chats/{chid}/installedApps", path: "/v1.0/chats/{chat}/installedApps", auth: "apps", status: 200, typ: "teamsAppInstallation", list: true},
	{route: "GET /v1.0/me/teamwork/installedApps", path: "/v1.0/me/teamwork/installedApps?$expand=teamsAppDefinition", auth: "apps", status: 200, typ: "teamsAppInstallation", list: true},
	{route: "GET /v1.0/users/{id}/teamwork/installedApps", path: "/v1.0/users/{adele}/teamwork/installedApps", auth: "apps", status: 200, typ: "teamsAppInstallation", list: true},
	{route: "GET /v1.0/users/{id}/teamwork/installedApps", path: "/v1.0/users/{adele}/teamwork/installedApps", auth: "read", status: 403},
}

func TestGraphConformanceTeams(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"teams": "User.Read Group.ReadWrite.All Channel.Create Channel.Delete.All ChannelMember.ReadWrite.All ChannelMessage.Send Chat.ReadWrite Presence.ReadWrite",
		"read":  "User.Read Team.ReadBasic.All Channel.ReadBasic.All ChannelMessage.Read.All Chat.Read Presence.Read.All",
		"apps":  "User.Read TeamsAppInstallation.ReadForTeam TeamsAppInstallation.ReadForChat TeamsAppInstallation.ReadForUser",
		"user":  "User.Read",
	})
	c.fill("{team}", directory.ProductTeamID, "{adele}", adele().ID, "{megan}", MeganBowenID, "{alex}", directory.AlexWilberID,
		"{launch}", teams.LaunchChannelID, "{general}", teams.GeneralChannelID, "{other}", teams.OtherChatID)
	for _, row := range graphConformanceTeams {
		c.run(row)
	}
}
