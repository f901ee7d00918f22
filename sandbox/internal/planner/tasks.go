package planner

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the tasks: list (by plan, bucket or assignee), get, create,
// change, delete.

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func (s *Workload) taskObject(t *task) graphkit.Item {
	active := 0
	for _, c := range t.Checklist {
		if !c.IsChecked {
			active++
		}
	}
	var completedBy any
	if t.CompletedBy != "" {
		completedBy = s.identity(t.CompletedBy)
	}
	cats := map[string]any{}
	for k := range t.Categories {
		cats[k] = true
	}
	assigned := map[string]any{}
	for u, a := range t.Assignments {
		assigned[u] = map[string]any{"@odata.type": "#microsoft.graph.plannerAssignment", "assignedDateTime": optTime(a.At),
			"orderHint": a.OrderHint, "assignedBy": s.identity(a.By)}
	}
	var bucketID any
	if t.BucketID != "" {
		bucketID = t.BucketID
	}
	var thread any
	if t.Thread != "" {
		thread = t.Thread
	}
	return graphkit.NewItem(map[string]any{"@odata.etag": etag("Task", t.Ver), "planId": t.PlanID, "bucketId": bucketID,
		"title": t.Title, "orderHint": t.OrderHint, "assigneePriority": t.AssigneePriority, "percentComplete": t.Percent,
		"priority": t.Priority, "startDateTime": optTime(t.Start), "createdDateTime": optTime(t.Created),
		"dueDateTime": optTime(t.Due), "hasDescription": t.Description != "", "previewType": t.PreviewType,
		"completedDateTime": optTime(t.Completed), "completedBy": completedBy, "referenceCount": len(t.References),
		"checklistItemCount": len(t.Checklist), "activeChecklistItemCount": active, "conversationThreadId": thread,
		"id": t.ID, "createdBy": s.identity(t.CreatedBy), "appliedCategories": cats, "assignments": assigned})
}

// reachTask returns task id when the caller may reach its plan.
func (s *Workload) reachTask(cl caller, id string) (*task, *graphkit.Error) {
	t := s.findTask(id)
	if t == nil {
		return nil, errNotFound
	}
	if _, ge := s.reachPlan(cl, t.PlanID); ge != nil {
		return nil, ge
	}
	return t, nil
}

// writeTasks answers the tasks keep selects, among those the caller reaches.
func (s *Workload) writeTasks(w http.ResponseWriter, r *http.Request, cl caller, ctx string, keep func(*task) bool) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, t := range s.Tasks {
		if p := s.findPlan(t.PlanID); keep(t) && p != nil && s.canReach(cl, p.Group) {
			objs = append(objs, s.taskObject(t))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, ctx, objs, taskType, limits, nil)
}

func (s *Workload) planTasks(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeTasks(w, r, cl, "#planner/plans('"+p.ID+"')/tasks", func(t *task) bool { return t.PlanID == p.ID })
}

func (s *Workload) bucketTasks(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	b, ge := s.reachBucket(cl, r.PathValue("id"))
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeTasks(w, r, cl, "#planner/buckets('"+b.ID+"')/tasks", func(t *task) bool { return t.BucketID == b.ID })
}

// userTasks lists the tasks assigned to the signed-in (or named) user.
func (s *Workload) userTasks(w http.ResponseWriter, r *http.Request, cl caller) {
	u, ok := s.plannerUser(w, r, cl)
	if !ok {
		return
	}
	s.writeTasks(w, r, cl, "#users('"+u.ID+"')/planner/tasks", func(t *task) bool { return t.Assignments[u.ID] != nil })
}

func (s *Workload) getTask(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	t, ge := s.reachTask(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		obj = s.taskObject(t)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, taskType, "#planner/tasks/$entity")
}

func (s *Workload) createTask(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerTask", body, schema.Create)
	}
	var planID string
	if ge == nil {
		_ = json.Unmarshal(body["planId"], &planID)
		var title string
		if _ = json.Unmarshal(body["title"], &title); strings.TrimSpace(title) == "" {
			ge = errNoTitle
		}
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	p, ge := s.reachPlan(cl, planID)
	if ge == errNotFound {
		ge = errNoPlan
	}
	var obj graphkit.Item
	if ge == nil {
		now := s.Now().UTC()
		t := &task{PlanID: p.ID, Created: now, CreatedBy: cl.id(), PreviewType: "automatic"}
		if _, ok := body["orderHint"]; !ok {
			body["orderHint"] = json.RawMessage(`" !"`)
		}
		if _, ok := body["assigneePriority"]; !ok {
			body["assigneePriority"] = json.RawMessage(`" !"`)
		}
		if ge = s.applyTask(r, cl, p, t, body); ge == nil {
			t.ID = s.newID(r.Context(), "plannerTask")
			t.BucketBoardHint, t.ProgressBoardHint, t.UnassignedHint = t.OrderHint, t.OrderHint, t.OrderHint
			t.Ver = s.next(r.Context())
			t.DetailsVer, t.BucketBoardVer, t.ProgressBoardVer, t.AssignedBoardVer = t.Ver, t.Ver, t.Ver, t.Ver
			s.Tasks = append(s.Tasks, t)
			graphkit.Touch(r, Name, taskKey(t.ID))
			obj = s.taskObject(t)
		}
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusCreated, obj, taskType, "#planner/tasks/$entity")
}

func (s *Workload) updateTask(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerTask", body, schema.Update)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	t, ge := s.reachTask(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		ge = checkIfMatch(r, etag("Task", t.Ver))
	}
	if ge == nil {
		if _, ok := body["planId"]; ok {
			var planID string
			if _ = json.Unmarshal(body["planId"], &planID); planID != t.PlanID {
				ge = graphkit.Err(400, "", "The planId of a task cannot be changed.")
			}
		}
	}
	if ge == nil {
		changed := *t // applied to a copy: a refused change leaves the task as it was
		changed.Assignments = cloneMap(t.Assignments)
		changed.Categories = cloneMap(t.Categories)
		if ge = s.applyTask(r, cl, s.findPlan(t.PlanID), &changed, body); ge == nil {
			*t = changed
			t.Ver = s.next(r.Context())
			graphkit.Touch(r, Name, taskKey(t.ID))
			obj = s.taskObject(t)
		}
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeChanged(w, r, obj, taskType, "#planner/tasks/$entity")
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Workload) deleteTask(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	t, ge := s.reachTask(cl, r.PathValue("id"))
	if ge == nil {
		ge = checkIfMatch(r, etag("Task", t.Ver))
	}
	if ge == nil {
		s.Tasks = slices.DeleteFunc(s.Tasks, func(o *task) bool { return o == t })
		graphkit.Touch(r, Name, taskKey(t.ID))
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// applyTask sets the members of a checked task body on t, a task of plan p;
// the caller holds s.mu.
func (s *Workload) applyTask(r *http.Request, cl caller, p *plan, t *task, body map[string]json.RawMessage) *graphkit.Error {
	str := func(k string) (v string, set bool) {
		raw, ok := body[k]
		if ok {
			_ = json.Unmarshal(raw, &v)
		}
		return v, ok
	}
	if v, ok := str("title"); ok {
		if strings.TrimSpace(v) == "" {
			return errNoTitle
		}
		t.Title = v
	}
	if v, ok := str("bucketId"); ok {
		if b := s.findBucket(v); v != "" && (b == nil || b.PlanID != p.ID) {
			return errBadBucket
		}
		t.BucketID = v
	}
	if v, ok := str("conversationThreadId"); ok {
		t.Thread = v
	}
	if v, ok := str("previewType"); ok && v != "" {
		t.PreviewType = v
	}
	for k, dst := range map[string]*string{"orderHint": &t.OrderHint, "assigneePriority": &t.AssigneePriority} {
		if v, ok := str(k); ok {
			h, ge := s.hintFor(&v, s.taskHints(p.ID))
			if ge != nil {
				return ge
			}
			*dst = h
		}
	}
	for k, dst := range map[string]*time.Time{"startDateTime": &t.Start, "dueDateTime": &t.Due} {
		if v, ok := str(k); ok {
			*dst = time.Time{}
			if v != "" {
				*dst, _ = time.Parse(time.RFC3339Nano, v)
			}
		}
	}
	if raw, ok := body["priority"]; ok {
		var v int
		if _ = json.Unmarshal(raw, &v); v < 0 || v > 10 {
			return errBadPrio
		}
		t.Priority = v
	}
	if raw, ok := body["percentComplete"]; ok {
		var v int
		if _ = json.Unmarshal(raw, &v); v < 0 || v > 100 {
			return errBadPercent
		}
		t.Percent = v
		switch {
		case v == 100 && t.Completed.IsZero():
			t.Completed, t.CompletedBy = s.Now().UTC(), cl.id()
		case v < 100:
			t.Completed, t.CompletedBy = time.Time{}, ""
		}
	}
	if raw, ok := body["appliedCategories"]; ok {
		t.Categories = mergeFlags(t.Categories, raw)
	}
	if raw, ok := body["assignments"]; ok {
		return s.applyAssignments(r, cl, p, t, raw)
	}
	return nil
}

// applyAssignments applies a PATCH of assignments: a user id with a
// plannerAssignment assigns (only members of the plan's group), with null
// unassigns.
func (s *Workload) applyAssignments(r *http.Request, cl caller, p *plan, t *task, raw json.RawMessage) *graphkit.Error {
	var upd map[string]json.RawMessage
	_ = json.Unmarshal(raw, &upd)
	if t.Assignments == nil {
		t.Assignments = map[string]*assignment{}
	}
	for uid, v := range upd {
		if strings.HasPrefix(uid, "@") {
			continue
		}
		if string(v) == "null" {
			delete(t.Assignments, uid)
			continue
		}
		if !s.Dir.IsMember(p.Group, uid) {
			return errNotMember
		}
		var a struct{ OrderHint *string }
		_ = json.Unmarshal(v, &a)
		var others []string
		for _, o := range t.Assignments {
			others = append(others, o.OrderHint)
		}
		h, ge := s.hintFor(a.OrderHint, others)
		if ge != nil {
			return ge
		}
		if old := t.Assignments[uid]; old != nil {
			t.Assignments[uid] = &assignment{By: old.By, At: old.At, OrderHint: h}
			continue
		}
		t.Assignments[uid] = &assignment{By: cl.id(), At: s.Now().UTC(), OrderHint: h}
	}
	return nil
}
