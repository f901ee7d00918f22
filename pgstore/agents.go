package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/authsome-go/authsome/gateway"
)

// Agents is the [gateway.AgentStore] of a Store's profile: one row per agent, shared by every
// gateway replica on the database. Every lookup reads the row (by primary key), so a
// revocation or rotation committed by one process is seen by every replica from its next
// request on. Rows hold the credential's hash, never the credential.
type Agents struct{ s *Store }

var _ gateway.AgentStore = (*Agents)(nil)

// Agents returns the store of the profile's gateway agents.
func (s *Store) Agents() *Agents { return &Agents{s: s} }

// query returns the agents of the profile matching where (a condition on the agents table
// with $2 as its argument; "" is all), sorted by name; then is appended to the statement
// (" FOR UPDATE" in a transaction).
func (a *Agents) query(ctx context.Context, q queryer, where string, arg any, then string) ([]*gateway.Agent, error) {
	sql := "SELECT doc FROM agents WHERE profile = $1"
	args := []any{a.s.profile}
	if where != "" {
		sql += " AND " + where
		args = append(args, arg)
	}
	rows, _ := q.Query(ctx, sql+" ORDER BY name"+then, args...)
	var doc []byte
	var out []*gateway.Agent
	_, err := pgx.ForEachRow(rows, []any{&doc}, func() error {
		ag := &gateway.Agent{}
		if err := json.Unmarshal(doc, ag); err != nil {
			return fmt.Errorf("an agent row: %w", err)
		}
		out = append(out, ag)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading agents: %w", err)
	}
	return out, nil
}

type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// one returns the single agent matching where, or gateway.ErrAgentNotFound (what names it).
func (a *Agents) one(ctx context.Context, q queryer, where string, arg any, what, then string) (*gateway.Agent, error) {
	list, err := a.query(ctx, q, where, arg, then)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("%w%s", gateway.ErrAgentNotFound, what)
	}
	return list[0], nil
}

// List implements [gateway.AgentStore].
func (a *Agents) List(ctx context.Context) ([]*gateway.Agent, error) {
	return a.query(ctx, a.s.pool, "", nil, "")
}

// Get implements [gateway.AgentStore].
func (a *Agents) Get(ctx context.Context, name string) (*gateway.Agent, error) {
	return a.one(ctx, a.s.pool, "name = $2", name, fmt.Sprintf(": %q", name), "")
}

// Lookup implements [gateway.AgentStore].
func (a *Agents) Lookup(ctx context.Context, id string) (*gateway.Agent, error) {
	return a.one(ctx, a.s.pool, "id = $2", id, "", "")
}

// LookupCert implements [gateway.AgentStore].
func (a *Agents) LookupCert(ctx context.Context, sum string) (*gateway.Agent, error) {
	if sum == "" {
		return nil, gateway.ErrAgentNotFound
	}
	return a.one(ctx, a.s.pool, "cert_sha256 = $2", sum, "", "")
}

// Create implements [gateway.AgentStore].
func (a *Agents) Create(ctx context.Context, ag *gateway.Agent) error {
	doc, err := json.Marshal(ag)
	if err != nil {
		return err
	}
	_, err = a.s.pool.Exec(ctx, "INSERT INTO agents (profile, id, name, cert_sha256, doc) VALUES ($1, $2, $3, $4, $5)",
		a.s.profile, ag.ID, ag.Name, ag.CertSHA256, doc)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		if pe.ConstraintName == "agents_cert" {
			return fmt.Errorf("%w: another agent has that client certificate", gateway.ErrAgentExists)
		}
		return fmt.Errorf("%w: %q", gateway.ErrAgentExists, ag.Name)
	}
	if err != nil {
		return fmt.Errorf("pgstore: adding agent %q: %w", ag.Name, err)
	}
	return nil
}

// Update implements [gateway.AgentStore]: fn runs on the row read under its lock (SELECT … FOR
// UPDATE), so concurrent Updates of one agent serialise.
func (a *Agents) Update(ctx context.Context, name string, fn func(*gateway.Agent) error) error {
	return pgx.BeginFunc(ctx, a.s.pool, func(tx pgx.Tx) error {
		ag, err := a.one(ctx, tx, "name = $2", name, fmt.Sprintf(": %q", name), " FOR UPDATE")
		if err != nil {
			return err
		}
		id := ag.ID
		if err := fn(ag); err != nil {
			return err
		}
		if ag.ID != id || ag.Name != name {
			return fmt.Errorf("pgstore: an agent's ID and name do not change")
		}
		doc, err := json.Marshal(ag)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE agents SET cert_sha256 = $3, doc = $4, updated_at = now() WHERE profile = $1 AND id = $2",
			a.s.profile, id, ag.CertSHA256, doc)
		if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "23505" {
			return fmt.Errorf("%w: another agent has that client certificate", gateway.ErrAgentExists)
		}
		if err != nil {
			return fmt.Errorf("pgstore: updating agent %q: %w", name, err)
		}
		return nil
	})
}
