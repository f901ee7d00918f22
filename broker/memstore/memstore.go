// Package memstore is a [broker.Store] that keeps one profile's data in memory, for tests and
// for programs that must not persist tokens. The data lives as long as the Store; every
// [broker.Broker] given the same Store shares it, as processes share a vault file.
package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/authsome-go/authsome/vault"
)

// Store is an in-memory store. The zero value is an empty store ready to use; it is safe for
// concurrent use by multiple goroutines and must not be copied after first use.
type Store struct {
	mu      sync.Mutex // guards data and version; held through Update
	data    []byte     // the JSON encoding of the current vault.Data; nil: empty
	version uint64

	locks sync.Map // provider+"\x00"+name → chan struct{} of capacity 1
}

// New returns an empty store.
func New() *Store { return &Store{} }

// Load returns a fresh copy of the data.
func (s *Store) Load(ctx context.Context) (*vault.Data, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decode()
}

// Update runs fn on a copy of the data and keeps the result unless fn fails. Updates are
// serialised.
func (s *Store) Update(ctx context.Context, fn func(*vault.Data) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.decode()
	if err != nil {
		return err
	}
	if err := fn(d); err != nil {
		return err
	}
	d.Normalize()
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("memstore: encoding: %w", err)
	}
	s.data = b
	s.version++
	return nil
}

// decode returns a copy of the data; the caller holds mu.
func (s *Store) decode() (*vault.Data, error) {
	d := new(vault.Data)
	if s.data != nil {
		if err := json.Unmarshal(s.data, d); err != nil {
			return nil, fmt.Errorf("memstore: decoding: %w", err)
		}
	}
	d.Normalize()
	return d, nil
}

// LockConnection takes the refresh lock of one connection, waiting until it is free or ctx is
// done. unlock is idempotent.
func (s *Store) LockConnection(ctx context.Context, provider, name string) (unlock func(), err error) {
	v, _ := s.locks.LoadOrStore(provider+"\x00"+name, make(chan struct{}, 1))
	sem := v.(chan struct{})
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("memstore: waiting for the refresh lock of %s/%s: %w", provider, name, ctx.Err())
	}
	var once sync.Once
	return func() { once.Do(func() { <-sem }) }, nil
}

// Version counts the updates.
func (s *Store) Version(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return strconv.FormatUint(s.version, 10), nil
}
