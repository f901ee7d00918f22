package msgraph

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"
)

// PlannerService is Microsoft Planner: plans (owned by Microsoft 365 groups)
// with their details, buckets, tasks and task details (O365's Planner,
// Plan, Bucket and Task).
//
// Planner changes are guarded by ETags: every update and delete takes the
// item's ETag (the ETag field of the item as last read) and fails with 412
// if somebody changed it meanwhile; read it again and retry. An update
// returns the item as changed, with its new ETag. A plan's and a task's
// details have ETags of their own.
type PlannerService service

// PlannerPlan is a Planner plan.
type PlannerPlan struct {
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

// PlannerPlanUpdate is the body of a plan PATCH: nil fields are left as they are.
type PlannerPlanUpdate struct {
	Title *string `json:"title,omitempty"`
}

// PlannerPlanDetails are a plan's category names and the users it is shared with.
type PlannerPlanDetails struct {
	ID   string `json:"id,omitempty"`
	ETag string `json:"@odata.etag,omitempty"`
	// CategoryDescriptions maps "category1"…"category25" to their names.
	CategoryDescriptions map[string]string `json:"categoryDescriptions,omitempty"`
	// SharedWith maps user ids to true.
	SharedWith map[string]bool `json:"sharedWith,omitempty"`
}

// PlannerPlanDetailsUpdate is the body of a plan details PATCH: a category set to
// "" loses its name; a user set to false is no longer shared with.
type PlannerPlanDetailsUpdate struct {
	CategoryDescriptions map[string]string `json:"categoryDescriptions,omitempty"`
	SharedWith           map[string]bool   `json:"sharedWith,omitempty"`
}

// PlannerBucket is a column of a plan.
type PlannerBucket struct {
	ID     string `json:"id,omitempty"`
	ETag   string `json:"@odata.etag,omitempty"`
	Name   string `json:"name,omitempty"`
	PlanID string `json:"planId,omitempty"`
	// OrderHint orders the plan's buckets (see OrderBetween).
	OrderHint string `json:"orderHint,omitempty"`
}

// PlannerBucketUpdate is the body of a bucket PATCH: nil fields are left as they are.
type PlannerBucketUpdate struct {
	Name *string `json:"name,omitempty"`
	// OrderHint moves the bucket: OrderBetween(previous, next).
	OrderHint *string `json:"orderHint,omitempty"`
}

// OrderBetween is the order hint that places an item between the items
// with hints prev and next (either may be "": the start or the end);
// Planner computes the stored hint from it.
func OrderBetween(prev, next string) string { return prev + " " + next + "!" }

// ErrNoETag is returned by updates and deletes called without the item's ETag.
var ErrNoETag = errors.New("msgraph: planner change without the item's ETag (read the item first)")

func planPath(id string) string   { return "planner/plans/" + escapeSegment(id) }
func bucketPath(id string) string { return "planner/buckets/" + escapeSegment(id) }

// listed returns the first page of the collection u with opts.
func listed[T any](ctx context.Context, c *Client, u string, opts *ListOptions) ([]*T, *Response, error) {
	var q query
	q.list(opts)
	return getPage[T](ctx, c, q.on(u), nil)
}

// listedIter iterates over every item of the collection u with opts.
func listedIter[T any](ctx context.Context, c *Client, u string, opts *ListOptions) iter.Seq2[*T, error] {
	var q query
	q.list(opts)
	return all[T](ctx, c, q.on(u), nil)
}

// ListGroupPlans returns the first page of a Microsoft 365 group's plans.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannergroup-list-plans
//
//meta:operation GET /groups/{id}/planner/plans
func (s *PlannerService) ListGroupPlans(ctx context.Context, group string, opts *ListOptions) ([]*PlannerPlan, *Response, error) {
	return listed[PlannerPlan](ctx, s.client, groupPath(group)+"/planner/plans", opts)
}

// ListGroupPlansIter iterates over all of a group's plans.
func (s *PlannerService) ListGroupPlansIter(ctx context.Context, group string, opts *ListOptions) iter.Seq2[*PlannerPlan, error] {
	return listedIter[PlannerPlan](ctx, s.client, groupPath(group)+"/planner/plans", opts)
}

// ListMyPlans returns the first page of the plans of the signed-in user's
// groups.
//
// Graph docs: https://learn.microsoft.com/graph/api/planneruser-list-plans
//
//meta:operation GET /me/planner/plans
func (s *PlannerService) ListMyPlans(ctx context.Context, opts *ListOptions) ([]*PlannerPlan, *Response, error) {
	return listed[PlannerPlan](ctx, s.client, "me/planner/plans", opts)
}

// ListMyPlansIter iterates over all of the signed-in user's plans.
func (s *PlannerService) ListMyPlansIter(ctx context.Context, opts *ListOptions) iter.Seq2[*PlannerPlan, error] {
	return listedIter[PlannerPlan](ctx, s.client, "me/planner/plans", opts)
}

// GetPlan returns a plan.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-get
//
//meta:operation GET /planner/plans/{id}
func (s *PlannerService) GetPlan(ctx context.Context, id string) (*PlannerPlan, *Response, error) {
	return getOne[PlannerPlan](ctx, s.client, planPath(id))
}

// CreatePlan creates a plan owned by a Microsoft 365 group.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-plans
//
//meta:operation POST /planner/plans
func (s *PlannerService) CreatePlan(ctx context.Context, group, title string) (*PlannerPlan, *Response, error) {
	body := map[string]any{"title": title, "container": map[string]string{
		"url": s.client.baseURL.JoinPath("groups", group).String()}}
	return doJSON[PlannerPlan](ctx, s.client, http.MethodPost, "planner/plans", body, nil)
}

// UpdatePlan changes a plan; etag is the plan's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-update
//
//meta:operation PATCH /planner/plans/{id}
func (s *PlannerService) UpdatePlan(ctx context.Context, id, etag string, upd *PlannerPlanUpdate) (*PlannerPlan, *Response, error) {
	return changeETag[PlannerPlan](ctx, s.client, planPath(id), etag, upd)
}

// DeletePlan deletes a plan with its buckets and tasks; etag is the plan's
// ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-delete
//
//meta:operation DELETE /planner/plans/{id}
func (s *PlannerService) DeletePlan(ctx context.Context, id, etag string) (*Response, error) {
	return s.client.ifMatch(ctx, http.MethodDelete, planPath(id), etag, nil, nil)
}

// GetPlanDetails returns a plan's category names and sharing.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplandetails-get
//
//meta:operation GET /planner/plans/{id}/details
func (s *PlannerService) GetPlanDetails(ctx context.Context, plan string) (*PlannerPlanDetails, *Response, error) {
	return getOne[PlannerPlanDetails](ctx, s.client, planPath(plan)+"/details")
}

// UpdatePlanDetails changes a plan's details; etag is the details' ETag
// (not the plan's).
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplandetails-update
//
//meta:operation PATCH /planner/plans/{id}/details
func (s *PlannerService) UpdatePlanDetails(ctx context.Context, plan, etag string, upd *PlannerPlanDetailsUpdate) (*PlannerPlanDetails, *Response, error) {
	body := map[string]any{}
	if upd.CategoryDescriptions != nil {
		cats := map[string]any{}
		for k, v := range upd.CategoryDescriptions {
			cats[k] = v
			if v == "" {
				cats[k] = nil
			}
		}
		body["categoryDescriptions"] = cats
	}
	if upd.SharedWith != nil {
		body["sharedWith"] = upd.SharedWith
	}
	return changeETag[PlannerPlanDetails](ctx, s.client, planPath(plan)+"/details", etag, body)
}

// ListBuckets returns the first page of a plan's buckets.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerplan-list-buckets
//
//meta:operation GET /planner/plans/{id}/buckets
func (s *PlannerService) ListBuckets(ctx context.Context, plan string, opts *ListOptions) ([]*PlannerBucket, *Response, error) {
	return listed[PlannerBucket](ctx, s.client, planPath(plan)+"/buckets", opts)
}

// ListBucketsIter iterates over all of a plan's buckets.
func (s *PlannerService) ListBucketsIter(ctx context.Context, plan string, opts *ListOptions) iter.Seq2[*PlannerBucket, error] {
	return listedIter[PlannerBucket](ctx, s.client, planPath(plan)+"/buckets", opts)
}

// GetBucket returns a bucket.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerbucket-get
//
//meta:operation GET /planner/buckets/{id}
func (s *PlannerService) GetBucket(ctx context.Context, id string) (*PlannerBucket, *Response, error) {
	return getOne[PlannerBucket](ctx, s.client, bucketPath(id))
}

// CreateBucket adds a bucket to a plan, before its other buckets.
//
// Graph docs: https://learn.microsoft.com/graph/api/planner-post-buckets
//
//meta:operation POST /planner/buckets
func (s *PlannerService) CreateBucket(ctx context.Context, plan, name string) (*PlannerBucket, *Response, error) {
	return doJSON[PlannerBucket](ctx, s.client, http.MethodPost, "planner/buckets", &PlannerBucket{PlanID: plan, Name: name, OrderHint: " !"}, nil)
}

// UpdateBucket renames or moves a bucket; etag is the bucket's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerbucket-update
//
//meta:operation PATCH /planner/buckets/{id}
func (s *PlannerService) UpdateBucket(ctx context.Context, id, etag string, upd *PlannerBucketUpdate) (*PlannerBucket, *Response, error) {
	return changeETag[PlannerBucket](ctx, s.client, bucketPath(id), etag, upd)
}

// DeleteBucket deletes a bucket with its tasks; etag is the bucket's ETag.
//
// Graph docs: https://learn.microsoft.com/graph/api/plannerbucket-delete
//
//meta:operation DELETE /planner/buckets/{id}
func (s *PlannerService) DeleteBucket(ctx context.Context, id, etag string) (*Response, error) {
	return s.client.ifMatch(ctx, http.MethodDelete, bucketPath(id), etag, nil, nil)
}

// changeETag sends a PATCH guarded by etag and returns the item as changed.
func changeETag[T any](ctx context.Context, c *Client, path, etag string, body any) (*T, *Response, error) {
	out := new(T)
	resp, err := c.ifMatch(ctx, http.MethodPatch, path, etag, body, out)
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
