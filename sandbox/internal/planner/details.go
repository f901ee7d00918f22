package planner

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is a task's details (description, checklist, references) and
// its three task board formats; each has its own ETag.

// maxChecklist is Planner's limit of checklist items on a task.
const maxChecklist = 20

var (
	errRefKey       = graphkit.Err(400, "", "The key of a reference must be its URL, encoded (% . : @ # as %25 %2E %3A %40 %23).")
	errChecklistMax = graphkit.Err(403, "", "The maximum number of checklist items on a task (20) would be exceeded.")
)

// encodeRefURL is a reference's key: its URL with the characters Planner
// requires encoded.
func encodeRefURL(u string) string {
	return strings.NewReplacer("%", "%25", ".", "%2E", ":", "%3A", "@", "%40", "#", "%23").Replace(u)
}

func (s *Workload) taskDetailsObject(t *task) graphkit.Item {
	checklist := map[string]any{}
	for k, c := range t.Checklist {
		checklist[k] = map[string]any{"@odata.type": "#microsoft.graph.plannerChecklistItem", "isChecked": c.IsChecked,
			"title": c.Title, "orderHint": c.OrderHint, "lastModifiedDateTime": optTime(c.At), "lastModifiedBy": s.identity(c.By)}
	}
	refs := map[string]any{}
	for k, ref := range t.References {
		var alias, typ any
		if ref.Alias != "" {
			alias = ref.Alias
		}
		if ref.Type != "" {
			typ = ref.Type
		}
		refs[k] = map[string]any{"@odata.type": "#microsoft.graph.plannerExternalReference", "alias": alias, "type": typ,
			"previewPriority": ref.PreviewPriority, "lastModifiedDateTime": optTime(ref.At), "lastModifiedBy": s.identity(ref.By)}
	}
	return graphkit.NewItem(map[string]any{"@odata.etag": etag("TaskDetails", t.DetailsVer), "description": t.Description,
		"previewType": t.PreviewType, "id": t.ID, "references": refs, "checklist": checklist})
}

func (s *Workload) getTaskDetails(w http.ResponseWriter, r *http.Request, cl caller) {
	s.mu.Lock()
	t, ge := s.reachTask(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		obj = s.taskDetailsObject(t)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, taskDetailsType, "#planner/tasks('"+t.ID+"')/details/$entity")
}

func (s *Workload) updateTaskDetails(w http.ResponseWriter, r *http.Request, cl caller) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		body, ge = schema.Check("plannerTaskDetails", body, schema.Update)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	t, ge := s.reachTask(cl, r.PathValue("id"))
	var obj graphkit.Item
	if ge == nil {
		ge = checkIfMatch(r, etag("TaskDetails", t.DetailsVer))
	}
	if ge == nil {
		changed := *t
		changed.Checklist, changed.References = cloneMap(t.Checklist), cloneMap(t.References)
		if ge = s.applyDetails(cl, &changed, body); ge == nil {
			*t = changed
			t.DetailsVer = s.next(r.Context())
			t.Ver = t.DetailsVer // the task's counts and hasDescription changed with them
			graphkit.Touch(r, Name, taskKey(t.ID))
			obj = s.taskDetailsObject(t)
		}
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.writeChanged(w, r, obj, taskDetailsType, "#planner/tasks('"+t.ID+"')/details/$entity")
}

// applyDetails sets the members of a checked details body on t.
func (s *Workload) applyDetails(cl caller, t *task, body map[string]json.RawMessage) *graphkit.Error {
	if raw, ok := body["description"]; ok {
		t.Description = ""
		_ = json.Unmarshal(raw, &t.Description)
	}
	if raw, ok := body["previewType"]; ok {
		_ = json.Unmarshal(raw, &t.PreviewType)
	}
	now := s.Now().UTC()
	var items map[string]json.RawMessage
	_ = json.Unmarshal(body["checklist"], &items)
	for k, v := range items {
		if strings.HasPrefix(k, "@") {
			continue
		}
		if string(v) == "null" {
			delete(t.Checklist, k)
			continue
		}
		var in struct {
			Title     *string
			IsChecked *bool
			OrderHint *string
		}
		_ = json.Unmarshal(v, &in)
		c := &checkItem{}
		if old := t.Checklist[k]; old != nil {
			cp := *old
			c = &cp
		} else if in.OrderHint == nil {
			in.OrderHint = new(string)
			*in.OrderHint = " !"
		}
		if in.Title != nil {
			c.Title = *in.Title
		}
		if in.IsChecked != nil {
			c.IsChecked = *in.IsChecked
		}
		if in.OrderHint != nil {
			var others []string
			for _, o := range t.Checklist {
				others = append(others, o.OrderHint)
			}
			h, ge := s.hintFor(in.OrderHint, others)
			if ge != nil {
				return ge
			}
			c.OrderHint = h
		}
		c.By, c.At = cl.id(), now
		if t.Checklist == nil {
			t.Checklist = map[string]*checkItem{}
		}
		t.Checklist[k] = c
	}
	if len(t.Checklist) > maxChecklist {
		return errChecklistMax
	}
	return s.applyReferences(cl, t, body["references"])
}

// applyReferences applies a PATCH of references: the key is the encoded
// URL; null removes.
func (s *Workload) applyReferences(cl caller, t *task, raw json.RawMessage) *graphkit.Error {
	var refs map[string]json.RawMessage
	_ = json.Unmarshal(raw, &refs)
	for k, v := range refs {
		if strings.HasPrefix(k, "@") {
			continue
		}
		if dec, err := url.PathUnescape(k); err != nil || strings.ContainsAny(k, ":.@#") || !strings.Contains(dec, "://") {
			return errRefKey
		}
		if string(v) == "null" {
			delete(t.References, k)
			continue
		}
		var in struct{ Alias, Type, PreviewPriority *string }
		_ = json.Unmarshal(v, &in)
		ref := &reference{PreviewPriority: " !"}
		if old := t.References[k]; old != nil {
			cp := *old
			ref = &cp
		}
		if in.Alias != nil {
			ref.Alias = *in.Alias
		}
		if in.Type != nil {
			ref.Type = *in.Type
		}
		if in.PreviewPriority != nil {
			var others []string
			for _, o := range t.References {
				others = append(others, o.PreviewPriority)
			}
			h, ge := s.hintFor(in.PreviewPriority, others)
			if ge != nil {
				return ge
			}
			ref.PreviewPriority = h
		}
		ref.By, ref.At = cl.id(), s.Now().UTC()
		if t.References == nil {
			t.References = map[string]*reference{}
		}
		t.References[k] = ref
	}
	return nil
}

// board is one of a task's three board formats.
type board int

const (
	assignedBoard board = iota
	bucketBoard
	progressBoard
)

// boardSpec is how a board format is tagged, typed and kept on its task.
func (b board) spec(t *task) (kind string, typ *odata.Type, ver *int, path string) {
	switch b {
	case assignedBoard:
		return "AssignedToTaskBoardFormat", assignedFormatType, &t.AssignedBoardVer, "assignedToTaskBoardFormat"
	case bucketBoard:
		return "BucketTaskBoardFormat", bucketFormatType, &t.BucketBoardVer, "bucketTaskBoardFormat"
	}
	return "ProgressTaskBoardFormat", progressFormatType, &t.ProgressBoardVer, "progressTaskBoardFormat"
}

func (b board) object(t *task) graphkit.Item {
	kind, _, ver, _ := b.spec(t)
	m := map[string]any{"@odata.etag": etag(kind, *ver), "id": t.ID}
	switch b {
	case assignedBoard:
		by := map[string]any{}
		for k, v := range t.ByAssignee {
			by[k] = v
		}
		m["unassignedOrderHint"], m["orderHintsByAssignee"] = t.UnassignedHint, by
	case bucketBoard:
		m["orderHint"] = t.BucketBoardHint
	default:
		m["orderHint"] = t.ProgressBoardHint
	}
	return graphkit.NewItem(m)
}

func (s *Workload) getFormat(b board) handler {
	return func(w http.ResponseWriter, r *http.Request, cl caller) {
		s.mu.Lock()
		t, ge := s.reachTask(cl, r.PathValue("id"))
		var obj graphkit.Item
		var typ *odata.Type
		var path string
		if ge == nil {
			obj = b.object(t)
			_, typ, _, path = b.spec(t)
		}
		s.mu.Unlock()
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.WriteEntity(w, r, http.StatusOK, obj, typ, "#planner/tasks('"+t.ID+"')/"+path+"/$entity")
	}
}

func (s *Workload) updateFormat(b board) handler {
	return func(w http.ResponseWriter, r *http.Request, cl caller) {
		body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
		var typ *odata.Type
		if ge == nil {
			_, typ, _, _ = b.spec(&task{})
			body, ge = schema.Check(strings.TrimPrefix(typ.Name, "microsoft.graph."), body, schema.Update)
		}
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.mu.Lock()
		t, ge := s.reachTask(cl, r.PathValue("id"))
		var obj graphkit.Item
		var path string
		if ge == nil {
			kind, _, ver, p := b.spec(t)
			path = p
			if ge = checkIfMatch(r, etag(kind, *ver)); ge == nil {
				changed := *t
				changed.ByAssignee = cloneMap(t.ByAssignee)
				if ge = s.applyFormat(b, &changed, body); ge == nil {
					*t = changed
					_, _, ver, _ = b.spec(t)
					*ver = s.next(r.Context())
					graphkit.Touch(r, Name, taskKey(t.ID))
					obj = b.object(t)
				}
			}
		}
		s.mu.Unlock()
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.writeChanged(w, r, obj, typ, "#planner/tasks('"+t.ID+"')/"+path+"/$entity")
	}
}

// applyFormat sets the order hints of a board format body on t.
func (s *Workload) applyFormat(b board, t *task, body map[string]json.RawMessage) *graphkit.Error {
	hint := func(raw json.RawMessage, dst *string) *graphkit.Error {
		var v string
		_ = json.Unmarshal(raw, &v)
		h, ge := s.hintFor(&v, nil)
		if ge == nil {
			*dst = h
		}
		return ge
	}
	if b != assignedBoard {
		dst := &t.BucketBoardHint
		if b == progressBoard {
			dst = &t.ProgressBoardHint
		}
		if raw, ok := body["orderHint"]; ok {
			return hint(raw, dst)
		}
		return nil
	}
	if raw, ok := body["unassignedOrderHint"]; ok {
		if ge := hint(raw, &t.UnassignedHint); ge != nil {
			return ge
		}
	}
	var by map[string]json.RawMessage
	_ = json.Unmarshal(body["orderHintsByAssignee"], &by)
	for uid, v := range by {
		if strings.HasPrefix(uid, "@") {
			continue
		}
		if string(v) == "null" {
			delete(t.ByAssignee, uid)
			continue
		}
		var h string
		if ge := hint(v, &h); ge != nil {
			return ge
		}
		t.ByAssignee[uid] = h
	}
	return nil
}
