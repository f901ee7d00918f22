package planner

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the buckets: list (by plan), get, create, rename or move,
// delete (with their tasks).

func bucketObject(b *bucket) graphkit.Item {
	return graphkit.NewItem(map[string]any{"@odata.etag": etag("Bucket", b.Ver), "name": b.Name, "planId": b.PlanID,
		"orderHint": b.OrderHint, "id": b.ID})
}

// reachBucket returns bucket id when the caller may reach its plan.
func (s *Workload) reachBucket(cl caller, id string) (*bucket, *graphkit.Error) {
	b := s.findBucket(id)
	if b == nil {
		return nil, errNotFound
	}
	if _, ge := s.reachPlan(cl, b.PlanID); ge != nil {
		return nil, ge
	}
	return b, nil
}

// bucketHints are the order hints of plan's buckets.
func (st *store) bucketHints(planID string) []string {
	var out []string
	for _, b := range st.Buckets {
		if b.PlanID == planID {
			out = append(out, b.OrderHint)
		}
	}
	return out
}

func (s *Workload) planBuckets(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	p, ge := s.reachPlan(cl, r.PathValue("id"))
	var objs []graphkit.Item
	if ge == nil {
		for _, b := range s.Buckets {
			if b.PlanID == p.ID {
				objs = append(objs, bucketObject(b))
			}
		}
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteList(w, r, "#planner/plans('"+p.ID+"')/buckets", objs, bucketType, limits, nil)
}

func (s *Workload) getBucket(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	b, ge := s.reachBucket(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		obj = bucketObject(b)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, bucketType, "#planner/buckets/$entity")
}

// bucketBody reads a bucket's create or update body.
func bucketBody(w http.ResponseWriter, r *http.Request, op schema.Op) (name, planID, hint *string, ge *graphkit.Error) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerBucket", body, op)
	}
	if ge != nil {
		return nil, nil, nil, ge
	}
	for k, dst := range map[string]**string{"name": &name, "planId": &planID, "orderHint": &hint} {
		if raw, ok := body[k]; ok {
			_ = json.Unmarshal(raw, dst)
		}
	}
	if name != nil && strings.TrimSpace(*name) == "" {
		return nil, nil, nil, graphkit.Err(400, "", "The name of the bucket must be set.")
	}
	return name, planID, hint, nil
}

func (s *Workload) createBucket(w http.ResponseWriter, r *http.Request, cl caller) {
	name, planID, hint, ge := bucketBody(w, r, schema.Create)
	if ge == nil && name == nil {
		ge = graphkit.Err(400, "", "The name of the bucket must be set.")
	}
	if ge == nil && planID == nil {
		ge = errNoPlan
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	p, ge := s.reachPlan(cl, *planID)
	if ge == errNotFound {
		ge = errNoPlan
	}
	var obj graphkit.Item
	if ge == nil {
		b := &bucket{Name: *name, PlanID: p.ID}
		if b.OrderHint, ge = s.hintFor(hint, s.bucketHints(p.ID)); ge == nil {
			b.ID = s.newID(r.Context(), "plannerBucket")
			b.Ver = s.next(r.Context())
			s.Buckets = append(s.Buckets, b)
			graphkit.Touch(r, Name, bucketKey(b.ID))
			obj = bucketObject(b)
		}
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusCreated, obj, bucketType, "#planner/buckets/$entity")
}

// hintFor resolves the order hint a client sent (nil: " !") among others.
func (s *Workload) hintFor(v *string, others []string) (string, *graphkit.Error) {
	in := " !"
	if v != nil {
		in = *v
	}
	h, ok := resolveHint(in, others)
	if !ok {
		return "", errBadOrder
	}
	return h, nil
}

func (s *Workload) updateBucket(w http.ResponseWriter, r *http.Request, cl caller) {
	name, planID, hint, ge := bucketBody(w, r, schema.Update)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	b, ge := s.reachBucket(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		ge = checkIfMatch(r, etag("Bucket", b.Ver))
	}
	if ge == nil && planID != nil && *planID != b.PlanID {
		ge = graphkit.Err(400, "", "The planId of a bucket cannot be changed.")
	}
	newHint := b.OrderHint
	if ge == nil && hint != nil {
		newHint, ge = s.hintFor(hint, s.bucketHints(b.PlanID))
	}
	if ge == nil {
		if name != nil {
			b.Name = *name
		}
		b.OrderHint = newHint
		b.Ver = s.next(r.Context())
		graphkit.Touch(r, Name, bucketKey(b.ID))
		obj = bucketObject(b)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeChanged(w, r, obj, bucketType, "#planner/buckets/$entity")
}

func (s *Workload) deleteBucket(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	b, ge := s.reachBucket(cl, r.PathValue("id"))
	if ge == nil {
		ge = checkIfMatch(r, etag("Bucket", b.Ver))
	}
	if ge == nil {
		s.Buckets = slices.DeleteFunc(s.Buckets, func(o *bucket) bool { return o == b })
		graphkit.Touch(r, Name, bucketKey(b.ID))
		s.Tasks = slices.DeleteFunc(s.Tasks, func(t *task) bool {
			if t.BucketID == b.ID {
				graphkit.Touch(r, Name, taskKey(t.ID))
			}
			return t.BucketID == b.ID
		})
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
