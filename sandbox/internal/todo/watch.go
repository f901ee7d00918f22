package todo

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Change notifications on tasks: a subscription to "todo/lists/{id}/tasks".

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	if owner == nil {
		return nil, false, nil // not a user's data
	}
	rest = strings.Trim(rest, "/")
	low := strings.ToLower(rest)
	if !strings.HasPrefix(low, "todo/lists/") || !strings.HasSuffix(low, "/tasks") {
		return nil, false, nil
	}
	lid := strings.Trim(rest[len("todo/lists/"):len(low)-len("/tasks")], "/")
	s.mu.Lock()
	found := s.users[owner.ID] != nil && s.users[owner.ID].findList(lid) != nil
	s.mu.Unlock()
	if !found {
		return nil, true, graphkit.ErrItemNotFound
	}
	scope := taskScope(owner.ID, lid)
	path := func(c graphkit.Change) string { return "Users/" + owner.ID + "/todo/lists/" + lid + "/tasks/" + c.Key }
	return &graphkit.Watch{
		Match:    func(c graphkit.Change) bool { return c.Store == Name && c.Scope == scope },
		Resource: path,
		Data: func(c graphkit.Change) map[string]any {
			d := map[string]any{"@odata.type": "#Microsoft.Graph.todoTask", "@odata.id": path(c), "id": c.Key}
			if c.Kind != graphkit.Deleted {
				d["@odata.etag"] = graphkit.OutlookETag(outlook.ChangeKey(int(c.Seq)))
			}
			return d
		},
		MaxMinutes: 4230,
	}, true, nil
}

// Changes implements graphkit.Watchable.
func (s *Workload) Changes(fn func(graphkit.Change)) (cancel func()) {
	return graphkit.FeedChanges(&s.mu, func() *graphkit.Feed { return s.feed }, fn)
}
