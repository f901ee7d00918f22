package sandbox

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/planner"
)

// TestPlannerStateSurvivesKill: a task created and changed is journaled: a
// sandbox reading the same state folder (the first one never closed, as
// after kill -9) serves it with the same ETag, and a change guarded by
// that ETag succeeds there.
func TestPlannerStateSurvivesKill(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	e := start(t, Options{StateDir: dir})
	tok := "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "Tasks.ReadWrite")
	hdr := map[string]string{"Authorization": tok, "Content-Type": "application/json"}
	var task struct {
		ID   string `json:"id"`
		ETag string `json:"@odata.etag"`
	}
	body := `{"title": "Survive", "planId": "` + planner.LaunchPlanID + `", "assignments": {"` + AdeleVanceID + `": {"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}}}`
	if resp := e.do("POST", "/v1.0/planner/tasks", strings.NewReader(body), hdr, &task); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	hdr["If-Match"], hdr["Prefer"] = task.ETag, "return=representation"
	if resp := e.do("PATCH", "/v1.0/planner/tasks/"+task.ID, strings.NewReader(`{"percentComplete": 50}`), hdr, &task); resp.StatusCode != 200 {
		t.Fatalf("update: %d", resp.StatusCode)
	}

	e2 := start(t, Options{StateDir: dir})
	tok2 := "Bearer " + e2.userToken(adele().UserPrincipalName, adele().Password, "Tasks.ReadWrite")
	var got struct {
		ETag    string `json:"@odata.etag"`
		Percent int    `json:"percentComplete"`
	}
	if resp := e2.do("GET", "/v1.0/planner/tasks/"+task.ID, nil, map[string]string{"Authorization": tok2}, &got); resp.StatusCode != 200 || got.ETag != task.ETag || got.Percent != 50 {
		t.Fatalf("after the restart: %d %+v, want the ETag %s", resp.StatusCode, got, task.ETag)
	}
	if resp := e2.do("DELETE", "/v1.0/planner/tasks/"+task.ID, nil, map[string]string{"Authorization": tok2, "If-Match": got.ETag}, nil); resp.StatusCode != 204 {
		t.Errorf("delete with the journaled ETag: %d", resp.StatusCode)
	}
}
