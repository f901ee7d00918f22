package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/m365mcp"
)

func TestMCPFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o       mcpOptions
		wantErr string
	}{
		{mcpOptions{}, ""},
		{mcpOptions{readOnly: true, tools: []string{"mail", "calendar"}, listen: "127.0.0.1:8765"}, ""},
		{mcpOptions{listen: "localhost:0"}, ""},
		{mcpOptions{listen: "[::1]:9000"}, ""},
		{mcpOptions{readOnly: true, allowWrites: true}, "contradict"},
		{mcpOptions{tools: []string{"mail", "printer"}}, `unknown area "printer"`},
		{mcpOptions{listen: "0.0.0.0:8765"}, "loopback"},
		{mcpOptions{listen: "8765"}, "loopback"},
		{mcpOptions{sandbox: true, connection: "work"}, "--connection"},
	} {
		err := tc.o.check()
		if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.wantErr)
		}
		if code, _ := classify(err); err != nil && code != exitUsage {
			t.Errorf("%+v: exit %d, want a usage error", tc.o, code)
		}
	}
}

func TestMCPAuditRecords(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	recs := mcpAuditRecords("work", "graph.microsoft.com", m365mcp.ToolCall{Time: now, Tool: "files_read", Outcome: "ok",
		Duration: 30 * time.Millisecond, Requests: []m365mcp.GraphRequest{
			{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/me/drive/items/1/content", Status: 302, Duration: 10 * time.Millisecond},
			{Method: "GET", Host: "contoso.sharepoint.com", Path: "/download.aspx", Status: 200, Duration: 20 * time.Millisecond},
		}})
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	if r := recs[0]; !r.Injected || r.Mode != "mcp:files_read" || r.Connection != "work" || r.DurationMS != 10 {
		t.Errorf("Graph request: %+v", r)
	}
	if r := recs[1]; r.Injected || r.Path != "/download.aspx" {
		t.Errorf("pre-authenticated request: %+v", r)
	}
	if r := recs[2]; r.Kind != mcpToolKind || r.Path != "files_read" || r.Outcome != "ok" || r.Count != 2 || r.Status != 200 {
		t.Errorf("tool record: %+v", r)
	}
}
