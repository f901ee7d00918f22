package teams

import (
	"encoding/base64"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestStoreContract drives every write route of Teams (channels standard
// and private with members, channel messages and replies with a mention and
// an inline image, chats with members and messages, presence) and checks
// that the journal they produce, replayed over the seed or over a snapshot
// taken midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	adele := kittest.UserToken(directory.AdeleVanceID, "Channel.Create Channel.Delete.All ChannelSettings.ReadWrite.All "+
		"ChannelMember.ReadWrite.All ChannelMessage.Send Chat.ReadWrite Presence.ReadWrite")
	team := "/v1.0/teams/" + directory.ProductTeamID
	bind := func(id string) map[string]any {
		return map[string]any{"@odata.type": "#microsoft.graph.aadUserConversationMember", "roles": []string{"owner"},
			"user@odata.bind": "https://graph.microsoft.com/v1.0/users('" + id + "')"}
	}
	std := env.Write("POST", team+"/channels", adele, map[string]any{"displayName": "Design", "description": "Specs"}, 201)["id"].(string)
	env.Mark()
	priv := env.Write("POST", team+"/channels", adele, map[string]any{"displayName": "Leads", "membershipType": "private"}, 201)["id"].(string)
	env.Write("POST", team+"/channels/"+priv+"/members", adele, bind(directory.MeganBowenID), 201)
	env.Write("PATCH", team+"/channels/"+std, adele, map[string]any{"description": "Specs and mock-ups"}, 204)
	msg := env.Write("POST", team+"/channels/"+std+"/messages", adele, map[string]any{
		"body": map[string]any{"contentType": "html", "content": `<p>Mock-up <img src="../hostedContents/1/$value"></p>`},
		"hostedContents": []any{map[string]any{"@microsoft.graph.temporaryId": "1", "contentType": "image/png",
			"contentBytes": base64.StdEncoding.EncodeToString([]byte("\x89PNG fake"))}}}, 201)["id"].(string)
	env.Write("POST", team+"/channels/"+std+"/messages/"+msg+"/replies", adele, map[string]any{
		"body": map[string]any{"contentType": "html", "content": `<at id="0">Alex Wilber</at> thoughts?`},
		"mentions": []any{map[string]any{"id": 0, "mentionText": "Alex Wilber",
			"mentioned": map[string]any{"user": map[string]any{"id": directory.AlexWilberID}}}}}, 201)
	env.Write("DELETE", team+"/channels/"+priv, adele, nil, 204)
	chat := env.Write("POST", "/v1.0/chats", adele, map[string]any{"chatType": "group", "topic": "Design review",
		"members": []any{bind(directory.AdeleVanceID), bind(directory.MeganBowenID)}}, 201)["id"].(string)
	env.Write("POST", "/v1.0/chats/"+chat+"/members", adele, bind(directory.AlexWilberID), 201)
	env.Write("POST", "/v1.0/chats/"+chat+"/messages", adele, map[string]any{"body": map[string]any{"content": "Friday at 3?"}}, 201)
	me := "/v1.0/users/" + directory.AdeleVanceID + "/presence/"
	env.Write("POST", me+"setPresence", adele, map[string]any{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87",
		"availability": "Busy", "activity": "InACall", "expirationDuration": "PT1H"}, 200)
	env.Write("POST", me+"setUserPreferredPresence", adele, map[string]any{"availability": "DoNotDisturb", "activity": "DoNotDisturb"}, 200)
	env.Write("POST", me+"clearUserPreferredPresence", adele, nil, 200)
	env.Write("POST", me+"clearPresence", adele, map[string]any{"sessionId": "22553876-f5ab-4529-bffb-cfe50aa89f87"}, 200)
}
