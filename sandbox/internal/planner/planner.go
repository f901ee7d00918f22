// Package planner is the sandbox's Microsoft Planner workload (O365's
// Planner, Plan, Bucket and Task) for /planner/..., /groups/{id}/planner
// and /me|/users/{id}/planner: plans owned by the directory's groups with
// their details (category descriptions, sharedWith), buckets, tasks with
// assignments, categories and dates, task details (description, checklist,
// references) and the three task board formats.
//
// Planner guards every change with ETags: a PATCH or DELETE without
// If-Match is refused with 400, one with a stale tag with 412, and a PATCH
// answers 204 unless the client prefers return=representation. Order hints
// follow Planner's "<previous> <next>!" form (orderhint.go). A delegated
// caller reaches only the plans of groups it is a member of. The data has
// its own lock and journals by entity (state.go).
package planner

import (
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "planner"

// Planner's answers (its errors carry an empty code).
var (
	errNotFound   = graphkit.Err(404, "", "The requested item is not found.")
	errNoIfMatch  = graphkit.Err(400, "", "The If-Match header must be specified for this kind of request.")
	errStale      = graphkit.Err(412, "", "The If-Match header contains an invalid value.")
	errNoAccess   = graphkit.Err(403, "", "You do not have the required permissions to access this item.")
	errDenied     = graphkit.Err(403, graphkit.CodeFor(403), "Insufficient privileges to complete the operation.")
	errNotMember  = graphkit.Err(400, "", "The user is not a member of the group that owns the plan.")
	errBadOrder   = graphkit.Err(400, "", "The order hint is not valid: send \"<previous> <next>!\" with the hints of the neighbours, or \" !\".")
	errNoGroup    = graphkit.Err(400, "", "The plan's container must be a group: give container.containerId (or container.url, or owner) with the id of a group.")
	errNoTitle    = graphkit.Err(400, "", "The title of the plan or task must be set.")
	errNoPlan     = graphkit.Err(400, "", "The planId must be the id of a plan you can reach.")
	errBadBucket  = graphkit.Err(400, "", "The bucketId must be the id of a bucket of the task's plan.")
	errBadPercent = graphkit.Err(400, "", "The percentComplete must be between 0 and 100.")
	errBadPrio    = graphkit.Err(400, "", "The priority must be between 0 and 10.")
)

// Workload is the Planner workload: the Graph kit and every plan, bucket
// and task under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
}

// New returns the Planner workload with the seeded plan.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k, store: seedStore()} }

// store is the Planner data of the tenant.
type store struct {
	Seq     int       `json:"seq"` // numbers new ids and versions (SeqKey)
	Plans   []*plan   `json:"plans"`
	Buckets []*bucket `json:"buckets"`
	Tasks   []*task   `json:"tasks"`
}

// plan is a plannerPlan with its plannerPlanDetails.
type plan struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Group      string            `json:"group"`
	CreatedBy  string            `json:"createdBy"`
	ByApp      bool              `json:"byApp,omitempty"`
	Created    time.Time         `json:"created"`
	Ver        int               `json:"ver"`
	Categories map[string]string `json:"categories,omitempty"` // categoryN → description
	SharedWith map[string]bool   `json:"sharedWith,omitempty"`
	DetailsVer int               `json:"detailsVer"`
}

// bucket is a plannerBucket.
type bucket struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	PlanID    string `json:"planId"`
	OrderHint string `json:"orderHint"`
	Ver       int    `json:"ver"`
}

// assignment is a plannerAssignment.
type assignment struct {
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	OrderHint string    `json:"orderHint"`
}

// checkItem is a plannerChecklistItem.
type checkItem struct {
	Title     string    `json:"title"`
	IsChecked bool      `json:"isChecked"`
	OrderHint string    `json:"orderHint"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// reference is a plannerExternalReference.
type reference struct {
	Alias           string    `json:"alias,omitempty"`
	Type            string    `json:"type,omitempty"`
	PreviewPriority string    `json:"previewPriority"`
	By              string    `json:"by"`
	At              time.Time `json:"at"`
}

// task is a plannerTask with its plannerTaskDetails and board formats.
type task struct {
	ID               string                 `json:"id"`
	PlanID           string                 `json:"planId"`
	BucketID         string                 `json:"bucketId,omitempty"`
	Title            string                 `json:"title"`
	OrderHint        string                 `json:"orderHint"`
	AssigneePriority string                 `json:"assigneePriority"`
	Percent          int                    `json:"percent"`
	Priority         int                    `json:"priority"`
	Start            time.Time              `json:"start,omitzero"`
	Due              time.Time              `json:"due,omitzero"`
	Completed        time.Time              `json:"completed,omitzero"`
	CompletedBy      string                 `json:"completedBy,omitempty"`
	Created          time.Time              `json:"created"`
	CreatedBy        string                 `json:"createdBy"`
	Thread           string                 `json:"thread,omitempty"`
	Categories       map[string]bool        `json:"categories,omitempty"`
	Assignments      map[string]*assignment `json:"assignments,omitempty"`
	Ver              int                    `json:"ver"`
	// Details.
	Description string                `json:"description,omitempty"`
	PreviewType string                `json:"previewType"`
	Checklist   map[string]*checkItem `json:"checklist,omitempty"`
	References  map[string]*reference `json:"references,omitempty"`
	DetailsVer  int                   `json:"detailsVer"`
	// Board formats.
	BucketBoardHint   string            `json:"bucketBoardHint"`
	ProgressBoardHint string            `json:"progressBoardHint"`
	UnassignedHint    string            `json:"unassignedHint"`
	ByAssignee        map[string]string `json:"byAssignee,omitempty"`
	BucketBoardVer    int               `json:"bucketBoardVer"`
	ProgressBoardVer  int               `json:"progressBoardVer"`
	AssignedBoardVer  int               `json:"assignedBoardVer"`
}

// OData types, in Graph's member order.
var (
	planType = &odata.Type{Name: "microsoft.graph.plannerPlan", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "createdDateTime", "owner", "title", "id", "createdBy", "container"}}
	planDetailsType = &odata.Type{Name: "microsoft.graph.plannerPlanDetails", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "sharedWith", "categoryDescriptions", "id"}}
	bucketType = &odata.Type{Name: "microsoft.graph.plannerBucket", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "name", "planId", "orderHint", "id"}}
	taskType = &odata.Type{Name: "microsoft.graph.plannerTask", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "planId", "bucketId", "title", "orderHint", "assigneePriority", "percentComplete",
			"priority", "startDateTime", "createdDateTime", "dueDateTime", "hasDescription", "previewType",
			"completedDateTime", "completedBy", "referenceCount", "checklistItemCount", "activeChecklistItemCount",
			"conversationThreadId", "id", "createdBy", "appliedCategories", "assignments"}}
	taskDetailsType = &odata.Type{Name: "microsoft.graph.plannerTaskDetails", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "description", "previewType", "id", "references", "checklist"}}
	assignedFormatType = &odata.Type{Name: "microsoft.graph.plannerAssignedToTaskBoardTaskFormat", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "unassignedOrderHint", "id", "orderHintsByAssignee"}}
	bucketFormatType = &odata.Type{Name: "microsoft.graph.plannerBucketTaskBoardTaskFormat", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "orderHint", "id"}}
	progressFormatType = &odata.Type{Name: "microsoft.graph.plannerProgressTaskBoardTaskFormat", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "orderHint", "id"}}
)

var limits = odata.Limits{DefaultTop: 0, MaxTop: 1000}

// etag is the @odata.etag of version ver of an entity of kind, in
// Planner's shape (a weak tag over an opaque base64 value).
func etag(kind string, ver int) string {
	return `W/"` + base64.StdEncoding.EncodeToString([]byte("'1-"+kind+" "+strconv.Itoa(ver)+"'")) + `"`
}

// next advances the store's counter: a new id's or version's number.
func (st *store) next(ctx context.Context) int { return graphkit.NextSeq(ctx, Name, &st.Seq) }

// newID returns a new id for an entity of kind, 28 characters as Planner's.
func (st *store) newID(ctx context.Context, kind string) string {
	return plannerID(kind, "created", strconv.Itoa(st.next(ctx)))
}

// plannerID is a stable Planner-shaped id (URL-safe base64, 28 characters).
func plannerID(parts ...string) string {
	g := ids.Stable(parts...)
	return base64.RawURLEncoding.EncodeToString([]byte(g))[:28]
}

func (st *store) findPlan(id string) *plan {
	if i := slices.IndexFunc(st.Plans, func(p *plan) bool { return p.ID == id }); i >= 0 {
		return st.Plans[i]
	}
	return nil
}

func (st *store) findBucket(id string) *bucket {
	if i := slices.IndexFunc(st.Buckets, func(b *bucket) bool { return b.ID == id }); i >= 0 {
		return st.Buckets[i]
	}
	return nil
}

func (st *store) findTask(id string) *task {
	if i := slices.IndexFunc(st.Tasks, func(t *task) bool { return t.ID == id }); i >= 0 {
		return st.Tasks[i]
	}
	return nil
}

// caller is who a request acts as: a user (delegated) or an app.
type caller struct {
	c *graphkit.Claims
}

// id is the caller's identity, as createdBy and assignedBy name it.
func (cl caller) id() string {
	if cl.c.IsApp() {
		return cl.c.AppID
	}
	return cl.c.Oid
}

// canReach reports whether the caller may see and change the plans of
// group: an app with its role, a user who is a member or owner.
func (s *Workload) canReach(cl caller, group string) bool {
	if cl.c.IsApp() {
		return true
	}
	g := s.Dir.Group(group)
	return g != nil && (slices.Contains(g.Members, cl.c.Oid) || slices.Contains(g.Owners, cl.c.Oid))
}

// handler serves a Planner route for a caller with a permission that
// grants the request (graphkit.Permitted).
type handler func(w http.ResponseWriter, r *http.Request, cl caller)

func (s *Workload) guard(h handler) http.HandlerFunc {
	return s.Auth(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		if !graphkit.Permitted(r, c) {
			s.Fail(w, r, errDenied)
			return
		}
		h(w, r, caller{c})
	})
}

// checkIfMatch is Planner's rule for a change: If-Match is required and
// must carry the entity's current tag.
func checkIfMatch(r *http.Request, current string) *graphkit.Error {
	if len(r.Header.Values("If-Match")) == 0 {
		return errNoIfMatch
	}
	if !graphkit.IfMatch(r, current) {
		return errStale
	}
	return nil
}

// identity is the identitySet of a user or app id.
func (s *Workload) identity(id string) map[string]any {
	if u := s.Dir.Find(id); u != nil {
		return map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName}}
	}
	return map[string]any{"application": map[string]any{"id": id}}
}

// writeChanged answers a PATCH: 204, or 200 with the entity when the
// client prefers return=representation.
func (s *Workload) writeChanged(w http.ResponseWriter, r *http.Request, it graphkit.Item, t *odata.Type, ctx string) {
	if graphkit.Prefer(r)["return"] == "representation" {
		s.WriteEntity(w, r, http.StatusOK, it, t, ctx)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
