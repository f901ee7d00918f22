package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/authsome-go/authsome/proxy"
)

// AuditLog returns the last n records of the profile's audit log (n ≤ 0: all), oldest first,
// in the shape of the audit file's records ([proxy.AuditRecord]): the gateways' requests
// (written by [AuditWriter]) and the credential events ([Store.Record]) of every process on
// the database. It also returns the id of the newest record, for [Store.AuditLogAfter].
func (s *Store) AuditLog(ctx context.Context, n int) ([]proxy.AuditRecord, int64, error) {
	q := auditSelect + ` WHERE profile = $1 ORDER BY id DESC`
	args := []any{s.profile}
	if n > 0 {
		q += " LIMIT $2"
		args = append(args, n)
	}
	recs, last, err := s.readAuditLog(ctx, q, args...)
	slices.Reverse(recs)
	return recs, last, err
}

// AuditLogAfter returns the records written after the one whose id is after, oldest first,
// and the id of the newest (after when there is none).
func (s *Store) AuditLogAfter(ctx context.Context, after int64) ([]proxy.AuditRecord, int64, error) {
	recs, last, err := s.readAuditLog(ctx, auditSelect+` WHERE profile = $1 AND id > $2 ORDER BY id`, s.profile, after)
	return recs, max(last, after), err
}

const auditSelect = `SELECT id, at, kind, provider, connection, outcome, details, agent, method, host, path,
	status, duration_ms, mode, error FROM audit_log`

func (s *Store) readAuditLog(ctx context.Context, q string, args ...any) ([]proxy.AuditRecord, int64, error) {
	var (
		out     []proxy.AuditRecord
		last    int64
		id      int64
		r       proxy.AuditRecord
		kind    string
		details []byte
	)
	rows, _ := s.pool.Query(ctx, q, args...)
	_, err := pgx.ForEachRow(rows, []any{&id, &r.Time, &kind, &r.Provider, &r.Connection, &r.Outcome, &details,
		&r.Agent, &r.Method, &r.Host, &r.Path, &r.Status, &r.DurationMS, &r.Mode, &r.Error}, func() error {
		last = max(last, id)
		out = append(out, auditRecord(r, kind, details))
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("pgstore: reading the audit log: %w", err)
	}
	return out, last, nil
}

// auditRecord completes a row read into r (the columns shared by both kinds of records) with
// its kind and details.
func auditRecord(r proxy.AuditRecord, kind string, details []byte) proxy.AuditRecord {
	r.Time = r.Time.UTC()
	switch kind {
	case proxy.KindRequest, proxy.KindRefusals:
		var d entryDetails
		_ = json.Unmarshal(details, &d)
		r.Kind, r.BytesIn, r.BytesOut, r.Injected, r.Needs, r.Hint, r.Count, r.Until =
			kind, d.BytesIn, d.BytesOut, d.Injected, d.Needs, d.Hint, d.Count, d.Until
		r.Outcome = ""
		return r
	}
	// A credential event ([Store.Record]): login, refresh, export, logout, revoke.
	var d struct {
		Flow   string   `json:"flow"`
		Scopes []string `json:"scopes"`
		Error  string   `json:"error"`
	}
	_ = json.Unmarshal(details, &d)
	return proxy.AuditRecord{Time: r.Time, Kind: proxy.KindCredential, Event: kind, Provider: r.Provider,
		Connection: r.Connection, Outcome: r.Outcome, Flow: d.Flow, Scopes: d.Scopes, Error: d.Error}
}
