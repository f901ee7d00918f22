package sandbox

import (
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/planner"
)

// knownSelect are the structural properties of the v1.0 schema that the
// sandbox refuses in $select ("Could not find a property named ..."), which
// Graph accepts: findings to fix in the handlers, by "type property". A
// property listed here that the sandbox now accepts fails the test, so the
// list only shrinks.
var knownSelect = func() map[string]bool {
	m := map[string]bool{}
	return m
}()

// TestGraphConformanceSelectEveryProperty selects, one at a time, every
// structural property the schema declares for each entity the sandbox
// serves: Graph accepts each (answering it, or null, or leaving it out), and
// the answer is judged by the schema.
func TestGraphConformanceSelectEveryProperty(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{"read": "User.Read Mail.Read Calendars.Read Contacts.Read Files.Read Sites.Read.All Tasks.Read"})
	c.fill(calendarFill(e)...)
	c.fill(mailFill(e, c.tokens["read"])...)
	for _, x := range []struct{ typ, route, path string }{
		{"user", "GET /v1.0/me", "/v1.0/me"},
		{"message", "GET /v1.0/me/messages/{mid}", "/v1.0/me/messages/{inboxMsg}"},
		{"mailFolder", "GET /v1.0/me/mailFolders/{fid}", "/v1.0/me/mailFolders/{inbox}"},
		{"fileAttachment", "GET /v1.0/me/messages/{mid}/attachments/{aid}", "/v1.0/me/messages/{inboxMsg}/attachments/{inboxAtt}"},
		{"calendar", "GET /v1.0/me/calendars/{cid}", "/v1.0/me/calendars/{calendar}"},
		{"event", "GET /v1.0/me/events/{eid}", "/v1.0/me/events/{event}"},
		{"contact", "GET /v1.0/me/contacts/{ctid}", "/v1.0/me/contacts/{contact}"},
		{"contactFolder", "GET /v1.0/me/contactFolders/{fid}", "/v1.0/me/contactFolders/{folder}"},
		{"drive", "GET /v1.0/me/drive", "/v1.0/me/drive"},
		{"driveItem", "GET /v1.0/me/drive/{rest...}", "/v1.0/me/drive/root:/Welcome.md:"},
		{"driveItem", "GET /v1.0/me/drive/{rest...}", "/v1.0/me/drive/root:/Documents:"},
		{"driveItemVersion", "GET /v1.0/me/drive/{rest...}", "/v1.0/me/drive/root:/Welcome.md:/versions/1.0"},
		{"thumbnailSet", "GET /v1.0/me/drive/{rest...}", "/v1.0/me/drive/root:/Pictures/Team%20offsite.png:/thumbnails/0"},
		{"permission", "GET /v1.0/me/drive/{rest...}", "/v1.0/me/drive/root:/Documents:/permissions/" + ownerPermission(adele())},
		{"site", "GET /v1.0/sites/{sid}", "/v1.0/sites/root"},
		{"list", "GET /v1.0/sites/{sid}/lists/{lid}", "/v1.0/sites/" + SharePointHost + ":/sites/product:/lists/Project%20tracker"},
		{"columnDefinition", "GET /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", "/v1.0/sites/" + SharePointHost + ":/sites/product:/lists/Project%20tracker/columns/Status"},
		{"listItem", "GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}", "/v1.0/sites/" + SharePointHost + ":/sites/product:/lists/Project%20tracker/items/1"},
		{"drive", "GET /v1.0/sites/{sid}/drive", "/v1.0/sites/root/drive"},
		{"plannerPlan", "GET /v1.0/planner/plans/{id}", "/v1.0/planner/plans/" + planner.LaunchPlanID},
		{"plannerPlanDetails", "GET /v1.0/planner/plans/{id}/details", "/v1.0/planner/plans/" + planner.LaunchPlanID + "/details"},
		{"plannerBucket", "GET /v1.0/planner/buckets/{id}", "/v1.0/planner/buckets/" + planner.LaunchBucketID},
		{"plannerTask", "GET /v1.0/planner/tasks/{id}", "/v1.0/planner/tasks/" + planner.LaunchTaskID},
		{"plannerTaskDetails", "GET /v1.0/planner/tasks/{id}/details", "/v1.0/planner/tasks/" + planner.LaunchTaskID + "/details"},
		{"plannerAssignedToTaskBoardTaskFormat", "GET /v1.0/planner/tasks/{id}/assignedToTaskBoardFormat", "/v1.0/planner/tasks/" + planner.LaunchTaskID + "/assignedToTaskBoardFormat"},
		{"plannerBucketTaskBoardTaskFormat", "GET /v1.0/planner/tasks/{id}/bucketTaskBoardFormat", "/v1.0/planner/tasks/" + planner.LaunchTaskID + "/bucketTaskBoardFormat"},
		{"plannerProgressTaskBoardTaskFormat", "GET /v1.0/planner/tasks/{id}/progressTaskBoardFormat", "/v1.0/planner/tasks/" + planner.LaunchTaskID + "/progressTaskBoardFormat"},
	} {
		typ := c.schema.Lookup(x.typ)
		if typ == nil {
			t.Fatalf("no type %s in the schema", x.typ)
		}
		var known []string
		for _, p := range typ.Properties() {
			if typ.Property(p).Navigation {
				continue
			}
			if knownSelect[x.typ+" "+p] {
				known = append(known, p)
				continue
			}
			c.run(conformanceRow{route: x.route, path: x.path + "?$select=" + p, auth: "read", status: 200, typ: x.typ})
		}
		if len(known) == 0 {
			continue
		}
		t.Run("known "+x.typ, func(t *testing.T) {
			for _, p := range known {
				resp := e.do("GET", c.expand(t, x.path+"?$select="+p), nil, map[string]string{"Authorization": c.tokens["read"]}, nil)
				if resp.StatusCode == 200 {
					t.Errorf("$select=%s is answered now: remove %q from knownSelect", p, x.typ+" "+p)
				}
			}
			t.Skipf("known: the sandbox refuses $select of %d %s properties of the v1.0 schema: %s", len(known), x.typ, strings.Join(known, ", "))
		})
	}
}
