package workbook

import (
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// How long a session lives without a request, as Excel on the web keeps them
// (Microsoft's Graph documentation team: persistent 5 minutes, non-persistent 7).
const (
	PersistentIdle    = 5 * time.Minute
	NonPersistentIdle = 7 * time.Minute
)

// Store is where workbooks' bytes live (the drive); item names a drive item.
// Sessions calls it while holding the item's workbook lock, so a caller of
// Sessions must not hold the Store's own lock, and the Store must not call
// back into Sessions.
type Store interface {
	// Version identifies the item's current content (its eTag): it
	// changes whenever the content does, by a save here or an upload.
	Version(item string) (string, error)
	Load(item string) ([]byte, error)
	Save(item string, data []byte) error
}

// SessionInfo is Graph's workbookSessionInfo.
type SessionInfo struct {
	ID             string `json:"id"`
	PersistChanges bool   `json:"persistChanges"`
}

// Sessions runs workbook calls on the workbooks of a Store, in Graph's three
// modes: without a session, in a persistent session and in a non-persistent one.
//
// Calls without a session and calls in persistent sessions share one copy of
// each workbook and run one at a time per workbook: a call reads, changes and
// saves the workbook whole before the next call on it starts, and a change is
// in the Store when Do returns. Concurrent persistent writes therefore never
// interleave within a call; where two change the same cells the later call
// wins, as with Excel's co-authoring. A workbook whose bytes changed in the
// Store (an upload) is read again before the next call.
//
// A non-persistent session works on a private copy of the workbook taken
// when it was created: it sees neither other sessions' changes nor later
// saves, and its own changes are dropped when it is closed or expires.
//
// Sessions is safe for concurrent use.
type Sessions struct {
	store Store
	now   func() time.Time

	mu       sync.Mutex
	live     map[string]*liveBook
	sessions map[string]*session
}

// liveBook is the shared copy of one workbook.
type liveBook struct {
	mu      sync.Mutex // held for a whole call: load, change, save
	book    *Book
	version string
}

type session struct {
	info    SessionInfo
	item    string
	private *Book // a non-persistent session's copy
	last    time.Time
}

// NewSessions serves the workbooks of store; now is the clock that expires sessions.
func NewSessions(store Store, now func() time.Time) *Sessions {
	return &Sessions{store: store, now: now, live: map[string]*liveBook{}, sessions: map[string]*session{}}
}

func (s *session) idle() time.Duration {
	if s.info.PersistChanges {
		return PersistentIdle
	}
	return NonPersistentIdle
}

// Create opens a session on item (createSession).
func (s *Sessions) Create(item string, persist bool) (SessionInfo, error) {
	var private *Book
	err := s.shared(item, false, func(b *Book) error {
		if persist {
			return nil
		}
		var err error
		private, err = b.Clone()
		return err
	})
	if err != nil {
		return SessionInfo{}, err
	}
	info := SessionInfo{ID: ids.Random("", 48), PersistChanges: persist}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	s.sessions[info.ID] = &session{info: info, item: item, private: private, last: s.now()}
	return info, nil
}

// sweep forgets expired sessions; s.mu is held.
func (s *Sessions) sweep() {
	now := s.now()
	for id, ss := range s.sessions {
		if now.Sub(ss.last) > ss.idle() {
			delete(s.sessions, id)
		}
	}
}

// session finds a live session of item and marks it used, or answers Graph's
// error for a session that is unknown, closed, expired or of another workbook.
func (s *Sessions) session(item, id string) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[id]
	if !ok || ss.item != item {
		return nil, ErrSessionExpired
	}
	now := s.now()
	if now.Sub(ss.last) > ss.idle() {
		delete(s.sessions, id)
		return nil, ErrSessionExpired
	}
	ss.last = now
	return ss, nil
}

// Refresh keeps a session alive (refreshSession).
func (s *Sessions) Refresh(item, id string) error {
	_, err := s.session(item, id)
	return err
}

// Close ends a session (closeSession); a non-persistent session's changes are dropped.
func (s *Sessions) Close(item, id string) error {
	if _, err := s.session(item, id); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.sessions, id)
	s.mu.Unlock()
	return nil
}

// Forget drops what is held for item (the drive item was deleted): its
// shared copy and its sessions.
func (s *Sessions) Forget(item string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, item)
	for id, ss := range s.sessions {
		if ss.item == item {
			delete(s.sessions, id)
		}
	}
}

// Do runs fn on item's workbook in the session id ("" for none). A write
// (write true) that succeeds is saved to the Store unless the session is
// non-persistent; a write that fails is not saved, and the shared copy is
// read again from the Store on the next call.
func (s *Sessions) Do(item, id string, write bool, fn func(*Book) error) error {
	if id != "" {
		ss, err := s.session(item, id)
		if err != nil {
			return err
		}
		if !ss.info.PersistChanges {
			return fn(ss.private)
		}
	}
	return s.shared(item, write, fn)
}

// shared runs fn on item's shared copy, loading it when the Store's content
// changed, and saves it after a successful write.
func (s *Sessions) shared(item string, write bool, fn func(*Book) error) error {
	s.mu.Lock()
	lb, ok := s.live[item]
	if !ok {
		lb = &liveBook{}
		s.live[item] = lb
	}
	s.mu.Unlock()

	lb.mu.Lock()
	defer lb.mu.Unlock()
	version, err := s.store.Version(item)
	if err != nil {
		return err
	}
	if lb.book == nil || version != lb.version {
		data, err := s.store.Load(item)
		if err != nil {
			return err
		}
		if lb.book, err = Open(data); err != nil {
			return err
		}
		lb.version = version
	}
	if err := fn(lb.book); err != nil {
		if write {
			lb.book = nil
		}
		return err
	}
	if !write {
		return nil
	}
	data, err := lb.book.Bytes()
	if err == nil {
		err = s.store.Save(item, data)
	}
	if err == nil {
		lb.version, err = s.store.Version(item)
	}
	if err != nil {
		lb.book = nil
	}
	return err
}
