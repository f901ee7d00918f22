package sandbox

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
)

// graphConformanceSites covers the SharePoint routes and the drive routes of
// site and group libraries, run in order on one server: reads of the seeded
// sites, lists and items, then lists, columns and items made, changed and
// deleted, and files written through every library address.
var graphConformanceSites = []conformanceRow{
	{route: "GET /v1.0/sites/{sid}", path: "/v1.0/sites/root", auth: "sites", status: 200, typ: "site", save: "root"},
	{route: "GET /v1.0/sites/{sid}", path: "/v1.0/sites/" + directory.SharePointHost + ":/sites/product", auth: "sites", status: 200, typ: "site", save: "team"},
	{route: "GET /v1.0/sites/{sid}", path: "/v1.0/sites/{team}?$select=id,displayName", auth: "app", status: 200, typ: "site"},
	{route: "GET /v1.0/sites/{sid}", path: "/v1.0/sites/" + directory.SharePointHost + ":/sites/nope", auth: "sites", status: 404},
	{route: "GET /v1.0/sites/{sid}", path: "/v1.0/sites/root", auth: "user", status: 403},
	{route: "GET /v1.0/sites", path: "/v1.0/sites?search=product", auth: "sites", status: 200, typ: "site", list: true},
	{route: "GET /v1.0/sites/{sid}/sites", path: "/v1.0/sites/{team}/sites", auth: "sites", status: 200, typ: "site", list: true},
	{route: "GET /v1.0/groups/{gid}/sites/root", path: "/v1.0/groups/{group}/sites/root", auth: "sites", status: 200, typ: "site"},
	{route: "GET /v1.0/groups/{gid}/sites/root", path: "/v1.0/groups/nope/sites/root", auth: "sites", status: 404},
	{route: "GET /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "sites", status: 200, typ: "list", list: true},
	{route: "GET /v1.0/sites/{sid}/lists", path: "/v1.0/sites/" + directory.SharePointHost + ":/sites/product:/lists?$expand=columns", auth: "app", status: 200, typ: "list", list: true},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}", path: "/v1.0/sites/{team}/lists/Project%20tracker", auth: "sites", status: 200, typ: "list", save: "tracker"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}", path: "/v1.0/sites/{team}/lists/{tracker}?$expand=columns", auth: "sites", status: 200, typ: "list"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}", path: "/v1.0/sites/{team}/lists/nope", auth: "sites", status: 404},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/columns", path: "/v1.0/sites/{team}/lists/{tracker}/columns", auth: "sites", status: 200, typ: "columnDefinition", list: true},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{tracker}/columns/Status", auth: "sites", status: 200, typ: "columnDefinition"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{tracker}/items?$expand=fields", auth: "sites", status: 200, typ: "listItem", list: true, save: "item"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{tracker}/items?$top=2&expand=fields(select=Title,DueDate)&$filter=fields/DueDate%20ge%20%272025-04-01%27", auth: "app", status: 200, typ: "listItem", list: true},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{tracker}/items?$filter=fields/Status%20eq%20%27Done%27", auth: "sites", status: 400},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}", path: "/v1.0/sites/{team}/lists/{tracker}/items/{item}?$expand=fields", auth: "sites", status: 200, typ: "listItem"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}", path: "/v1.0/sites/{team}/lists/{tracker}/items/999", auth: "sites", status: 404},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}/fields", path: "/v1.0/sites/{team}/lists/{tracker}/items/{item}/fields", auth: "sites", status: 200, typ: "fieldValueSet"},
	{route: "GET /v1.0/sites/{sid}/drive", path: "/v1.0/sites/{team}/drive", auth: "sites", status: 200, typ: "drive", save: "teamDrive"},
	{route: "GET /v1.0/sites/{sid}/drive", path: "/v1.0/sites/root/drive", auth: "files", status: 200, typ: "drive"},
	{route: "GET /v1.0/sites/{sid}/drive", path: "/v1.0/sites/{team}/drive", auth: "user", status: 403},
	{route: "GET /v1.0/sites/{sid}/drives", path: "/v1.0/sites/{team}/drives", auth: "app", status: 200, typ: "drive", list: true},
	{route: "GET /v1.0/groups/{gid}/drive", path: "/v1.0/groups/{group}/drive", auth: "files", status: 200, typ: "drive"},
	{route: "GET /v1.0/groups/{gid}/drives", path: "/v1.0/groups/{group}/drives", auth: "sites", status: 200, typ: "drive", list: true},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive", path: "/v1.0/sites/{team}/lists/Documents/drive", auth: "sites", status: 200, typ: "drive"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive", path: "/v1.0/sites/{team}/lists/{tracker}/drive", auth: "sites", status: 404},
	{route: "GET /v1.0/drives/{did}", path: "/v1.0/drives/{teamDrive}", auth: "app", status: 200, typ: "drive"},
	{route: "GET /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/{team}/drive/root/children", auth: "sites", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/" + directory.SharePointHost + ":/sites/product:/drive/root:/Specs:/children", auth: "files", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/groups/{gid}/drive/{rest...}", path: "/v1.0/groups/{group}/drive/root:/Team%20charter.md:", auth: "sites", status: 200, typ: "driveItem", save: "charter"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/Documents/drive/items/{charter}/content", auth: "sites", status: 302, judge: "redirect"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/Documents/drive/root/children?$top=2", auth: "sites", status: 200, typ: "driveItem", list: true},
	{route: "GET /v1.0/drives/{did}/{rest...}", path: "/v1.0/drives/{teamDrive}/root:/Launch:/children", auth: "app", status: 200, typ: "driveItem", list: true},
	// writes
	{route: "POST /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "sites", status: 201, typ: "list", save: "risks", body: `{"displayName": "Risks", "columns": [{"name": "Impact", "number": {}}, {"name": "Open", "boolean": {}, "indexed": true}, {"name": "Level", "choice": {"choices": ["Low", "High"]}}], "list": {"template": "genericList"}}`},
	{route: "POST /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "sites", status: 409, body: `{"displayName": "Risks"}`},
	{route: "POST /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "sites", status: 400, body: `{"displayName": "Tasks", "list": {"template": "nope"}}`},
	{route: "POST /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "files", status: 403, body: `{"displayName": "Nope"}`},
	{route: "POST /v1.0/sites/{sid}/lists", path: "/v1.0/sites/{team}/lists", auth: "sites", status: 201, typ: "list", save: "designs", body: `{"displayName": "Designs", "list": {"template": "documentLibrary"}}`},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/columns", path: "/v1.0/sites/{team}/lists/{risks}/columns", auth: "sites", status: 201, typ: "columnDefinition", body: `{"name": "Due", "displayName": "Due date", "dateTime": {"format": "dateOnly"}}`},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/columns", path: "/v1.0/sites/{team}/lists/{risks}/columns", auth: "sites", status: 409, body: `{"name": "Impact", "text": {}}`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{risks}/columns/Level", auth: "sites", status: 200, typ: "columnDefinition", body: `{"indexed": true, "displayName": "Risk level"}`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{risks}/columns/Level", auth: "sites", status: 400, body: `{"text": {}}`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{risks}/columns/Level", auth: "files", status: 403, body: `{"indexed": false}`},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{risks}/items", auth: "sites", status: 201, typ: "listItem", save: "risk", body: `{"fields": {"Title": "Supplier late", "Impact": 3, "Open": true, "Level": "High", "Due": "2025-06-01"}}`},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{risks}/items", auth: "sites", status: 400, body: `{"fields": {"Nope": 1}}`},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/items", path: "/v1.0/sites/{team}/lists/{risks}/items", auth: "app", status: 403, body: `{"fields": {"Title": "x"}}`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/items/{iid}/fields", path: "/v1.0/sites/{team}/lists/{risks}/items/{risk}/fields", auth: "sites", status: 200, typ: "fieldValueSet", body: `{"Open": false, "Impact": 1}`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/items/{iid}/fields", path: "/v1.0/sites/{team}/lists/{risks}/items/{risk}/fields", auth: "sites", status: 400, body: `{"Created": "2025-01-01T00:00:00Z"}`},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}/items/{iid}", path: "/v1.0/sites/{team}/lists/{risks}/items/{risk}", auth: "sites", status: 204, judge: "none"},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}/items/{iid}", path: "/v1.0/sites/{team}/lists/{risks}/items/{risk}", auth: "sites", status: 404},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{risks}/columns/Due", auth: "sites", status: 204, judge: "none"},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", path: "/v1.0/sites/{team}/lists/{risks}/columns/Title", auth: "sites", status: 403},
	{route: "POST /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/{team}/drive/root/children", auth: "sites", status: 201, typ: "driveItem", save: "sfolder", body: `{"name": "Conformance", "folder": {}}`},
	{route: "PUT /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/{team}/drive/root:/Conformance/a.txt:/content", auth: "files", status: 201, typ: "driveItem", body: `"a"`},
	{route: "PATCH /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/{team}/drive/items/{sfolder}", auth: "sites", status: 200, typ: "driveItem", body: `{"description": "made by the conformance test"}`},
	{route: "POST /v1.0/groups/{gid}/drive/{rest...}", path: "/v1.0/groups/{group}/drive/root/children", auth: "sites", status: 201, typ: "driveItem", body: `{"name": "Group folder", "folder": {}}`},
	{route: "PUT /v1.0/groups/{gid}/drive/{rest...}", path: "/v1.0/groups/{group}/drive/root:/g.txt:/content", auth: "sites", status: 201, typ: "driveItem", save: "gfile", body: `"g"`},
	{route: "PATCH /v1.0/groups/{gid}/drive/{rest...}", path: "/v1.0/groups/{group}/drive/items/{gfile}", auth: "sites", status: 200, typ: "driveItem", body: `{"name": "g2.txt"}`},
	{route: "DELETE /v1.0/groups/{gid}/drive/{rest...}", path: "/v1.0/groups/{group}/drive/items/{gfile}", auth: "sites", status: 204, judge: "none"},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive", path: "/v1.0/sites/{team}/lists/{designs}/drive", auth: "sites", status: 200, typ: "drive"},
	{route: "POST /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/{designs}/drive/root/children", auth: "sites", status: 201, typ: "driveItem", body: `{"name": "Mockups", "folder": {}}`},
	{route: "PUT /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/{designs}/drive/root:/Mockups/home.txt:/content", auth: "sites", status: 201, typ: "driveItem", save: "mock", body: `"home"`},
	{route: "PATCH /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/{designs}/drive/items/{mock}", auth: "sites", status: 200, typ: "driveItem", body: `{"name": "start.txt"}`},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", path: "/v1.0/sites/{team}/lists/{designs}/drive/items/{mock}", auth: "sites", status: 204, judge: "none"},
	{route: "DELETE /v1.0/sites/{sid}/drive/{rest...}", path: "/v1.0/sites/{team}/drive/items/{sfolder}", auth: "sites", status: 204, judge: "none"},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}", path: "/v1.0/sites/{team}/lists/{designs}", auth: "sites", status: 204, judge: "none"},
	{route: "DELETE /v1.0/sites/{sid}/lists/{lid}", path: "/v1.0/sites/{team}/lists/Documents", auth: "sites", status: 403},
	{route: "GET /v1.0/sites/{sid}/lists/{lid}/drive", path: "/v1.0/sites/{team}/lists/{designs}/drive", auth: "sites", status: 404},
}

func TestGraphConformanceSites(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"sites": "User.Read Sites.Manage.All Sites.ReadWrite.All",
		"files": "User.Read Files.ReadWrite",
		"user":  "User.Read",
	})
	c.fill("{group}", directory.ProductTeamID)
	for _, row := range graphConformanceSites {
		c.run(row)
	}
}
