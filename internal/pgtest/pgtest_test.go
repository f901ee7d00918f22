package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func TestStartGivesFreshDatabases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := Start(t), Start(t)
	if a == b {
		t.Fatalf("two Starts gave the same database %q", a)
	}
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
		t.Fatal(err)
	}
	var fsync, listen string
	if err := conn.QueryRow(ctx, "SELECT current_setting('fsync'), current_setting('listen_addresses')").Scan(&fsync, &listen); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" || listen != "" {
		t.Errorf("fsync=%q listen_addresses=%q, want off and none", fsync, listen)
	}
	other, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	var n int
	if err := other.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 't'").Scan(&n); err != nil || n != 0 {
		t.Errorf("second database sees the first's table (n=%d, %v)", n, err)
	}
}

func TestStartFromCopiesThePreparedTemplate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var prepared int
	prepare := func(ctx context.Context, dsn string) error {
		prepared++
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE seed (x int); INSERT INTO seed VALUES (7)")
		return err
	}
	seed := func(dsn string) int {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var x int
		if err := conn.QueryRow(ctx, "SELECT x FROM seed").Scan(&x); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "UPDATE seed SET x = 8"); err != nil {
			t.Fatal(err)
		}
		return x
	}
	// Each database starts as the template: a change to one is not in the next.
	for i := range 2 {
		if x := seed(StartFrom(t, "seeded", prepare)); x != 7 {
			t.Fatalf("database %d: seed = %d, want the template's 7", i, x)
		}
	}
	if prepared != 1 {
		t.Fatalf("prepare ran %d times, want once", prepared)
	}
}
