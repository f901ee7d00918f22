package workbook

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// memStore is a drive of one or more items, in memory.
type memStore struct {
	mu      sync.Mutex
	data    map[string][]byte
	version map[string]int
	saves   int
}

func newMemStore(t *testing.T) *memStore {
	data, err := os.ReadFile("testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	return &memStore{data: map[string][]byte{"item1": data}, version: map[string]int{"item1": 1}}
}

func (m *memStore) Version(item string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.data[item]; !ok {
		return "", ErrItemNotFound
	}
	return strconv.Itoa(m.version[item]), nil
}

func (m *memStore) Load(item string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.data[item], nil
}

func (m *memStore) Save(item string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[item], m.version[item] = data, m.version[item]+1
	m.saves++
	return nil
}

// stored reads a cell of what the store holds now.
func (m *memStore) stored(t *testing.T, address string) any {
	t.Helper()
	data, _ := m.Load("item1")
	b, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Range("", address)
	if err != nil {
		t.Fatal(err)
	}
	return r.Values[0][0]
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setB2(v any) func(*Book) error {
	return func(b *Book) error {
		_, err := b.SetRange("Sales", "B2", RangePatch{Values: [][]any{{v}}})
		return err
	}
}

func readB2(s *Sessions, id string) (any, error) {
	var v any
	err := s.Do("item1", id, false, func(b *Book) error {
		r, err := b.Range("Sales", "B2")
		if err == nil {
			v = r.Values[0][0]
		}
		return err
	})
	return v, err
}

func TestSessionModes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		session string // "", "persistent", "non-persistent"
		saved   bool
	}{
		{"sessionless writes are saved", "", true},
		{"a persistent session writes through", "persistent", true},
		{"a non-persistent session's writes stay in its copy", "non-persistent", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newMemStore(t)
			c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			s := NewSessions(store, c.now)
			id := ""
			if tc.session != "" {
				info, err := s.Create("item1", tc.session == "persistent")
				if err != nil || info.ID == "" || info.PersistChanges != (tc.session == "persistent") {
					t.Fatalf("create = %+v, %v", info, err)
				}
				id = info.ID
			}
			if err := s.Do("item1", id, true, setB2(99)); err != nil {
				t.Fatal(err)
			}
			if v, err := readB2(s, id); err != nil || v != 99.0 {
				t.Fatalf("the session reads %v, %v", v, err)
			}
			want := 3.0
			if tc.saved {
				want = 99.0
			}
			if got := store.stored(t, "Sales!B2"); got != want {
				t.Fatalf("stored B2 = %v, want %v", got, want)
			}
			if v, _ := readB2(s, ""); v != want {
				t.Fatalf("a sessionless read sees %v, want %v", v, want)
			}
			if got := store.stored(t, "Sales!D2"); tc.saved && got != 99*1.5 {
				t.Fatalf("stored D2 (=B2*C2) = %v", got)
			}
			if id == "" {
				return
			}
			if err := s.Close("item1", id); err != nil {
				t.Fatal(err)
			}
			wantErr(t, s.Do("item1", id, false, func(*Book) error { return nil }), ErrSessionExpired)
			if got := store.stored(t, "Sales!B2"); got != want {
				t.Fatalf("after close stored B2 = %v, want %v", got, want)
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	for _, tc := range []struct {
		persist bool
		idle    time.Duration
	}{
		{true, PersistentIdle},
		{false, NonPersistentIdle},
	} {
		t.Run(fmt.Sprint("persist=", tc.persist), func(t *testing.T) {
			c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			s := NewSessions(newMemStore(t), c.now)
			info, err := s.Create("item1", tc.persist)
			if err != nil {
				t.Fatal(err)
			}
			// Use keeps a session alive: three idle periods pass in steps just short of one.
			for range 3 {
				c.add(tc.idle - time.Second)
				if _, err := readB2(s, info.ID); err != nil {
					t.Fatalf("a session in use expired: %v", err)
				}
			}
			c.add(tc.idle - time.Second)
			if err := s.Refresh("item1", info.ID); err != nil {
				t.Fatalf("refresh: %v", err)
			}
			c.add(tc.idle + time.Second)
			_, err = readB2(s, info.ID)
			wantErr(t, err, ErrSessionExpired)
			wantErr(t, s.Refresh("item1", info.ID), ErrSessionExpired)
			wantErr(t, s.Close("item1", info.ID), ErrSessionExpired)
		})
	}
}

func TestSessionErrors(t *testing.T) {
	store := newMemStore(t)
	store.data["item2"], store.version["item2"] = []byte("plain text"), 1
	s := NewSessions(store, time.Now)
	info, err := s.Create("item1", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want *Error
	}{
		{"unknown id", s.Refresh("item1", "nope"), ErrSessionExpired},
		{"another workbook's session", s.Refresh("item2", info.ID), ErrSessionExpired},
		{"a file that is not a workbook", func() error { _, err := s.Create("item2", true); return err }(), &Error{Status: 400, Code: "unsupportedWorkbook"}},
		{"a missing item", func() error { _, err := s.Create("item3", false); return err }(), ErrItemNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.want) })
	}
}

func TestFailedWriteIsNotSaved(t *testing.T) {
	store := newMemStore(t)
	s := NewSessions(store, time.Now)
	// The first cell is written before the second is refused.
	err := s.Do("item1", "", true, func(b *Book) error {
		if _, err := b.SetRange("Sales", "B2", RangePatch{Values: [][]any{{77}}}); err != nil {
			return err
		}
		_, err := b.SetRange("Sales", "B3", RangePatch{Values: [][]any{{[]int{1}}}})
		return err
	})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	if store.saves != 0 {
		t.Fatalf("a failed write was saved")
	}
	if v, _ := readB2(s, ""); v != 3.0 {
		t.Fatalf("the shared copy kept half a failed write: B2 = %v", v)
	}
}

func TestUploadReplacesTheSharedCopy(t *testing.T) {
	store := newMemStore(t)
	s := NewSessions(store, time.Now)
	info, _ := s.Create("item1", true)
	if v, _ := readB2(s, info.ID); v != 3.0 {
		t.Fatalf("B2 = %v", v)
	}
	b := New()
	if _, err := b.UpdateWorksheet("Sheet1", WorksheetUpdate{Name: ptr("Sales")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetRange("Sales", "B2", RangePatch{Values: [][]any{{"uploaded"}}}); err != nil {
		t.Fatal(err)
	}
	data, _ := b.Bytes()
	_ = store.Save("item1", data)
	if v, _ := readB2(s, info.ID); v != "uploaded" {
		t.Fatalf("after an upload the session reads %v", v)
	}
}

// Concurrent persistent writers and a non-persistent session on one workbook:
// every persistent write lands, none is lost to another, and the
// non-persistent session sees only its own change.
func TestConcurrentSessions(t *testing.T) {
	store := newMemStore(t)
	s := NewSessions(store, time.Now)
	scratch, err := s.Create("item1", false)
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			info, err := s.Create("item1", true)
			if err != nil {
				t.Error(err)
				return
			}
			cell := fmt.Sprintf("Notes!D%d", i+1)
			err = s.Do("item1", info.ID, true, func(b *Book) error {
				_, err := b.SetRange("", cell, RangePatch{Values: [][]any{{i}}})
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.Do("item1", scratch.ID, true, setB2(-1)); err != nil {
			t.Error(err)
		}
	}()
	wg.Wait()
	for i := range writers {
		if got := store.stored(t, fmt.Sprintf("Notes!D%d", i+1)); got != float64(i) {
			t.Errorf("Notes!D%d = %v: a persistent write was lost", i+1, got)
		}
	}
	if got := store.stored(t, "Sales!B2"); got != 3.0 {
		t.Errorf("a non-persistent write reached the store: %v", got)
	}
	if v, _ := readB2(s, scratch.ID); v != -1.0 {
		t.Errorf("the non-persistent session lost its change: %v", v)
	}
	err = s.Do("item1", scratch.ID, false, func(b *Book) error {
		r, err := b.Range("Notes", "D1")
		if err == nil && r.Values[0][0] != "" {
			t.Errorf("the non-persistent copy saw a later persistent write: %v", r.Values)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
