package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/proxy"
)

// eventually polls cond until it holds, failing the test after a generous while.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not so after a minute: %s", what)
		}
	}
}

func entry(i int) proxy.Entry {
	return proxy.Entry{Time: time.Now(), Agent: "agent-1", Provider: "microsoft", Connection: "work", Method: "GET",
		Host: "graph.microsoft.com", Path: fmt.Sprintf("/v1.0/me/%d", i), Status: 200, BytesOut: 10, Duration: 1500 * time.Microsecond,
		Injected: true, Mode: proxy.ModeMITM}
}

func paths(t *testing.T, s *Store) []string {
	t.Helper()
	recs, _, err := s.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.Path)
	}
	return out
}

func TestAuditWriterBatchesAndFlushesOnClose(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, StartMigrated(t), "default", keyFile(t))
	w := s.NewAuditWriter(AuditWriterOptions{Batch: 3, Interval: time.Hour}) // full batches only, until Close
	w.Entry(entry(0))
	w.Entry(entry(1))
	if w.Pending() != 2 {
		t.Fatalf("%d pending, want 2", w.Pending())
	}
	w.Entry(entry(2)) // a full batch: written without waiting for the interval
	eventually(t, "a full batch written", func() bool { return w.Written() == 3 })
	for i := 3; i < 7; i++ {
		w.Entry(entry(i))
	}
	eventually(t, "the next full batch written", func() bool { return w.Written() >= 6 })
	if err := w.Close(ctx); err != nil { // and the rest
		t.Fatal(err)
	}
	if w.Written() != 7 || w.Dropped() != 0 || w.Pending() != 0 || w.copies.Load() != 3 {
		t.Errorf("written %d in %d batches, dropped %d, pending %d; want 7 in 3 batches of at most 3, 0, 0",
			w.Written(), w.copies.Load(), w.Dropped(), w.Pending())
	}
	recs, last, err := s.AuditLog(ctx, 0)
	if err != nil || len(recs) != 7 {
		t.Fatalf("AuditLog = %d records, %v", len(recs), err)
	}
	r := recs[6]
	if r.Kind != proxy.KindRequest || r.Agent != "agent-1" || r.Path != "/v1.0/me/6" || r.Status != 200 || r.DurationMS != 1.5 ||
		!r.Injected || r.BytesOut != 10 || r.Mode != proxy.ModeMITM || r.Host != "graph.microsoft.com" || r.Connection != "work" {
		t.Errorf("record read back: %+v", r)
	}
	if err := s.Record(ctx, AuditRecord{Kind: "refresh", Provider: "microsoft", Connection: "work", Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	more, _, err := s.AuditLogAfter(ctx, last)
	if err != nil || len(more) != 1 || more[0].Kind != proxy.KindCredential || more[0].Event != "refresh" || more[0].Outcome != "ok" {
		t.Errorf("AuditLogAfter = %+v, %v", more, err)
	}
	if tail, _, _ := s.AuditLog(ctx, 2); len(tail) != 2 || tail[1].Event != "refresh" || tail[0].Path != "/v1.0/me/6" {
		t.Errorf("the last 2 records: %+v", tail)
	}
}

func TestAuditWriterDropsTheOldestWhenFull(t *testing.T) {
	s := openStore(t, StartMigrated(t), "default", keyFile(t))
	w := s.NewAuditWriter(AuditWriterOptions{Buffer: 5, Interval: time.Hour})
	for i := range 8 {
		w.Entry(entry(i))
	}
	if w.Dropped() != 3 || w.Pending() != 5 {
		t.Errorf("dropped %d, pending %d; want 3 and 5", w.Dropped(), w.Pending())
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(paths(t, s), " "); got != "/v1.0/me/3 /v1.0/me/4 /v1.0/me/5 /v1.0/me/6 /v1.0/me/7" {
		t.Errorf("written: %s", got)
	}
}

// TestStoreAcrossARestart: while PostgreSQL is down, the store's errors are Unavailable and
// the audit writer keeps its entries; once it is back, the pool and the listener reconnect by
// themselves, the version token changes (notifications were missed) and the writer writes
// what it kept.
func TestStoreAcrossARestart(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.Private(t)
	s := openStore(t, pg.DSN(), "default", keyFile(t))
	w := s.NewAuditWriter(AuditWriterOptions{})
	w.Entry(entry(0))
	eventually(t, "the first entry written", func() bool { return w.Written() == 1 })
	s.Version(ctx) // starts the listener
	eventually(t, "the listener up", s.ver.listening.Load)
	before, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pg.Stop(t)
	w.Entry(entry(1))
	w.Entry(entry(2))
	_, err = s.Agents().Lookup(ctx, "someone")
	if !Unavailable(err) || errors.Is(err, gateway.ErrAgentNotFound) {
		t.Errorf("an agent lookup while the database is down: %v; want an Unavailable error", err)
	}
	if _, err := s.Load(ctx); !Unavailable(err) {
		t.Errorf("Load while the database is down: %v; want an Unavailable error", err)
	}
	eventually(t, "the listener down", func() bool { return !s.ver.listening.Load() })
	if _, err := s.Version(ctx); !Unavailable(err) {
		t.Errorf("Version while the database is down: %v; want an Unavailable error", err)
	}

	pg.Start(t)
	eventually(t, "the kept entries written", func() bool { return w.Written() == 3 })
	eventually(t, "the listener up again", s.ver.listening.Load)
	if v, err := s.Version(ctx); err != nil || v == before {
		t.Errorf("Version after the restart = %q, %v; want a new token (was %q)", v, err, before)
	}
	if _, err := s.Agents().Lookup(ctx, "someone"); !errors.Is(err, gateway.ErrAgentNotFound) {
		t.Errorf("an agent lookup after the restart: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(paths(t, s), " "); got != "/v1.0/me/0 /v1.0/me/1 /v1.0/me/2" {
		t.Errorf("written: %s", got)
	}
}

func TestUnavailable(t *testing.T) {
	for _, err := range []error{nil, errors.New("no"), gateway.ErrAgentNotFound, context.Canceled,
		&pgconn.PgError{Code: "23505"}, &pgconn.PgError{Code: "42P01"}} {
		if Unavailable(err) {
			t.Errorf("Unavailable(%v) = true", err)
		}
	}
	for _, err := range []error{context.DeadlineExceeded, fmt.Errorf("x: %w", pgconn.ErrConnClosed),
		&pgconn.PgError{Code: "57P01"}, &pgconn.PgError{Code: "08006"}, &pgconn.ConnectError{}} {
		if !Unavailable(err) {
			t.Errorf("Unavailable(%#v) = false", err)
		}
	}
}
