package contacts

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: the feed's (graphkit.FeedKey and its tombstones),
// "folder/<user>/<id>" and "contact/<user>/<id>"; graphkit.SeqKey, the change
// counter of journals written before the feed, sets the feed's position.

func folderKey(user, id string) string  { return "folder/" + user + "/" + id }
func contactKey(user, id string) string { return "contact/" + user + "/" + id }

type stateJSON struct {
	Seq   int                  `json:"seq,omitempty"` // before the feed: its position
	Feed  *graphkit.FeedState  `json:"feed,omitempty"`
	Users map[string]*userJSON `json:"users"` // by user id
}

type userJSON struct {
	ContactRoot    string           `json:"contactRoot"`
	ContactFolders []*contactFolder `json:"contactFolders"`
	Contacts       []*contact       `json:"contacts"`
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded contacts back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	fresh.feed.Inherit(s.feed)
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every user's contact folders and contacts.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	feed := s.feed.State()
	out := &stateJSON{Feed: &feed, Users: map[string]*userJSON{}}
	for id, cu := range s.users {
		out.Users[id] = &userJSON{ContactRoot: cu.contactRoot, ContactFolders: cu.folders, Contacts: cu.contacts}
	}
	return json.Marshal(out)
}

// Restore replaces the state with a snapshot (or the "calendar" member of an
// older state file); seeded users missing from it keep the seed.
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
		if cu == nil || uj == nil {
			continue // not a seeded user
		}
		cu.folders, cu.contacts = uj.ContactFolders, uj.Contacts
		for _, f := range cu.folders {
			if f.ChangeKey == "" {
				f.ChangeKey = rootChangeKey // written before folders had change keys
			}
		}
		if uj.ContactRoot != "" {
			cu.contactRoot = uj.ContactRoot
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

// entities are the journaled folders and contacts (their change counter is
// the feed, journaled apart); the caller holds s.mu.
func (s *Workload) entities() graphkit.Entities {
	return graphkit.Entities{Feed: s.feed,
		Get: func(kind, user, id string) (any, error) {
			cu := s.users[user]
			switch {
			case cu == nil:
			case kind == "folder":
				if i := cu.folderIndex(id); i >= 0 {
					return cu.folders[i], nil
				}
			case kind == "contact":
				if c := findContact(cu, id); c != nil {
					return c, nil
				}
			default:
				return nil, fmt.Errorf("contacts: no journaled kind %q", kind)
			}
			return nil, nil
		},
		Set: func(kind, user, id string, v json.RawMessage) error {
			cu := s.users[user]
			if cu == nil {
				return fmt.Errorf("contacts: journaled %s %s of unknown user %s", kind, id, user)
			}
			var err error
			switch kind {
			case "folder":
				cu.folders, err = graphkit.ApplyList(cu.folders, id, func(f *contactFolder) string { return f.ID }, v)
			case "contact":
				cu.contacts, err = graphkit.ApplyList(cu.contacts, id, func(c *contact) string { return c.ID }, v)
			default:
				err = fmt.Errorf("contacts: no journaled kind %q", kind)
			}
			return err
		},
	}
}

// folderIndex is the position of folder id in cu.folders, or -1.
func (cu *user) folderIndex(id string) int {
	return slices.IndexFunc(cu.folders, func(f *contactFolder) bool { return f.ID == id })
}
