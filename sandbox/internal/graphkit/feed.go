package graphkit

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// A Feed is a store's change feed: one sequence that numbers every change
// the store makes, tombstones for the entities it removed, and an epoch that
// tells its positions from those of another store (or of this one before a
// Reset). Delta of any workload reads it: a round reports the entities whose
// last change has a position after the token's, and the tombstones after it
// (Since). Subscribers (Subscribe) hear of every change as it is made, for
// change notifications.
//
// The feed is part of its store's state: its workload puts State in its
// snapshot, Restores it, and journals it by the keys FeedKey and
// "feed/<seq>" (Owns, Value, Apply); the methods that change it Touch those
// keys on the request's context. The caller holds the store's lock around
// every method.
type Feed struct {
	store   string
	seq     int64
	epoch   string
	horizon int64
	tombs   []Tombstone // in sequence order
	subs    map[int]func(Change)
	nextSub int
	// MaxTombstones is how many tombstones the feed keeps; when a removal
	// passes it, the oldest half are dropped and the horizon moves past them.
	MaxTombstones int
}

// DefaultMaxTombstones is a new feed's MaxTombstones.
const DefaultMaxTombstones = 100000

// FeedKey is the journal key of a feed's sequence, epoch and horizon; its
// tombstones are journaled as "feed/<seq>".
const FeedKey = "feed"

const tombPrefix = FeedKey + "/"

// ChangeKind is what a change did to an entity.
type ChangeKind string

// The kinds of change, as change notifications name them.
const (
	Created ChangeKind = "created"
	Updated ChangeKind = "updated"
	Deleted ChangeKind = "deleted"
)

// Change is one change a feed heard of: in store, in scope (such as
// "<user>/<folder>"), the entity key (its id), what happened and its
// position in the feed.
type Change struct {
	Store, Scope, Key string
	Kind              ChangeKind
	Seq               int64
}

// Tombstone records a removed entity: its scope and id, its position, and
// the fields its workload needs to report it (a message's immutable id).
type Tombstone struct {
	Scope string            `json:"scope"`
	ID    string            `json:"id"`
	Seq   int64             `json:"seq"`
	Extra map[string]string `json:"extra,omitempty"`
}

// FeedState is a feed's part of its store's snapshot.
type FeedState struct {
	Seq        int64       `json:"seq"`
	Epoch      string      `json:"epoch"`
	Horizon    int64       `json:"horizon,omitempty"`
	Tombstones []Tombstone `json:"tombstones"`
}

// feedHead is the value of FeedKey.
type feedHead struct {
	Seq     int64  `json:"seq"`
	Epoch   string `json:"epoch"`
	Horizon int64  `json:"horizon,omitempty"`
}

// NewFeed returns an empty feed of store with a new epoch.
func NewFeed(store string) *Feed {
	return &Feed{store: store, epoch: ids.Random("", 6), MaxTombstones: DefaultMaxTombstones}
}

// Seq is the position of the last change.
func (f *Feed) Seq() int64 { return f.seq }

// Epoch tells this feed's positions from another's.
func (f *Feed) Epoch() string { return f.epoch }

// Horizon is the position before which tombstones may have been dropped: a
// token older than it can no longer be answered.
func (f *Feed) Horizon() int64 { return f.horizon }

// Next advances the sequence (a change that notifies nobody: a new id, say)
// and returns the new position.
func (f *Feed) Next(ctx context.Context) int64 {
	f.seq++
	f.touch(ctx, FeedKey)
	return f.seq
}

// Changed numbers a change (created or updated) of entity key in scope,
// tells the subscribers and returns its position.
func (f *Feed) Changed(ctx context.Context, scope, key string, kind ChangeKind) int64 {
	seq := f.Next(ctx)
	f.Notify(scope, key, kind, seq)
	return seq
}

// Notify tells the subscribers of a change already numbered at seq (a
// workload whose change keys take their position with Next).
func (f *Feed) Notify(scope, key string, kind ChangeKind, seq int64) {
	for _, id := range f.subIDs() {
		f.subs[id](Change{Store: f.store, Scope: scope, Key: key, Kind: kind, Seq: seq})
	}
}

// Removed numbers the removal of entity id from scope, leaves its
// tombstone (with extra, which the caller no longer changes), tells the
// subscribers and returns its position.
func (f *Feed) Removed(ctx context.Context, scope, id string, extra map[string]string) int64 {
	seq := f.Next(ctx)
	f.tombs = append(f.tombs, Tombstone{Scope: scope, ID: id, Seq: seq, Extra: extra})
	f.touch(ctx, tombKey(seq))
	if f.MaxTombstones > 0 && len(f.tombs) > f.MaxTombstones {
		f.Compact(ctx, f.tombs[len(f.tombs)/2].Seq)
	}
	f.Notify(scope, id, Deleted, seq)
	return seq
}

// Since returns the tombstones of scope after position after, in order.
func (f *Feed) Since(scope string, after int64) []Tombstone {
	var out []Tombstone
	for _, t := range f.tombs[f.tombIndex(after+1):] {
		if t.Scope == scope {
			out = append(out, t)
		}
	}
	return out
}

// Compact drops the tombstones before position before and moves the horizon
// there: tokens older than it get ErrSyncStateExpired.
func (f *Feed) Compact(ctx context.Context, before int64) {
	if before <= f.horizon {
		return
	}
	n := f.tombIndex(before)
	for _, t := range f.tombs[:n] {
		f.touch(ctx, tombKey(t.Seq))
	}
	f.tombs = append([]Tombstone(nil), f.tombs[n:]...)
	f.horizon = before
	f.touch(ctx, FeedKey)
}

// Subscribe calls fn with every change from now on, under the store's lock
// (fn must not block nor call back into the store); cancel stops it.
func (f *Feed) Subscribe(fn func(Change)) (cancel func()) {
	if f.subs == nil {
		f.subs = map[int]func(Change){}
	}
	id := f.nextSub
	f.nextSub++
	f.subs[id] = fn
	return func() { delete(f.subs, id) }
}

// Inherit takes over old's subscribers, for a store replaced by a Reset or a
// Restore.
func (f *Feed) Inherit(old *Feed) {
	if old != nil && old != f {
		f.subs, f.nextSub = old.subs, old.nextSub
	}
}

func (f *Feed) subIDs() []int {
	out := make([]int, 0, len(f.subs))
	for id := range f.subs {
		out = append(out, id)
	}
	sort.Ints(out)
	return out
}

// State returns the feed's part of a snapshot (it shares the tombstones).
func (f *Feed) State() FeedState {
	return FeedState{Seq: f.seq, Epoch: f.epoch, Horizon: f.horizon, Tombstones: f.tombs}
}

// Restore replaces the feed's state with s; an empty epoch gets a new one.
func (f *Feed) Restore(s FeedState) {
	f.seq, f.epoch, f.horizon = s.Seq, s.Epoch, s.Horizon
	if f.epoch == "" {
		f.epoch = ids.Random("", 6)
	}
	f.tombs = append([]Tombstone(nil), s.Tombstones...)
	sort.SliceStable(f.tombs, func(i, j int) bool { return f.tombs[i].Seq < f.tombs[j].Seq })
}

// AddTombstone puts back a tombstone of an older snapshot or journal.
func (f *Feed) AddTombstone(t Tombstone) {
	i := f.tombIndex(t.Seq)
	if i < len(f.tombs) && f.tombs[i].Seq == t.Seq {
		f.tombs[i] = t
		return
	}
	f.tombs = append(f.tombs[:i], append([]Tombstone{t}, f.tombs[i:]...)...)
}

// SetHead sets the sequence and epoch (from an older journal's record).
func (f *Feed) SetHead(seq int64, epoch string) { f.seq, f.epoch = seq, epoch }

// Owns reports whether key is one of the feed's journal keys.
func (f *Feed) Owns(key string) bool { return key == FeedKey || strings.HasPrefix(key, tombPrefix) }

// Value returns the current value of one of the feed's keys (nil when the
// tombstone is gone), for Store.Record.
func (f *Feed) Value(key string) (any, error) {
	if key == FeedKey {
		return feedHead{f.seq, f.epoch, f.horizon}, nil
	}
	seq, err := tombSeq(key)
	if err != nil {
		return nil, err
	}
	if i := f.tombIndex(seq); i < len(f.tombs) && f.tombs[i].Seq == seq {
		return f.tombs[i], nil
	}
	return nil, nil
}

// Apply sets one of the feed's keys to v (nil: the tombstone is gone), for
// Store.Apply.
func (f *Feed) Apply(key string, v json.RawMessage) error {
	if key == FeedKey {
		var h feedHead
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("%s: journal %s: %w", f.store, key, err)
		}
		f.seq, f.epoch, f.horizon = h.Seq, h.Epoch, h.Horizon
		return nil
	}
	seq, err := tombSeq(key)
	if err != nil {
		return err
	}
	if v == nil {
		if i := f.tombIndex(seq); i < len(f.tombs) && f.tombs[i].Seq == seq {
			f.tombs = append(f.tombs[:i], f.tombs[i+1:]...)
		}
		return nil
	}
	var t Tombstone
	if err := json.Unmarshal(v, &t); err != nil {
		return fmt.Errorf("%s: journal %s: %w", f.store, key, err)
	}
	f.AddTombstone(t)
	return nil
}

func tombKey(seq int64) string { return tombPrefix + strconv.FormatInt(seq, 10) }

func tombSeq(key string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(key, tombPrefix), 10, 64)
	if err != nil || !strings.HasPrefix(key, tombPrefix) {
		return 0, fmt.Errorf("bad feed journal key %q", key)
	}
	return n, nil
}

// tombIndex is the index of the first tombstone at or after seq.
func (f *Feed) tombIndex(seq int64) int {
	return sort.Search(len(f.tombs), func(i int) bool { return f.tombs[i].Seq >= seq })
}

func (f *Feed) touch(ctx context.Context, key string) {
	if ctx != nil {
		TouchCtx(ctx, f.store, key)
	}
}
