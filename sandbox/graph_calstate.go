package sandbox

import "sort"

// The calendars, events and contacts in the state file: what Options.StateFile keeps across
// restarts, as graph_mailstate.go does for the mailboxes.

type calStateJSON struct {
	Seq   int                     `json:"seq"`
	Users map[string]*calUserJSON `json:"users"` // by user id
}

type calUserJSON struct {
	Calendars      []*calCalendar   `json:"calendars"`
	Events         []*calEvent      `json:"events"`
	ContactRoot    string           `json:"contactRoot"`
	ContactFolders []*contactFolder `json:"contactFolders"`
	Contacts       []*calContact    `json:"contacts"`
}

// toJSON snapshots the store.
func (st *calStore) toJSON() *calStateJSON {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := &calStateJSON{Seq: st.seq, Users: map[string]*calUserJSON{}}
	for id, cu := range st.users {
		uj := &calUserJSON{Calendars: cu.calendars, ContactRoot: cu.contactRoot, ContactFolders: cu.folders, Contacts: cu.contacts}
		for _, ev := range cu.events {
			uj.Events = append(uj.Events, ev)
		}
		sort.Slice(uj.Events, func(i, j int) bool { return uj.Events[i].Seq < uj.Events[j].Seq })
		out.Users[id] = uj
	}
	return out
}

// store rebuilds a store; seeded users missing from the file (or with no default calendar
// in it) get the seed.
func (j *calStateJSON) store() *calStore {
	st := seedCalStore()
	st.seq = max(st.seq, j.Seq)
	for id, uj := range j.Users {
		cu := st.users[id]
		if cu == nil || uj == nil || len(uj.Calendars) == 0 || !uj.Calendars[0].Default {
			continue // not a seeded user, or damaged: keep the seed
		}
		cu.calendars, cu.folders, cu.contacts = uj.Calendars, uj.ContactFolders, uj.Contacts
		if uj.ContactRoot != "" {
			cu.contactRoot = uj.ContactRoot
		}
		cu.events = make(map[string]*calEvent, len(uj.Events))
		for _, ev := range uj.Events {
			cu.events[ev.ID] = ev
		}
	}
	return st
}
