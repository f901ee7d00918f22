package todo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is what hangs off a task: its checklist items (steps) and its
// linked resources, each listed, read, added, changed and deleted on its
// own route. A change to either changes the task (its change key and
// lastModifiedDateTime), as To Do does.

func stepObject(st *step) graphkit.Item {
	o := map[string]any{"displayName": st.DisplayName, "createdDateTime": outlook.Timestamp(st.Created),
		"isChecked": st.IsChecked, "id": st.ID}
	if st.IsChecked {
		o["checkedDateTime"] = outlook.Timestamp(st.Checked)
	}
	return graphkit.NewItem(o)
}

// check checks or unchecks st at now.
func (st *step) check(on bool, now time.Time) {
	switch {
	case on && !st.IsChecked:
		st.Checked = now
	case !on:
		st.Checked = time.Time{}
	}
	st.IsChecked = on
}

func linkObject(l *link) graphkit.Item {
	return graphkit.NewItem(map[string]any{"id": l.ID, "webUrl": l.WebURL, "applicationName": l.ApplicationName,
		"displayName": l.DisplayName, "externalId": l.ExternalID})
}

// part is the steps or the links of a task, for the handlers below.
type part struct {
	entity string // the schema's type
	idVar  string // the route's variable for a member's id
	typ    *odata.Type
	// members returns the task's members as items; find one by id (-1:
	// none); add a new one from a checked body; set a checked body on one;
	// remove one.
	members func(t *task) []graphkit.Item
	find    func(t *task, id string) int
	add     func(t *task, id string, body map[string]json.RawMessage, now time.Time) (graphkit.Item, *graphkit.Error)
	set     func(t *task, i int, body map[string]json.RawMessage, now time.Time) (graphkit.Item, *graphkit.Error)
	remove  func(t *task, i int)
}

var steps = part{entity: "checklistItem", idVar: "sid", typ: stepType,
	members: func(t *task) []graphkit.Item {
		out := make([]graphkit.Item, 0, len(t.Steps))
		for _, st := range t.Steps {
			out = append(out, stepObject(st))
		}
		return out
	},
	find: func(t *task, id string) int {
		return slices.IndexFunc(t.Steps, func(st *step) bool { return st.ID == id })
	},
	add: func(t *task, id string, body map[string]json.RawMessage, now time.Time) (graphkit.Item, *graphkit.Error) {
		st := &step{ID: id, Created: now}
		if ge := st.apply(body, now); ge != nil {
			return graphkit.Item{}, ge
		}
		if strings.TrimSpace(st.DisplayName) == "" {
			return graphkit.Item{}, graphkit.Err(400, "invalidRequest", "The displayName of a checklist item must be set.")
		}
		t.Steps = append(t.Steps, st)
		return stepObject(st), nil
	},
	set: func(t *task, i int, body map[string]json.RawMessage, now time.Time) (graphkit.Item, *graphkit.Error) {
		cp := *t.Steps[i]
		if ge := cp.apply(body, now); ge != nil {
			return graphkit.Item{}, ge
		}
		*t.Steps[i] = cp
		return stepObject(&cp), nil
	},
	remove: func(t *task, i int) { t.Steps = slices.Delete(t.Steps, i, i+1) },
}

// apply sets a checked checklistItem body on st.
func (st *step) apply(body map[string]json.RawMessage, now time.Time) *graphkit.Error {
	if raw, ok := body["displayName"]; ok {
		st.DisplayName = ""
		if ge := decodeAs(raw, &st.DisplayName); ge != nil {
			return ge
		}
	}
	if raw, ok := body["isChecked"]; ok {
		var on bool
		if ge := decodeAs(raw, &on); ge != nil {
			return ge
		}
		st.check(on, now)
	}
	return nil
}

var links = part{entity: "linkedResource", idVar: "rid", typ: linkType,
	members: func(t *task) []graphkit.Item {
		out := make([]graphkit.Item, 0, len(t.Links))
		for _, l := range t.Links {
			out = append(out, linkObject(l))
		}
		return out
	},
	find: func(t *task, id string) int {
		return slices.IndexFunc(t.Links, func(l *link) bool { return l.ID == id })
	},
	add: func(t *task, id string, body map[string]json.RawMessage, _ time.Time) (graphkit.Item, *graphkit.Error) {
		l := &link{ID: id}
		if ge := l.apply(body); ge != nil {
			return graphkit.Item{}, ge
		}
		t.Links = append(t.Links, l)
		return linkObject(l), nil
	},
	set: func(t *task, i int, body map[string]json.RawMessage, _ time.Time) (graphkit.Item, *graphkit.Error) {
		cp := *t.Links[i]
		if ge := cp.apply(body); ge != nil {
			return graphkit.Item{}, ge
		}
		*t.Links[i] = cp
		return linkObject(&cp), nil
	},
	remove: func(t *task, i int) { t.Links = slices.Delete(t.Links, i, i+1) },
}

// apply sets a checked linkedResource body on l.
func (l *link) apply(body map[string]json.RawMessage) *graphkit.Error {
	for k, at := range map[string]*string{"webUrl": &l.WebURL, "applicationName": &l.ApplicationName,
		"displayName": &l.DisplayName, "externalId": &l.ExternalID} {
		if raw, ok := body[k]; ok {
			*at = ""
			if ge := decodeAs(raw, at); ge != nil {
				return ge
			}
		}
	}
	return nil
}

// withTask runs fn on the request's task under the lock, or fails with
// Graph's 404.
func (s *Workload) withTask(w http.ResponseWriter, r *http.Request, u *graphkit.User, fn func(tu *user, t *task) *graphkit.Error) bool {
	s.mu.Lock()
	tu := s.user(u)
	t := tu.findTask(r.PathValue("lid"), r.PathValue("tid"))
	ge := graphkit.ErrItemNotFound
	if t != nil {
		ge = fn(tu, t)
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return false
	}
	return true
}

// touched records a change to t's steps or links: t changes too.
func (s *Workload) touched(r *http.Request, u *graphkit.User, t *task) {
	t.Changed, t.ChangeKey = s.Now().UTC(), s.changeKey(r.Context())
	s.noteTask(u, t, graphkit.Updated)
	graphkit.Touch(r, Name, taskKey(u.ID, t.ID))
}

func (s *Workload) listPart(p *part) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		var objs []graphkit.Item
		if s.withTask(w, r, u, func(_ *user, t *task) *graphkit.Error { objs = p.members(t); return nil }) {
			s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, p.typ, limits, nil)
		}
	}
}

func (s *Workload) getPart(p *part) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		var obj graphkit.Item
		if s.withTask(w, r, u, func(_ *user, t *task) *graphkit.Error {
			i := p.find(t, r.PathValue(p.idVar))
			if i < 0 {
				return graphkit.ErrItemNotFound
			}
			obj = p.members(t)[i]
			return nil
		}) {
			s.WriteEntity(w, r, http.StatusOK, obj, p.typ, graphkit.ItemContext(r, u, true))
		}
	}
}

func (s *Workload) createPart(p *part) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		body, ge := s.readPart(w, r, p, schema.Create)
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		var obj graphkit.Item
		if s.withTask(w, r, u, func(_ *user, t *task) *graphkit.Error {
			var ge *graphkit.Error
			if obj, ge = p.add(t, s.newID(r.Context(), u.ID, p.entity), body, s.Now().UTC()); ge == nil {
				s.touched(r, u, t)
			}
			return ge
		}) {
			s.WriteEntity(w, r, http.StatusCreated, obj, p.typ, graphkit.ItemContext(r, u, true))
		}
	}
}

func (s *Workload) updatePart(p *part) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		body, ge := s.readPart(w, r, p, schema.Update)
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		var obj graphkit.Item
		if s.withTask(w, r, u, func(_ *user, t *task) *graphkit.Error {
			i := p.find(t, r.PathValue(p.idVar))
			if i < 0 {
				return graphkit.ErrItemNotFound
			}
			var ge *graphkit.Error
			if obj, ge = p.set(t, i, body, s.Now().UTC()); ge == nil {
				s.touched(r, u, t)
			}
			return ge
		}) {
			s.WriteEntity(w, r, http.StatusOK, obj, p.typ, graphkit.ItemContext(r, u, true))
		}
	}
}

func (s *Workload) deletePart(p *part) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		if s.withTask(w, r, u, func(_ *user, t *task) *graphkit.Error {
			i := p.find(t, r.PathValue(p.idVar))
			if i < 0 {
				return graphkit.ErrItemNotFound
			}
			p.remove(t, i)
			s.touched(r, u, t)
			return nil
		}) {
			s.WriteStatus(w, r, http.StatusNoContent, nil)
		}
	}
}

// readPart reads and checks a step's or link's body.
func (s *Workload) readPart(w http.ResponseWriter, r *http.Request, p *part, op schema.Op) (map[string]json.RawMessage, *graphkit.Error) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		return nil, ge
	}
	return schema.Check(p.entity, body, op)
}
