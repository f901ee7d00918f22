package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// versionWatch is the latest profile version a Store knows of, and whether its LISTEN
// connection is up (then the version is current without asking the database).
type versionWatch struct {
	mu      sync.Mutex
	version int64
	// epoch counts the LISTEN connection's reconnections: the notifications sent while it
	// was down are lost, so each one changes the version token, as if everything had
	// changed (callers drop their caches).
	epoch     int64
	listened  bool // the LISTEN connection was up once
	listening atomic.Bool
}

// listenStarted notes that the LISTEN connection is up (again).
func (w *versionWatch) listenStarted() {
	w.mu.Lock()
	if w.listened {
		w.epoch++
	}
	w.listened = true
	w.mu.Unlock()
	w.listening.Store(true)
}

// observe records v when it is newer than what is known.
func (w *versionWatch) observe(v int64) {
	w.mu.Lock()
	if v > w.version {
		w.version = v
	}
	w.mu.Unlock()
}

// token is the version as [Store.Version] gives it: the version, and the epoch once the
// LISTEN connection has reconnected.
func (w *versionWatch) token() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	v := strconv.FormatInt(w.version, 10)
	if w.epoch > 0 {
		v += "." + strconv.FormatInt(w.epoch, 10)
	}
	return v
}

// Version returns a token that changes whenever the profile's content changes, by any Store
// on the database: callers compare it with the one they saw to know whether a cache is stale.
// While the Store's LISTEN connection is up it answers from memory (kept current by NOTIFY);
// otherwise it asks the database. The first call starts that connection. Each reconnection of
// that connection changes the token too: the notifications sent while it was down are lost.
func (s *Store) Version(ctx context.Context) (string, error) {
	s.startListener()
	if s.ver.listening.Load() {
		return s.ver.token(), nil
	}
	v, err := s.queryVersion(ctx, s.pool)
	if err != nil {
		return "", err
	}
	s.ver.observe(v)
	return s.ver.token(), nil
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) queryVersion(ctx context.Context, q queryRower) (int64, error) {
	var v int64
	if err := q.QueryRow(ctx, "SELECT version FROM profiles WHERE name = $1", s.profile).Scan(&v); err != nil {
		return 0, fmt.Errorf("pgstore: reading the version: %w", err)
	}
	return v, nil
}

// Listener back-off after the LISTEN connection fails.
const (
	listenRetryMin = 100 * time.Millisecond
	// listenRetryMax is short: a database that is back is listened to within a second.
	listenRetryMax = time.Second
	// listenCheck is how long the listener waits for a notification before it checks that its
	// connection still answers.
	listenCheck = 30 * time.Second
	// listenerName is the application_name of listener sessions (pg_stat_activity).
	listenerName = "authsome-store-listener"
)

// listen keeps a LISTEN connection up until ctx ends, reconnecting with back-off.
func (s *Store) listen(ctx context.Context) {
	defer close(s.done)
	wait := listenRetryMin
	for {
		connected, _ := s.listenOnce(ctx)
		s.ver.listening.Store(false)
		if connected {
			wait = listenRetryMin
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listenOnce listens on one connection until it fails; connected reports whether it got as far
// as listening.
func (s *Store) listenOnce(ctx context.Context) (connected bool, err error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = listenerName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return false, err
	}
	// Listening first, then reading: no write can fall between the two unseen.
	v, err := s.queryVersion(ctx, conn)
	if err != nil {
		return false, err
	}
	s.ver.observe(v)
	s.ver.listenStarted()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil && ctx.Err() == nil && wctx.Err() != nil {
			// Quiet for a while: make sure the connection still answers (a dead peer
			// sends no notification and no error either) and catch up.
			qctx, qcancel := context.WithTimeout(ctx, listenCheck/3)
			v, err = s.queryVersion(qctx, conn)
			qcancel()
			if err != nil {
				return true, err
			}
			s.ver.observe(v)
			continue
		}
		if err != nil {
			return true, err
		}
		profile, num, ok := strings.Cut(n.Payload, " ")
		if v, err := strconv.ParseInt(num, 10, 64); ok && err == nil && profile == s.profile {
			s.ver.observe(v)
		}
	}
}
