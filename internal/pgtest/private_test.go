package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPrivateClusterStopsAndStartsWithItsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := Private(t)
	conn, err := pgx.Connect(ctx, p.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	p.Stop(t)
	if _, err := conn.Exec(ctx, "SELECT 1"); err == nil {
		t.Error("a session survived Stop")
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if c, err := pgx.Connect(cctx, p.DSN()); err == nil {
		c.Close(ctx)
		t.Fatal("connected to a stopped cluster")
	}
	p.Start(t)
	again, err := pgx.Connect(ctx, p.DSN())
	if err != nil {
		t.Fatalf("after Start: %v\n%s", err, p.Log())
	}
	defer again.Close(ctx)
	var x int
	if err := again.QueryRow(ctx, "SELECT x FROM kept").Scan(&x); err != nil || x != 42 {
		t.Fatalf("the data after a restart: %d, %v", x, err)
	}
}
