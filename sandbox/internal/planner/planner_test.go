package planner

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestBetween: a made hint sorts strictly between its bounds, uses only
// Planner's characters and never ends in the lowest one, even when the
// bounds leave no room at a position.
func TestBetween(t *testing.T) {
	for _, c := range [][2]string{{"", ""}, {"", "O"}, {"O", ""}, {"A", "B"}, {"A", "A\""}, {"", "\""}, {"", "!O"},
		{"!", "\""}, {"~", ""}, {"~~~", ""}, {"abc", "abd"}, {"a", "a\""}, {"8585", "8586"}} {
		h := between(c[0], c[1])
		if !validHint(h) || h <= c[0] || (c[1] != "" && h >= c[1]) || strings.HasSuffix(h, "!") {
			t.Errorf("between(%q, %q) = %q", c[0], c[1], h)
		}
	}
}

// TestOrderHintsKeepTheIntendedOrder: inserting at the start, at the end
// and between neighbours many times gives hints whose order is the
// intended one.
func TestOrderHintsKeepTheIntendedOrder(t *testing.T) {
	var list []string // in the intended order
	insert := func(i int) {
		prev, next := "", ""
		if i > 0 {
			prev = list[i-1]
		}
		if i < len(list) {
			next = list[i]
		}
		h, ok := resolveHint(prev+" "+next+"!", list)
		if !ok {
			t.Fatalf("resolveHint(%q) refused", prev+" "+next+"!")
		}
		list = slices.Insert(list, i, h)
	}
	for n := 0; n < 300; n++ {
		switch n % 3 {
		case 0:
			insert(0)
		case 1:
			insert(len(list))
		default:
			insert(len(list) / 2)
		}
		if !slices.IsSorted(list) {
			t.Fatalf("after %d inserts the hints are out of order: %q", n+1, list)
		}
	}
	if h, ok := resolveHint(" !", list); !ok || h >= list[0] {
		t.Errorf(`" !" gave %q, want before %q`, h, list[0])
	}
	for _, bad := range []string{"b a!", "a b c!", "x y", ""} {
		if _, ok := resolveHint(bad, list); ok {
			t.Errorf("resolveHint(%q) accepted", bad)
		}
	}
}

// TestETagRules: Planner's change rules: no If-Match is 400, a stale one
// 412; a PATCH answers 204, or 200 with the entity when preferred.
func TestETagRules(t *testing.T) {
	e := newEnv(t)
	alex := kittest.UserToken(directory.AlexWilberID, "Tasks.ReadWrite")
	tp := "/v1.0/planner/tasks/" + LaunchTaskID
	tag := e.get(tp, alex)["@odata.etag"].(string)
	if rec := e.Do("PATCH", tp, alex, map[string]any{"title": "x"}); rec.Code != 400 || !strings.Contains(rec.Body.String(), "If-Match header must be specified") {
		t.Errorf("no If-Match: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.Do("DELETE", tp, alex, nil); rec.Code != 400 {
		t.Errorf("DELETE without If-Match: %d", rec.Code)
	}
	rec := e.DoHeaders("PATCH", tp, alex, map[string]any{"percentComplete": 100}, map[string]string{"If-Match": tag, "Prefer": "return=representation"})
	var got map[string]any
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got["percentComplete"] != 100.0 || got["@odata.etag"] == tag || got["completedDateTime"] == nil {
		t.Fatalf("PATCH with representation: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.DoHeaders("PATCH", tp, alex, map[string]any{"title": "late"}, map[string]string{"If-Match": tag}); rec.Code != 412 {
		t.Errorf("stale If-Match: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.DoHeaders("PATCH", tp, alex, map[string]any{"title": "now"}, map[string]string{"If-Match": got["@odata.etag"].(string)}); rec.Code != 204 || rec.Body.Len() != 0 {
		t.Errorf("PATCH: %d %s", rec.Code, rec.Body.String())
	}
	// Details have their own tag: the task's is refused there.
	if rec := e.DoHeaders("PATCH", tp+"/details", alex, map[string]any{"description": "d"}, map[string]string{"If-Match": got["@odata.etag"].(string)}); rec.Code != 412 {
		t.Errorf("details with the task's tag: %d", rec.Code)
	}
}

// TestMembership: a delegated caller reaches only the plans of its groups,
// and tasks are assigned only to the group's members.
func TestMembership(t *testing.T) {
	e := newEnv(t)
	nestor := kittest.UserToken(directory.NestorWilkeID, "Tasks.ReadWrite")
	adele := kittest.UserToken(directory.AdeleVanceID, "Tasks.Read")
	pp := "/v1.0/planner/plans/" + LaunchPlanID
	if rec := e.Do("GET", pp, nestor, nil); rec.Code != 403 {
		t.Errorf("non-member GET plan: %d", rec.Code)
	}
	if rec := e.Do("GET", "/v1.0/groups/"+directory.ProductTeamID+"/planner/plans", nestor, nil); rec.Code != 403 {
		t.Errorf("non-member group plans: %d", rec.Code)
	}
	var mine struct{ Value []map[string]any }
	if rec := e.Do("GET", "/v1.0/me/planner/plans", nestor, nil); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &mine) != nil || len(mine.Value) != 0 {
		t.Errorf("non-member my plans: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.Do("GET", "/v1.0/me/planner/tasks", adele, nil); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &mine) != nil || len(mine.Value) != 1 {
		t.Errorf("Adele's tasks: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.Do("POST", "/v1.0/planner/tasks", adele, map[string]any{"title": "t", "planId": LaunchPlanID}); rec.Code != 403 {
		t.Errorf("write with Tasks.Read: %d", rec.Code)
	}
	megan := kittest.UserToken(directory.MeganBowenID, "Group.ReadWrite.All")
	rec := e.Do("POST", "/v1.0/planner/tasks", megan, map[string]any{"title": "t", "planId": LaunchPlanID,
		"assignments": map[string]any{directory.NestorWilkeID: map[string]any{"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}}})
	if rec.Code != 400 {
		t.Errorf("assigning a non-member: %d %s", rec.Code, rec.Body.String())
	}
}
