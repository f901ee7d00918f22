package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/proxy"
	"github.com/authsome-go/authsome/vault"
)

// TestLogFromStore: `log --store` shows the store's audit log: the gateways' requests, with
// their agent, and the credential events; --events only the latter; -n the last ones.
//
// The store's key is a file (--key file:), not $AUTHSOME_STORE_KEY, so that the test runs in
// parallel; TestStoreMigrate covers the env key.
func TestLogFromStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	home := testEnv(t)
	dsn := pgtest.Start(t)
	keyFile := filepath.Join(t.TempDir(), "store.key")
	wantCode(t, run(t, "sk-"+strings.Repeat("a", 24)+"\n", "--home", home, "login", "openai", "--api-key-stdin"), exitOK)
	wantCode(t, runHome(t, home, "store", "migrate", "--to", dsn, "--key", "file:"+keyFile), exitOK)
	ps, err := pgstore.Open(ctx, dsn, "default", vault.FileKey(keyFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	w := ps.NewAuditWriter(pgstore.AuditWriterOptions{})
	for _, p := range []string{"/v1/models", "/v1/chat"} {
		w.Entry(proxy.Entry{Agent: "bot", Provider: "openai", Connection: "default", Method: "GET", Host: "api.openai.com",
			Path: p, Status: 200, Mode: proxy.ModeMITM, Injected: true})
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ps.Record(ctx, pgstore.AuditRecord{Kind: "refresh", Provider: "openai", Connection: "default", Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	read := func(args ...string) []proxy.AuditRecord {
		t.Helper()
		r := runHome(t, home, append([]string{"log", "--store", dsn, "--key", "file:" + keyFile, "--json"}, args...)...)
		wantCode(t, r, exitOK)
		var out struct{ Items []proxy.AuditRecord }
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v: %s", err, r.stdout)
		}
		return out.Items
	}
	if recs := read(); len(recs) != 3 || recs[0].Agent != "bot" || recs[1].Path != "/v1/chat" || recs[2].Event != "refresh" {
		t.Errorf("log --store: %+v", recs)
	}
	if recs := read("--events"); len(recs) != 1 || recs[0].Kind != proxy.KindCredential {
		t.Errorf("log --store --events: %+v", recs)
	}
	if recs := read("-n", "2"); len(recs) != 2 || recs[0].Path != "/v1/chat" {
		t.Errorf("log --store -n 2: %+v", recs)
	}
}
