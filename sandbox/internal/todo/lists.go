package todo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the task lists: list, get, create, rename, delete (with
// their tasks), and their delta.

// listScope is the feed scope of a user's lists; a list's id is the scope
// of its tasks.
func listScope(owner string) string { return owner + "/lists" }

func taskScope(owner, list string) string { return owner + "/" + list }

// Graph's answers for the lists To Do keeps itself.
var (
	errDeleteWellknown = graphkit.Err(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	errRenameWellknown = graphkit.Err(400, "ErrorCannotRenameDistinguishedFolder", "Distinguished folders cannot be renamed.")
	errNoListName      = graphkit.Err(400, "ErrorInvalidRequest", "The display name of the list must be set.")
)

func listObject(l *taskList) graphkit.Item {
	return graphkit.NewItem(map[string]any{"@odata.etag": graphkit.OutlookETag(l.ChangeKey), "displayName": l.DisplayName,
		"isOwner": true, "isShared": false, "wellknownListName": l.Wellknown, "id": l.ID})
}

// findList returns the user's list id, or nil.
func (tu *user) findList(id string) *taskList {
	for _, l := range tu.lists {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func (s *Workload) listLists(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, l := range s.user(u).lists {
		objs = append(objs, listObject(l))
	}
	s.mu.Unlock()
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, listType, limits, nil)
}

func (s *Workload) getList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	l := s.user(u).findList(r.PathValue("lid"))
	var obj graphkit.Item
	if l != nil {
		obj = listObject(l)
	}
	s.mu.Unlock()
	if l == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, listType, graphkit.ItemContext(r, u, true))
}

// listName reads a body's displayName for a list (set: false when absent).
func listName(body map[string]json.RawMessage, op schema.Op) (name string, set bool, ge *graphkit.Error) {
	clean, ge := schema.Check("todoTaskList", body, op)
	if ge != nil {
		return "", false, ge
	}
	raw, ok := clean["displayName"]
	if !ok {
		return "", false, nil
	}
	_ = json.Unmarshal(raw, &name)
	if strings.TrimSpace(name) == "" {
		return "", false, errNoListName
	}
	return name, true, nil
}

func (s *Workload) createList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	name, set, ce := listName(body, schema.Create)
	if ce == nil && !set {
		ce = errNoListName
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	tu := s.user(u)
	l := &taskList{ID: s.newID(r.Context(), u.ID, "todoTaskList"), DisplayName: name, Wellknown: ownList, ChangeKey: s.changeKey(r.Context())}
	tu.lists = append(tu.lists, l)
	s.noteList(u, l, graphkit.Created)
	graphkit.Touch(r, Name, listKey(u.ID, l.ID))
	obj := listObject(l)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, listType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) updateList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	name, set, ce := listName(body, schema.Update)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	l := s.user(u).findList(r.PathValue("lid"))
	var obj graphkit.Item
	switch {
	case l == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(l.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	case set && l.Wellknown != ownList && name != l.DisplayName:
		ce = errRenameWellknown
	default:
		if set {
			l.DisplayName = name
		}
		l.ChangeKey = s.changeKey(r.Context())
		s.noteList(u, l, graphkit.Updated)
		graphkit.Touch(r, Name, listKey(u.ID, l.ID))
		obj = listObject(l)
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, listType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) deleteList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	tu := s.user(u)
	l := tu.findList(r.PathValue("lid"))
	var ce *graphkit.Error
	switch {
	case l == nil:
		ce = graphkit.ErrItemNotFound
	case l.Wellknown != ownList:
		ce = errDeleteWellknown
	case !graphkit.IfMatch(r, graphkit.OutlookETag(l.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		tu.lists = slices.DeleteFunc(tu.lists, func(o *taskList) bool { return o == l })
		s.feed.Removed(r.Context(), listScope(u.ID), l.ID, nil)
		graphkit.Touch(r, Name, listKey(u.ID, l.ID))
		tu.tasks = slices.DeleteFunc(tu.tasks, func(t *task) bool {
			if t.ListID != l.ID {
				return false
			}
			s.feed.Removed(r.Context(), taskScope(u.ID, l.ID), t.ID, nil)
			graphkit.Touch(r, Name, taskKey(u.ID, t.ID))
			return true
		})
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// noteList gives l (just created or changed; its change key took the
// feed's last position) its position and tells the feed's subscribers.
func (st *store) noteList(u *graphkit.User, l *taskList, kind graphkit.ChangeKind) {
	l.Seq = st.feed.Seq()
	st.feed.Notify(listScope(u.ID), l.ID, kind, l.Seq)
}

func (s *Workload) listDelta(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.delta(w, r, u, listType, listScope(u.ID), func(tu *user, after int64) ([]graphkit.DeltaEntry, bool) {
		var out []graphkit.DeltaEntry
		for _, l := range tu.lists {
			if l.Seq > after {
				out = append(out, graphkit.DeltaEntry{Seq: l.Seq, ID: l.ID, Item: listObject(l)})
			}
		}
		return out, true
	})
}
