package users

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The directory as a store: its users and groups in creation order; an
// entity key is "user/<id>" or "group/<id>". Writes to users and groups
// (create, update, delete, membership, manager, photo) Touch their key.

const userKey = "user/"

// Reset puts the seeded users back.
func (s *Workload) Reset() { s.Dir.Reset() }

type snapshot struct {
	Users  []directory.User  `json:"users"`
	Groups []directory.Group `json:"groups"`
}

// Snapshot implements graphkit.Store.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	var snap snapshot
	for _, u := range s.Dir.Users() {
		snap.Users = append(snap.Users, *u)
	}
	snap.Groups = s.Dir.AllGroups()
	return json.Marshal(snap)
}

// Restore implements graphkit.Store; a snapshot without users (or groups)
// keeps the seeded ones.
func (s *Workload) Restore(data json.RawMessage) error {
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return err
	}
	if len(snap.Users) > 0 {
		s.Dir.Replace(snap.Users)
	}
	if snap.Groups != nil {
		s.Dir.ReplaceGroups(snap.Groups)
	}
	return nil
}

// Record implements graphkit.Store.
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return graphkit.RecordValues(keys, emit, func(k string) (any, error) {
		if id, ok := strings.CutPrefix(k, groupKey); ok {
			if g := s.Dir.Group(id); g != nil {
				return g, nil
			}
			return nil, nil // gone
		}
		id, ok := strings.CutPrefix(k, userKey)
		if !ok {
			return nil, fmt.Errorf("directory: unknown key %q", k)
		}
		if u := s.Dir.Find(id); u != nil {
			return u, nil
		}
		return nil, nil // gone
	})
}

// Apply implements graphkit.Store.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	if id, ok := strings.CutPrefix(key, groupKey); ok {
		if v == nil {
			s.Dir.DeleteGroup(id)
			return nil
		}
		var g directory.Group
		if err := json.Unmarshal(v, &g); err != nil {
			return err
		}
		s.Dir.PutGroup(g)
		return nil
	}
	id, ok := strings.CutPrefix(key, userKey)
	if !ok {
		return fmt.Errorf("directory: unknown key %q", key)
	}
	if v == nil {
		s.Dir.Delete(id)
		return nil
	}
	var u directory.User
	if err := json.Unmarshal(v, &u); err != nil {
		return err
	}
	s.Dir.Put(u)
	return nil
}
