package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/vault"
)

// GatewayCA is the certificate authority the gateway replicas of a profile share (`authsome
// serve --store`): its certificate and private key, PEM. The key is sealed in the database
// like every other secret of the profile.
type GatewayCA struct {
	CertPEM, KeyPEM []byte
}

// caContext binds the sealed key of a profile's gateway CA to its row.
func caContext(profile string) string { return profile + "\x00gateway-ca" }

// GatewayCA returns the profile's gateway CA, or nil when there is none yet.
func (s *Store) GatewayCA(ctx context.Context) (*GatewayCA, error) {
	return s.readCA(ctx, s.pool)
}

// UpdateGatewayCA reads the profile's gateway CA (nil when there is none) and gives it to fn,
// holding the profile's row lock so that replicas starting together agree on one CA: the first
// creates it, the others find it. When fn returns a CA, it replaces the stored one; when it
// returns nil, nothing changes. The CA in the database afterwards is returned.
func (s *Store) UpdateGatewayCA(ctx context.Context, fn func(cur *GatewayCA) (*GatewayCA, error)) (*GatewayCA, error) {
	var out *GatewayCA
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.lockProfile(ctx, tx); err != nil {
			return err
		}
		cur, err := s.readCA(ctx, tx)
		if err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil || next == nil {
			out = cur
			return err
		}
		env, err := vault.SealEnvelope(s.currentKEK(), caContext(s.profile), next.KeyPEM)
		if err != nil {
			return fmt.Errorf("pgstore: sealing the gateway CA: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO gateway_ca (profile, cert_pem, key_id, wrapped_key, sealed) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (profile) DO UPDATE SET cert_pem = excluded.cert_pem, key_id = excluded.key_id,
			wrapped_key = excluded.wrapped_key, sealed = excluded.sealed, updated_at = now()`,
			s.profile, string(next.CertPEM), env.KeyID, env.WrappedKey, env.Sealed)
		if err != nil {
			return fmt.Errorf("pgstore: storing the gateway CA: %w", err)
		}
		out = next
		return nil
	})
	return out, err
}

// readCA reads and opens the profile's gateway CA through q; nil when there is none.
func (s *Store) readCA(ctx context.Context, q queryRower) (*GatewayCA, error) {
	var cert string
	var env vault.Envelope
	err := q.QueryRow(ctx, "SELECT cert_pem, key_id, wrapped_key, sealed FROM gateway_ca WHERE profile = $1", s.profile).
		Scan(&cert, &env.KeyID, &env.WrappedKey, &env.Sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading the gateway CA: %w", err)
	}
	key, err := vault.OpenEnvelope(s.currentKEK(), caContext(s.profile), env)
	if err != nil {
		return nil, fmt.Errorf("pgstore: profile %q: the gateway CA: %w", s.profile, err)
	}
	return &GatewayCA{CertPEM: []byte(cert), KeyPEM: key}, nil
}
