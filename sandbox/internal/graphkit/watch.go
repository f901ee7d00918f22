package graphkit

import (
	"strings"
)

// Watch is what a change-notification subscription's resource covers in a
// workload: which of its changes, and how a notification names them.
type Watch struct {
	// Match reports whether a change of the workload is one the resource
	// covers.
	Match func(Change) bool
	// Resource is a notification's "resource" for a change
	// ("Users/{id}/Messages/{id}"; unused with Updates, whose notifications
	// name the resource as subscribed), and Data its "resourceData" (nil:
	// the notification has none, as OneDrive's).
	Resource func(Change) string
	Data     func(Change) map[string]any
	// MaxMinutes is the longest a subscription to it may live.
	MaxMinutes int
	// ChangeTypes are the change types it can be subscribed for ("" or nil:
	// created, updated and deleted).
	ChangeTypes []ChangeKind
	// Updates reports every change as one "updated" of the resource itself,
	// coalesced while undelivered, as OneDrive does for a drive's root.
	Updates bool
	// OwnerID is the user whose data it is, when the resource names it
	// otherwise than by /me or /users (a drive by id): a delegated token
	// may watch only its own.
	OwnerID string
	// Members, when set, are the users whose delegated tokens may watch
	// it (a team's or chat's members).
	Members []string
}

// Watchable is a workload whose changes subscriptions can watch.
type Watchable interface {
	Workload
	// Watch resolves the part of a subscription's resource after the owner
	// ("messages", "mailFolders('Inbox')/messages", ...; as sent) for the
	// owner's data (owner nil: the resource names no user, as
	// "drives/{id}/root"), or fails with Graph's error; ok is false when the
	// workload does not serve that resource at all.
	Watch(rest string, owner *User) (w *Watch, ok bool, ge *Error)
	// Changes calls fn with every change the workload makes from now on,
	// under the workload's lock (fn must not block nor call back into it);
	// cancel stops it.
	Changes(fn func(Change)) (cancel func())
}

// ResourceOwner splits a subscription's resource ("me/messages",
// "/users/{id|upn}/events") into the user whose data it names and the rest,
// with the rule of the routes: a delegated token reaches only its own user.
func (s *Kit) ResourceOwner(resource string, c *Claims) (u *User, rest string, ge *Error) {
	p := strings.Trim(resource, "/")
	head, rest, _ := strings.Cut(p, "/")
	switch {
	case strings.EqualFold(head, "me"):
		if c.IsApp() {
			return nil, "", BadRequest("/me request is only valid with delegated authentication flow.")
		}
		u = s.Dir.Find(c.Oid)
	case strings.EqualFold(head, "users") || (len(head) > 7 && strings.EqualFold(head[:7], "users('")):
		var id string
		if strings.EqualFold(head, "users") {
			id, rest, _ = strings.Cut(rest, "/")
		} else {
			id = strings.TrimSuffix(head[7:], "')")
		}
		if u = s.Dir.Find(id); u == nil {
			return nil, "", Err(404, "Request_ResourceNotFound", "Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
		}
		if !c.IsApp() && u.ID != c.Oid {
			return nil, "", Err(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
		}
	default:
		return nil, p, nil
	}
	if u == nil {
		return nil, "", Err(404, "Request_ResourceNotFound", "Resource '"+c.Oid+"' does not exist or one of its queried reference-property objects are not present.")
	}
	return u, rest, nil
}
