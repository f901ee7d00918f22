package planner

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// env is the workload under kittest with helpers for Planner's ETags.
type env struct {
	*kittest.Env
	t *testing.T
}

func newEnv(t *testing.T) env {
	return env{kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) }), t}
}

// get reads path and returns its body.
func (e env) get(path, tok string) map[string]any {
	e.t.Helper()
	rec := e.Do("GET", path, tok, nil)
	var out map[string]any
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		e.t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return out
}

// change sends a PATCH or DELETE with the entity's current ETag (read from
// tagPath) and checks the journal.
func (e env) change(method, path, tagPath, tok string, body any, want int) map[string]any {
	e.t.Helper()
	e.Header = http.Header{"If-Match": {e.get(tagPath, tok)["@odata.etag"].(string)}}
	defer func() { e.Header = nil }()
	return e.Write(method, path, tok, body, want)
}

// TestStoreContract drives every write route of Planner (plans and their
// details, buckets, tasks, task details, board formats, deletes that take
// buckets and tasks along; an app writing) and checks that the journal
// they produce, replayed over the seed or over a snapshot taken midway,
// gives back the served state.
func TestStoreContract(t *testing.T) {
	e := newEnv(t)
	megan := kittest.UserToken(directory.MeganBowenID, "Tasks.ReadWrite")
	app := kittest.AppToken("Tasks.ReadWrite.All")

	plan := e.Write("POST", "/v1.0/planner/plans", megan, map[string]any{"title": "Offsite",
		"container": map[string]any{"url": "https://graph.microsoft.com/v1.0/groups/" + directory.ProductTeamID}}, 201)["id"].(string)
	pp := "/v1.0/planner/plans/" + plan
	e.change("PATCH", pp, pp, megan, map[string]any{"title": "Team offsite"}, 204)
	e.change("PATCH", pp+"/details", pp+"/details", megan, map[string]any{"categoryDescriptions": map[string]any{"category1": "Travel"},
		"sharedWith": map[string]any{directory.AdeleVanceID: true}}, 204)
	bucket := e.Write("POST", "/v1.0/planner/buckets", megan, map[string]any{"name": "Ideas", "planId": plan, "orderHint": " !"}, 201)["id"].(string)
	e.Mark()
	bp := "/v1.0/planner/buckets/" + bucket
	e.change("PATCH", bp, bp, megan, map[string]any{"name": "Backlog"}, 204)
	task := e.Write("POST", "/v1.0/planner/tasks", megan, map[string]any{"title": "Pick a venue", "planId": plan, "bucketId": bucket,
		"assignments": map[string]any{directory.AdeleVanceID: map[string]any{"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}}}, 201)["id"].(string)
	tp := "/v1.0/planner/tasks/" + task
	e.change("PATCH", tp, tp, megan, map[string]any{"percentComplete": 100, "priority": 1, "dueDateTime": "2026-02-01T17:00:00Z",
		"appliedCategories": map[string]any{"category1": true}}, 204)
	e.change("PATCH", tp+"/details", tp+"/details", megan, map[string]any{"description": "Three options", "previewType": "checklist",
		"checklist":  map[string]any{"95e27074-6c4a-447a-aa24-9d718a0b86fa": map[string]any{"@odata.type": "microsoft.graph.plannerChecklistItem", "title": "Call hotels"}},
		"references": map[string]any{"https%3A//example%2Ecom/venues": map[string]any{"@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Venues"}}}, 204)
	for _, f := range []string{"/assignedToTaskBoardFormat", "/bucketTaskBoardFormat", "/progressTaskBoardFormat"} {
		body := map[string]any{"orderHint": " !"}
		if f == "/assignedToTaskBoardFormat" {
			body = map[string]any{"unassignedOrderHint": " !", "orderHintsByAssignee": map[string]any{directory.AdeleVanceID: " !"}}
		}
		e.change("PATCH", tp+f, tp+f, megan, body, 204)
	}
	// An app writing: a task in the seeded plan, then the plan's delete takes
	// its buckets and tasks along.
	e.Write("POST", "/v1.0/planner/tasks", app, map[string]any{"title": "From the app", "planId": LaunchPlanID}, 201)
	e.change("DELETE", tp, tp, megan, nil, 204)
	e.Write("POST", "/v1.0/planner/tasks", megan, map[string]any{"title": "Book flights", "planId": plan, "bucketId": bucket}, 201)
	e.change("DELETE", bp, bp, megan, nil, 204)
	e.Write("POST", "/v1.0/planner/tasks", megan, map[string]any{"title": "Agenda", "planId": plan}, 201)
	e.change("DELETE", pp, pp, app, nil, 204)
}
