package mail

import (
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"sort"
)

// The mailboxes in the state file: what Options.StateFile keeps across
// restarts, so delta tokens and sent mail survive them too.

type mailStateJSON struct {
	Seq   int64                   `json:"seq"`
	Epoch string                  `json:"epoch"`
	Boxes map[string]*mailboxJSON `json:"boxes"` // by user id
}

type mailboxJSON struct {
	Folders  []*mailFolder  `json:"folders"`
	Messages []*mailMessage `json:"messages"`
	Tombs    []tombstone    `json:"tombstones"`
}

// toJSON snapshots the store (in a stable order); call with Workload.mu held.
func (st *mailStore) toJSON() *mailStateJSON {
	out := &mailStateJSON{Seq: st.seq, Epoch: st.epoch, Boxes: map[string]*mailboxJSON{}}
	for id, mb := range st.boxes {
		bj := &mailboxJSON{Tombs: mb.tombs}
		for _, f := range mb.folders {
			bj.Folders = append(bj.Folders, f)
		}
		sort.Slice(bj.Folders, func(i, j int) bool { return bj.Folders[i].ID < bj.Folders[j].ID })
		bj.Messages = mb.messages("")
		out.Boxes[id] = bj
	}
	return out
}

// store rebuilds a store; seeded users missing from the file get the seed.
func (j *mailStateJSON) store() *mailStore {
	st := seedMailStore()
	st.seq, st.epoch = j.Seq, j.Epoch
	if st.epoch == "" {
		st.epoch = ids.Random("", 6)
	}
	for id, bj := range j.Boxes {
		mb := st.boxes[id]
		if mb == nil || bj == nil {
			continue // not a seeded user
		}
		mb.folders, mb.msgs, mb.tombs = map[string]*mailFolder{}, map[string]*mailMessage{}, bj.Tombs
		for _, f := range bj.Folders {
			mb.folders[f.ID] = f
		}
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
