package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations are the schema's steps, migrations/NNNN_name.sql, applied in order of NNNN.
//
//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys of the store (pg_advisory_lock's one-bigint form). Connection locks use
// hashes (lockKey), which stay clear of these small numbers only by chance of 1 in 2^63.
const migrationLockKey int64 = 0x61757468736f6d65 // "authsome"

// migration is one schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded steps, sorted by version; versions must be unique.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, n := range names { // fs.Glob sorts
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("pgstore: migration %s is not named NNNN_name.sql", base)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("pgstore: migrations %s and %s share version %d", prev, base, v)
		}
		seen[v] = base
		b, err := migrations.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	return out, nil
}

// migrate applies the steps the database lacks, each in its own transaction, holding a
// session advisory lock so that replicas starting together apply each step once. It returns
// the schema version reached.
func migrate(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	steps, err := loadMigrations()
	if err != nil {
		return 0, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("pgstore: connecting: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		conn.Conn().Close(context.Background()) // a lock taken as ctx ended goes with the session
		return 0, fmt.Errorf("pgstore: waiting for the migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, fmt.Errorf("pgstore: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return 0, fmt.Errorf("pgstore: reading the schema version: %w", err)
	}
	if last := steps[len(steps)-1].version; current > last {
		return 0, fmt.Errorf("pgstore: the database's schema is version %d, newer than this build's %d; upgrade authsome", current, last)
	}
	for _, m := range steps {
		if m.version <= current {
			continue
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return 0, fmt.Errorf("pgstore: %w", err)
		}
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			tx.Rollback(ctx)
			return 0, fmt.Errorf("pgstore: migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			tx.Rollback(ctx)
			return 0, fmt.Errorf("pgstore: recording migration %s: %w", m.name, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return 0, fmt.Errorf("pgstore: migration %s: %w", m.name, err)
		}
		current = m.version
	}
	return current, nil
}
