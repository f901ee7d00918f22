package msgraph

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// PlannerService is Microsoft Planner: plans (owned by Microsoft 365 groups),
// buckets, tasks and task details (O365's Planner, Plan, Bucket and Task).
//
// Planner changes are guarded by ETags: every update and delete takes the
// item's ETag (from its last read) and fails with 412 if somebody changed it
// meanwhile; read it again and retry.
type PlannerService service

// Plan is a Planner plan.
type Plan struct {
	ID              string      `json:"id,omitempty"`
	ETag            string      `json:"@odata.etag,omitempty"`
	Title           string      `json:"title,omitempty"`
	Owner           string      `json:"owner,omitempty"`
	CreatedDateTime time.Time   `json:"createdDateTime,omitzero"`
	CreatedBy       IdentitySet `json:"createdBy,omitzero"`
	Container       struct {
		ContainerID string `json:"containerId,omitempty"`
		// Type is "group", "roster" or "project".
		Type string `json:"type,omitempty"`
		URL  string `json:"url,omitempty"`
	} `json:"container,omitzero"`
}

// Bucket is a column of a plan.
type Bucket struct {
	ID        string `json:"id,omitempty"`
	ETag      string `json:"@odata.etag,omitempty"`
	Name      string `json:"name,omitempty"`
	PlanID    string `json:"planId,omitempty"`
	OrderHint string `json:"orderHint,omitempty"`
}

// PlannerTask is a Planner task.
type PlannerTask struct {
	ID       string `json:"id,omitempty"`
	ETag     string `json:"@odata.etag,omitempty"`
	PlanID   string `json:"planId,omitempty"`
	BucketID string `json:"bucketId,omitempty"`
	Title    string `json:"title,omitempty"`
	// PercentComplete is 0 (not started), 50 (in progress) or 100 (done).
	PercentComplete int `json:"percentComplete,omitempty"`
	// Priority is 0–10: 1 urgent, 3 important, 5 medium, 9 low.
	Priority           int       `json:"priority,omitempty"`
	StartDateTime      time.Time `json:"startDateTime,omitzero"`
	DueDateTime        time.Time `json:"dueDateTime,omitzero"`
	CompletedDateTime  time.Time `json:"completedDateTime,omitzero"`
	CreatedDateTime    time.Time `json:"createdDateTime,omitzero"`
	HasDescription     bool      `json:"hasDescription,omitempty"`
	OrderHint          string    `json:"orderHint,omitempty"`
	ChecklistItemCount int       `json:"checklistItemCount,omitempty"`
	// Assignments maps user ids to assignment details; to assign, set
	// {"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}.
	Assignments map[string]map[string]any `json:"assignments,omitempty"`
	// AppliedCategories maps "category1"…"category25" to true.
	AppliedCategories map[string]bool `json:"appliedCategories,omitempty"`
}

// Assign returns the Assignments value that assigns a task to users.
func Assign(userIDs ...string) map[string]map[string]any {
	m := make(map[string]map[string]any, len(userIDs))
	for _, id := range userIDs {
		m[id] = map[string]any{"@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !"}
	}
	return m
}

// PlannerTaskUpdate is the body of a task PATCH: nil fields are left as they are.
type PlannerTaskUpdate struct {
	Title             *string                   `json:"title,omitempty"`
	BucketID          *string                   `json:"bucketId,omitempty"`
	PercentComplete   *int                      `json:"percentComplete,omitempty"`
	Priority          *int                      `json:"priority,omitempty"`
	StartDateTime     *time.Time                `json:"startDateTime,omitempty"`
	DueDateTime       *time.Time                `json:"dueDateTime,omitempty"`
	Assignments       map[string]map[string]any `json:"assignments,omitempty"`
	AppliedCategories map[string]bool           `json:"appliedCategories,omitempty"`
}

// PlannerTaskDetails are a task's description and checklist.
type PlannerTaskDetails struct {
	ID          string `json:"id,omitempty"`
	ETag        string `json:"@odata.etag,omitempty"`
	Description string `json:"description,omitempty"`
	// PreviewType is "automatic", "noPreview", "checklist", "description" or "reference".
	PreviewType string `json:"previewType,omitempty"`
	// Checklist maps item ids (GUIDs you choose) to items.
	Checklist map[string]PlannerChecklistItem `json:"checklist,omitempty"`
}

// PlannerChecklistItem is a checklist entry of a task.
type PlannerChecklistItem struct {
	ODataType string `json:"@odata.type,omitempty"`
	Title     string `json:"title,omitempty"`
	IsChecked bool   `json:"isChecked"`
	OrderHint string `json:"orderHint,omitempty"`
}

// ErrNoETag is returned by updates and deletes called without the item's ETag.
var ErrNoETag = errors.New("msgraph: planner change without the item's ETag (read the item first)")

// ListGroupPlans returns the plans of a Microsoft 365 group.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannergroup-list-plans
//
//meta:operation GET /groups/{id}/planner/plans
func (s *PlannerService) ListGroupPlans(ctx context.Context, group string) ([]*Plan, *Response, error) {
	return getPage[Plan](ctx, s.client, groupPath(group)+"/planner/plans", nil)
}

// ListMyTasks returns the tasks assigned to the signed-in user.
//
// Graph docs: https://learn.microsoft.com/graph/api/planneruser-list-tasks
//
//meta:operation GET /me/planner/tasks
func (s *PlannerService) ListMyTasks(ctx context.Context) ([]*PlannerTask, *Response, error) {
	return getPage[PlannerTask](ctx, s.client, "me/planner/tasks", nil)
}

// GetPlan returns a plan.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-get
//
//meta:operation GET /planner/plans/{id}
func (s *PlannerService) GetPlan(ctx context.Context, id string) (*Plan, *Response, error) {
	return getOne[Plan](ctx, s.client, "planner/plans/"+escapeSegment(id))
}

// CreatePlan creates a plan owned by a Microsoft 365 group.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-plans
//
//meta:operation POST /planner/plans
func (s *PlannerService) CreatePlan(ctx context.Context, group, title string) (*Plan, *Response, error) {
	body := map[string]any{"title": title, "container": map[string]string{
		"url": s.client.baseURL.JoinPath("groups", group).String()}}
	return doJSON[Plan](ctx, s.client, http.MethodPost, "planner/plans", body, nil)
}

// ListBuckets returns a plan's buckets.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-list-buckets
//
//meta:operation GET /planner/plans/{id}/buckets
func (s *PlannerService) ListBuckets(ctx context.Context, plan string) ([]*Bucket, *Response, error) {
	return getPage[Bucket](ctx, s.client, "planner/plans/"+escapeSegment(plan)+"/buckets", nil)
}

// CreateBucket adds a bucket to a plan.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-buckets
//
//meta:operation POST /planner/buckets
func (s *PlannerService) CreateBucket(ctx context.Context, plan, name string) (*Bucket, *Response, error) {
	return doJSON[Bucket](ctx, s.client, http.MethodPost, "planner/buckets", &Bucket{PlanID: plan, Name: name, OrderHint: " !"}, nil)
}

// DeleteBucket deletes a bucket; etag is the bucket's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerbucket-delete
//
//meta:operation DELETE /planner/buckets/{id}
func (s *PlannerService) DeleteBucket(ctx context.Context, id, etag string) (*Response, error) {
	return s.client.ifMatch(ctx, http.MethodDelete, "planner/buckets/"+escapeSegment(id), etag, nil, nil)
}

// ListTasks returns a plan's tasks.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-list-tasks
//
//meta:operation GET /planner/plans/{id}/tasks
func (s *PlannerService) ListTasks(ctx context.Context, plan string) ([]*PlannerTask, *Response, error) {
	return getPage[PlannerTask](ctx, s.client, "planner/plans/"+escapeSegment(plan)+"/tasks", nil)
}

// GetTask returns a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-get
//
//meta:operation GET /planner/tasks/{id}
func (s *PlannerService) GetTask(ctx context.Context, id string) (*PlannerTask, *Response, error) {
	return getOne[PlannerTask](ctx, s.client, "planner/tasks/"+escapeSegment(id))
}

// CreateTask creates a task; PlanID is required, BucketID optional.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-tasks
//
//meta:operation POST /planner/tasks
func (s *PlannerService) CreateTask(ctx context.Context, t *PlannerTask) (*PlannerTask, *Response, error) {
	return doJSON[PlannerTask](ctx, s.client, http.MethodPost, "planner/tasks", t, nil)
}

// UpdateTask changes a task; etag is the task's ETag. It returns the task as
// changed (Prefer: return=representation), with its new ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-update
//
//meta:operation PATCH /planner/tasks/{id}
func (s *PlannerService) UpdateTask(ctx context.Context, id, etag string, upd *PlannerTaskUpdate) (*PlannerTask, *Response, error) {
	t := new(PlannerTask)
	resp, err := s.client.ifMatch(ctx, http.MethodPatch, "planner/tasks/"+escapeSegment(id), etag, upd, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}

// DeleteTask deletes a task; etag is the task's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-delete
//
//meta:operation DELETE /planner/tasks/{id}
func (s *PlannerService) DeleteTask(ctx context.Context, id, etag string) (*Response, error) {
	return s.client.ifMatch(ctx, http.MethodDelete, "planner/tasks/"+escapeSegment(id), etag, nil, nil)
}

// GetTaskDetails returns a task's description and checklist.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertaskdetails-get
//
//meta:operation GET /planner/tasks/{id}/details
func (s *PlannerService) GetTaskDetails(ctx context.Context, task string) (*PlannerTaskDetails, *Response, error) {
	return getOne[PlannerTaskDetails](ctx, s.client, "planner/tasks/"+escapeSegment(task)+"/details")
}

// UpdateTaskDetails changes a task's description or checklist; etag is the
// details' ETag (not the task's).
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertaskdetails-update
//
//meta:operation PATCH /planner/tasks/{id}/details
func (s *PlannerService) UpdateTaskDetails(ctx context.Context, task, etag string, d *PlannerTaskDetails) (*PlannerTaskDetails, *Response, error) {
	out := new(PlannerTaskDetails)
	body := *d
	body.ID, body.ETag = "", ""
	resp, err := s.client.ifMatch(ctx, http.MethodPatch, "planner/tasks/"+escapeSegment(task)+"/details", etag, &body, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// ifMatch sends a change guarded by an ETag, asking for the changed item back.
func (c *Client) ifMatch(ctx context.Context, method, path, etag string, body, out any) (*Response, error) {
	if etag == "" {
		return nil, ErrNoETag
	}
	req, err := c.NewRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("If-Match", etag)
	if out != nil {
		req.Header.Add("Prefer", "return=representation")
	}
	return c.Do(req, out)
}
