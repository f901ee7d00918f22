package planner

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestPermissions: every Planner route, with delegated and application
// tokens that hold too few permissions (403) and each of the permissions
// Microsoft lists for it (passes the permission check: a change without
// If-Match then gets Planner's 400, not 403).
func TestPermissions(t *testing.T) {
	e := newEnv(t)
	task := LaunchTaskID
	bucket := LaunchBucketID
	plan, tp := "/v1.0/planner/plans/"+LaunchPlanID, "/v1.0/planner/tasks/"+task
	reads := []string{"/v1.0/groups/" + directory.ProductTeamID + "/planner/plans", "/v1.0/users/" + directory.AlexWilberID + "/planner/tasks",
		plan, plan + "/details", plan + "/buckets", plan + "/tasks", "/v1.0/planner/buckets/" + bucket,
		"/v1.0/planner/buckets/" + bucket + "/tasks", tp, tp + "/details", tp + "/assignedToTaskBoardFormat",
		tp + "/bucketTaskBoardFormat", tp + "/progressTaskBoardFormat"}
	delegatedReads := []string{"/v1.0/me/planner/plans", "/v1.0/me/planner/tasks"}
	writes := [][2]string{{"POST", "/v1.0/planner/plans"}, {"PATCH", plan}, {"DELETE", plan}, {"PATCH", plan + "/details"},
		{"POST", "/v1.0/planner/buckets"}, {"PATCH", "/v1.0/planner/buckets/" + bucket}, {"DELETE", "/v1.0/planner/buckets/" + bucket},
		{"POST", "/v1.0/planner/tasks"}, {"PATCH", tp}, {"DELETE", tp}, {"PATCH", tp + "/details"},
		{"PATCH", tp + "/assignedToTaskBoardFormat"}, {"PATCH", tp + "/bucketTaskBoardFormat"}, {"PATCH", tp + "/progressTaskBoardFormat"}}
	user := func(scopes ...string) string { return kittest.UserToken(directory.AlexWilberID, scopes...) }
	check := func(method, path, tok string, denied bool) {
		t.Helper()
		var body any
		if method == "POST" || method == "PATCH" {
			body = map[string]any{} // an empty create fails after the permission check
		}
		code := e.Do(method, path, tok, body).Code
		if denied != (code == 403) {
			t.Errorf("%s %s with %q: %d (denied: %v)", method, path, tok, code, denied)
		}
	}
	for _, p := range append(reads, delegatedReads...) {
		check("GET", p, user("User.Read"), true)
		for _, s := range []string{"Tasks.Read", "Tasks.ReadWrite", "Group.Read.All", "Group.ReadWrite.All"} {
			check("GET", p, user(s), false)
		}
	}
	for _, p := range reads {
		check("GET", p, kittest.AppToken("User.Read.All"), true)
		check("GET", p, kittest.AppToken("Tasks.Read.All"), false)
		check("GET", p, kittest.AppToken("Tasks.ReadWrite.All"), false)
	}
	for _, w := range writes {
		check(w[0], w[1], user("Tasks.Read"), true)
		check(w[0], w[1], user("Group.Read.All"), true)
		check(w[0], w[1], kittest.AppToken("Tasks.Read.All"), true)
		for _, tok := range []string{user("Tasks.ReadWrite"), user("Group.ReadWrite.All"), kittest.AppToken("Tasks.ReadWrite.All")} {
			check(w[0], w[1], tok, false)
		}
	}
}
