package drive

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Change notifications on a drive: OneDrive takes subscriptions on a
// drive's root only ("me/drive/root", "users/{id}/drive/root",
// "drives/{id}/root"), for "updated", and tells that something in the
// drive changed; the app then runs delta.

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	rest = strings.Trim(rest, "/")
	low := strings.ToLower(rest)
	var did string
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case owner != nil && (low == "drive/root" || strings.HasPrefix(low, "drive/")):
		if low != "drive/root" {
			return nil, true, graphkit.BadRequest("OneDrive takes subscriptions on a drive's root only: subscribe to '…/drive/root' and run delta when notified.")
		}
		did = s.byOwner[owner.ID]
	case owner == nil && strings.HasPrefix(low, "drives/"):
		id, tail, _ := strings.Cut(rest[len("drives/"):], "/")
		if !strings.EqualFold(tail, "root") {
			return nil, true, graphkit.BadRequest("OneDrive takes subscriptions on a drive's root only: subscribe to 'drives/{id}/root' and run delta when notified.")
		}
		did = id
	default:
		return nil, false, nil
	}
	d := s.drives[did]
	if d == nil {
		return nil, true, errNotFound
	}
	ownerID := d.Owner
	if d.lib != nil {
		ownerID = "" // a site's library: its site's permissions decide (Sites.*, Files.*.All)
	}
	return &graphkit.Watch{
		Match:       func(c graphkit.Change) bool { return c.Store == Name && c.Scope == d.ID },
		MaxMinutes:  42300,
		ChangeTypes: []graphkit.ChangeKind{graphkit.Updated},
		Updates:     true,
		OwnerID:     ownerID,
	}, true, nil
}

// Changes implements graphkit.Watchable.
func (s *Workload) Changes(fn func(graphkit.Change)) (cancel func()) {
	return graphkit.FeedChanges(&s.mu, func() *graphkit.Feed { return s.feed }, fn)
}
