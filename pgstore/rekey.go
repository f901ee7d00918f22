package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/vault"
)

// Rekey wraps every data key of the profile under the key-encryption key of newKeys instead of
// the current one, in one transaction (the sealed records are untouched), records the new key
// source, and makes newKeys the Store's source. Other Stores of the profile then fail with an
// error matching vault.ErrWrongKey until they are opened again with the new key.
func (s *Store) Rekey(ctx context.Context, newKeys vault.KeySource) error {
	if newKeys == nil {
		return errors.New("pgstore: Rekey needs a key source")
	}
	newKEK, kdf, err := vault.KEK(ctx, newKeys, true, nil)
	if err != nil {
		return fmt.Errorf("pgstore: getting the new %s key: %w", newKeys.Name(), err)
	}
	oldKEK := s.currentKEK()
	var version int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.lockProfile(ctx, tx); err != nil {
			return err
		}
		b := &pgx.Batch{}
		if err := rewrapRows(ctx, tx, b, oldKEK, newKEK,
			"SELECT provider, name, key_id, wrapped_key, sealed FROM connections WHERE profile = $1", s.profile,
			func(prov, name string) string { return connContext(s.profile, prov, name) },
			"UPDATE connections SET key_id = $4, wrapped_key = $5 WHERE profile = $1 AND provider = $2 AND name = $3"); err != nil {
			return err
		}
		if err := rewrapRows(ctx, tx, b, oldKEK, newKEK,
			"SELECT provider, '', key_id, wrapped_key, sealed FROM oauth_clients WHERE profile = $1", s.profile,
			func(prov, _ string) string { return clientContext(s.profile, prov) },
			"UPDATE oauth_clients SET key_id = $4, wrapped_key = $5 WHERE profile = $1 AND provider = $2 AND $3 = ''"); err != nil {
			return err
		}
		if err := rewrapRows(ctx, tx, b, oldKEK, newKEK,
			"SELECT '', '', key_id, wrapped_key, sealed FROM gateway_ca WHERE profile = $1", s.profile,
			func(_, _ string) string { return caContext(s.profile) },
			"UPDATE gateway_ca SET key_id = $4, wrapped_key = $5 WHERE profile = $1 AND $2 = '' AND $3 = ''"); err != nil {
			return err
		}
		b.Queue("UPDATE profiles SET key_source = $2, key_id = $3, kdf = $4 WHERE name = $1",
			s.profile, newKeys.Name(), vault.KEKID(newKEK), nullJSON(kdf))
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("pgstore: rekeying profile %q: %w", s.profile, err)
		}
		version, err = bump(ctx, tx, s.profile)
		return err
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.keys, s.kek = newKeys, newKEK
	s.mu.Unlock()
	s.ver.observe(version)
	return nil
}

// rewrapRows queues update for every row of query with its data key rewrapped; query yields
// provider, name, key_id, wrapped_key, sealed; update takes profile, provider, name, key_id,
// wrapped_key.
func rewrapRows(ctx context.Context, tx pgx.Tx, b *pgx.Batch, oldKEK, newKEK []byte,
	query, profile string, context func(prov, name string) string, update string) error {
	var prov, name string
	var env vault.Envelope
	rows, _ := tx.Query(ctx, query, profile)
	_, err := pgx.ForEachRow(rows, []any{&prov, &name, &env.KeyID, &env.WrappedKey, &env.Sealed}, func() error {
		re, err := vault.RewrapEnvelope(oldKEK, newKEK, context(prov, name), env)
		if err != nil {
			return fmt.Errorf("%s %s: %w", prov, name, err)
		}
		b.Queue(update, profile, prov, name, re.KeyID, re.WrappedKey)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pgstore: rekeying profile %q: %w", profile, err)
	}
	return nil
}
