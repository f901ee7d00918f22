package contacts

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Change notifications on contacts: a subscription to "contacts" (every
// folder) or to "contactFolders/{id}/contacts".

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	if owner == nil {
		return nil, false, nil // not a user's data
	}
	rest = strings.Trim(rest, "/")
	low := strings.ToLower(rest)
	prefix := owner.ID + "/"
	switch {
	case low == "contacts":
	case strings.HasPrefix(low, "contactfolders/") && strings.HasSuffix(low, "/contacts"):
		fid := strings.Trim(rest[len("contactfolders/"):len(rest)-len("/contacts")], "/")
		s.mu.Lock()
		folder, ok := contactFolderOf(s.users[owner.ID], fid)
		s.mu.Unlock()
		if !ok {
			return nil, true, graphkit.ErrItemNotFound
		}
		prefix += folder
	default:
		return nil, false, nil
	}
	all := prefix == owner.ID+"/"
	return &graphkit.Watch{
		Match: func(c graphkit.Change) bool {
			return c.Store == Name && (c.Scope == prefix || (all && strings.HasPrefix(c.Scope, prefix)))
		},
		Resource: func(c graphkit.Change) string { return "Users/" + owner.ID + "/Contacts/" + c.Key },
		Data: func(c graphkit.Change) map[string]any {
			d := map[string]any{"@odata.type": "#Microsoft.Graph.Contact", "@odata.id": "Users/" + owner.ID + "/Contacts/" + c.Key, "id": c.Key}
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
