package sandbox

import (
	"encoding/base64"
	"strings"
	"testing"
)

// graphConformanceSharing covers sharing below the drive routes and the
// Shares API, run in order on one server: links and invitations on Adele's
// Documents folder and a file in it, the permissions they make (inherited
// by the file), Megan (invited) reaching the file in Adele's drive and
// through the link, Patti (not invited) refused, and removals.
var graphConformanceSharing = []conformanceRow{
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents:", auth: "files", status: 200, typ: "driveItem", save: "docs"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents/Meeting%20notes.txt:", auth: "files", status: 200, typ: "driveItem", save: "notes"},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "files", status: 201, typ: "permission", save: "link", body: `{"type": "view", "scope": "organization"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "files", status: 200, typ: "permission", body: `{"type": "view", "scope": "organization"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "files", status: 400, body: `{"type": "embed"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "files", status: 400, body: `{"type": "view", "scope": "users", "password": "secret"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "files", status: 400, body: `{"type": "view", "colour": "red"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/createLink", auth: "read", status: 403, body: `{"type": "view"}`},
	{route: "POST /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{docs}/createLink", auth: "files", status: 201, typ: "permission", save: "anon",
		body: `{"type": "edit", "scope": "anonymous", "password": "correct horse", "expirationDateTime": "2099-01-01T00:00:00Z"}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Documents/Budget%202025.md:/createLink", auth: "files", status: 201, typ: "permission",
		body: `{"type": "view", "scope": "users", "recipients": [{"email": "{meganMail}"}], "retainInheritedPermissions": false}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/invite", auth: "files", status: 200, typ: "permission", list: true, save: "invite",
		body: `{"recipients": [{"email": "{meganMail}"}], "roles": ["read"], "requireSignIn": true, "sendInvitation": true, "message": "The notes"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/invite", auth: "files", status: 200, typ: "permission", list: true, save: "guest",
		body: `{"recipients": [{"email": "ryan@fabrikam.example"}], "roles": ["write"], "requireSignIn": true, "sendInvitation": false}`},
	{route: "POST /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{docs}/invite", auth: "files", status: 200, typ: "permission", list: true,
		body: `{"recipients": [{"objectId": "{megan}"}], "roles": ["read"]}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/invite", auth: "files", status: 400, body: `{"recipients": [], "roles": ["read"]}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/invite", auth: "files", status: 400, body: `{"recipients": [{"email": "{meganMail}"}], "roles": ["owner"]}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/permissions", auth: "files", status: 200, typ: "permission", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents:/permissions?$select=id,roles", auth: "read", status: 200, typ: "permission", list: true},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{notes}/permissions/{invite}", auth: "files", status: 200, typ: "permission"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/permissions/{link}", auth: "files", status: 200, typ: "permission"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/permissions", auth: "megan", status: 200, typ: "permission", list: true},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/permissions/nope", auth: "files", status: 404},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/permissions/{invite}", auth: "files", status: 200, typ: "permission", body: `{"roles": ["write"]}`},
	// Megan, now invited to edit Documents, moves and copies within it only
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}", auth: "megan", status: 403, body: `{"parentReference": {"path": "/drive/root:"}}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/copy", auth: "megan", status: 403, body: `{"name": "notes 2.txt"}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/copy", auth: "megan", status: 202, judge: "none", body: `{"parentReference": {"id": "{docs}"}, "name": "notes 2.txt"}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Documents/notes%202.txt:", auth: "megan", status: 200, typ: "driveItem", body: `{"name": "notes 3.txt"}`},
	{route: "PATCH /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{docs}/permissions/{invite}", auth: "files", status: 200, typ: "permission", body: `{"roles": ["read"]}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/permissions/{invite}", auth: "files", status: 400, body: `{"roles": ["write"]}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{invite}", auth: "files", status: 400, body: `{"link": {}}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{invite}", auth: "files", status: 400, body: `{"roles": "write"}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{invite}", auth: "files", status: 400, body: `{"colour": "red"}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{invite}", auth: "megan", status: 403, body: `{"roles": ["write"]}`},
	// Megan, invited to read Documents, and Patti, not invited
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}", auth: "megan", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Documents:/children", auth: "megan", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{notes}", auth: "megan", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root", auth: "megan", status: 403},
	{route: "PUT /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}:/megan.txt:/content", auth: "megan", status: 403, body: `"from Megan"`},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}", auth: "patti", status: 403},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}", auth: "meganOwn", status: 403},
	// the Shares API
	{route: "GET /v1.0/shares/{sid}", path: "/v1.0/shares/{share}", auth: "megan", status: 200, typ: "sharedDriveItem"},
	{route: "GET /v1.0/shares/{sid}", path: "/v1.0/shares/{encoded}", auth: "patti", status: 200, typ: "sharedDriveItem"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/driveItem", auth: "megan", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{encoded}/root?$select=id,name", auth: "patti", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/permission", auth: "megan", status: 200, typ: "permission"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/driveItem/content", auth: "megan", status: 302, judge: "redirect"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/driveItem", auth: "app", status: 403},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/items", auth: "megan", status: 400},
	{route: "GET /v1.0/shares/{sid}", path: "/v1.0/shares/u!bm90LWEtbGluaw", auth: "megan", status: 404},
	// removals
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/permissions/{invite}", auth: "files", status: 204, judge: "none"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}", auth: "megan", status: 403},
	{route: "DELETE /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{notes}/permissions/{link}", auth: "files", status: 204, judge: "none"},
	{route: "GET /v1.0/shares/{sid}/{rest...}", path: "/v1.0/shares/{share}/driveItem", auth: "megan", status: 404},
	{route: "DELETE /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{anon}", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{docs}/permissions/{anon}", auth: "files", status: 404},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/permissions/{guest}", auth: "files", status: 400},
}

func TestGraphConformanceSharing(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"files": "User.Read Files.ReadWrite",
		"read":  "User.Read Files.Read",
	})
	megan, patti := seedUsers[2], seedUsers[4]
	c.tokens["megan"] = "Bearer " + e.userToken(megan.UserPrincipalName, megan.Password, "Files.ReadWrite.All")
	c.tokens["meganOwn"] = "Bearer " + e.userToken(megan.UserPrincipalName, megan.Password, "Files.ReadWrite")
	c.tokens["patti"] = "Bearer " + e.userToken(patti.UserPrincipalName, patti.Password, "Files.ReadWrite.All")
	c.fill("{adele}", adele().ID, "{megan}", megan.ID, "{meganMail}", megan.Mail)
	c.run(graphConformanceDrive[0]) // saves {drive}
	for _, row := range graphConformanceSharing {
		if row.path == "/v1.0/shares/{share}" { // the link made above, by its shareId and by its URL
			var p struct {
				ShareID string `json:"shareId"`
				Link    struct {
					WebURL string `json:"webUrl"`
				} `json:"link"`
			}
			e.do("GET", c.expand(t, "/v1.0/me/drive/items/{notes}/permissions/{link}"), nil, map[string]string{"Authorization": c.tokens["files"]}, &p)
			if p.ShareID == "" || p.Link.WebURL == "" {
				t.Fatalf("the link has no shareId or webUrl: %+v", p)
			}
			c.fill("{share}", p.ShareID, "{encoded}", "u!"+base64.RawURLEncoding.EncodeToString([]byte(p.Link.WebURL)))
		}
		c.run(row)
	}
}

// ownerPermission is the id of the owner's permission on u's drive items:
// SharePoint's encoded claim of the owner.
func ownerPermission(u User) string {
	return base64.RawURLEncoding.EncodeToString([]byte("i:0#.f|membership|" + strings.ToLower(u.UserPrincipalName)))
}
