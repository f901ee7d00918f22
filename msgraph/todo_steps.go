package msgraph

import (
	"context"
	"iter"
	"net/http"
)

// This file is what hangs off a To Do task: its checklist items (steps)
// and its linked resources (the app, page or ticket the task came from).

// LinkedResource is a link from a task to the item it is about in another
// app.
type LinkedResource struct {
	ID              string `json:"id,omitempty"`
	WebURL          string `json:"webUrl,omitempty"`
	ApplicationName string `json:"applicationName,omitempty"`
	DisplayName     string `json:"displayName,omitempty"`
	ExternalID      string `json:"externalId,omitempty"`
}

// ChecklistItemUpdate is the body of a checklist item PATCH: nil fields are
// left as they are.
type ChecklistItemUpdate struct {
	DisplayName *string `json:"displayName,omitempty"`
	IsChecked   *bool   `json:"isChecked,omitempty"`
}

func checklistPath(user, list, task string) string {
	return todoTaskPath(user, list, task) + "/checklistItems"
}

func linkedPath(user, list, task string) string {
	return todoTaskPath(user, list, task) + "/linkedResources"
}

// ListChecklistItems returns a task's checklist items.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-list-checklistitems
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems
func (s *TodoService) ListChecklistItems(ctx context.Context, user, list, task string, opts *ListOptions) ([]*ChecklistItem, *Response, error) {
	return getPage[ChecklistItem](ctx, s.client, listURL(checklistPath(user, list, task), opts), nil)
}

// ListChecklistItemsIter iterates over a task's checklist items.
func (s *TodoService) ListChecklistItemsIter(ctx context.Context, user, list, task string, opts *ListOptions) iter.Seq2[*ChecklistItem, error] {
	return all[ChecklistItem](ctx, s.client, listURL(checklistPath(user, list, task), opts), nil)
}

// GetChecklistItem returns a checklist item.
//
// Graph docs: https://learn.microsoft.com/graph/api/checklistitem-get
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems/{id}
func (s *TodoService) GetChecklistItem(ctx context.Context, user, list, task, item string) (*ChecklistItem, *Response, error) {
	return getOne[ChecklistItem](ctx, s.client, checklistPath(user, list, task)+"/"+escapeSegment(item))
}

// UpdateChecklistItem renames, checks or unchecks a checklist item.
//
// Graph docs: https://learn.microsoft.com/graph/api/checklistitem-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems/{id}
func (s *TodoService) UpdateChecklistItem(ctx context.Context, user, list, task, item string, upd *ChecklistItemUpdate) (*ChecklistItem, *Response, error) {
	return doJSON[ChecklistItem](ctx, s.client, http.MethodPatch, checklistPath(user, list, task)+"/"+escapeSegment(item), upd, nil)
}

// DeleteChecklistItem deletes a checklist item.
//
// Graph docs: https://learn.microsoft.com/graph/api/checklistitem-delete
//
//meta:operation DELETE /users/{id}/todo/lists/{id}/tasks/{id}/checklistItems/{id}
func (s *TodoService) DeleteChecklistItem(ctx context.Context, user, list, task, item string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, checklistPath(user, list, task)+"/"+escapeSegment(item), nil)
}

// ListLinkedResources returns a task's linked resources.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-list-linkedresources
//
//meta:operation GET /users/{id}/todo/lists/{id}/tasks/{id}/linkedResources
func (s *TodoService) ListLinkedResources(ctx context.Context, user, list, task string, opts *ListOptions) ([]*LinkedResource, *Response, error) {
	return getPage[LinkedResource](ctx, s.client, listURL(linkedPath(user, list, task), opts), nil)
}

// ListLinkedResourcesIter iterates over a task's linked resources.
func (s *TodoService) ListLinkedResourcesIter(ctx context.Context, user, list, task string, opts *ListOptions) iter.Seq2[*LinkedResource, error] {
	return all[LinkedResource](ctx, s.client, listURL(linkedPath(user, list, task), opts), nil)
}

// AddLinkedResource links a task to an item of another app.
//
// Graph docs: https://learn.microsoft.com/graph/api/todotask-post-linkedresources
//
//meta:operation POST /users/{id}/todo/lists/{id}/tasks/{id}/linkedResources
func (s *TodoService) AddLinkedResource(ctx context.Context, user, list, task string, lr *LinkedResource) (*LinkedResource, *Response, error) {
	return doJSON[LinkedResource](ctx, s.client, http.MethodPost, linkedPath(user, list, task), lr, nil)
}

// UpdateLinkedResource changes the non-empty fields of lr on a linked resource.
//
// Graph docs: https://learn.microsoft.com/graph/api/linkedresource-update
//
//meta:operation PATCH /users/{id}/todo/lists/{id}/tasks/{id}/linkedResources/{id}
func (s *TodoService) UpdateLinkedResource(ctx context.Context, user, list, task, id string, lr *LinkedResource) (*LinkedResource, *Response, error) {
	return doJSON[LinkedResource](ctx, s.client, http.MethodPatch, linkedPath(user, list, task)+"/"+escapeSegment(id), lr, nil)
}

// DeleteLinkedResource deletes a linked resource.
//
// Graph docs: https://learn.microsoft.com/graph/api/linkedresource-delete
//
//meta:operation DELETE /users/{id}/todo/lists/{id}/tasks/{id}/linkedResources/{id}
func (s *TodoService) DeleteLinkedResource(ctx context.Context, user, list, task, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, linkedPath(user, list, task)+"/"+escapeSegment(id), nil)
}
