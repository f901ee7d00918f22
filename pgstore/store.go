// Package pgstore keeps profiles' credentials in PostgreSQL, so that several gateway replicas
// on several hosts share one store: connections, OAuth clients, user provider files and an
// audit log, with the same operations as the local vault (Load, Update, a lock per connection,
// a version that changes with the data).
//
// Secrets never reach the database in clear: every connection and client row is an envelope
// ([vault.SealEnvelope]), the record sealed under its own data key, that key wrapped by the
// profile's key-encryption key from a [vault.KeySource] (environment, file or passphrase).
// The schema is embedded and migrated on [Open] under an advisory lock, so replicas may start
// together. Writes serialise on the profile's row (SELECT … FOR UPDATE) and announce the new
// version with NOTIFY; each Store keeps the version current from a LISTEN connection, from its
// first Version on.
package pgstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/authsome-go/authsome/vault"
)

// Store is one profile's credentials in a PostgreSQL database. It is safe for concurrent use;
// any number of Stores, in any number of processes, may share a database. The zero Store is
// not usable; call [Open], and Close when done.
type Store struct {
	pool    *pgxpool.Pool
	profile string

	mu   sync.Mutex // guards keys and kek
	keys vault.KeySource
	kek  []byte

	ver   versionWatch
	gates gates

	// The LISTEN goroutine, started by the first Version (a Store that is never asked for its
	// version, a command's say, needs no LISTEN connection).
	listenStart sync.Once
	listenCtx   context.Context
	cancel      context.CancelFunc
	done        chan struct{} // closed when the listener has stopped (or by Close, if it never started)
}

// Open connects to the database named by dsn (a postgres:// URL or key=value string; a
// password is best given by PGPASSWORD or a .pgpass file rather than in the URL), applies the
// schema migrations it lacks, and opens profile with keys. The profile's first Open records
// the key source and an identifier of its key (creating a key file if needed); later Opens
// must give the same kind of source and the same key, or fail with an error matching
// vault.ErrWrongKey.
func Open(ctx context.Context, dsn, profile string, keys vault.KeySource) (*Store, error) {
	if err := vault.ValidateProfileName(profile); err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if keys == nil {
		return nil, errors.New("pgstore: Open needs a key source")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// Not err itself: a connection string that does not parse may hold a password.
		return nil, errors.New("pgstore: the connection string is not valid (postgres://user@host:port/database?sslmode=… or key=value pairs)")
	}
	tunePool(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool, profile: profile, keys: keys, done: make(chan struct{})}
	if _, err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.openProfile(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	s.listenCtx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Close stops the listener and closes the database connections. Locks taken with
// LockConnection are not affected (each has its own connection until unlocked).
func (s *Store) Close() {
	s.stopListener()
	s.pool.Close()
}

// startListener starts the LISTEN goroutine, unless it was started (or stopped) before.
func (s *Store) startListener() {
	s.listenStart.Do(func() { go s.listen(s.listenCtx) })
}

// stopListener stops the LISTEN goroutine and waits for it (Version then asks the database).
func (s *Store) stopListener() {
	s.listenStart.Do(func() { close(s.done) }) // never started: none to wait for, and none to come
	s.cancel()
	<-s.done
}

// Profile is the name of the store's profile.
func (s *Store) Profile() string { return s.profile }

// KeySourceName names the kind of the key-encryption key in use: "env", "file" or "passphrase".
func (s *Store) KeySourceName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys.Name()
}

// openProfile creates the profile's row if needed and checks (or, the first time, records)
// its key.
func (s *Store) openProfile(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO profiles (name) VALUES ($1) ON CONFLICT DO NOTHING", s.profile); err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		var source *string
		var keyID, kdf []byte
		var version int64
		err := tx.QueryRow(ctx, "SELECT key_source, key_id, kdf, version FROM profiles WHERE name = $1 FOR UPDATE",
			s.profile).Scan(&source, &keyID, &kdf, &version)
		if err != nil {
			return fmt.Errorf("pgstore: %w", err)
		}
		s.ver.observe(version)
		if source == nil {
			kek, newKDF, err := vault.KEK(ctx, s.keys, true, nil)
			if err != nil {
				return fmt.Errorf("pgstore: profile %q: creating the %s key: %w", s.profile, s.keys.Name(), err)
			}
			_, err = tx.Exec(ctx, "UPDATE profiles SET key_source = $2, key_id = $3, kdf = $4, updated_at = now() WHERE name = $1",
				s.profile, s.keys.Name(), vault.KEKID(kek), nullJSON(newKDF))
			s.kek = kek
			return err
		}
		if *source != s.keys.Name() {
			return fmt.Errorf("pgstore: profile %q: %w: its records are sealed with the %q key source, but the %q key source was given",
				s.profile, vault.ErrWrongKey, *source, s.keys.Name())
		}
		kek, _, err := vault.KEK(ctx, s.keys, false, kdf)
		if errors.Is(err, vault.ErrKeyNotFound) || errors.Is(err, vault.ErrNeedPassphrase) {
			return fmt.Errorf("pgstore: profile %q: %w: cannot get the %s key its records are sealed with: %w", s.profile, vault.ErrWrongKey, s.keys.Name(), err)
		}
		if err != nil {
			return fmt.Errorf("pgstore: profile %q: getting the %s key: %w", s.profile, s.keys.Name(), err)
		}
		if !bytes.Equal(vault.KEKID(kek), keyID) {
			return s.wrongKey()
		}
		s.kek = kek
		return nil
	})
}

func (s *Store) wrongKey() error {
	return fmt.Errorf("pgstore: profile %q: %w: the %s key does not open its records (was the store rekeyed? give the new key)",
		s.profile, vault.ErrWrongKey, s.KeySourceName())
}

// currentKEK returns the key-encryption key in use.
func (s *Store) currentKEK() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kek
}

// nullJSON maps an empty JSON document to SQL NULL.
func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}
