package sandbox

import (
	"maps"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/teams"
)

// TestSubscriptionsTeamsMessages: a subscription to a channel's messages
// hears of a posted message and of a reply to it, and one to a chat's
// messages and one to all the user's chats of a chat message, named as
// Graph names them; chatMessage
// subscriptions live at most 60 minutes, and a user may watch only the
// chats and teams it is a member of.
func TestSubscriptionsTeamsMessages(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password,
		"ChannelMessage.Read.All ChannelMessage.Send Chat.ReadWrite"), "Content-Type": "application/json"}
	rc := newReceiver(t, 0)
	channel := "teams/" + directory.ProductTeamID + "/channels/" + teams.LaunchChannelID + "/messages"
	subscribe := func(resource string, minutes int) (int, map[string]any) {
		var out map[string]any
		resp := e.do("POST", "/v1.0/subscriptions", jsonBody(map[string]any{"changeType": "created", "notificationUrl": rc.URL,
			"resource": resource, "clientState": "k3y",
			"expirationDateTime": e.s.Now().Add(time.Duration(minutes) * time.Minute).UTC().Format(time.RFC3339)}), tok, &out)
		return resp.StatusCode, out
	}
	if st, out := subscribe("chats/"+teams.OtherChatID+"/messages", 45); st != 403 {
		t.Fatalf("a subscription to a chat Adele is not in: %d %v, want 403", st, out)
	}
	if st, out := subscribe(channel, 120); st != 400 {
		t.Fatalf("a 2-hour subscription to channel messages: %d %v, want 400", st, out)
	}
	if st, out := subscribe(channel, 45); st != 201 {
		t.Fatalf("subscribe to %s: %d %v", channel, st, out)
	}
	if st, out := subscribe("chats/"+teams.GroupChatID+"/messages", 45); st != 201 {
		t.Fatalf("subscribe to the chat: %d %v", st, out)
	}
	if st, out := subscribe("me/chats/getAllMessages", 45); st != 201 {
		t.Fatalf("subscribe to all of Adele's chats: %d %v", st, out)
	}
	var msg, reply, chatMsg map[string]any
	e.do("POST", "/v1.0/"+channel, jsonBody(map[string]any{"body": map[string]any{"content": "Launch moved to Tuesday."}}), tok, &msg)
	e.do("POST", "/v1.0/"+channel+"/"+msg["id"].(string)+"/replies", jsonBody(map[string]any{"body": map[string]any{"content": "Noted."}}), tok, &reply)
	e.do("POST", "/v1.0/chats/"+teams.GroupChatID+"/messages", jsonBody(map[string]any{"body": map[string]any{"content": "See the channel."}}), tok, &chatMsg)
	prefix := "teams('" + directory.ProductTeamID + "')/channels('" + teams.LaunchChannelID + "')/messages('" + msg["id"].(string) + "')"
	ids := map[string]string{ // resource → the id its resourceData names
		prefix: msg["id"].(string),
		prefix + "/replies('" + reply["id"].(string) + "')":                             reply["id"].(string),
		"chats('" + teams.GroupChatID + "')/messages('" + chatMsg["id"].(string) + "')": chatMsg["id"].(string),
	}
	// The chat's subscription and getAllMessages both hear of the chat message.
	want := map[string]int{prefix: 1, prefix + "/replies('" + reply["id"].(string) + "')": 1,
		"chats('" + teams.GroupChatID + "')/messages('" + chatMsg["id"].(string) + "')": 2}
	got := map[string]int{}
	for _, n := range rc.wait(t, 4) {
		res, _ := n["resource"].(string)
		got[res]++
		data, _ := n["resourceData"].(map[string]any)
		if n["changeType"] != "created" || n["clientState"] != "k3y" || data["id"] != ids[res] || data["@odata.type"] != "#Microsoft.Graph.chatMessage" {
			t.Errorf("notification %v", n)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("notifications by resource %v, want %v", got, want)
	}
}
