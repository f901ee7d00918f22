package calendar

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Change notifications on events: a subscription to "events" (every
// calendar of the user), "calendar/events" (the default calendar) or
// "calendars/{id}/events".

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	if owner == nil {
		return nil, false, nil // not a user's data
	}
	rest = strings.Trim(rest, "/")
	low := strings.ToLower(rest)
	prefix := owner.ID + "/"
	switch {
	case low == "events":
	case low == "calendar/events" || (strings.HasPrefix(low, "calendars/") && strings.HasSuffix(low, "/events")):
		id := ""
		if low != "calendar/events" {
			id = strings.Trim(rest[len("calendars/"):len(rest)-len("/events")], "/")
		}
		s.mu.Lock()
		var cal *calCalendar
		if cu := s.users[owner.ID]; cu != nil {
			cal = cu.calendar(id)
		}
		s.mu.Unlock()
		if cal == nil {
			return nil, true, graphkit.ErrItemNotFound
		}
		prefix += cal.ID
	default:
		return nil, false, nil
	}
	all := prefix == owner.ID+"/"
	return &graphkit.Watch{
		Match: func(c graphkit.Change) bool {
			return c.Store == Name && (c.Scope == prefix || (all && strings.HasPrefix(c.Scope, prefix)))
		},
		Resource: func(c graphkit.Change) string { return "Users/" + owner.ID + "/Events/" + c.Key },
		Data: func(c graphkit.Change) map[string]any {
			d := map[string]any{"@odata.type": "#Microsoft.Graph.Event", "@odata.id": "Users/" + owner.ID + "/Events/" + c.Key, "id": c.Key}
			if c.Kind != graphkit.Deleted {
				d["@odata.etag"] = graphkit.OutlookETag(outlook.ChangeKey(int(c.Seq)))
			}
			return d
		},
		MaxMinutes: 10080,
	}, true, nil
}

// Changes implements graphkit.Watchable.
func (s *Workload) Changes(fn func(graphkit.Change)) (cancel func()) {
	return graphkit.FeedChanges(&s.mu, func() *graphkit.Feed { return s.feed }, fn)
}
