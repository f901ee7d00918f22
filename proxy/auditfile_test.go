package proxy

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestAppendAudit: the hand-written encoder produces exactly what encoding/json would for the
// stable AuditRecord shape, for ordinary and hostile strings.
func TestAppendAudit(t *testing.T) {
	for _, e := range []Entry{
		{Time: time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.UTC), Provider: "microsoft", Connection: "default",
			Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/me", Status: 200, BytesIn: 0, BytesOut: 1024,
			Duration: 1500 * time.Microsecond, Injected: true, Mode: ModeMITM},
		{Time: time.Unix(0, 0), Method: "CONNECT", Host: "example.test:443", Status: 403, Mode: ModeDenied,
			Error: "quote \" backslash \\ newline \n <tag> & é \xff"},
	} {
		line := appendAuditLine(nil, e)
		var got AuditRecord
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		want := AuditRecord{Time: e.Time.UTC(), Provider: e.Provider, Connection: e.Connection, Method: e.Method, Host: e.Host,
			Path: e.Path, Status: e.Status, BytesIn: e.BytesIn, BytesOut: e.BytesOut,
			DurationMS: float64(e.Duration.Microseconds()) / 1000, Injected: e.Injected, Mode: e.Mode}
		var wantErr string
		b, _ := json.Marshal(e.Error)
		json.Unmarshal(b, &wantErr)
		want.Error = wantErr
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoded record (-want +got):\n%s", diff)
		}
		if line[len(line)-1] != '\n' {
			t.Error("no trailing newline")
		}
	}
}
