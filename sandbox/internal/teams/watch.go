package teams

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Change notifications on messages: a subscription to
// "teams/{id}/channels/{id}/messages" (a channel's messages and their
// replies), "chats/{id}/messages" (a chat's) or
// "users/{id}/chats/getAllMessages" (every chat of the user's).

// maxMessageMinutes is the longest a subscription to chatMessages lives.
const maxMessageMinutes = 60

// Watch implements graphkit.Watchable.
func (s *Workload) Watch(rest string, owner *graphkit.User) (*graphkit.Watch, bool, *graphkit.Error) {
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	if owner != nil {
		if len(segs) == 2 && strings.EqualFold(segs[0], "chats") && strings.EqualFold(segs[1], "getAllMessages") {
			return s.allChatsWatch(owner.ID), true, nil
		}
		return nil, false, nil // no other Teams resource is below a user
	}
	switch {
	case len(segs) == 5 && strings.EqualFold(segs[0], "teams") && strings.EqualFold(segs[2], "channels") && strings.EqualFold(segs[4], "messages"):
		s.mu.Lock()
		t := s.findTeam(segs[1])
		var ch *channel
		var members []string
		if t != nil {
			ch = s.findChannel(t.ID, segs[3])
		}
		if ch != nil && ch.MembershipType == private {
			members = userIDs(ch.Members)
		}
		s.mu.Unlock()
		if ch == nil {
			return nil, true, errNoChannel
		}
		if ch.MembershipType != private {
			if g := s.Dir.Group(t.ID); g != nil {
				members = g.Members
			}
		}
		return s.messageWatch(ch.ID, "teams('"+t.ID+"')/channels('"+ch.ID+"')/messages", members), true, nil
	case len(segs) == 3 && strings.EqualFold(segs[0], "chats") && strings.EqualFold(segs[2], "messages"):
		s.mu.Lock()
		ch := s.findChat(segs[1])
		var members []string
		if ch != nil {
			members = userIDs(ch.Members)
		}
		s.mu.Unlock()
		if ch == nil {
			return nil, true, errNoChat
		}
		return s.messageWatch(ch.ID, "chats('"+ch.ID+"')/messages", members), true, nil
	}
	return nil, false, nil
}

// userIDs are the users of members.
func userIDs(members []*member) []string {
	out := []string{}
	for _, m := range members {
		out = append(out, m.UserID)
	}
	return out
}

// messageWatch watches the messages of container, named below prefix; a
// delegated subscriber must be one of members.
func (s *Workload) messageWatch(container, prefix string, members []string) *graphkit.Watch {
	path := func(c graphkit.Change) string {
		if parent, reply, ok := strings.Cut(c.Key, "/"); ok {
			return prefix + "('" + parent + "')/replies('" + reply + "')"
		}
		return prefix + "('" + c.Key + "')"
	}
	return &graphkit.Watch{
		Match:    func(c graphkit.Change) bool { return c.Store == Name && c.Scope == container },
		Resource: path,
		Data: func(c graphkit.Change) map[string]any {
			id := c.Key
			if _, reply, ok := strings.Cut(c.Key, "/"); ok {
				id = reply
			}
			return map[string]any{"@odata.type": "#Microsoft.Graph.chatMessage", "@odata.id": path(c), "id": id}
		},
		MaxMinutes: maxMessageMinutes,
		Members:    members,
	}
}

// allChatsWatch watches the messages of every chat user is a member of
// when the change happens ("users/{id}/chats/getAllMessages"). Match and
// Resource run under the workload's lock.
func (s *Workload) allChatsWatch(user string) *graphkit.Watch {
	w := s.messageWatch("", "", nil)
	w.Match = func(c graphkit.Change) bool {
		ch := s.findChat(c.Scope)
		return c.Store == Name && ch != nil && hasMember(ch.Members, user)
	}
	w.Resource = func(c graphkit.Change) string { return "chats('" + c.Scope + "')/messages('" + c.Key + "')" }
	data := w.Data
	w.Data = func(c graphkit.Change) map[string]any {
		d := data(c)
		d["@odata.id"] = w.Resource(c)
		return d
	}
	return w
}

// Changes implements graphkit.Watchable.
func (s *Workload) Changes(fn func(graphkit.Change)) (cancel func()) {
	return graphkit.FeedChanges(&s.mu, func() *graphkit.Feed { return s.feed }, fn)
}
