package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ProviderFiles returns the user provider definition files kept in the database, by file name
// (<name>.json or <name>.jsonc, as in a home's providers folder). They are shared by every
// profile of the database.
func (s *Store) ProviderFiles(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	var name string
	var content []byte
	rows, _ := s.pool.Query(ctx, "SELECT file_name, content FROM provider_overrides")
	_, err := pgx.ForEachRow(rows, []any{&name, &content}, func() error {
		out[name] = content
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading provider files: %w", err)
	}
	return out, nil
}

// PutProviderFile stores (or replaces) one user provider definition file.
func (s *Store) PutProviderFile(ctx context.Context, fileName string, content []byte) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO provider_overrides (file_name, content) VALUES ($1, $2)
		ON CONFLICT (file_name) DO UPDATE SET content = excluded.content, updated_at = now()`, fileName, content)
	if err != nil {
		return fmt.Errorf("pgstore: storing provider file %s: %w", fileName, err)
	}
	return nil
}

// DeleteProviderFile removes one user provider definition file; a missing one is no error.
func (s *Store) DeleteProviderFile(ctx context.Context, fileName string) error {
	if _, err := s.pool.Exec(ctx, "DELETE FROM provider_overrides WHERE file_name = $1", fileName); err != nil {
		return fmt.Errorf("pgstore: deleting provider file %s: %w", fileName, err)
	}
	return nil
}

// AuditRecord is one credential event of a profile. It must never hold a secret: Details is
// for codes and names (a failure's error code, the scopes granted), not server messages.
type AuditRecord struct {
	Time       time.Time       `json:"time"`
	Kind       string          `json:"kind"` // login, refresh, export, logout, revoke, …
	Provider   string          `json:"provider,omitempty"`
	Connection string          `json:"connection,omitempty"`
	Outcome    string          `json:"outcome,omitempty"`
	Details    json.RawMessage `json:"details,omitempty"`
}

// Record appends r to the profile's audit log (a zero Time means now).
func (s *Store) Record(ctx context.Context, r AuditRecord) error {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	var details any
	if len(r.Details) > 0 {
		details = string(r.Details)
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO audit_log (profile, at, kind, provider, connection, outcome, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.profile, r.Time, r.Kind, r.Provider, r.Connection, r.Outcome, details)
	if err != nil {
		return fmt.Errorf("pgstore: recording an audit event: %w", err)
	}
	return nil
}

// Audit returns the profile's audit records at or after since, oldest first, at most limit
// of them (the oldest; limit ≤ 0 means all).
func (s *Store) Audit(ctx context.Context, since time.Time, limit int) ([]AuditRecord, error) {
	q := `SELECT at, kind, provider, connection, outcome, details FROM audit_log
		WHERE profile = $1 AND at >= $2 ORDER BY at, id`
	args := []any{s.profile, since}
	if limit > 0 {
		q += " LIMIT $3"
		args = append(args, limit)
	}
	var out []AuditRecord
	var r AuditRecord
	var details []byte
	rows, _ := s.pool.Query(ctx, q, args...)
	_, err := pgx.ForEachRow(rows, []any{&r.Time, &r.Kind, &r.Provider, &r.Connection, &r.Outcome, &details}, func() error {
		r.Details = nil
		if details != nil {
			r.Details = json.RawMessage(details)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading the audit log: %w", err)
	}
	return out, nil
}
