package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/authsome-go/authsome/proxy"
)

// mcpScopes are the scopes the MCP tests sign in with.
const mcpScopes = "@mail,@calendar,@files,@contacts,@tasks,@directory"

// mcpSignedIn is a home with a connection granted mcpScopes.
func mcpSignedIn(t *testing.T) *env {
	t.Helper()
	e := newAttackEnv(t)
	if r := e.login("--scopes", mcpScopes); r.code != 0 {
		t.Fatalf("login: exit %d: %s", r.code, r.stderr)
	}
	return e
}

// mcpSession connects the SDK's client, confirming every write, to the binary run with args.
func mcpSession(t *testing.T, e *env, stderr *safeBuffer, args ...string) *mcp.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	cmd := e.cmd(ctx, args...)
	cmd.Stderr = stderr
	c := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0"}, &mcp.ClientOptions{
		ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
		}})
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\nstderr: %s", err, stderr.String())
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// mcpCall calls a tool and returns its structured result as JSON; a tool error fails the test.
func mcpCall(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, _ := json.Marshal(res)
	if res.IsError {
		t.Fatalf("%s: tool error %s", name, b)
	}
	return string(b)
}

// TestMCPStdio runs `authsome mcp` as an MCP host does: the SDK's client over the binary's
// stdio. Tools answer from the sandbox, and each call lands in the audit log with its
// requests; nothing the session produced holds the token.
func TestMCPStdio(t *testing.T) {
	t.Parallel()
	e := mcpSignedIn(t)
	tok := strings.TrimSpace(e.ok("get", "microsoft", "--field", "access_token").stdout)
	var stderr safeBuffer
	cs := mcpSession(t, e, &stderr, "mcp", "-v")
	upn := e.sb.Info().Users[0].UserPrincipalName
	var seen strings.Builder
	seen.WriteString(mcpCall(t, cs, "mail_send", map[string]any{"to": []string{upn}, "subject": "From the MCP e2e", "body": "hi"}))
	out := mcpCall(t, cs, "mail_search", map[string]any{"query": "MCP e2e"})
	if !strings.Contains(out, "From the MCP e2e") {
		t.Errorf("mail_search: %s", out)
	}
	seen.WriteString(out)
	seen.WriteString(mcpCall(t, cs, "files_upload", map[string]any{"name": "e2e.txt", "content": "hello", "conflict": "replace"}))
	seen.WriteString(mcpCall(t, cs, "files_read", map[string]any{"path": "e2e.txt"}))
	cs.Close()

	recs := e.ok("log", "--json", "-n", "50").stdout
	tools := map[string]string{}
	requests := 0
	for _, r := range auditItems(t, recs) {
		if r.Kind == "mcp-tool" {
			tools[r.Path] = r.Outcome
		}
		if strings.HasPrefix(r.Mode, "mcp:") {
			requests++
		}
	}
	if tools["mail_send"] != "ok" || tools["mail_search"] != "ok" || tools["files_read"] != "ok" || requests < 4 {
		t.Errorf("audit log: tools %v, %d requests\n%s", tools, requests, recs)
	}
	all := seen.String() + recs + stderr.String()
	if len(tok) < 20 || strings.Contains(all, tok) || strings.Contains(all, tok[:20]) {
		t.Error("the session's output, log or stderr holds the access token")
	}
}

// auditItems reads `log --json`.
func auditItems(t *testing.T, out string) []proxy.AuditRecord {
	t.Helper()
	var doc struct {
		Items []proxy.AuditRecord `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("log --json: %v\n%s", err, out)
	}
	return doc.Items
}

// TestMCPReadOnly: --read-only offers no write tool, and refuses a call to one.
func TestMCPReadOnly(t *testing.T) {
	t.Parallel()
	e := mcpSignedIn(t)
	var stderr safeBuffer
	cs := mcpSession(t, e, &stderr, "mcp", "--read-only", "--tools", "mail,files")
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint || !(strings.HasPrefix(tool.Name, "mail_") || strings.HasPrefix(tool.Name, "files_")) {
			t.Errorf("read-only mail,files server offers %s", tool.Name)
		}
	}
	e.sb.ClearRequests()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "mail_send", Arguments: map[string]any{"to": []string{"a@b.c"}, "subject": "s", "body": "b"}})
	if err == nil && !res.IsError {
		t.Error("read-only server sent mail")
	}
	if n := e.graphRequestCount(); n != 0 {
		t.Errorf("%d Graph requests", n)
	}
}

// TestMCPListen serves streamable HTTP on loopback: without the secret a client gets 401; with
// it the SDK's client lists and calls tools.
func TestMCPListen(t *testing.T) {
	t.Parallel()
	e := mcpSignedIn(t)
	e.vars = append(e.vars, "AUTHSOME_MCP_SECRET=e2e-secret-0123456789")
	s := e.start("mcp", "--listen", "127.0.0.1:0")
	line := s.waitLine(t, func(l string) bool { return strings.Contains(l, "serving MCP on http://") })
	endpoint := strings.Fields(line[strings.Index(line, "http://"):])[0]
	t.Cleanup(func() { s.cmd.Process.Kill() })

	resp, err := http.Post(endpoint, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no secret: %s", resp.Status)
	}
	hc := &http.Client{Transport: bearerTransport{"e2e-secret-0123456789"}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "v0"}, nil).Connect(t.Context(),
		&mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if out := mcpCall(t, cs, "mail_list", map[string]any{"top": 1}); !strings.Contains(out, `"messages"`) {
		t.Errorf("mail_list: %s", out)
	}
}

type bearerTransport struct{ secret string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.secret)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPInsideRun runs `authsome mcp` as the child of `authsome run`: it has no vault and
// calls Graph through run's proxy, which adds the token.
func TestMCPInsideRun(t *testing.T) {
	t.Parallel()
	e := mcpSignedIn(t)
	var stderr safeBuffer
	cs := mcpSession(t, e, &stderr, "run", "--", binary, "mcp")
	out := mcpCall(t, cs, "mail_list", map[string]any{"top": 2})
	if !strings.Contains(out, `"messages"`) {
		t.Errorf("mail_list inside run: %s", out)
	}
	cs.Close()
	recs := e.ok("log", "--json", "-n", "20").stdout
	found := false
	for _, r := range auditItems(t, recs) {
		found = found || (r.Path == "/v1.0/me/mailFolders/inbox/messages" && r.Injected && r.Status == http.StatusOK)
	}
	if !found {
		t.Errorf("run's proxy did not log the tool's request:\n%s\nstderr: %s", recs, stderr.String())
	}
}

// TestMCPSandbox: `mcp --sandbox` needs no sign-in: it serves a sandbox of its own, every area
// working, and leaves no temporary home behind.
func TestMCPSandbox(t *testing.T) {
	t.Parallel()
	e := newAttackEnv(t)
	tmp := ""
	for _, kv := range e.vars {
		if v, ok := strings.CutPrefix(kv, "TMPDIR="); ok {
			tmp = v
		}
	}
	var stderr safeBuffer
	cs := mcpSession(t, e, &stderr, "mcp", "--sandbox")
	for name, args := range map[string]map[string]any{"mail_list": nil, "teams_chats": nil, "todo_lists": nil, "people_find": {"name": "A"}} {
		mcpCall(t, cs, name, args)
	}
	cs.Close()
	if left, _ := filepath.Glob(filepath.Join(tmp, "authsome-mcp-sandbox-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// nodeClient returns the command for test/mcp/client.mjs (the official TypeScript SDK's
// client). Where node or its modules are missing the test is skipped, except in CI.
func nodeClient(t *testing.T) []string {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := exec.LookPath("node"); err == nil && exec.Command("node", "-e", "require.resolve('@modelcontextprotocol/sdk/package.json', {paths: ['../test/mcp']})").Run() != nil {
		missing = append(missing, "@modelcontextprotocol/sdk (cd test/mcp && npm ci)")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("MCP client test prerequisites missing in CI: %s", strings.Join(missing, ", "))
		}
		t.Skipf("the TypeScript MCP client test needs %s", strings.Join(missing, ", "))
	}
	return []string{"node", "../test/mcp/client.mjs"}
}

// TestMCPTypeScriptClient: an independent MCP client (the official TypeScript SDK's, from the
// npm registry) starts `authsome mcp` over stdio, lists the tools and calls some; its write is
// confirmed through elicitation on that SDK's protocol version (the server asks with a
// request of its own, where newer clients get the question in the call's result).
func TestMCPTypeScriptClient(t *testing.T) {
	skipShort(t)
	t.Parallel()
	argv := nodeClient(t)
	e := mcpSignedIn(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], append(argv[1:], binary, "mcp")...)
	c.Env = e.vars
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("client.mjs: %v\n%s", err, out)
	}
	var got struct {
		Tools   []string `json:"tools"`
		Results map[string]struct {
			IsError bool   `json:"isError"`
			Text    string `json:"text"`
		} `json:"results"`
		Asked []string `json:"asked"`
	}
	if err := json.Unmarshal(out[strings.LastIndex(string(out), "\n{")+1:], &got); err != nil {
		t.Fatalf("client.mjs output: %v\n%s", err, out)
	}
	if len(got.Tools) < 25 {
		t.Errorf("tools: %v", got.Tools)
	}
	for _, name := range []string{"mail_list", "todo_add", "todo_tasks"} {
		if r, ok := got.Results[name]; !ok || r.IsError {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if len(got.Asked) != 1 || !strings.Contains(got.Asked[0], "From the TypeScript client") {
		t.Errorf("confirmations asked: %q", got.Asked)
	}
	if r := got.Results["mail_read"]; !r.IsError || !strings.HasPrefix(r.Text, "not found") {
		t.Errorf("mail_read of a missing message: %+v", r)
	}
}
