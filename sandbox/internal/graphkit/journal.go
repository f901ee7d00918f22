package graphkit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Helpers for the Store contract of workloads that keep their data by user.

// SeqKey is the journal key of a store's change counter.
const SeqKey = "seq"

// NextSeq advances the change counter *seq of store (it numbers new ids and
// change keys) and touches SeqKey.
func NextSeq(ctx context.Context, store string, seq *int) int {
	*seq++
	TouchCtx(ctx, store, SeqKey)
	return *seq
}

// Entities journals a store whose entities have keys "<kind>/<user>/<id>"
// and whose change counter is Seq (key SeqKey) or, for a store with a change
// feed, Feed (its keys FeedKey and "feed/<seq>"; a SeqKey of a journal
// written before the feed sets the feed's position). The caller holds the
// store's lock around Record and Apply.
type Entities struct {
	Seq  *int
	Feed *Feed
	// Get returns an entity's current value, nil when it is gone.
	Get func(kind string, user, id string) (any, error)
	// Set sets an entity to v, or removes it when v is nil.
	Set func(kind string, user, id string, v json.RawMessage) error
}

// Record implements Store.Record.
func (e Entities) Record(keys []string, emit func(string, json.RawMessage) error) error {
	return RecordValues(keys, emit, func(key string) (any, error) {
		switch {
		case e.Feed != nil && e.Feed.Owns(key):
			return e.Feed.Value(key)
		case key == SeqKey && e.Seq != nil:
			return *e.Seq, nil
		}
		kind, user, id, err := EntityKey(key)
		if err != nil {
			return nil, err
		}
		return e.Get(kind, user, id)
	})
}

// Apply implements Store.Apply.
func (e Entities) Apply(key string, v json.RawMessage) error {
	switch {
	case e.Feed != nil && e.Feed.Owns(key):
		return e.Feed.Apply(key, v)
	case key == SeqKey && e.Feed != nil:
		var n int64
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("journal %s: %w", key, err)
		}
		e.Feed.SetHead(n, e.Feed.Epoch())
		return nil
	case key == SeqKey:
		return json.Unmarshal(v, e.Seq)
	}
	kind, user, id, err := EntityKey(key)
	if err != nil {
		return err
	}
	return e.Set(kind, user, id, v)
}

// EntityKey reads a journal key of the form "<kind>/<user>/<id>".
func EntityKey(key string) (kind, user, id string, err error) {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", fmt.Errorf("bad journal key %q", key)
	}
	return parts[0], parts[1], parts[2], nil
}

// RecordValues implements Store.Record over value, which returns a key's
// current value (nil when it is gone); the caller holds the store's lock.
func RecordValues(keys []string, emit func(string, json.RawMessage) error, value func(key string) (any, error)) error {
	for _, key := range keys {
		v, err := value(key)
		if err != nil {
			return err
		}
		var raw json.RawMessage
		if v != nil {
			if raw, err = json.Marshal(v); err != nil {
				return err
			}
		}
		if err := emit(key, raw); err != nil {
			return err
		}
	}
	return nil
}

// ApplyList implements Store.Apply for an item kept in an ordered list: v
// replaces the item whose idOf is id, or is appended when there is none; a
// nil v removes it.
func ApplyList[T any](list []*T, id string, idOf func(*T) string, v json.RawMessage) ([]*T, error) {
	i := slices.IndexFunc(list, func(x *T) bool { return idOf(x) == id })
	if v == nil {
		if i >= 0 {
			list = slices.Delete(list, i, i+1)
		}
		return list, nil
	}
	x := new(T)
	if err := json.Unmarshal(v, x); err != nil {
		return list, err
	}
	if i >= 0 {
		list[i] = x
	} else {
		list = append(list, x)
	}
	return list, nil
}
