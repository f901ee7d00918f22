package msgraph

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// TodoService is Microsoft To Do: task lists, tasks and their checklist
// items (O365's ToDo, Folder and Task).
type TodoService service

// TodoTaskList is a To Do list.
type TodoTaskList struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	IsOwner     bool   `json:"isOwner,omitempty"`
	IsShared    bool   `json:"isShared,omitempty"`
	// WellknownListName is "none", "defaultList" or "flaggedEmails".
	WellknownListName string `json:"wellknownListName,omitempty"`
	// Removed is set on a delta result for a list that was deleted.
	Removed *Removed `json:"@removed,omitempty"`
}

// TodoTask is a To Do task.
type TodoTask struct {
	ID    string `json:"id,omitempty"`
	Title string `json:"title,omitempty"`
	// Status is "notStarted", "inProgress", "completed", "waitingOnOthers" or "deferred".
	Status string `json:"status,omitempty"`
	// Importance is "low", "normal" or "high".
	Importance           string           `json:"importance,omitempty"`
	Body                 ItemBody         `json:"body,omitzero"`
	Categories           []string         `json:"categories,omitempty"`
	DueDateTime          DateTimeTimeZone `json:"dueDateTime,omitzero"`
	StartDateTime        DateTimeTimeZone `json:"startDateTime,omitzero"`
	CompletedDateTime    DateTimeTimeZone `json:"completedDateTime,omitzero"`
	ReminderDateTime     DateTimeTimeZone `json:"reminderDateTime,omitzero"`
	IsReminderOn         bool             `json:"isReminderOn,omitempty"`
	Recurrence           *Recurrence      `json:"recurrence,omitempty"`
	HasAttachments       bool             `json:"hasAttachments,omitempty"`
	CreatedDateTime      time.Time        `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time        `json:"lastModifiedDateTime,omitzero"`
	// BodyLastModifiedDateTime is when the body last changed.
	BodyLastModifiedDateTime time.Time `json:"bodyLastModifiedDateTime,omitzero"`
	// ChecklistItems and LinkedResources are sent with a new task, and
	// returned when asked for with $expand.
	ChecklistItems  []ChecklistItem  `json:"checklistItems,omitempty"`
	LinkedResources []LinkedResource `json:"linkedResources,omitempty"`
	// Removed is set on a delta result for a task that was deleted.
	Removed *Removed `json:"@removed,omitempty"`
}

// TodoTaskUpdate is the body of a task PATCH: nil fields are left as they are.
type TodoTaskUpdate struct {
	Title             *string           `json:"title,omitempty"`
	Status            *string           `json:"status,omitempty"`
	Importance        *string           `json:"importance,omitempty"`
	Body              *ItemBody         `json:"body,omitempty"`
	Categories        []string          `json:"categories,omitzero"`
	DueDateTime       *DateTimeTimeZone `json:"dueDateTime,omitempty"`
	ReminderDateTime  *DateTimeTimeZone `json:"reminderDateTime,omitempty"`
	IsReminderOn      *bool             `json:"isReminderOn,omitempty"`
	CompletedDateTime *DateTimeTimeZone `json:"completedDateTime,omitempty"`
	StartDateTime     *DateTimeTimeZone `json:"startDateTime,omitempty"`
	Recurrence        *Recurrence       `json:"recurrence,omitempty"`
}

// ChecklistItem is a step of a task.
type ChecklistItem struct {
	ID              string    `json:"id,omitempty"`
	DisplayName     string    `json:"displayName,omitempty"`
	IsChecked       bool      `json:"isChecked,omitempty"`
	CheckedDateTime time.Time `json:"checkedDateTime,omitzero"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
}

func todoListsPath(user string) string { return userPath(user) + "/todo/lists" }

func todoListPath(user, list string) string { return todoListsPath(user) + "/" + escapeSegment(list) }

func todoTaskPath(user, list, task string) string {
	return todoListPath(user, list) + "/tasks/" + escapeSegment(task)
}

// DefaultList returns a user's default task list ("Tasks").
//
// Graph docs: https://learn.microsoft.com/graph/api/todo-list-lists
func (s *TodoService) DefaultList(ctx context.Context, user string) (*TodoTaskList, *Response, error) {
	lists, resp, err := s.ListLists(ctx, user, &ListOptions{Filter: "wellknownListName eq 'defaultList'"})
	if err != nil {
		return nil, resp, err
	}
	if len(lists) == 0 {
		return nil, resp, fmt.Errorf("msgraph: %s has no default task list", userPath(user))
	}
	return lists[0], resp, nil
}

// ListLists returns the first page of a user's task lists.
//
// Graph docs: https://learn.microsoft.com/graph/api/todo-list-lists
//
//meta:operation GET /users/{id}/todo/lists
func (s *TodoService) ListLists(ctx context.Context, user string, opts *ListOptions) ([]*TodoTaskList, *Response, error) {
	var q query
	q.list(opts)
	return getPage[TodoTaskList](ctx, s.client, q.on(todoListsPath(user)), nil)
}

// ListListsIter iterates over all of a user's task lists.
func (s *TodoService) ListListsIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*TodoTaskList, error] {
	var q query
	q.list(opts)
	return all[TodoTaskList](ctx, s.client, q.on(todoListsPath(user)), nil)
}

// ListsDelta runs one delta round over a user's task lists: every page up
// to the deltaLink. It returns the lists added or changed since opts.Link
// (those with Removed set are gone) and the last page's Response, whose
// DeltaLink starts the next round.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-delta
//
//meta:operation GET /users/{id}/todo/lists/delta
func (s *TodoService) ListsDelta(ctx context.Context, user string, opts *DeltaOptions) ([]*TodoTaskList, *Response, error) {
	u, h := deltaStart(todoListsPath(user)+"/delta", opts)
	return deltaRound[TodoTaskList](ctx, s.client, u, h)
}

// TasksDelta runs one delta round over a list's tasks, as [TodoService.ListsDelta].
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-delta
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks/delta
func (s *TodoService) TasksDelta(ctx context.Context, user, list string, opts *DeltaOptions) ([]*TodoTask, *Response, error) {
	u, h := deltaStart(todoListPath(user, list)+"/tasks/delta", opts)
	return deltaRound[TodoTask](ctx, s.client, u, h)
}

// GetList returns a task list.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-get
//
//meta:operation GET /users/{id}/todo/lists/{id}
func (s *TodoService) GetList(ctx context.Context, user, list string) (*TodoTaskList, *Response, error) {
	return getOne[TodoTaskList](ctx, s.client, todoListPath(user, list))
}

// CreateList creates a task list.
//
// Graph docs: https://learn.microsoft.com/graph/api/todo-post-lists
//
//meta:operation POST /users/{id}/todo/lists
func (s *TodoService) CreateList(ctx context.Context, user, name string) (*TodoTaskList, *Response, error) {
	return doJSON[TodoTaskList](ctx, s.client, http.MethodPost, todoListsPath(user), &TodoTaskList{DisplayName: name}, nil)
}

// RenameList renames a task list.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}
func (s *TodoService) RenameList(ctx context.Context, user, list, name string) (*TodoTaskList, *Response, error) {
	return doJSON[TodoTaskList](ctx, s.client, http.MethodPatch, todoListPath(user, list), &TodoTaskList{DisplayName: name}, nil)
}

// DeleteList deletes a task list and its tasks.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-delete
//
//meta:operation DELETE /users/{id}/todo/lists/{id}
func (s *TodoService) DeleteList(ctx context.Context, user, list string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, todoListPath(user, list), nil)
}

// ListTasks returns the first page of a list's tasks.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-list-tasks
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks
func (s *TodoService) ListTasks(ctx context.Context, user, list string, opts *ListOptions) ([]*TodoTask, *Response, error) {
	var q query
	q.list(opts)
	return getPage[TodoTask](ctx, s.client, q.on(todoListPath(user, list)+"/tasks"), nil)
}

// ListTasksIter iterates over all of a list's tasks.
func (s *TodoService) ListTasksIter(ctx context.Context, user, list string, opts *ListOptions) iter.Seq2[*TodoTask, error] {
	var q query
	q.list(opts)
	return all[TodoTask](ctx, s.client, q.on(todoListPath(user, list)+"/tasks"), nil)
}

// GetTask returns a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-get
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks/{id}
func (s *TodoService) GetTask(ctx context.Context, user, list, task string) (*TodoTask, *Response, error) {
	return getOne[TodoTask](ctx, s.client, todoTaskPath(user, list, task))
}

// CreateTask adds a task to a list.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotasklist-post-tasks
//
//meta:operation POST /users/{id}/todo/lists/{id}/tasks
func (s *TodoService) CreateTask(ctx context.Context, user, list string, t *TodoTask) (*TodoTask, *Response, error) {
	return doJSON[TodoTask](ctx, s.client, http.MethodPost, todoListPath(user, list)+"/tasks", t, nil)
}

// UpdateTask changes the properties set in upd.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}/tasks/{id}
func (s *TodoService) UpdateTask(ctx context.Context, user, list, task string, upd *TodoTaskUpdate) (*TodoTask, *Response, error) {
	return doJSON[TodoTask](ctx, s.client, http.MethodPatch, todoTaskPath(user, list, task), upd, nil)
}

// CompleteTask marks a task completed now.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}/tasks/{id}
func (s *TodoService) CompleteTask(ctx context.Context, user, list, task string) (*TodoTask, *Response, error) {
	now := NewDateTimeTimeZone(time.Now().UTC())
	return s.UpdateTask(ctx, user, list, task, &TodoTaskUpdate{Status: Ptr("completed"), CompletedDateTime: &now})
}

// DeleteTask deletes a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-delete
//
//meta:operation DELETE /users/{id}/todo/lists/{id}/tasks/{id}
func (s *TodoService) DeleteTask(ctx context.Context, user, list, task string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, todoTaskPath(user, list, task), nil)
}

// AddChecklistItem adds a step to a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-post-checklistitems
//
//meta:operation POST /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems
func (s *TodoService) AddChecklistItem(ctx context.Context, user, list, task, name string) (*ChecklistItem, *Response, error) {
	return doJSON[ChecklistItem](ctx, s.client, http.MethodPost, todoTaskPath(user, list, task)+"/checklistItems",
		&ChecklistItem{DisplayName: name}, nil)
}

// CheckChecklistItem checks or unchecks a step of a task.
//
// Graph docs: https://learn.microsoft.com/graph/api/checklistitem-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems/{id}
func (s *TodoService) CheckChecklistItem(ctx context.Context, user, list, task, item string, checked bool) (*ChecklistItem, *Response, error) {
	return doJSON[ChecklistItem](ctx, s.client, http.MethodPatch,
		todoTaskPath(user, list, task)+"/checklistItems/"+escapeSegment(item), map[string]bool{"isChecked": checked}, nil)
}
