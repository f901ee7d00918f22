package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/gateway/grant"
)

// TestAgentExportTokenRoundTrip: a grant's export_token survives the agents table, and a row
// written before the field existed (its grant without it) reads as not exporting.
func TestAgentExportTokenRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openStore(t, StartMigrated(t), "default", keyFile(t)).Agents()
	g := grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "work"}}, ExportToken: true}
	a, _, err := gateway.NewAgent("exporter", g, time.Now(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "exporter"); err != nil || !got.Grant.ExportToken {
		t.Fatalf("after a round trip: %+v, %v", got, err)
	}
	var doc string
	if err := s.s.pool.QueryRow(ctx, "SELECT doc->'grant'->>'export_token' FROM agents WHERE name = 'exporter'").Scan(&doc); err != nil || doc != "true" {
		t.Errorf("the row's grant: export_token %q, %v", doc, err)
	}

	// An old row: its grant has no export_token.
	if _, err := s.s.pool.Exec(ctx, "UPDATE agents SET doc = jsonb_set(doc, '{grant}', (doc->'grant') - 'export_token') WHERE name = 'exporter'"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "exporter")
	if err != nil || got.Grant.ExportToken || len(got.Grant.Connections) != 1 {
		t.Errorf("an old row: %+v, %v", got, err)
	}
}
