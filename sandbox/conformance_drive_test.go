package sandbox

import (
	"net/http"
	"net/url"
	"testing"
)

// graphConformanceDrive covers the drive routes, run in order on one
// server: reads of the seeded drive, then folders, uploads, updates and
// deletes (delegated tokens write; the app's Files.Read.All only reads).
var graphConformanceDrive = []conformanceRow{
	{route: "GET /v1.0/me/drive", path: "/v1.0/me/drive", auth: "files", status: 200, typ: "drive", save: "drive"},
	// Microsoft lists User.Read among the permissions of GET /me/drive.
	{route: "GET /v1.0/me/drive", path: "/v1.0/me/drive", auth: "user", status: 200, typ: "drive"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "user", status: 403},
	{route: "GET /v1.0/me/drive", path: "/v1.0/me/drive", auth: "none", status: 401},
	{route: "GET /v1.0/users/{id}/drive", path: "/v1.0/users/{adele}/drive", auth: "app", status: 200, typ: "drive"},
	{route: "GET /v1.0/users/{id}/drive", path: "/v1.0/users/{megan}/drive", auth: "files", status: 403},
	{route: "GET /v1.0/drives/{did}", path: "/v1.0/drives/{drive}", auth: "files", status: 200, typ: "drive"},
	{route: "GET /v1.0/drives/{did}", path: "/v1.0/drives/{drive}?$select=id,quota", auth: "files", status: 200, typ: "drive"},
	{route: "GET /v1.0/drives/{did}", path: "/v1.0/drives/b!nope", auth: "files", status: 404},
	{route: "GET /v1.0/me/drives", path: "/v1.0/me/drives", auth: "files", status: 200, typ: "drive", list: true},
	{route: "GET /v1.0/users/{id}/drives", path: "/v1.0/users/{megan}/drives", auth: "app", status: 200, typ: "drive", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root", auth: "files", status: 200, typ: "driveItem", save: "root"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root?$expand=children", auth: "files", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children?$top=2&$orderby=size%20desc&$select=name,size", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children?$orderby=nope", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children?$skiptoken=forged", auth: "files", status: 400},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents:", auth: "files", status: 200, typ: "driveItem", save: "documents"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents:/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{documents}/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{root}:/Documents/Meeting%20notes.txt:", auth: "files", status: 200, typ: "driveItem", save: "notes"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}", auth: "files", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{notes}/content", auth: "files", status: 302, judge: "redirect"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Nope.txt:", auth: "files", status: 404},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/bogus", auth: "files", status: 400},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root/children", auth: "app", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{documents}/children", auth: "files", status: 200, typ: "driveItem", list: true},
	// writes
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "files", status: 201, typ: "driveItem", save: "folder", body: `{"name": "Conformance", "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "files", status: 409, body: `{"name": "Conformance", "folder": {}, "@microsoft.graph.conflictBehavior": "fail"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "files", status: 201, typ: "driveItem", body: `{"name": "Conformance", "folder": {}, "@microsoft.graph.conflictBehavior": "rename"}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "files", status: 400, body: `{"name": "a:b", "folder": {}}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/children", auth: "read", status: 403, body: `{"name": "x", "folder": {}}`},
	{route: "POST /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{folder}/children", auth: "files", status: 201, typ: "driveItem", body: `{"name": "Sub", "folder": {}}`},
	{route: "POST /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{folder}/children", auth: "app", status: 403, body: `{"name": "Sub", "folder": {}}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Projects:/children", auth: "files", status: 201, typ: "driveItem", body: `{"name": "Via drive id", "folder": {}}`},
	{route: "PUT /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Conformance/hello.txt:/content", auth: "files", status: 201, typ: "driveItem", save: "hello", body: `"hello"`},
	{route: "PUT /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{hello}/content", auth: "files", status: 200, typ: "driveItem", body: `"hello again"`},
	{route: "PUT /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{folder}:/b.txt:/content", auth: "files", status: 201, typ: "driveItem", body: `"b"`},
	{route: "PUT /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{folder}:/b.txt:/content?@microsoft.graph.conflictBehavior=fail", auth: "files", status: 409, body: `"b"`},
	// upload sessions (the uploadUrl itself is not a Graph route: upload_test.go)
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Conformance/big.bin:/createUploadSession", auth: "files", status: 200, typ: "uploadSession", body: `{"item": {"@microsoft.graph.conflictBehavior": "rename", "name": "big.bin"}}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Welcome.md:/createUploadSession", auth: "files", status: 409, body: `{"item": {"@microsoft.graph.conflictBehavior": "fail"}}`},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/big.bin:/createUploadSession", auth: "read", status: 403},
	{route: "POST /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{folder}:/c.bin:/createUploadSession", auth: "files", status: 200, typ: "uploadSession"},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{notes}/createUploadSession", auth: "files", status: 200, typ: "uploadSession", body: `{"item": {"fileSize": 1048576}}`},
	{route: "POST /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{folder}/createUploadSession", auth: "files", status: 400},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 200, typ: "driveItem", body: `{"name": "hello2.txt"}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 409, body: `{"name": "b.txt"}`},
	{route: "PATCH /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 400, body: `{"name": 5}`},
	{route: "PATCH /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{hello}", auth: "files", status: 200, typ: "driveItem", body: `{"parentReference": {"id": "{documents}"}}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{folder}", auth: "files", status: 200, typ: "driveItem", body: `{"description": "made by the conformance test"}`},
	{route: "PATCH /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{folder}", auth: "files", status: 400, body: `{"parentReference": {"id": "{folder}"}}`},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 404},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}/restore", auth: "files", status: 200, typ: "driveItem"},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}/restore", auth: "files", status: 404},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{hello}", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root:/Conformance/b.txt:", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{folder}", auth: "files", status: 204, judge: "none"},
	{route: "DELETE /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root", auth: "files", status: 403},
}

func TestGraphConformanceDrive(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"files": "User.Read Files.ReadWrite",
		"read":  "User.Read Files.Read",
		"user":  "User.Read",
	})
	c.fill("{adele}", adele().ID, "{megan}", MeganBowenID)
	for _, row := range graphConformanceDrive {
		c.run(row)
	}
}

// judgeRedirect checks a 302 to a pre-authenticated download URL: on
// another host than the request's, answering the bytes without a token.
func (c *conformance) judgeRedirect(t *testing.T, resp *http.Response) {
	t.Helper()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Host == "" {
		t.Fatalf("Location %q is not an absolute URL", resp.Header.Get("Location"))
	}
	base, _ := url.Parse(c.e.base)
	if loc.Hostname() == base.Hostname() {
		t.Errorf("Location %s is on Graph's host %s: a pre-authenticated URL is on another host", loc, base.Hostname())
	}
	got, err := c.e.c.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.StatusCode != 200 {
		t.Errorf("GET %s without a token: %d, want 200", loc, got.StatusCode)
	}
}
