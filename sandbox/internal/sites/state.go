package sites

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: "list/<site id>/<list id>", a list's whole record with its
// columns (nil when deleted), and "item/<list id>/<item id>", an item's
// (nil when deleted). The sites themselves are the seed's and never change.

func listKey(l *list) string         { return "list/" + l.Site + "/" + l.ID }
func itemKey(list, id string) string { return "item/" + list + "/" + id }

type stateJSON struct {
	Lists []*list                `json:"lists"` // sorted by id
	Items map[string][]*listItem `json:"items"` // by list id, sorted by id
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded lists back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every list and item.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := stateJSON{Items: map[string][]*listItem{}}
	for _, l := range s.lists {
		out.Lists = append(out.Lists, l)
		out.Items[l.ID] = s.sortedItems(l)
	}
	slices.SortFunc(out.Lists, func(a, b *list) int { return strings.Compare(a.ID, b.ID) })
	return json.Marshal(out)
}

// Restore replaces the lists and items with a snapshot's.
func (s *Workload) Restore(data json.RawMessage) error {
	var j stateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	seed := seedStore()
	st := &store{lists: map[string]*list{}, items: map[string]map[string]*listItem{}}
	for _, l := range j.Lists {
		if old := seed.lists[l.ID]; old != nil {
			l.Files = old.Files
		}
		st.lists[l.ID] = l
		st.items[l.ID] = map[string]*listItem{}
		for _, it := range j.Items[l.ID] {
			st.items[l.ID][it.ID] = it
		}
	}
	s.mu.Lock()
	s.store = st
	s.mu.Unlock()
	return nil
}

// Record emits the current value of each key (nil when it is gone).
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return graphkit.RecordValues(keys, emit, func(key string) (any, error) {
		kind, parent, id, err := graphkit.EntityKey(key)
		if err != nil {
			return nil, err
		}
		switch kind {
		case "list":
			if l := s.lists[id]; l != nil {
				return l, nil
			}
			return nil, nil
		case "item":
			if it := s.items[parent][id]; it != nil {
				return it, nil
			}
			return nil, nil
		}
		return nil, fmt.Errorf("sites: no journaled %q", key)
	})
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	kind, parent, id, err := graphkit.EntityKey(key)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch kind {
	case "list":
		if v == nil {
			delete(s.lists, id)
			delete(s.items, id)
			return nil
		}
		l := new(list)
		if err := json.Unmarshal(v, l); err != nil {
			return fmt.Errorf("sites: journal %s: %w", key, err)
		}
		if old := s.lists[id]; old != nil {
			l.Files = old.Files
		}
		s.lists[id] = l
		if s.items[id] == nil {
			s.items[id] = map[string]*listItem{}
		}
		return nil
	case "item":
		if s.items[parent] == nil {
			return fmt.Errorf("sites: journal %s: no such list", key)
		}
		if v == nil {
			delete(s.items[parent], id)
			return nil
		}
		it := new(listItem)
		if err := json.Unmarshal(v, it); err != nil {
			return fmt.Errorf("sites: journal %s: %w", key, err)
		}
		s.items[parent][id] = it
		return nil
	}
	return fmt.Errorf("sites: journal %s: no such kind", key)
}
