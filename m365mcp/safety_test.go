package m365mcp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/authsome-go/authsome/sandbox"
)

func toolNames(t *testing.T, cs *mcp.ClientSession) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		out[tool.Name] = true
	}
	return out
}

func TestReadOnly(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{ReadOnly: true, AllowWrites: true}), allowAll())
	names := toolNames(t, cs)
	if names["mail_send"] || names["files_upload"] || !names["mail_search"] || !names["files_read"] {
		t.Errorf("read-only tools: %v", names)
	}
	e.sb.ClearRequests()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "mail_send", Arguments: map[string]any{"to": []string{"a@b.c"}, "subject": "x", "body": "y"}})
	if err == nil && !res.IsError {
		t.Fatal("read-only server ran mail_send")
	}
	if reqs := e.graphRequests(); len(reqs) != 0 {
		t.Errorf("read-only server sent %q", reqs)
	}
	if c := e.lastCall(t); c.Tool != "mail_send" || c.Outcome != OutcomeRefused {
		t.Errorf("audited %+v", c)
	}
}

// TestWritesNeedConfirmation: a client without elicitation is offered no
// write tool (and its calls to one are refused) unless writes are allowed.
func TestWritesNeedConfirmation(t *testing.T) {
	e := newEnv(t)
	s := e.server(t, Options{})
	cs := connect(t, s, nil) // no elicitation
	names := toolNames(t, cs)
	if names["mail_send"] || names["todo_add"] || !names["todo_tasks"] {
		t.Errorf("tools for a client that cannot confirm: %v", names)
	}
	e.sb.ClearRequests()
	if msg := callErr(t, cs, "todo_add", map[string]any{"title": "x"}); !strings.Contains(msg, "--allow-writes") {
		t.Errorf("todo_add refused with %q", msg)
	}
	if reqs := e.graphRequests(); len(reqs) != 0 {
		t.Errorf("refused call sent %q", reqs)
	}
	if c := e.lastCall(t); c.Tool != "todo_add" || c.Outcome != OutcomeRefused {
		t.Errorf("audited %+v", c)
	}

	cs = connect(t, e.server(t, Options{AllowWrites: true}), nil)
	if !toolNames(t, cs)["todo_add"] {
		t.Error("--allow-writes offers no write tool")
	}
	call(t, cs, "todo_add", map[string]any{"title": "unconfirmed"}, nil)
	e.graphRequests()

	// A client that can confirm: the user is asked, and a refusal is a tool error.
	var asked []string
	cs = connect(t, e.server(t, Options{}), &mcp.ClientOptions{ElicitationHandler: func(_ context.Context, r *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		asked = append(asked, r.Params.Message)
		return &mcp.ElicitResult{Action: "decline"}, nil
	}})
	if msg := callErr(t, cs, "todo_add", map[string]any{"title": "Water the plants"}); !strings.Contains(msg, "did not allow") {
		t.Errorf("declined todo_add: %s", msg)
	}
	if len(asked) != 1 || !strings.Contains(asked[0], `"Water the plants"`) {
		t.Errorf("asked %q", asked)
	}
	if c := e.lastCall(t); c.Outcome != OutcomeDeclined || len(c.Requests) != 0 {
		t.Errorf("audited %+v", c)
	}
	if reqs := e.graphRequests(); len(reqs) != 0 {
		t.Errorf("declined call sent %q", reqs)
	}
}

func TestToolsFlag(t *testing.T) {
	e := newEnv(t)
	names := toolNames(t, connect(t, e.server(t, Options{Areas: []string{AreaMail}}), allowAll()))
	if !names["mail_send"] || names["files_read"] || names["calendar_view"] {
		t.Errorf("mail only: %v", names)
	}
	if _, err := New(Options{Areas: []string{"printer"}}); err == nil {
		t.Error("an unknown area is accepted")
	}
}

func TestErrorsAreToolErrors(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	if s := callErr(t, cs, "mail_read", map[string]any{"id": "AAMkNoSuchMessage"}); !strings.HasPrefix(s, "not found") {
		t.Errorf("missing message: %s", s)
	}
	if s := callErr(t, cs, "calendar_view", map[string]any{"start": "next tuesday"}); !strings.Contains(s, "ISO 8601") {
		t.Errorf("bad date: %s", s)
	}
	if s := callErr(t, cs, "mail_send", map[string]any{"to": []string{"not an address"}, "subject": "x", "body": "y"}); !strings.Contains(s, "to:") {
		t.Errorf("bad address: %s", s)
	}
	if _, err := e.sb.AddFault(sandbox.Fault{Path: "/v1.0/me/todo/lists$", Status: 429, RetryAfter: 120, Count: 5}); err != nil {
		t.Fatal(err)
	}
	if s := callErr(t, cs, "todo_lists", nil); !strings.Contains(s, "wait 2m0s (retry after 120 seconds)") {
		t.Errorf("throttled: %s", s)
	}
	if c := e.lastCall(t); c.Outcome != OutcomeFailed || c.Error == "" || len(c.Requests) != 1 || c.Requests[0].Status != 429 {
		t.Errorf("audited %+v", c)
	}
}

// TestNoTokenInSession runs a session through every area and looks for the
// connection's access and refresh tokens in everything it produced: tool
// results, resources, the audit records and the server's log.
func TestNoTokenInSession(t *testing.T) {
	e := newEnv(t)
	e.login(t, true, "@teams")
	cs := connect(t, e.server(t, Options{}), allowAll())
	var out strings.Builder
	record := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(b)
	}
	me := sandbox.Users()[0].UserPrincipalName
	for _, c := range []struct {
		name string
		args map[string]any
	}{
		{"mail_send", map[string]any{"to": []string{me}, "subject": "token check", "body": "b"}},
		{"mail_search", map[string]any{"query": "token check"}},
		{"mail_list", nil},
		{"calendar_view", map[string]any{"start": "2025-01-01", "end": "2026-12-31"}},
		{"people_find", map[string]any{"name": "A"}},
		{"files_upload", map[string]any{"name": "t.txt", "content": "hello", "conflict": "replace"}},
		{"files_read", map[string]any{"path": "t.txt"}},
		{"files_share", map[string]any{"path": "t.txt", "scope": "anonymous"}},
		{"files_list", nil},
		{"todo_tasks", nil},
		{"teams_chats", nil},
		{"mail_read", map[string]any{"id": "nope"}},
	} {
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: c.name, Arguments: c.args})
		if err != nil {
			t.Fatal(err)
		}
		record(res)
	}
	for _, uri := range []string{AgendaURI, UnreadURI} {
		res, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatal(err)
		}
		record(res)
	}
	e.mu.Lock()
	record(e.calls)
	out.WriteString(e.logs.String())
	e.mu.Unlock()
	conn, err := e.b.Token(t.Context(), "microsoft", "")
	if err != nil {
		t.Fatal(err)
	}
	all := out.String()
	for what, secret := range map[string]string{"access token": conn.AccessToken, "refresh token": conn.RefreshToken} {
		if len(secret) < 20 || strings.Contains(all, secret) || strings.Contains(all, secret[:20]) {
			t.Errorf("the session output holds the %s (or it is too short to test: %d)", what, len(secret))
		}
	}
	for _, s := range []string{"tempauth", "downloadUrl", "uploadUrl", "Bearer "} {
		if strings.Contains(all, s) {
			t.Errorf("the session output holds %q", s)
		}
	}
	if !strings.Contains(all, "token check") || !strings.Contains(all, "https://") {
		t.Error("the session produced too little to test")
	}
}

func TestGraphPath(t *testing.T) {
	for in, want := range map[string]string{
		"/v1.0/me/messages/x":                           "/v1.0/me/messages/x",
		"/Zk3secret/graph.microsoft.com/v1.0/me/events": "/v1.0/me/events",
		"/beta/me":       "/beta/me",
		"/download.aspx": "/download.aspx",
	} {
		if got := graphPath(in); got != want {
			t.Errorf("graphPath(%q) = %q, want %q", in, got, want)
		}
	}
}
