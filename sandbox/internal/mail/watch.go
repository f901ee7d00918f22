package mail

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Change notifications on messages: a subscription to "messages" (every
// folder of the mailbox) or to "mailFolders('{id or name}')/messages".

// watchMinutes is the longest a subscription to Outlook messages lives.
const watchMinutes = 10080

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	if owner == nil {
		return nil, false, nil // not a user's data
	}
	rest = strings.Trim(rest, "/")
	low := strings.ToLower(rest)
	prefix := owner.ID + "/"
	switch {
	case low == "messages":
	case strings.HasPrefix(low, "mailfolders") && strings.HasSuffix(low, "/messages"):
		ref := rest[len("mailfolders") : len(rest)-len("/messages")]
		ref = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ref, "/"), "('"), "')")
		s.mu.Lock()
		var f *mailFolder
		if mb := s.mail.boxes[owner.ID]; mb != nil && ref != "" {
			f = mb.folder(ref)
		}
		s.mu.Unlock()
		if f == nil {
			return nil, true, graphkit.ErrItemNotFound
		}
		prefix += f.ID
	default:
		return nil, false, nil
	}
	all := prefix == owner.ID+"/"
	return &graphkit.Watch{
		Match: func(c graphkit.Change) bool {
			return c.Store == Name && (c.Scope == prefix || (all && strings.HasPrefix(c.Scope, prefix)))
		},
		Resource: func(c graphkit.Change) string { return "Users/" + owner.ID + "/Messages/" + c.Key },
		Data: func(c graphkit.Change) map[string]any {
			d := map[string]any{"@odata.type": "#Microsoft.Graph.Message", "@odata.id": "Users/" + owner.ID + "/Messages/" + c.Key, "id": c.Key}
			if c.Kind != graphkit.Deleted {
				d["@odata.etag"] = graphkit.OutlookETag(changeKey(c.Seq))
			}
			return d
		},
		MaxMinutes: watchMinutes,
	}, true, nil
}

// Changes implements graphkit.Watchable.
func (s *Workload) Changes(fn func(graphkit.Change)) (cancel func()) {
	return graphkit.FeedChanges(&s.mu, func() *graphkit.Feed { return s.mail.feed }, fn)
}
