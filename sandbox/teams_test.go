package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/teams"
)

// TestTeamsRefusals: a token without the permission a Teams route needs
// gets Teams' 403 naming the permissions it accepts and those the token
// carries; a delegated user who is not a member of a chat gets 403 and an
// unknown team 404.
func TestTeamsRefusals(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	basic := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "User.Read")}
	reader := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Chat.Read Team.ReadBasic.All")}
	app := map[string]string{"Authorization": "Bearer " + e.appToken()}
	for _, c := range []struct {
		name, path string
		hdr        map[string]string
		status     int
		msg        string
	}{
		{"delegated without a chat scope", "/v1.0/me/chats", basic, 403, "API requires one of 'Chat.Read, Chat.ReadBasic, Chat.ReadWrite"},
		{"delegated scopes named", "/v1.0/teams/" + directory.ProductTeamID, basic, 403, "Scopes on the request 'User.Read"},
		{"application without a role", "/v1.0/chats/" + teams.OtherChatID + "/messages", app, 403, "Roles on the request '"},
		{"not a member of the chat", "/v1.0/chats/" + teams.OtherChatID + "/messages", reader, 403, "Forbidden"},
		{"unknown team", "/v1.0/teams/00000000-0000-0000-0000-000000000000", reader, 404, "No team found with Group Id"},
	} {
		var out graphErr
		resp := e.do("GET", c.path, nil, c.hdr, &out)
		if resp.StatusCode != c.status || !strings.Contains(out.Error.Message, c.msg) {
			t.Errorf("%s: %d %+v, want %d with %q", c.name, resp.StatusCode, out.Error, c.status, c.msg)
		}
	}
}

// TestTeamsStateSurvivesRestart: a channel, a message with an inline image
// and a reply, a chat and presence are back after a restart, from the
// snapshot Close writes and from the journal alone.
func TestTeamsStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	on := func(folder string) (*Server, *driveClient) {
		s, _ := onState(t, folder)
		e := &env{t: t, s: s, clock: newClock(), c: s.Client(), base: s.URL()}
		u := adele()
		return s, &driveClient{t: t, e: e, tok: "Bearer " + e.userToken(u.UserPrincipalName, u.Password,
			"Channel.Create ChannelMessage.Send ChannelMessage.Read.All Channel.ReadBasic.All Chat.ReadWrite Presence.ReadWrite Presence.Read.All")}
	}
	team := "/v1.0/teams/" + directory.ProductTeamID
	s1, d := on(state)
	ch := d.call("POST", team+"/channels", map[string]any{"displayName": "Ops"}, 201)["id"].(string)
	msg := d.call("POST", team+"/channels/"+ch+"/messages", map[string]any{"body": map[string]any{"contentType": "html",
		"content": `<img src="../hostedContents/1/$value">`}, "hostedContents": []any{map[string]any{
		"@microsoft.graph.temporaryId": "1", "contentType": "image/png", "contentBytes": "aW1n"}}}, 201)["id"].(string)
	d.call("POST", team+"/channels/"+ch+"/messages/"+msg+"/replies", map[string]any{"body": map[string]any{"content": "ok"}}, 201)
	d.call("POST", "/v1.0/users/"+AdeleVanceID+"/presence/setUserPreferredPresence", map[string]any{"availability": "Away", "activity": "Away"}, 200)
	journalOnly := filepath.Join(dir, "journal-only")
	if err := os.CopyFS(journalOnly, os.DirFS(state)); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	for _, folder := range []string{state, journalOnly} {
		s2, d2 := on(folder)
		if got := d2.call("GET", team+"/channels/"+ch, nil, 200)["displayName"]; got != "Ops" {
			t.Errorf("%s: channel %v", folder, got)
		}
		if replies := d2.call("GET", team+"/channels/"+ch+"/messages/"+msg+"/replies", nil, 200)["value"].([]any); len(replies) != 1 {
			t.Errorf("%s: replies %v", folder, replies)
		}
		hosted := d2.call("GET", team+"/channels/"+ch+"/messages/"+msg+"/hostedContents", nil, 200)["value"].([]any)
		if len(hosted) != 1 {
			t.Fatalf("%s: hosted contents %v", folder, hosted)
		}
		id := hosted[0].(map[string]any)["id"].(string)
		if got := d2.call("GET", team+"/channels/"+ch+"/messages/"+msg+"/hostedContents/"+id, nil, 200)["contentBytes"]; got != "aW1n" {
			t.Errorf("%s: image bytes %v", folder, got)
		}
		if got := d2.call("GET", "/v1.0/me/presence", nil, 200)["availability"]; got != "Away" {
			t.Errorf("%s: presence %v", folder, got)
		}
		_ = s2.Close()
	}
}
