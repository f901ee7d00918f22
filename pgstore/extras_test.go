package pgstore

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestAuditLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	a, other := openStore(t, dsn, "default", key), openStore(t, dsn, "work", keyFile(t))
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	records := []AuditRecord{
		{Time: t0, Kind: "login", Provider: "microsoft", Connection: "work", Outcome: "ok", Details: json.RawMessage(`{"scopes": ["Mail.Read"]}`)},
		{Time: t0.Add(time.Minute), Kind: "refresh", Provider: "microsoft", Connection: "work", Outcome: "failed"},
	}
	for _, r := range records {
		if err := a.Record(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Record(ctx, AuditRecord{Kind: "logout"}); err != nil {
		t.Fatal(err)
	}
	got, err := a.Audit(ctx, time.Time{}, 0)
	if err != nil || len(got) != 2 {
		t.Fatalf("Audit = %d records, %v", len(got), err)
	}
	if !got[0].Time.Equal(t0) || got[0].Kind != "login" || string(got[0].Details) != `{"scopes": ["Mail.Read"]}` || got[1].Details != nil {
		t.Errorf("records read back: %+v", got)
	}
	if got, _ := a.Audit(ctx, t0.Add(time.Second), 0); len(got) != 1 || got[0].Kind != "refresh" {
		t.Errorf("since: %+v", got)
	}
	if got, _ := a.Audit(ctx, time.Time{}, 1); len(got) != 1 || got[0].Kind != "login" {
		t.Errorf("limit: %+v", got)
	}
}

func TestProviderFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := openStore(t, StartMigrated(t), "default", keyFile(t))
	if err := a.PutProviderFile(ctx, "acme.json", []byte(`{"name": "acme"}`)); err != nil {
		t.Fatal(err)
	}
	if err := a.PutProviderFile(ctx, "acme.json", []byte(`{"name": "acme", "v": 2}`)); err != nil {
		t.Fatal(err)
	}
	files, err := a.ProviderFiles(ctx)
	if err != nil || len(files) != 1 || string(files["acme.json"]) != `{"name": "acme", "v": 2}` {
		t.Fatalf("ProviderFiles = %q, %v", files, err)
	}
	if err := a.DeleteProviderFile(ctx, "acme.json"); err != nil {
		t.Fatal(err)
	}
	if files, _ := a.ProviderFiles(ctx); len(files) != 0 {
		t.Fatalf("after delete: %q", files)
	}
}
