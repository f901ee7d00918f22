package mail

import (
	"sort"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// The mailboxes in the state file: what Options.StateFile keeps across
// restarts, so delta tokens and sent mail survive them too.

type mailStateJSON struct {
	Feed  *graphkit.FeedState     `json:"feed,omitempty"`
	Boxes map[string]*mailboxJSON `json:"boxes"` // by user id
	// Seq and Epoch are the feed's head in files written before the feed.
	Seq   int64  `json:"seq,omitempty"`
	Epoch string `json:"epoch,omitempty"`
}

type mailboxJSON struct {
	Folders  []*mailFolder    `json:"folders"`
	Messages []*mailMessage   `json:"messages"`
	Tombs    []tombstone      `json:"tombstones,omitempty"` // files written before the feed
	Settings *outlookSettings `json:"settings,omitempty"`   // nil: the defaults
}

// tombstone is a removed message in files and journals written before the
// feed kept them.
type tombstone struct {
	ID, ImmutableID, FolderID string
	Seq                       int64
}

// feed returns t as the feed's tombstone of mailbox mb.
func (t tombstone) feed(mb *mailbox) graphkit.Tombstone {
	return graphkit.Tombstone{Scope: feedScope(mb, t.FolderID), ID: t.ID, Seq: t.Seq,
		Extra: map[string]string{immutableIDField: t.ImmutableID}}
}

// toJSON snapshots the store (in a stable order); call with Workload.mu held.
func (st *mailStore) toJSON() *mailStateJSON {
	feed := st.feed.State()
	out := &mailStateJSON{Feed: &feed, Boxes: map[string]*mailboxJSON{}}
	for id, mb := range st.boxes {
		bj := &mailboxJSON{}
		for _, f := range mb.folders {
			bj.Folders = append(bj.Folders, f)
		}
		sort.Slice(bj.Folders, func(i, j int) bool { return bj.Folders[i].ID < bj.Folders[j].ID })
		bj.Messages = mb.messages("")
		bj.Settings = mb.settings
		out.Boxes[id] = bj
	}
	return out
}

// store rebuilds a store; seeded users missing from the file get the seed.
func (j *mailStateJSON) store() *mailStore {
	st := seedMailStore()
	if j.Feed != nil {
		st.feed.Restore(*j.Feed)
	} else {
		st.feed.Restore(graphkit.FeedState{Seq: j.Seq, Epoch: j.Epoch})
	}
	for id, bj := range j.Boxes {
		mb := st.boxes[id]
		if mb == nil || bj == nil {
			continue // not a seeded user
		}
		mb.folders, mb.msgs = map[string]*mailFolder{}, map[string]*mailMessage{}
		for _, t := range bj.Tombs {
			st.feed.AddTombstone(t.feed(mb))
		}
		for _, f := range bj.Folders {
			mb.folders[f.ID] = f
		}
		mb.settings = bj.Settings
		for _, m := range bj.Messages {
			if m.ImmutableID == "" {
				m.ImmutableID = immutableID(m.ID)
			}
			mb.msgs[m.ID] = m
		}
		if mb.wellKnown("msgfolderroot") == nil || mb.wellKnown("inbox") == nil {
			st.boxes[id] = seedMailbox(userIndex(id)) // a damaged mailbox starts again from the seed
		}
	}
	return st
}

func userIndex(id string) int {
	for i := range seedUsers {
		if seedUsers[i].ID == id {
			return i
		}
	}
	return 0
}
