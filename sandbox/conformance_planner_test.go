package sandbox

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/planner"
)

// graphConformancePlanner covers Planner: the seeded plan of the Product
// Team, a new plan with its details, buckets, tasks, task details and board
// formats; every change sends the entity's ETag (etag), as Planner
// requires. Run in order on one server ({plan2}, {bucket}, {task} are
// saved by earlier rows).
var graphConformancePlanner = []conformanceRow{
	{route: "GET /v1.0/groups/{gid}/planner/plans", path: "/v1.0/groups/{group}/planner/plans", auth: "read", status: 200, typ: "plannerPlan", list: true},
	{route: "GET /v1.0/groups/{gid}/planner/plans", path: "/v1.0/groups/{group}/planner/plans", auth: "user", status: 403},
	{route: "GET /v1.0/me/planner/plans", path: "/v1.0/me/planner/plans", auth: "groups", status: 200, typ: "plannerPlan", list: true},
	{route: "GET /v1.0/me/planner/tasks", path: "/v1.0/me/planner/tasks", auth: "read", status: 200, typ: "plannerTask", list: true},
	{route: "GET /v1.0/users/{uid}/planner/tasks", path: "/v1.0/users/{megan}/planner/tasks", auth: "app", status: 200, typ: "plannerTask", list: true},
	// Microsoft lists no application permission for a user's plans.
	{route: "GET /v1.0/users/{uid}/planner/plans", path: "/v1.0/users/{megan}/planner/plans", auth: "app", status: 403},
	{route: "GET /v1.0/users/{uid}/planner/plans", path: "/v1.0/users/{adele}/planner/plans", auth: "groups", status: 200, typ: "plannerPlan", list: true},
	{route: "GET /v1.0/planner/plans/{id}", path: "/v1.0/planner/plans/{plan}", auth: "read", status: 200, typ: "plannerPlan"},
	{route: "GET /v1.0/planner/plans/{id}", path: "/v1.0/planner/plans/nope", auth: "read", status: 404},
	{route: "GET /v1.0/planner/plans/{id}/details", path: "/v1.0/planner/plans/{plan}/details", auth: "read", status: 200, typ: "plannerPlanDetails"},
	{route: "GET /v1.0/planner/plans/{id}/buckets", path: "/v1.0/planner/plans/{plan}/buckets", auth: "read", status: 200, typ: "plannerBucket", list: true, save: "todo"},
	{route: "GET /v1.0/planner/plans/{id}/tasks", path: "/v1.0/planner/plans/{plan}/tasks", auth: "read", status: 200, typ: "plannerTask", list: true},
	{route: "GET /v1.0/planner/buckets/{id}", path: "/v1.0/planner/buckets/{todo}", auth: "read", status: 200, typ: "plannerBucket"},
	{route: "GET /v1.0/planner/buckets/{id}/tasks", path: "/v1.0/planner/buckets/{todo}/tasks", auth: "read", status: 200, typ: "plannerTask", list: true, save: "seeded"},
	{route: "GET /v1.0/planner/tasks/{id}", path: "/v1.0/planner/tasks/{seeded}", auth: "read", status: 200, typ: "plannerTask"},
	{route: "GET /v1.0/planner/tasks/{id}/details", path: "/v1.0/planner/tasks/{seeded}/details", auth: "read", status: 200, typ: "plannerTaskDetails"},
	{route: "GET /v1.0/planner/tasks/{id}/assignedToTaskBoardFormat", path: "/v1.0/planner/tasks/{seeded}/assignedToTaskBoardFormat", auth: "read", status: 200, typ: "plannerAssignedToTaskBoardTaskFormat"},
	{route: "GET /v1.0/planner/tasks/{id}/bucketTaskBoardFormat", path: "/v1.0/planner/tasks/{seeded}/bucketTaskBoardFormat", auth: "read", status: 200, typ: "plannerBucketTaskBoardTaskFormat"},
	{route: "GET /v1.0/planner/tasks/{id}/progressTaskBoardFormat", path: "/v1.0/planner/tasks/{seeded}/progressTaskBoardFormat", auth: "read", status: 200, typ: "plannerProgressTaskBoardTaskFormat"},
	// A new plan, written.
	{route: "POST /v1.0/planner/plans", path: "/v1.0/planner/plans", auth: "tasks", status: 201, typ: "plannerPlan", save: "plan2",
		body: `{"title": "Offsite", "container": {"url": "https://graph.microsoft.com/v1.0/groups/{group}"}}`},
	{route: "POST /v1.0/planner/plans", path: "/v1.0/planner/plans", auth: "read", status: 403, body: `{"title": "x", "owner": "{group}"}`},
	{route: "POST /v1.0/planner/plans", path: "/v1.0/planner/plans", auth: "tasks", status: 400, body: `{"title": "x", "owner": "nope"}`},
	{route: "PATCH /v1.0/planner/plans/{id}", path: "/v1.0/planner/plans/{plan2}", auth: "tasks", status: 400, body: `{"title": "no tag"}`},
	{route: "PATCH /v1.0/planner/plans/{id}", path: "/v1.0/planner/plans/{plan2}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/plans/{plan2}", body: `{"title": "Team offsite"}`},
	{route: "PATCH /v1.0/planner/plans/{id}/details", path: "/v1.0/planner/plans/{plan2}/details", auth: "groups", status: 204, judge: "none", etag: "/v1.0/planner/plans/{plan2}/details",
		body: `{"categoryDescriptions": {"category1": "Travel"}, "sharedWith": {"@odata.type": "microsoft.graph.plannerUserIds", "{megan}": true}}`},
	{route: "POST /v1.0/planner/buckets", path: "/v1.0/planner/buckets", auth: "tasks", status: 201, typ: "plannerBucket", save: "bucket", body: `{"name": "Ideas", "planId": "{plan2}", "orderHint": " !"}`},
	{route: "PATCH /v1.0/planner/buckets/{id}", path: "/v1.0/planner/buckets/{bucket}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/buckets/{bucket}", body: `{"name": "Backlog"}`},
	{route: "POST /v1.0/planner/tasks", path: "/v1.0/planner/tasks", auth: "tasks", status: 201, typ: "plannerTask", save: "task",
		body: `{"title": "Pick a venue", "planId": "{plan2}", "bucketId": "{bucket}", "dueDateTime": "2026-03-01T17:00:00Z",
		"assignments": {"{megan}": {"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}}}`},
	{route: "PATCH /v1.0/planner/tasks/{id}", path: "/v1.0/planner/tasks/{task}", auth: "tasks", status: 412, etag: "/v1.0/planner/tasks/{task}/details", body: `{"percentComplete": 50}`},
	{route: "PATCH /v1.0/planner/tasks/{id}", path: "/v1.0/planner/tasks/{task}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/tasks/{task}",
		body: `{"percentComplete": 50, "priority": 1, "appliedCategories": {"category1": true}, "assignments": {"{megan}": null}}`},
	{route: "PATCH /v1.0/planner/tasks/{id}/details", path: "/v1.0/planner/tasks/{task}/details", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/tasks/{task}/details",
		body: `{"description": "Three options", "previewType": "checklist",
		"checklist": {"95e27074-6c4a-447a-aa24-9d718a0b86fa": {"@odata.type": "microsoft.graph.plannerChecklistItem", "title": "Call hotels", "isChecked": false}},
		"references": {"https%3A//example%2Ecom/venues": {"@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Venues", "type": "Other"}}}`},
	{route: "PATCH /v1.0/planner/tasks/{id}/assignedToTaskBoardFormat", path: "/v1.0/planner/tasks/{task}/assignedToTaskBoardFormat", auth: "tasks", status: 204, judge: "none",
		etag: "/v1.0/planner/tasks/{task}/assignedToTaskBoardFormat", body: `{"unassignedOrderHint": " !", "orderHintsByAssignee": {"{megan}": " !"}}`},
	{route: "PATCH /v1.0/planner/tasks/{id}/bucketTaskBoardFormat", path: "/v1.0/planner/tasks/{task}/bucketTaskBoardFormat", auth: "tasks", status: 204, judge: "none",
		etag: "/v1.0/planner/tasks/{task}/bucketTaskBoardFormat", body: `{"orderHint": " !"}`},
	{route: "PATCH /v1.0/planner/tasks/{id}/progressTaskBoardFormat", path: "/v1.0/planner/tasks/{task}/progressTaskBoardFormat", auth: "tasks", status: 204, judge: "none",
		etag: "/v1.0/planner/tasks/{task}/progressTaskBoardFormat", body: `{"orderHint": " !"}`},
	{route: "GET /v1.0/planner/tasks/{id}/details", path: "/v1.0/planner/tasks/{task}/details", auth: "read", status: 200, typ: "plannerTaskDetails"},
	{route: "DELETE /v1.0/planner/tasks/{id}", path: "/v1.0/planner/tasks/{task}", auth: "tasks", status: 400},
	{route: "DELETE /v1.0/planner/tasks/{id}", path: "/v1.0/planner/tasks/{task}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/tasks/{task}"},
	{route: "DELETE /v1.0/planner/buckets/{id}", path: "/v1.0/planner/buckets/{bucket}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/buckets/{bucket}"},
	{route: "DELETE /v1.0/planner/plans/{id}", path: "/v1.0/planner/plans/{plan2}", auth: "tasks", status: 204, judge: "none", etag: "/v1.0/planner/plans/{plan2}"},
}

func TestGraphConformancePlanner(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"tasks":  "User.Read Tasks.ReadWrite",
		"read":   "User.Read Tasks.Read",
		"groups": "User.Read Group.ReadWrite.All",
		"user":   "User.Read",
	})
	c.fill("{megan}", MeganBowenID, "{adele}", adele().ID, "{group}", ProductTeamGroupID, "{plan}", planner.LaunchPlanID)
	for _, row := range graphConformancePlanner {
		c.run(row)
	}
}
