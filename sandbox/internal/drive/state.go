package drive

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: "item/<drive id>/<item id>", the item's whole record (nil
// when it is gone for good; an item in the recycle bin keeps its record,
// with its deletion time), and the feed's (graphkit.FeedKey and its
// tombstones). File bytes are not journaled: they are in
// Kit.Files under their SHA-256 before the item that names them is.
// "perm/<drive id>/<permission id>" is a sharing permission, and
// "unique/<drive id>/<item id>" (true, or nil) an item that does not
// inherit its folders' permissions (sharing.go).
// "drive/<drive id>/library" is a site library's drive (sitedrive.go), made
// when it is first reached; its items follow it.

func itemKey(drive, id string) string { return "item/" + drive + "/" + id }

type stateJSON struct {
	Drives    map[string][]*item  `json:"drives"` // by drive id, items sorted by id
	Feed      *graphkit.FeedState `json:"feed,omitempty"`
	Perms     map[string][]*perm  `json:"perms,omitempty"`     // by drive id, sorted by id
	Unique    map[string][]string `json:"unique,omitempty"`    // by drive id, sorted
	Libraries map[string]*library `json:"libraries,omitempty"` // the site libraries' drives, by id
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded drives back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	fresh.feed.Inherit(s.feed)
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every drive's items.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	feed := s.feed.State()
	out := stateJSON{Drives: map[string][]*item{}, Feed: &feed}
	for id, d := range s.drives {
		list := make([]*item, 0, len(d.items))
		for _, it := range d.items {
			list = append(list, it)
		}
		slices.SortFunc(list, func(a, b *item) int { return strings.Compare(a.ID, b.ID) })
		out.Drives[id] = list
		d.sharing.snapshot(&out, id)
		if d.lib != nil {
			if out.Libraries == nil {
				out.Libraries = map[string]*library{}
			}
			out.Libraries[id] = d.lib
		}
	}
	return json.Marshal(out)
}

// Restore replaces the state with a snapshot; seeded drives missing from it
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
	for id, lib := range j.Libraries {
		st.addLibrary(id, lib)
	}
	for id, list := range j.Drives {
		d := st.drives[id]
		if d == nil {
			continue // not a seeded user's drive
		}
		d.items = map[string]*item{}
		for _, it := range list {
			d.items[it.ID] = it
		}
		d.index()
	}
	for id, d := range st.drives {
		d.sharing.restore(&j, id)
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
	return graphkit.RecordValues(keys, emit, func(key string) (any, error) {
		if s.feed.Owns(key) {
			return s.feed.Value(key)
		}
		kind, did, id, err := graphkit.EntityKey(key)
		if err != nil {
			return nil, err
		}
		d := s.drives[did]
		switch {
		case d == nil:
		case kind == "drive" && d.lib != nil:
			return d.lib, nil
		case kind == "item" && d.items[id] != nil:
			return d.items[id], nil
		case kind == "perm" && d.sharing.perms[id] != nil:
			return d.sharing.perms[id], nil
		case kind == "unique" && d.sharing.unique[id]:
			return true, nil
		case kind == "item" || kind == "perm" || kind == "unique":
			return nil, nil
		}
		return nil, fmt.Errorf("drive: no journaled %q", key)
	})
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.feed.Owns(key) {
		return s.feed.Apply(key, v)
	}
	kind, did, id, err := graphkit.EntityKey(key)
	if err != nil {
		return err
	}
	if kind == "drive" && v != nil {
		lib := new(library)
		if err := json.Unmarshal(v, lib); err != nil {
			return fmt.Errorf("drive: journal %s: %w", key, err)
		}
		s.addLibrary(did, lib)
		return nil
	}
	d := s.drives[did]
	if d == nil || (kind != "item" && kind != "perm" && kind != "unique") {
		return fmt.Errorf("drive: journal %s: no such drive or kind", key)
	}
	if kind != "item" {
		if err := d.sharing.apply(kind, id, v); err != nil {
			return fmt.Errorf("drive: journal %s: %w", key, err)
		}
		return nil
	}
	if v == nil {
		delete(d.items, id)
	} else {
		it := new(item)
		if err := json.Unmarshal(v, it); err != nil {
			return fmt.Errorf("drive: journal %s: %w", key, err)
		}
		d.items[id] = it
	}
	d.index()
	return nil
}

// addLibrary adds the drive of a site's library with its root folder,
// unless there is one (the root's own record, replayed later, replaces it).
func (st *store) addLibrary(id string, lib *library) {
	if st.drives[id] != nil {
		return
	}
	d := &drive{ID: id, Owner: id, Root: lib.Root, Created: lib.Created, items: map[string]*item{}, lib: lib}
	d.items[d.Root] = &item{ID: d.Root, Name: "root", Folder: true, Version: 1, Content: 1, Created: lib.Created,
		Modified: lib.Created, By: id, ModBy: id}
	st.drives[id] = d
	st.byOwner[id] = id
}
