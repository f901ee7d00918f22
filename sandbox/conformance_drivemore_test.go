package sandbox

import "testing"

// graphConformanceDriveMore covers special folders, search and quota below
// the drive routes, run in order on one server.
var graphConformanceDriveMore = []conformanceRow{
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/documents", auth: "files", status: 200, typ: "driveItem", save: "docs"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/approot?$select=id,name,specialFolder", auth: "files", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/documents/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/nope", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/recordings", auth: "read", status: 403},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/special/documents", auth: "app", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{megan}/drive/special/music", auth: "app", status: 403},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/special/photos/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "PUT /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/documents:/found.txt:/content", auth: "files", status: 201, typ: "driveItem", body: `"needle in a haystack"`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/special/documents/children", auth: "files", status: 201, typ: "driveItem", body: `{"name": "Needles", "folder": {}}`},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/search(q='needle')", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/search(q='budget')?$select=id,name,size", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{docs}/search(q='needle')?$top=1", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/search(q='')", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/search(q='x')", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root/search(q='plan')", auth: "app", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root/search(q='plan')", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/drives/{did}", path: "/v1.0/drives/{drive}?$select=quota", auth: "files", status: 200, typ: "drive"},
}

func TestGraphConformanceDriveMore(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"files": "User.Read Files.ReadWrite",
		"read":  "User.Read Files.Read",
		"user":  "User.Read",
	})
	c.fill("{adele}", adele().ID, "{megan}", MeganBowenID)
	c.run(graphConformanceDrive[0]) // saves {drive}
	for _, row := range graphConformanceDriveMore {
		c.run(row)
	}
}
