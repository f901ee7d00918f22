package todo

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: the feed's (graphkit.FeedKey and its tombstones),
// "list/<user>/<id>" and "task/<user>/<id>" (a task with its steps and
// links).

func listKey(user, id string) string { return "list/" + user + "/" + id }
func taskKey(user, id string) string { return "task/" + user + "/" + id }

type stateJSON struct {
	Feed  *graphkit.FeedState  `json:"feed,omitempty"`
	Users map[string]*userJSON `json:"users"` // by user id
}

type userJSON struct {
	Lists []*taskList `json:"lists"`
	Tasks []*task     `json:"tasks"`
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded lists and tasks back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	fresh.feed.Inherit(s.feed)
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every user's lists and tasks.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	feed := s.feed.State()
	out := &stateJSON{Feed: &feed, Users: map[string]*userJSON{}}
	for id, tu := range s.users {
		out.Users[id] = &userJSON{Lists: tu.lists, Tasks: tu.tasks}
	}
	return json.Marshal(out)
}

// Restore replaces the state with a snapshot; seeded users missing from it
// keep the seed.
func (s *Workload) Restore(data json.RawMessage) error {
	var j stateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := seedStore()
	if j.Feed != nil {
		st.feed.Restore(*j.Feed)
	}
	for id, uj := range j.Users {
		if tu := st.users[id]; tu != nil && uj != nil {
			tu.lists, tu.tasks = uj.Lists, uj.Tasks
		}
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

// entities are the journaled lists and tasks; the caller holds s.mu.
func (s *Workload) entities() graphkit.Entities {
	return graphkit.Entities{Feed: s.feed,
		Get: func(kind, user, id string) (any, error) {
			tu := s.users[user]
			switch {
			case tu == nil:
			case kind == "list":
				if l := tu.findList(id); l != nil {
					return l, nil
				}
			case kind == "task":
				if i := slices.IndexFunc(tu.tasks, func(t *task) bool { return t.ID == id }); i >= 0 {
					return tu.tasks[i], nil
				}
			default:
				return nil, fmt.Errorf("todo: no journaled kind %q", kind)
			}
			return nil, nil
		},
		Set: func(kind, user, id string, v json.RawMessage) error {
			tu := s.users[user]
			if tu == nil {
				return fmt.Errorf("todo: journaled %s %s of unknown user %s", kind, id, user)
			}
			var err error
			switch kind {
			case "list":
				tu.lists, err = graphkit.ApplyList(tu.lists, id, func(l *taskList) string { return l.ID }, v)
			case "task":
				tu.tasks, err = graphkit.ApplyList(tu.tasks, id, func(t *task) string { return t.ID }, v)
			default:
				err = fmt.Errorf("todo: no journaled kind %q", kind)
			}
			return err
		},
	}
}
