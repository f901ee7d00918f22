package graphkit

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
)

// Store is data the sandbox keeps across restarts: reset to the seeded
// tenant, saved whole in a snapshot, and journaled change by change so that a
// killed sandbox loses no answered write.
//
// A store journals by entity: a handler that changes an entity calls Touch
// with the entity's key (any string the store can read back, such as
// "msg/<user>/<id>"); before the answer leaves, the server calls Record with
// the keys the request touched, and Record emits each entity's current JSON
// (nil when it is gone) while holding the store's lock, so that the journal
// sees a key's values in the order they were made. On start, Apply puts the
// journaled values back over the snapshot, in order.
type Store interface {
	// Name keys the store's part of the state; it is on disk, so it never changes.
	Name() string
	// Reset puts the seeded data back.
	Reset()
	// Snapshot returns the whole state; Restore replaces the state with one.
	Snapshot() (json.RawMessage, error)
	Restore(json.RawMessage) error
	// Record emits the current value of each key (nil: the entity is gone).
	Record(keys []string, emit func(key string, v json.RawMessage) error) error
	// Apply sets key to v (nil: removes it) while the journal is replayed.
	Apply(key string, v json.RawMessage) error
}

// Workload is a Graph workload (mail, calendar, contacts, ...): a store with
// routes. Adding one is its package plus one line in the server's registry.
type Workload interface {
	Store
	// Routes registers the workload's Graph routes (/me/... and /users/{id}/...).
	Routes(m *Mux)
}

// changeSet is the entity keys a request touched, by store.
type changeSet struct {
	mu   sync.Mutex
	keys map[string][]string
	seen map[[2]string]bool
}

type changeKey struct{}

// WithChanges returns ctx carrying an empty change set and a function that
// returns what was touched (store → keys, each key once, in touch order).
func WithChanges(ctx context.Context) (context.Context, func() map[string][]string) {
	cs := &changeSet{keys: map[string][]string{}, seen: map[[2]string]bool{}}
	return context.WithValue(ctx, changeKey{}, cs), func() map[string][]string {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		return cs.keys
	}
}

// Touch notes that the request changed (created, updated or removed) the
// entity key of store. Without a change set (a read, or no journal) it does
// nothing.
func Touch(r *http.Request, store, key string) { TouchCtx(r.Context(), store, key) }

// TouchCtx is Touch for code that has the request's context only.
func TouchCtx(ctx context.Context, store, key string) {
	cs, _ := ctx.Value(changeKey{}).(*changeSet)
	if cs == nil {
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	k := [2]string{store, key}
	if !cs.seen[k] {
		cs.seen[k] = true
		cs.keys[store] = append(cs.keys[store], key)
	}
}
