package calendar

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The calendar workload's part of the state: the snapshot (calendars and
// events of every seeded user) and the journal of entity changes. Files
// written before contacts had their own workload kept contacts in this
// snapshot too; they are ignored here (the contacts workload reads them).

// Name is the workload's name: it keys its part of the state file and its
// journal records.
const Name = "calendar"

// Journal keys: the feed's (graphkit.FeedKey and its tombstones),
// "calendar/<user>/<id>" and "event/<user>/<id>"; graphkit.SeqKey, the change
// counter of journals written before the feed, sets the feed's position.

func calendarKey(user, id string) string { return "calendar/" + user + "/" + id }
func eventKey(user, id string) string    { return "event/" + user + "/" + id }

type stateJSON struct {
	Seq   int                  `json:"seq,omitempty"` // before the feed: its position
	Feed  *graphkit.FeedState  `json:"feed,omitempty"`
	Users map[string]*userJSON `json:"users"` // by user id
}

type userJSON struct {
	Calendars []*calCalendar `json:"calendars"`
	Events    []*calEvent    `json:"events"`
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded calendars back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	fresh.feed.Inherit(s.feed)
	fresh.mail = s.mail
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every user's calendars and events (events in creation order).
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	feed := s.feed.State()
	out := &stateJSON{Feed: &feed, Users: map[string]*userJSON{}}
	for id, cu := range s.users {
		out.Users[id] = &userJSON{Calendars: cu.calendars, Events: cu.eventsIn("")}
	}
	return json.Marshal(out)
}

// Restore replaces the state with a snapshot; seeded users missing from it
// (or with no default calendar in it) keep the seed.
func (s *Workload) Restore(data json.RawMessage) error {
	var j stateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := seedStore()
	if j.Feed != nil {
		st.feed.Restore(*j.Feed)
	} else {
		st.feed.SetHead(max(st.feed.Seq(), int64(j.Seq)), st.feed.Epoch())
	}
	for id, uj := range j.Users {
		cu := st.users[id]
		if cu == nil || uj == nil || len(uj.Calendars) == 0 || !uj.Calendars[0].Default {
			continue // not a seeded user, or damaged: keep the seed
		}
		cu.calendars = uj.Calendars
		cu.events = make(map[string]*calEvent, len(uj.Events))
		for _, ev := range uj.Events {
			cu.events[ev.ID] = ev
		}
	}
	s.mu.Lock()
	st.feed.Inherit(s.feed)
	st.mail = s.mail
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

// entities are the journaled calendars and events; the caller holds s.mu.
func (s *Workload) entities() graphkit.Entities {
	return graphkit.Entities{Feed: s.feed,
		Get: func(kind, user, id string) (any, error) {
			cu := s.users[user]
			switch {
			case cu == nil:
			case kind == "calendar":
				if i := cu.calendarIndex(id); i >= 0 {
					return cu.calendars[i], nil
				}
			case kind == "event":
				if ev := cu.events[id]; ev != nil {
					return ev, nil
				}
			default:
				return nil, fmt.Errorf("calendar: no journaled kind %q", kind)
			}
			return nil, nil
		},
		Set: func(kind, user, id string, v json.RawMessage) error {
			cu := s.users[user]
			if cu == nil {
				return fmt.Errorf("calendar: journaled %s %s of unknown user %s", kind, id, user)
			}
			var err error
			switch kind {
			case "calendar":
				cu.calendars, err = graphkit.ApplyList(cu.calendars, id, func(c *calCalendar) string { return c.ID }, v)
			case "event":
				if v == nil {
					delete(cu.events, id)
					return nil
				}
				var ev calEvent
				if err = json.Unmarshal(v, &ev); err == nil {
					cu.events[id] = &ev
				}
			default:
				err = fmt.Errorf("calendar: no journaled kind %q", kind)
			}
			return err
		},
	}
}

// calendarIndex is the position of calendar id in cu.calendars, or -1.
func (cu *calUser) calendarIndex(id string) int {
	return slices.IndexFunc(cu.calendars, func(c *calCalendar) bool { return c.ID == id })
}

// sortEvents orders events by creation (Seq), then id.
func sortEvents(evs []*calEvent) {
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].Seq != evs[j].Seq {
			return evs[i].Seq < evs[j].Seq
		}
		return evs[i].ID < evs[j].ID
	})
}
