package sandbox

import (
	"io"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
)

// graphConformanceDriveDelta covers delta, versions, thumbnails and
// conversion below the drive routes, run in order on one server.
var graphConformanceDriveDelta = []conformanceRow{
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta?token=latest", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta?$select=id,name,deleted,file&$top=3", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta?token=forged", auth: "files", status: 410},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta?token=2025-01-01T00%3A00%3A00Z", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Documents:/delta", auth: "files", status: 400},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root/delta", auth: "app", status: 200, typ: "driveItem", judge: "delta"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root/delta(token='latest')", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "PUT /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Versions/v.csv:/content", auth: "files", status: 201, typ: "driveItem", save: "v", body: `"a,b"`},
	{route: "PUT /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/content", auth: "files", status: 200, typ: "driveItem", body: `"a,b,c"`},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Versions:", auth: "files", status: 200, typ: "driveItem", save: "vf"},
	{route: "DELETE /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{vf}", auth: "files", status: 204, judge: "none"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root/delta", auth: "files", status: 200, typ: "driveItem", judge: "delta"},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{vf}/restore", auth: "files", status: 200, typ: "driveItem"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/versions", auth: "files", status: 200, typ: "driveItemVersion", list: true},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/items/{v}/versions/1.0", auth: "app", status: 200, typ: "driveItemVersion"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/items/{v}/versions/1.0/content", auth: "files", status: 302, judge: "redirect"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/versions/7.0", auth: "files", status: 404},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/versions/1.0/restoreVersion", auth: "files", status: 204, judge: "none"},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/versions/1.0/restoreVersion", auth: "read", status: 403},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/items/{v}/content?format=pdf", auth: "files", status: 302, judge: "redirect"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Welcome.md:/content?format=pdf", auth: "files", status: 406},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Pictures/Team%20offsite.png:/thumbnails", auth: "files", status: 200, typ: "thumbnailSet", list: true},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Welcome.md:/thumbnails", auth: "files", status: 200, typ: "thumbnailSet", list: true},
	{route: "GET /v1.0/users/{id}/drive/{rest...}", path: "/v1.0/users/{adele}/drive/root:/Pictures/Team%20offsite.png:/thumbnails/0", auth: "app", status: 200, typ: "thumbnailSet"},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{drive}/root:/Pictures/Team%20offsite.png:/thumbnails/0/small", auth: "files", status: 200, typ: "thumbnail"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Pictures/Team%20offsite.png:/thumbnails/0/medium/content", auth: "files", status: 302, judge: "redirect"},
	{route: "GET /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Pictures/Team%20offsite.png:/thumbnails/0/huge", auth: "files", status: 404},
	{route: "POST /v1.0/me/drive/{rest...}", path: "/v1.0/me/drive/root:/Welcome.md:/copy?@microsoft.graph.conflictBehavior=rename", auth: "files", status: 202, judge: "none", body: `{"parentReference": {"path": "/drive/root:"}}`},
}

func TestGraphConformanceDriveDelta(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"files": "User.Read Files.ReadWrite",
		"read":  "User.Read Files.Read",
	})
	c.fill("{adele}", adele().ID)
	c.run(graphConformanceDrive[0]) // saves {drive}
	for _, row := range graphConformanceDriveDelta {
		c.run(row)
	}
}

// TestGraphConformanceDriveDeltaDeleted judges a delta page that reports
// deletions (which a row cannot reach: it follows a deltaLink).
func TestGraphConformanceDriveDeltaDeleted(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	latest := d.call("GET", "/v1.0/me/drive/root/delta?token=latest", nil, 200)["@odata.deltaLink"].(string)
	d.call("DELETE", "/v1.0/me/drive/root:/Projects:", nil, 204)
	d.call("PUT", "/v1.0/me/drive/root:/Documents/new.txt:/content", []byte("new"), 201)
	resp := e.do("GET", strings.TrimPrefix(latest, e.base), nil, map[string]string{"Authorization": d.tok}, nil)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"deleted":{"state":"deleted"}`) {
		t.Fatalf("%d %s", resp.StatusCode, data)
	}
	for _, p := range graphschema.ForTest(t).CheckCollection("driveItem", data) {
		t.Errorf("%s", p)
	}
}
