package subscriptions

import (
	"encoding/json"
	"strings"
)

// Journal keys: "sub/<id>", a subscription. What a subscription watches is
// resolved again from its resource when it comes back (resolveAll).

func subKey(id string) string { return "sub/" + id }

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset ends every subscription: the seeded tenant has none.
func (s *Workload) Reset() {
	s.mu.Lock()
	for _, sb := range s.subs {
		s.drop(sb)
	}
	s.mu.Unlock()
}

// Snapshot returns every subscription.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*sub, 0, len(s.subs))
	for _, sb := range s.subs {
		out = append(out, sb)
	}
	return json.Marshal(map[string]any{"subscriptions": out})
}

// Restore replaces the subscriptions with a snapshot's.
func (s *Workload) Restore(data json.RawMessage) error {
	var j struct {
		Subscriptions []*sub `json:"subscriptions"`
	}
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	s.Reset()
	s.mu.Lock()
	for _, sb := range j.Subscriptions {
		s.add(sb)
	}
	s.mu.Unlock()
	s.resolveAll()
	return nil
}

// Record emits the current value of each key (nil when it is gone).
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		var v json.RawMessage
		if sb := s.subs[strings.TrimPrefix(k, "sub/")]; sb != nil {
			b, err := json.Marshal(sb)
			if err != nil {
				return err
			}
			v = b
		}
		if err := emit(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	id := strings.TrimPrefix(key, "sub/")
	s.mu.Lock()
	if sb := s.subs[id]; sb != nil {
		s.drop(sb)
	}
	var sb *sub
	if v != nil {
		sb = new(sub)
		if err := json.Unmarshal(v, sb); err != nil {
			s.mu.Unlock()
			return err
		}
		s.add(sb)
	}
	s.mu.Unlock()
	if sb != nil {
		s.resolveAll()
	}
	return nil
}

// resolveAll finds again what each subscription without a watch covers,
// once the workloads are attached; one whose resource is gone stays and
// notifies nothing until it expires.
func (s *Workload) resolveAll() {
	if len(s.sources) == 0 {
		return // Attach will
	}
	s.mu.Lock()
	var todo []*sub
	for _, sb := range s.subs {
		if sb.watch == nil {
			todo = append(todo, sb)
		}
	}
	s.mu.Unlock()
	for _, sb := range todo {
		owner := s.Dir.Find(sb.Owner)
		if sb.Owner != "" && owner == nil {
			continue
		}
		w, ge := s.watch(owner, sb.Rest)
		if ge != nil {
			continue
		}
		s.mu.Lock()
		sb.watch = w
		s.mu.Unlock()
	}
}
