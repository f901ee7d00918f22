// Package mail is the sandbox's Graph mail workload: every seeded user's
// mailbox (folders, messages, attachments), sending between seeded users,
// message delta, and bulk seeding for big mailboxes.
package mail

import (
	"context"
	"encoding/json"
	"fmt"

	"strings"
	"sync"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Name is the workload's store name (its member of the state file, the
// store of its journal records).
const Name = "mail"

// user is a directory user.
type user = graphkit.User

// Workload is the mail workload; it implements graphkit.Workload. Its data
// has its own lock.
type Workload struct {
	*graphkit.Kit
	mu   sync.Mutex
	mail *mailStore
	up   *outlook.AttachmentUploads // large attachments' upload sessions (upload.go)
	// events reads the events of meeting messages (meeting.go); nil reads none.
	events outlook.EventReader
}

// New returns the mail workload with the seeded mailboxes, served with kit.
func New(kit *graphkit.Kit) *Workload {
	return &Workload{Kit: kit, mail: seedMailStore(), up: outlook.NewAttachmentUploads(Name)}
}

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Routes implements graphkit.Workload.
func (s *Workload) Routes(m *graphkit.Mux) { s.mailRoutes(m) }

// Reset implements graphkit.Store: the seeded mailboxes come back.
func (s *Workload) Reset() {
	st := seedMailStore()
	s.mu.Lock()
	st.feed.Inherit(s.mail.feed)
	s.mail = st
	s.mu.Unlock()
}

// Snapshot implements graphkit.Store.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.mail.toJSON())
}

// Restore implements graphkit.Store; seeded users missing from data get the seed.
func (s *Workload) Restore(data json.RawMessage) error {
	var j mailStateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := j.store()
	st.deferred = -1
	s.mu.Lock()
	st.feed.Inherit(s.mail.feed)
	s.mail = st
	s.mu.Unlock()
	return nil
}

// lock takes the store's lock for ctx's request: the store's changes until
// unlock are touched on ctx, for the journal.
func (s *Workload) lock(ctx context.Context) *mailStore {
	s.mu.Lock()
	s.mail.ctx = ctx
	s.mail.releaseDeferred(s.Dir, s.Now().UTC())
	return s.mail
}

func (s *Workload) unlock() {
	s.mail.ctx = nil
	s.mu.Unlock()
}

// Journal keys: the feed's (graphkit.FeedKey: the change sequence and
// epoch; "feed/<seq>": a tombstone), a message and a folder. Journals written
// before the feed have "seq" for the sequence and epoch and
// "tomb/<user>/<seq>" for a tombstone; Apply reads them into the feed.
const seqKey = "seq"

func msgKey(owner, id string) string    { return "msg/" + owner + "/" + id }
func folderKey(owner, id string) string { return "folder/" + owner + "/" + id }

// seqState is the value of seqKey (journals written before the feed).
type seqState struct {
	Seq   int64  `json:"seq"`
	Epoch string `json:"epoch"`
}

// parseKey splits a journal key into its kind, user and id.
func parseKey(key string) (kind, owner, id string, err error) {
	if key == seqKey {
		return key, "", "", nil
	}
	parts := strings.SplitN(key, "/", 3)
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return "", "", "", fmt.Errorf("mail: unknown journal key %q", key)
	}
	switch parts[0] {
	case "msg", "folder", "tomb", "settings":
		return parts[0], parts[1], parts[2], nil
	}
	return "", "", "", fmt.Errorf("mail: unknown journal key %q", key)
}

// Record implements graphkit.Store.
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mail
	for _, key := range keys {
		var v any
		if st.feed.Owns(key) {
			fv, err := st.feed.Value(key)
			if err != nil {
				return err
			}
			if err := emitValue(emit, key, fv); err != nil {
				return err
			}
			continue
		}
		kind, owner, id, err := parseKey(key)
		if err != nil {
			return err
		}
		mb := st.boxes[owner]
		switch {
		case kind == seqKey, kind == "tomb":
			return fmt.Errorf("mail: %s is read from older journals only", key)
		case mb == nil:
		case kind == "msg":
			if m := mb.msgs[id]; m != nil {
				v = m
			}
		case kind == "folder":
			if f := mb.folders[id]; f != nil {
				v = f
			}
		case kind == "settings":
			if mb.settings != nil {
				v = mb.settings
			}
		}
		if err := emitValue(emit, key, v); err != nil {
			return err
		}
	}
	return nil
}

// emitValue emits v as key's JSON (nil: gone).
func emitValue(emit func(string, json.RawMessage) error, key string, v any) error {
	var raw json.RawMessage
	if v != nil {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return err
		}
	}
	return emit(key, raw)
}

// Apply implements graphkit.Store. Keys of users without a mailbox are
// ignored, as Restore ignores their mailboxes.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mail
	if st.feed.Owns(key) {
		return st.feed.Apply(key, v)
	}
	kind, owner, id, err := parseKey(key)
	if err != nil {
		return err
	}
	if kind == seqKey {
		var ss seqState
		if err := json.Unmarshal(v, &ss); err != nil {
			return fmt.Errorf("mail: journal %s: %w", key, err)
		}
		st.feed.SetHead(ss.Seq, ss.Epoch)
		return nil
	}
	mb := st.boxes[owner]
	if mb == nil {
		return nil
	}
	mb.order = orderCache{}
	st.deferred = -1
	switch kind {
	case "msg":
		if v == nil {
			delete(mb.msgs, id)
			return nil
		}
		var m mailMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("mail: journal %s: %w", key, err)
		}
		mb.msgs[id] = &m
	case "folder":
		if v == nil {
			delete(mb.folders, id)
			return nil
		}
		var f mailFolder
		if err := json.Unmarshal(v, &f); err != nil {
			return fmt.Errorf("mail: journal %s: %w", key, err)
		}
		mb.folders[id] = &f
	case "settings":
		mb.settings = nil
		if v != nil {
			var o outlookSettings
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("mail: journal %s: %w", key, err)
			}
			mb.settings = &o
		}
	case "tomb":
		if v == nil {
			return nil // older journals never removed a tombstone
		}
		var t tombstone
		if err := json.Unmarshal(v, &t); err != nil {
			return fmt.Errorf("mail: journal %s: %w", key, err)
		}
		st.feed.AddTombstone(t.feed(mb))
	}
	return nil
}

var _ graphkit.Workload = (*Workload)(nil)
