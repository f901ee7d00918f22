package msgraph

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"
)

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
	Priority                 int         `json:"priority,omitempty"`
	StartDateTime            time.Time   `json:"startDateTime,omitzero"`
	DueDateTime              time.Time   `json:"dueDateTime,omitzero"`
	CompletedDateTime        time.Time   `json:"completedDateTime,omitzero"`
	CompletedBy              IdentitySet `json:"completedBy,omitzero"`
	CreatedDateTime          time.Time   `json:"createdDateTime,omitzero"`
	CreatedBy                IdentitySet `json:"createdBy,omitzero"`
	HasDescription           bool        `json:"hasDescription,omitempty"`
	PreviewType              string      `json:"previewType,omitempty"`
	OrderHint                string      `json:"orderHint,omitempty"`
	AssigneePriority         string      `json:"assigneePriority,omitempty"`
	ConversationThreadID     string      `json:"conversationThreadId,omitempty"`
	ChecklistItemCount       int         `json:"checklistItemCount,omitempty"`
	ActiveChecklistItemCount int         `json:"activeChecklistItemCount,omitempty"`
	ReferenceCount           int         `json:"referenceCount,omitempty"`
	// Assignments maps user ids to assignment details; to assign, use Assign.
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

// Unassign returns the Assignments value of a PATCH that removes users
// from a task.
func Unassign(userIDs ...string) map[string]map[string]any {
	m := make(map[string]map[string]any, len(userIDs))
	for _, id := range userIDs {
		m[id] = nil
	}
	return m
}

// PlannerTaskUpdate is the body of a task PATCH: nil fields are left as they are.
type PlannerTaskUpdate struct {
	Title           *string    `json:"title,omitempty"`
	BucketID        *string    `json:"bucketId,omitempty"`
	PercentComplete *int       `json:"percentComplete,omitempty"`
	Priority        *int       `json:"priority,omitempty"`
	StartDateTime   *time.Time `json:"startDateTime,omitempty"`
	DueDateTime     *time.Time `json:"dueDateTime,omitempty"`
	// OrderHint and AssigneePriority move the task: OrderBetween(previous, next).
	OrderHint            *string `json:"orderHint,omitempty"`
	AssigneePriority     *string `json:"assigneePriority,omitempty"`
	ConversationThreadID *string `json:"conversationThreadId,omitempty"`
	// Assignments adds (Assign) or removes (Unassign) assignees.
	Assignments map[string]map[string]any `json:"assignments,omitempty"`
	// AppliedCategories sets (true) or clears (false) categories.
	AppliedCategories map[string]bool `json:"appliedCategories,omitempty"`
}

// PlannerTaskDetails are a task's description, checklist and references.
type PlannerTaskDetails struct {
	ID          string `json:"id,omitempty"`
	ETag        string `json:"@odata.etag,omitempty"`
	Description string `json:"description,omitempty"`
	// PreviewType is "automatic", "noPreview", "checklist", "description" or "reference".
	PreviewType string `json:"previewType,omitempty"`
	// Checklist maps item ids (GUIDs you choose) to items.
	Checklist map[string]PlannerChecklistItem `json:"checklist,omitempty"`
	// References maps URLs, encoded with ReferenceKey, to references.
	References map[string]PlannerReference `json:"references,omitempty"`
}

// PlannerChecklistItem is a checklist entry of a task.
type PlannerChecklistItem struct {
	ODataType string `json:"@odata.type,omitempty"`
	Title     string `json:"title,omitempty"`
	IsChecked bool   `json:"isChecked"`
	OrderHint string `json:"orderHint,omitempty"`
}

// PlannerReference is a link of a task to an external resource.
type PlannerReference struct {
	ODataType string `json:"@odata.type,omitempty"`
	Alias     string `json:"alias,omitempty"`
	// Type is "PowerPoint", "Excel", "Word", "Pdf" or "Other".
	Type            string `json:"type,omitempty"`
	PreviewPriority string `json:"previewPriority,omitempty"`
}

// PlannerTaskDetailsUpdate is the body of a task details PATCH: nil fields
// are left as they are; a checklist item or reference set to nil is
// removed.
type PlannerTaskDetailsUpdate struct {
	Description *string                          `json:"description,omitempty"`
	PreviewType *string                          `json:"previewType,omitempty"`
	Checklist   map[string]*PlannerChecklistItem `json:"checklist,omitempty"`
	References  map[string]*PlannerReference     `json:"references,omitempty"`
}

// ReferenceKey is the key of a reference to rawURL in
// PlannerTaskDetails.References: the URL with the characters Planner
// requires encoded.
func ReferenceKey(rawURL string) string {
	return strings.NewReplacer("%", "%25", ".", "%2E", ":", "%3A", "@", "%40", "#", "%23").Replace(rawURL)
}

// ReferenceURL is the URL a References key stands for.
func ReferenceURL(key string) string {
	u, err := url.PathUnescape(key)
	if err != nil {
		return key
	}
	return u
}

func taskPath(id string) string { return "planner/tasks/" + escapeSegment(id) }

// ListTasks returns the first page of a plan's tasks.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-list-tasks
//
//meta:operation GET /planner/plans/{id}/tasks
func (s *PlannerService) ListTasks(ctx context.Context, plan string, opts *ListOptions) ([]*PlannerTask, *Response, error) {
	return listed[PlannerTask](ctx, s.client, planPath(plan)+"/tasks", opts)
}

// ListTasksIter iterates over all of a plan's tasks.
func (s *PlannerService) ListTasksIter(ctx context.Context, plan string, opts *ListOptions) iter.Seq2[*PlannerTask, error] {
	return listedIter[PlannerTask](ctx, s.client, planPath(plan)+"/tasks", opts)
}

// ListBucketTasks returns the first page of a bucket's tasks.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerbucket-list-tasks
//
//meta:operation GET /planner/buckets/{id}/tasks
func (s *PlannerService) ListBucketTasks(ctx context.Context, bucket string, opts *ListOptions) ([]*PlannerTask, *Response, error) {
	return listed[PlannerTask](ctx, s.client, bucketPath(bucket)+"/tasks", opts)
}

// ListBucketTasksIter iterates over all of a bucket's tasks.
func (s *PlannerService) ListBucketTasksIter(ctx context.Context, bucket string, opts *ListOptions) iter.Seq2[*PlannerTask, error] {
	return listedIter[PlannerTask](ctx, s.client, bucketPath(bucket)+"/tasks", opts)
}

// ListUserTasks returns the first page of the tasks assigned to a user
// ("" or "me": the signed-in user).
//
// Graph docs: https://learn.microsoft.com/graph/api/planneruser-list-tasks
//
//meta:operation GET /users/{id}/planner/tasks
func (s *PlannerService) ListUserTasks(ctx context.Context, user string, opts *ListOptions) ([]*PlannerTask, *Response, error) {
	return listed[PlannerTask](ctx, s.client, userPath(user)+"/planner/tasks", opts)
}

// ListUserTasksIter iterates over all of the tasks assigned to a user.
func (s *PlannerService) ListUserTasksIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*PlannerTask, error] {
	return listedIter[PlannerTask](ctx, s.client, userPath(user)+"/planner/tasks", opts)
}

// ListMyTasks returns the first page of the tasks assigned to the
// signed-in user.
//
// Graph docs: https://learn.microsoft.com/graph/api/planneruser-list-tasks
//
//meta:operation GET /me/planner/tasks
func (s *PlannerService) ListMyTasks(ctx context.Context, opts *ListOptions) ([]*PlannerTask, *Response, error) {
	return s.ListUserTasks(ctx, "", opts)
}

// ListMyTasksIter iterates over all of the signed-in user's tasks.
func (s *PlannerService) ListMyTasksIter(ctx context.Context, opts *ListOptions) iter.Seq2[*PlannerTask, error] {
	return s.ListUserTasksIter(ctx, "", opts)
}

// GetTask returns a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-get
//
//meta:operation GET /planner/tasks/{id}
func (s *PlannerService) GetTask(ctx context.Context, id string) (*PlannerTask, *Response, error) {
	return getOne[PlannerTask](ctx, s.client, taskPath(id))
}

// CreateTask creates a task; PlanID and Title are required, BucketID
// optional.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-tasks
//
//meta:operation POST /planner/tasks
func (s *PlannerService) CreateTask(ctx context.Context, t *PlannerTask) (*PlannerTask, *Response, error) {
	return doJSON[PlannerTask](ctx, s.client, http.MethodPost, "planner/tasks", t, nil)
}

// UpdateTask changes a task; etag is the task's ETag. It returns the task
// as changed, with its new ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-update
//
//meta:operation PATCH /planner/tasks/{id}
func (s *PlannerService) UpdateTask(ctx context.Context, id, etag string, upd *PlannerTaskUpdate) (*PlannerTask, *Response, error) {
	return changeETag[PlannerTask](ctx, s.client, taskPath(id), etag, upd)
}

// DeleteTask deletes a task; etag is the task's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertask-delete
//
//meta:operation DELETE /planner/tasks/{id}
func (s *PlannerService) DeleteTask(ctx context.Context, id, etag string) (*Response, error) {
	return s.client.ifMatch(ctx, http.MethodDelete, taskPath(id), etag, nil, nil)
}

// GetTaskDetails returns a task's description, checklist and references.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertaskdetails-get
//
//meta:operation GET /planner/tasks/{id}/details
func (s *PlannerService) GetTaskDetails(ctx context.Context, task string) (*PlannerTaskDetails, *Response, error) {
	return getOne[PlannerTaskDetails](ctx, s.client, taskPath(task)+"/details")
}

// UpdateTaskDetails changes a task's description, checklist or
// references; etag is the details' ETag (not the task's).
//
// Graph docs: https://learn.microsoft.com/graph/api/plannertaskdetails-update
//
//meta:operation PATCH /planner/tasks/{id}/details
func (s *PlannerService) UpdateTaskDetails(ctx context.Context, task, etag string, upd *PlannerTaskDetailsUpdate) (*PlannerTaskDetails, *Response, error) {
	body := *upd // typed copies: the caller's maps stay as they are
	body.Checklist = make(map[string]*PlannerChecklistItem, len(upd.Checklist))
	for k, c := range upd.Checklist {
		if c != nil && c.ODataType == "" {
			cp := *c
			cp.ODataType, c = "#microsoft.graph.plannerChecklistItem", &cp
		}
		body.Checklist[k] = c
	}
	body.References = make(map[string]*PlannerReference, len(upd.References))
	for k, r := range upd.References {
		if r != nil && r.ODataType == "" {
			cp := *r
			cp.ODataType, r = "#microsoft.graph.plannerExternalReference", &cp
		}
		body.References[k] = r
	}
	return changeETag[PlannerTaskDetails](ctx, s.client, taskPath(task)+"/details", etag, &body)
}
