package planner

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the routes, and the plans with their details.

// Routes registers the Planner routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	const plan, bkt, tsk = "/v1.0/planner/plans/{id}", "/v1.0/planner/buckets/{id}", "/v1.0/planner/tasks/{id}"
	for _, r := range []struct {
		pattern string
		h       handler
	}{
		{"GET /v1.0/groups/{gid}/planner/plans", s.groupPlans},
		{"GET /v1.0/me/planner/plans", s.myPlans},
		{"GET /v1.0/me/planner/tasks", s.userTasks},
		{"GET /v1.0/users/{uid}/planner/tasks", s.userTasks},
		{"GET /v1.0/users/{uid}/planner/plans", s.myPlans},
		{"GET " + plan, s.getPlan}, {"GET " + plan + "/details", s.getPlanDetails},
		{"GET " + plan + "/buckets", s.planBuckets}, {"GET " + plan + "/tasks", s.planTasks},
		{"GET " + bkt, s.getBucket}, {"GET " + bkt + "/tasks", s.bucketTasks},
		{"GET " + tsk, s.getTask}, {"GET " + tsk + "/details", s.getTaskDetails},
		{"GET " + tsk + "/assignedToTaskBoardFormat", s.getFormat(assignedBoard)},
		{"GET " + tsk + "/bucketTaskBoardFormat", s.getFormat(bucketBoard)},
		{"GET " + tsk + "/progressTaskBoardFormat", s.getFormat(progressBoard)},
	} {
		m.HandleFunc(r.pattern, s.guard(r.h))
	}
	for _, r := range []struct {
		pattern string
		h       handler
	}{
		{"POST /v1.0/planner/plans", s.createPlan}, {"PATCH " + plan, s.updatePlan}, {"DELETE " + plan, s.deletePlan},
		{"PATCH " + plan + "/details", s.updatePlanDetails},
		{"POST /v1.0/planner/buckets", s.createBucket}, {"PATCH " + bkt, s.updateBucket}, {"DELETE " + bkt, s.deleteBucket},
		{"POST /v1.0/planner/tasks", s.createTask}, {"PATCH " + tsk, s.updateTask}, {"DELETE " + tsk, s.deleteTask},
		{"PATCH " + tsk + "/details", s.updateTaskDetails},
		{"PATCH " + tsk + "/assignedToTaskBoardFormat", s.updateFormat(assignedBoard)},
		{"PATCH " + tsk + "/bucketTaskBoardFormat", s.updateFormat(bucketBoard)},
		{"PATCH " + tsk + "/progressTaskBoardFormat", s.updateFormat(progressBoard)},
	} {
		m.HandleFunc(r.pattern, s.guard(r.h))
	}
}

func (s *Workload) planObject(p *plan) graphkit.Item {
	return graphkit.NewItem(map[string]any{"@odata.etag": etag("Plan", p.Ver), "createdDateTime": p.Created,
		"owner": p.Group, "title": p.Title, "id": p.ID, "createdBy": s.identity(p.CreatedBy),
		"container": map[string]any{"containerId": p.Group, "type": "group",
			"url": "https://graph.microsoft.com/v1.0/groups/" + p.Group}})
}

// reachPlan returns plan id when the caller may reach it, else the error.
func (s *Workload) reachPlan(cl caller, id string) (*plan, *graphkit.Error) {
	p := s.findPlan(id)
	switch {
	case p == nil:
		return nil, errNotFound
	case !s.canReach(cl, p.Group):
		return nil, errNoAccess
	}
	return p, nil
}

// writePlans answers the plans keep selects, among those the caller reaches.
func (s *Workload) writePlans(w http.ResponseWriter, r *http.Request, cl caller, ctx string, keep func(*plan) bool) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, p := range s.Plans {
		if keep(p) && s.canReach(cl, p.Group) {
			objs = append(objs, s.planObject(p))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, ctx, objs, planType, limits, nil)
}

func (s *Workload) groupPlans(w http.ResponseWriter, r *http.Request, cl caller) {
	gid := r.PathValue("gid")
	g := s.Dir.Group(gid)
	if g == nil {
		s.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource '"+gid+"' does not exist or one of its queried reference-property objects are not present.")
		return
	}
	if !s.canReach(cl, g.ID) {
		s.Fail(w, r, errNoAccess)
		return
	}
	s.writePlans(w, r, cl, "#groups('"+g.ID+"')/planner/plans", func(p *plan) bool { return p.Group == g.ID })
}

// myPlans lists the plans of the groups the signed-in (or named) user is a
// member of.
func (s *Workload) myPlans(w http.ResponseWriter, r *http.Request, cl caller) {
	u, ok := s.plannerUser(w, r, cl)
	if !ok {
		return
	}
	s.writePlans(w, r, cl, "#users('"+u.ID+"')/planner/plans", func(p *plan) bool { return s.Dir.IsMember(p.Group, u.ID) })
}

// plannerUser resolves /me or /users/{uid} for the planner routes: a
// delegated caller reaches only itself.
func (s *Workload) plannerUser(w http.ResponseWriter, r *http.Request, cl caller) (*graphkit.User, bool) {
	id := r.PathValue("uid")
	if id == "" {
		if cl.c.IsApp() {
			s.WriteError(w, r, 400, "BadRequest", "/me request is only valid with delegated authentication flow.")
			return nil, false
		}
		id = cl.c.Oid
	}
	u := s.Dir.Find(id)
	if u == nil {
		s.WriteError(w, r, 404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
		return nil, false
	}
	if !cl.c.IsApp() && u.ID != cl.c.Oid {
		s.Fail(w, r, errNoAccess)
		return nil, false
	}
	return u, true
}

func (s *Workload) getPlan(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		obj = s.planObject(p)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, planType, "#planner/plans/$entity")
}

// planGroup reads the group a new plan belongs to: container.containerId,
// container.url (".../groups/{id}") or the deprecated owner.
func planGroup(body map[string]json.RawMessage) string {
	var c struct{ ContainerID, URL string }
	_ = json.Unmarshal(body["container"], &c)
	var owner string
	_ = json.Unmarshal(body["owner"], &owner)
	switch {
	case c.ContainerID != "":
		return c.ContainerID
	case c.URL != "":
		i := strings.LastIndex(strings.ToLower(c.URL), "/groups/")
		if i < 0 {
			return ""
		}
		return strings.Trim(c.URL[i+len("/groups/"):], "/")
	}
	return owner
}

func (s *Workload) createPlan(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerPlan", body, schema.Create)
	}
	var title string
	if ge == nil {
		_ = json.Unmarshal(body["title"], &title)
		if strings.TrimSpace(title) == "" {
			ge = errNoTitle
		}
	}
	var g string
	if ge == nil {
		if grp := s.Dir.Group(planGroup(body)); grp == nil {
			ge = errNoGroup
		} else if g = grp.ID; !s.canReach(cl, g) {
			ge = errNoAccess
		}
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	p := &plan{ID: s.newID(r.Context(), "plannerPlan"), Title: title, Group: g, CreatedBy: cl.id(), ByApp: cl.c.IsApp(),
		Created: s.Now().UTC(), SharedWith: map[string]bool{}}
	p.Ver = s.next(r.Context())
	p.DetailsVer = p.Ver
	s.Plans = append(s.Plans, p)
	graphkit.Touch(r, Name, planKey(p.ID))
	obj := s.planObject(p)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, planType, "#planner/plans/$entity")
}

func (s *Workload) updatePlan(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerPlan", body, schema.Update)
	}
	var title *string
	if raw, ok := body["title"]; ge == nil && ok {
		_ = json.Unmarshal(raw, &title)
		if title == nil || strings.TrimSpace(*title) == "" {
			ge = errNoTitle
		}
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		ge = checkIfMatch(r, etag("Plan", p.Ver))
	}
	if ge == nil {
		if title != nil {
			p.Title = *title
		}
		p.Ver = s.next(r.Context())
		graphkit.Touch(r, Name, planKey(p.ID))
		obj = s.planObject(p)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeChanged(w, r, obj, planType, "#planner/plans/$entity")
}

func (s *Workload) deletePlan(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	if ge == nil {
		ge = checkIfMatch(r, etag("Plan", p.Ver))
	}
	if ge == nil {
		s.Plans = slices.DeleteFunc(s.Plans, func(o *plan) bool { return o == p })
		graphkit.Touch(r, Name, planKey(p.ID))
		s.Buckets = slices.DeleteFunc(s.Buckets, func(b *bucket) bool {
			if b.PlanID == p.ID {
				graphkit.Touch(r, Name, bucketKey(b.ID))
			}
			return b.PlanID == p.ID
		})
		s.Tasks = slices.DeleteFunc(s.Tasks, func(t *task) bool {
			if t.PlanID == p.ID {
				graphkit.Touch(r, Name, taskKey(t.ID))
			}
			return t.PlanID == p.ID
		})
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func planDetailsObject(p *plan) graphkit.Item {
	cats := map[string]any{}
	for k, v := range p.Categories {
		cats[k] = v
	}
	shared := map[string]any{}
	for k, v := range p.SharedWith {
		shared[k] = v
	}
	return graphkit.NewItem(map[string]any{"@odata.etag": etag("PlanDetails", p.DetailsVer), "sharedWith": shared,
		"categoryDescriptions": cats, "id": p.ID})
}

func (s *Workload) getPlanDetails(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		obj = planDetailsObject(p)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, planDetailsType, "#planner/plans('"+p.ID+"')/details/$entity")
}

func (s *Workload) updatePlanDetails(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerPlanDetails", body, schema.Update)
	}
	var cats map[string]*string
	if ge == nil {
		_ = json.Unmarshal(body["categoryDescriptions"], &cats)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		ge = checkIfMatch(r, etag("PlanDetails", p.DetailsVer))
	}
	if ge == nil {
		if p.Categories == nil {
			p.Categories = map[string]string{}
		}
		for k, v := range cats {
			if v == nil || *v == "" {
				delete(p.Categories, k)
			} else {
				p.Categories[k] = *v
			}
		}
		p.SharedWith = mergeFlags(p.SharedWith, body["sharedWith"])
		p.DetailsVer = s.next(r.Context())
		graphkit.Touch(r, Name, planKey(p.ID))
		obj = planDetailsObject(p)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeChanged(w, r, obj, planDetailsType, "#planner/plans('"+p.ID+"')/details/$entity")
}

// mergeFlags applies a PATCH of an open type of booleans (sharedWith,
// appliedCategories): true sets a key, false or null removes it.
func mergeFlags(m map[string]bool, raw json.RawMessage) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	var upd map[string]json.RawMessage
	_ = json.Unmarshal(raw, &upd)
	for k, rv := range upd {
		var v *bool
		if strings.HasPrefix(k, "@") || json.Unmarshal(rv, &v) != nil {
			continue
		}
		if v == nil || !*v {
			delete(m, k)
		} else {
			m[k] = true
		}
	}
	return m
}
