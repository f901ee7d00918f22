package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// gates admit one goroutine per lock key of a process to the database, so that waiters in one
// process hold one connection between them, not one each.
type gates struct {
	mu sync.Mutex
	m  map[int64]chan struct{}
}

func (g *gates) get(key int64) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[int64]chan struct{}{}
	}
	ch := g.m[key]
	if ch == nil {
		ch = make(chan struct{}, 1)
		g.m[key] = ch
	}
	return ch
}

// lockKey is the advisory lock key of one connection of a profile.
func lockKey(profile, provider, name string) int64 {
	sum := sha256.Sum256([]byte("authsome connection lock\x00" + profile + "\x00" + provider + "\x00" + name))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

// LockConnection takes the exclusive lock of one connection across every Store on the database
// (for example around a token refresh), waiting until it is free or ctx is done. The lock is a
// session advisory lock on a connection of its own, held until unlock is called (unlock is
// idempotent): a holder that dies, or loses its connection, releases it. Waiters in one process
// queue in the process first, so they take one database connection between them.
func (s *Store) LockConnection(ctx context.Context, provider, name string) (unlock func(), err error) {
	if provider == "" || name == "" {
		return nil, fmt.Errorf("pgstore: LockConnection needs a provider and a connection name")
	}
	key := lockKey(s.profile, provider, name)
	gate := s.gates.get(key)
	select {
	case gate <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		<-gate
		return nil, fmt.Errorf("pgstore: connecting for the lock of %s/%s: %w", provider, name, err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		conn.Close(context.Background()) // a lock granted as ctx ended goes with the session
		<-gate
		return nil, fmt.Errorf("pgstore: waiting for the lock of %s/%s: %w", provider, name, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", key)
			conn.Close(context.Background())
			<-gate
		})
	}, nil
}
