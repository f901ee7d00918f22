package teams

import (
	"encoding/json"
	"fmt"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: the feed's (graphkit.FeedKey and its tombstones),
// "team/-/<id>", "channel/<team>/<id>" (with a private channel's members),
// "chat/-/<id>" (with its members), "message/<channel or chat>/<id>" (with
// its hosted contents) and "presence/-/<user>".

type stateJSON struct {
	Feed     *graphkit.FeedState  `json:"feed,omitempty"`
	Teams    []*team              `json:"teams"`
	Channels []*channel           `json:"channels"`
	Chats    []*chat              `json:"chats"`
	Messages []*message           `json:"messages"`
	Presence map[string]*presence `json:"presence"`
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded teams, chats and presence back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	fresh.feed.Inherit(s.feed)
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns the whole state.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	feed := s.feed.State()
	return json.Marshal(&stateJSON{Feed: &feed, Teams: s.teams, Channels: s.channels, Chats: s.chats,
		Messages: s.messages, Presence: s.presence})
}

// Restore replaces the state with a snapshot.
func (s *Workload) Restore(data json.RawMessage) error {
	var j stateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := seedStore()
	if j.Feed != nil {
		st.feed.Restore(*j.Feed)
	}
	st.teams, st.channels, st.chats, st.messages = j.Teams, j.Channels, j.Chats, j.Messages
	if j.Presence != nil {
		st.presence = j.Presence
	}
	s.mu.Lock()
	st.feed.Inherit(s.feed)
	s.store = st
	s.mu.Unlock()
	return nil
}

// Record emits the current value of each key (nil when it is gone).
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entities().Record(keys, emit)
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entities().Apply(key, v)
}

// entities are the journaled teams, channels, chats, messages and
// presences; the caller holds s.mu.
func (s *Workload) entities() graphkit.Entities {
	return graphkit.Entities{Feed: s.feed,
		Get: func(kind, scope, id string) (any, error) {
			var v any
			switch kind {
			case "team":
				if t := s.findTeam(id); t != nil {
					v = t
				}
			case "channel":
				if ch := s.findChannel(scope, id); ch != nil {
					v = ch
				}
			case "chat":
				if ch := s.findChat(id); ch != nil {
					v = ch
				}
			case "message":
				for _, m := range s.messages {
					if m.Container == scope && m.ID == id {
						v = m
					}
				}
			case "presence":
				if p := s.presence[id]; p != nil {
					v = p
				}
			default:
				return nil, fmt.Errorf("teams: no journaled kind %q", kind)
			}
			return v, nil
		},
		Set: func(kind, scope, id string, v json.RawMessage) error {
			var err error
			switch kind {
			case "team":
				s.teams, err = graphkit.ApplyList(s.teams, id, func(t *team) string { return t.ID }, v)
			case "channel":
				s.channels, err = graphkit.ApplyList(s.channels, id, func(c *channel) string { return c.ID }, v)
			case "chat":
				s.chats, err = graphkit.ApplyList(s.chats, id, func(c *chat) string { return c.ID }, v)
			case "message":
				s.messages, err = graphkit.ApplyList(s.messages, scope+"/"+id, func(m *message) string { return m.Container + "/" + m.ID }, v)
			case "presence":
				if v == nil {
					delete(s.presence, id)
					return nil
				}
				p := &presence{}
				if err = json.Unmarshal(v, p); err == nil {
					s.presence[id] = p
				}
			default:
				err = fmt.Errorf("teams: no journaled kind %q", kind)
			}
			return err
		},
	}
}
