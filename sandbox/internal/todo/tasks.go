package todo

import (
	"net/http"
	"slices"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the tasks of a list: list (with OData options), get,
// create, update, delete, and their delta. Property rules are in props.go.

// view is how a request wants tasks written: in its preferred time zone,
// with the navigation properties its $expand names.
type view struct {
	zone   outlook.ViewZone
	expand []string
}

// readView reads the outlook.timezone preference and $expand.
func readView(r *http.Request) (view, string) {
	zone, applied := outlook.PreferredZone(graphkit.Prefer(r))
	v := view{zone: zone}
	for _, x := range odata.SplitExpand(r.URL.Query().Get("$expand")) {
		v.expand = append(v.expand, x.Name)
	}
	return v, applied
}

// taskObject is t as Graph's JSON: dates that are set, in the view's zone.
func taskObject(t *task, v view) graphkit.Item {
	o := map[string]any{"@odata.etag": graphkit.OutlookETag(t.ChangeKey), "importance": t.Importance,
		"isReminderOn": t.IsReminderOn, "status": t.Status, "title": t.Title,
		"createdDateTime": outlook.Timestamp(t.Created), "lastModifiedDateTime": outlook.Timestamp(t.Changed),
		"hasAttachments": false, "categories": t.Categories, "id": t.ID,
		"bodyLastModifiedDateTime": outlook.Timestamp(t.BodyChanged), "body": t.Body}
	for k, d := range map[string]time.Time{"completedDateTime": t.Completed, "dueDateTime": t.Due,
		"startDateTime": t.Start, "reminderDateTime": t.Reminder} {
		if !d.IsZero() {
			o[k] = v.zone.Format(d)
		}
	}
	if t.Recurrence != nil {
		o["recurrence"] = t.Recurrence
	}
	for _, name := range v.expand {
		switch name {
		case "checklistItems":
			steps := []any{}
			for _, st := range t.Steps {
				steps = append(steps, stepObject(st).Raw())
			}
			o[name] = steps
		case "linkedResources":
			links := []any{}
			for _, l := range t.Links {
				links = append(links, linkObject(l).Raw())
			}
			o[name] = links
		case "attachments", "extensions":
			o[name] = []any{}
		}
	}
	return graphkit.NewItem(o)
}

// findTask returns the task id of list lid, or nil.
func (tu *user) findTask(lid, id string) *task {
	for _, t := range tu.tasks {
		if t.ID == id && t.ListID == lid {
			return t
		}
	}
	return nil
}

// writeWithZone sets Preference-Applied for an honoured outlook.timezone.
func withZone(applied string) func(http.Header) {
	return func(h http.Header) {
		if applied != "" {
			h.Set("Preference-Applied", applied)
		}
	}
}

func (s *Workload) listTasks(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	v, applied := readView(r)
	s.mu.Lock()
	tu := s.user(u)
	lid := r.PathValue("lid")
	if tu.findList(lid) == nil {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	var objs []graphkit.Item
	for _, t := range tu.tasks {
		if t.ListID == lid {
			objs = append(objs, graphkit.LazyItem(func() graphkit.Item { return taskObject(t, v) }))
		}
	}
	page := graphkit.ListPage(r, graphkit.ItemContext(r, u, false), objs, taskType, limits) // renders the page only
	s.mu.Unlock()
	s.WriteListPage(w, r, page, withZone(applied))
}

func (s *Workload) getTask(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	v, applied := readView(r)
	s.mu.Lock()
	t := s.user(u).findTask(r.PathValue("lid"), r.PathValue("tid"))
	var obj graphkit.Item
	if t != nil {
		obj = taskObject(t, v)
	}
	s.mu.Unlock()
	if t == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	withZone(applied)(w.Header())
	s.WriteEntity(w, r, http.StatusOK, obj, taskType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) createTask(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	v, applied := readView(r)
	now := s.Now().UTC()
	t := &task{Importance: "normal", Status: "notStarted", Categories: []string{}, Body: outlook.ItemBody{ContentType: "text"},
		Created: now, Changed: now, BodyChanged: now}
	e := &taskEdit{t: t, now: now, create: true}
	if _, ce = schema.Apply("todoTask", e, body, schema.Create, taskSetters); ce == nil {
		ce = e.finish()
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	tu := s.user(u)
	l := tu.findList(r.PathValue("lid"))
	var obj graphkit.Item
	if l != nil {
		t.ListID = l.ID
		t.ID = s.newID(r.Context(), u.ID, "todoTask")
		for _, st := range t.Steps {
			st.ID = s.newID(r.Context(), u.ID, "checklistItem")
		}
		for _, lk := range t.Links {
			lk.ID = s.newID(r.Context(), u.ID, "linkedResource")
		}
		t.ChangeKey = s.changeKey(r.Context())
		tu.tasks = append(tu.tasks, t)
		s.noteTask(u, t, graphkit.Created)
		graphkit.Touch(r, Name, taskKey(u.ID, t.ID))
		obj = taskObject(t, v)
	}
	s.mu.Unlock()
	if l == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	withZone(applied)(w.Header())
	s.WriteEntity(w, r, http.StatusCreated, obj, taskType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) updateTask(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	v, applied := readView(r)
	now := s.Now().UTC()
	s.mu.Lock()
	tu := s.user(u)
	t := tu.findTask(r.PathValue("lid"), r.PathValue("tid"))
	var obj graphkit.Item
	switch {
	case t == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(t.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		cp := *t
		e := &taskEdit{t: &cp, now: now}
		if _, ce = schema.Apply("todoTask", e, body, schema.Update, taskSetters); ce == nil {
			ce = e.finish()
		}
		if ce == nil {
			next := e.nextOccurrence(t)
			cp.Changed, cp.ChangeKey = now, s.changeKey(r.Context())
			*t = cp
			s.noteTask(u, t, graphkit.Updated)
			graphkit.Touch(r, Name, taskKey(u.ID, t.ID))
			if next != nil {
				s.addOccurrence(r, u, tu, next)
			}
			obj = taskObject(t, v)
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	withZone(applied)(w.Header())
	s.WriteEntity(w, r, http.StatusOK, obj, taskType, graphkit.ItemContext(r, u, true))
}

// addOccurrence adds next, the next occurrence of a recurring task just
// completed, to its list.
func (s *Workload) addOccurrence(r *http.Request, u *graphkit.User, tu *user, next *task) {
	next.ID = s.newID(r.Context(), u.ID, "todoTask")
	for _, st := range next.Steps {
		st.ID = s.newID(r.Context(), u.ID, "checklistItem")
	}
	for _, lk := range next.Links {
		lk.ID = s.newID(r.Context(), u.ID, "linkedResource")
	}
	next.ChangeKey = s.changeKey(r.Context())
	tu.tasks = append(tu.tasks, next)
	s.noteTask(u, next, graphkit.Created)
	graphkit.Touch(r, Name, taskKey(u.ID, next.ID))
}

func (s *Workload) deleteTask(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	tu := s.user(u)
	t := tu.findTask(r.PathValue("lid"), r.PathValue("tid"))
	var ce *graphkit.Error
	switch {
	case t == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(t.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		tu.tasks = slices.DeleteFunc(tu.tasks, func(o *task) bool { return o == t })
		s.feed.Removed(r.Context(), taskScope(u.ID, t.ListID), t.ID, nil)
		graphkit.Touch(r, Name, taskKey(u.ID, t.ID))
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// noteTask gives t (just created or changed; its change key took the
// feed's last position) its position and tells the feed's subscribers.
func (st *store) noteTask(u *graphkit.User, t *task, kind graphkit.ChangeKind) {
	t.Seq = st.feed.Seq()
	st.feed.Notify(taskScope(u.ID, t.ListID), t.ID, kind, t.Seq)
}

func (s *Workload) taskDelta(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	v, _ := readView(r)
	v.expand = nil
	lid := r.PathValue("lid")
	s.delta(w, r, u, taskType, taskScope(u.ID, lid), func(tu *user, after int64) ([]graphkit.DeltaEntry, bool) {
		if tu.findList(lid) == nil {
			return nil, false
		}
		var out []graphkit.DeltaEntry
		for _, t := range tu.tasks {
			if t.ListID == lid && t.Seq > after {
				out = append(out, graphkit.DeltaEntry{Seq: t.Seq, ID: t.ID, Item: taskObject(t, v)})
			}
		}
		return out, true
	})
}
