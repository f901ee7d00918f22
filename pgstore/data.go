package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/vault"
)

// notifyChannel is the LISTEN/NOTIFY channel on which writes announce "<profile> <version>".
const notifyChannel = "authsome_store"

// snapshot is a profile's content as read in one transaction, with each record's plaintext
// as stored, so that a write changes only the rows whose records changed.
type snapshot struct {
	data     *vault.Data
	defaults map[string]string // provider → default connection
	conns    map[[2]string][]byte
	clients  map[string][]byte
}

// Load returns the profile's content: a fresh copy the caller owns. An empty profile gives an
// empty Data. Records the key does not open fail with an error matching vault.ErrWrongKey
// (or vault.ErrCorrupt for a damaged one).
func (s *Store) Load(ctx context.Context) (*vault.Data, error) {
	var snap *snapshot
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) (err error) {
			snap, err = s.read(ctx, tx)
			return err
		})
	if err != nil {
		return nil, err
	}
	return snap.data, nil
}

// Update runs fn on the current content and writes what it changed, in one transaction that
// holds the profile's row lock, so Updates of every Store on the database serialise. If fn
// fails, nothing is written and its error is returned as is. A write bumps the profile's
// version and announces it to every Store (NOTIFY) when it commits.
func (s *Store) Update(ctx context.Context, fn func(*vault.Data) error) error {
	var version int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.lockProfile(ctx, tx); err != nil {
			return err
		}
		snap, err := s.read(ctx, tx)
		if err != nil {
			return err
		}
		if err := fn(snap.data); err != nil {
			return err
		}
		changed, err := s.write(ctx, tx, snap)
		if err != nil || !changed {
			return err
		}
		version, err = bump(ctx, tx, s.profile)
		return err
	})
	if err == nil && version > 0 {
		s.ver.observe(version)
	}
	return err
}

// lockProfile takes the profile's row lock for the transaction and checks that the records
// are still sealed with this Store's key (another replica may have rekeyed them).
func (s *Store) lockProfile(ctx context.Context, tx pgx.Tx) error {
	var keyID []byte
	err := tx.QueryRow(ctx, "SELECT key_id FROM profiles WHERE name = $1 FOR UPDATE", s.profile).Scan(&keyID)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("pgstore: profile %q was removed from the database", s.profile)
	}
	if err != nil {
		return fmt.Errorf("pgstore: %w", err)
	}
	if !bytes.Equal(keyID, vault.KEKID(s.currentKEK())) {
		return s.wrongKey()
	}
	return nil
}

// bump raises the profile's version and queues its announcement (sent at commit).
func bump(ctx context.Context, tx pgx.Tx, profile string) (int64, error) {
	var v int64
	if err := tx.QueryRow(ctx, "UPDATE profiles SET version = version + 1, updated_at = now() WHERE name = $1 RETURNING version",
		profile).Scan(&v); err != nil {
		return 0, fmt.Errorf("pgstore: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", notifyChannel, fmt.Sprintf("%s %d", profile, v)); err != nil {
		return 0, fmt.Errorf("pgstore: %w", err)
	}
	return v, nil
}

// Envelope contexts bind each sealed record to its row.
func connContext(profile, provider, name string) string {
	return profile + "\x00connection\x00" + provider + "\x00" + name
}

func clientContext(profile, provider string) string {
	return profile + "\x00client\x00" + provider
}

// read loads and opens every record of the profile within tx.
func (s *Store) read(ctx context.Context, tx pgx.Tx) (*snapshot, error) {
	snap := &snapshot{
		data:     &vault.Data{Providers: map[string]*vault.ProviderState{}},
		defaults: map[string]string{},
		conns:    map[[2]string][]byte{},
		clients:  map[string][]byte{},
	}
	rows, _ := tx.Query(ctx, "SELECT provider, default_connection FROM providers WHERE profile = $1", s.profile)
	var prov, def string
	_, err := pgx.ForEachRow(rows, []any{&prov, &def}, func() error {
		snap.defaults[prov] = def
		snap.data.Providers[prov] = &vault.ProviderState{Default: def, Connections: map[string]*vault.Connection{}}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading providers: %w", err)
	}
	kek := s.currentKEK()
	var name string
	var env vault.Envelope
	rows, _ = tx.Query(ctx, "SELECT provider, name, key_id, wrapped_key, sealed FROM connections WHERE profile = $1", s.profile)
	_, err = pgx.ForEachRow(rows, []any{&prov, &name, &env.KeyID, &env.WrappedKey, &env.Sealed}, func() error {
		pt, c := []byte(nil), new(vault.Connection)
		if err := s.open(kek, connContext(s.profile, prov, name), env, &pt, c); err != nil {
			return fmt.Errorf("connection %s/%s: %w", prov, name, err)
		}
		c.Provider, c.Name = prov, name
		snap.conns[[2]string{prov, name}] = pt
		snap.data.Providers[prov].Connections[name] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: profile %q: %w", s.profile, err)
	}
	rows, _ = tx.Query(ctx, "SELECT provider, key_id, wrapped_key, sealed FROM oauth_clients WHERE profile = $1", s.profile)
	_, err = pgx.ForEachRow(rows, []any{&prov, &env.KeyID, &env.WrappedKey, &env.Sealed}, func() error {
		pt, c := []byte(nil), new(vault.Client)
		if err := s.open(kek, clientContext(s.profile, prov), env, &pt, c); err != nil {
			return fmt.Errorf("client of %s: %w", prov, err)
		}
		snap.clients[prov] = pt
		snap.data.Providers[prov].Client = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: profile %q: %w", s.profile, err)
	}
	return snap, nil
}

// open opens one envelope into v, keeping its plaintext in *pt.
func (s *Store) open(kek []byte, context string, env vault.Envelope, pt *[]byte, v any) error {
	b, err := vault.OpenEnvelope(kek, context, env)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: the record is not valid", vault.ErrCorrupt)
	}
	*pt = b
	return nil
}

// write stores what fn changed in snap.data: new and changed records are sealed afresh, the
// records and providers no longer there are deleted. It reports whether anything changed.
func (s *Store) write(ctx context.Context, tx pgx.Tx, snap *snapshot) (bool, error) {
	kek := s.currentKEK()
	b := &pgx.Batch{}
	seenConn := map[[2]string]bool{}
	for prov, p := range snap.data.Providers {
		if p == nil {
			continue
		}
		if def, ok := snap.defaults[prov]; !ok || def != p.Default {
			b.Queue(`INSERT INTO providers (profile, provider, default_connection) VALUES ($1, $2, $3)
				ON CONFLICT (profile, provider) DO UPDATE SET default_connection = excluded.default_connection`,
				s.profile, prov, p.Default)
		}
		for name, c := range p.Connections {
			if c == nil {
				continue
			}
			key := [2]string{prov, name}
			seenConn[key] = true
			c.Provider, c.Name = prov, name
			env, changed, err := sealIfChanged(kek, connContext(s.profile, prov, name), c, snap.conns[key])
			if err != nil {
				return false, err
			}
			if changed {
				b.Queue(`INSERT INTO connections (profile, provider, name, key_id, wrapped_key, sealed) VALUES ($1, $2, $3, $4, $5, $6)
					ON CONFLICT (profile, provider, name) DO UPDATE SET key_id = excluded.key_id,
					wrapped_key = excluded.wrapped_key, sealed = excluded.sealed, updated_at = now()`,
					s.profile, prov, name, env.KeyID, env.WrappedKey, env.Sealed)
			}
		}
		if p.Client == nil {
			if _, had := snap.clients[prov]; had {
				b.Queue("DELETE FROM oauth_clients WHERE profile = $1 AND provider = $2", s.profile, prov)
			}
			continue
		}
		env, changed, err := sealIfChanged(kek, clientContext(s.profile, prov), p.Client, snap.clients[prov])
		if err != nil {
			return false, err
		}
		if changed {
			b.Queue(`INSERT INTO oauth_clients (profile, provider, key_id, wrapped_key, sealed) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (profile, provider) DO UPDATE SET key_id = excluded.key_id,
				wrapped_key = excluded.wrapped_key, sealed = excluded.sealed, updated_at = now()`,
				s.profile, prov, env.KeyID, env.WrappedKey, env.Sealed)
		}
	}
	for key := range snap.conns {
		if p := snap.data.Providers[key[0]]; p != nil && !seenConn[key] {
			b.Queue("DELETE FROM connections WHERE profile = $1 AND provider = $2 AND name = $3", s.profile, key[0], key[1])
		}
	}
	for prov := range snap.defaults {
		if snap.data.Providers[prov] == nil { // its connections and client go with it
			b.Queue("DELETE FROM providers WHERE profile = $1 AND provider = $2", s.profile, prov)
		}
	}
	if b.Len() == 0 {
		return false, nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return false, fmt.Errorf("pgstore: writing profile %q: %w", s.profile, err)
	}
	return true, nil
}

// sealIfChanged encodes v and, when that differs from the stored plaintext old, seals it.
func sealIfChanged(kek []byte, context string, v any, old []byte) (vault.Envelope, bool, error) {
	pt, err := json.Marshal(v)
	if err != nil {
		return vault.Envelope{}, false, fmt.Errorf("pgstore: encoding: %w", err)
	}
	if old != nil && bytes.Equal(pt, old) {
		return vault.Envelope{}, false, nil
	}
	env, err := vault.SealEnvelope(kek, context, pt)
	clear(pt)
	return env, true, err
}
