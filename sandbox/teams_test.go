package sandbox

import (
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
		{"application without a role", "/v1.0/teams/" + directory.ProductTeamID + "/channels", app, 403, "Roles on the request '"},
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
