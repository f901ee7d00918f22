package m365mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// env is a sandbox, a vault signed in to it, and the tool calls audited.
type env struct {
	sb   *sandbox.Server
	b    *broker.Broker
	home string

	mu    sync.Mutex
	calls []ToolCall
	logs  bytes.Buffer // the server's debug log
}

// testScopes are what the test connection is granted: everything but Teams
// (added by tests that need it).
var testScopes = []string{"@mail", "@calendar", "@files", "@contacts", "@tasks", "@directory", "MailboxSettings.Read"}

// newEnv starts a sandbox and signs in to it (as its first user, with the
// password flow) in a fresh vault.
func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	sb, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), sb.Info()); err != nil {
		t.Fatal(err)
	}
	b, err := broker.Open(t.Context(), broker.Options{Home: home, Profile: "default", Keys: vault.FileKey(filepath.Join(home, "test.key"))})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{sb: sb, b: b, home: home}
	e.login(t, false, testScopes...)
	return e
}

// login signs in again, with scopes added to the connection's when add.
func (e *env) login(t *testing.T, add bool, scopes ...string) {
	t.Helper()
	e.loginAs(t, sandbox.Users()[0], add, scopes...)
}

// loginAs signs in as user.
func (e *env) loginAs(t *testing.T, user sandbox.User, add bool, scopes ...string) {
	t.Helper()
	_, err := e.b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowPassword,
		Tenant: "organizations", Username: user.UserPrincipalName, Scopes: scopes, AddScopes: add, Force: true,
		PromptSecret: func(string) (string, error) { return user.Password, nil }})
	if err != nil {
		t.Fatal(err)
	}
}

// server returns a trusted-mode server on the vault's connection.
func (e *env) server(t *testing.T, opts Options) *Server {
	t.Helper()
	ep, err := e.b.Graph(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	opts.HTTPClient, opts.PreAuth, opts.BaseURL = ep.Client, ep.PreAuth, ep.URL
	opts.Audit = func(c ToolCall) {
		e.mu.Lock()
		e.calls = append(e.calls, c)
		e.mu.Unlock()
	}
	opts.Logger = newTestLogger(&e.logs, &e.mu)
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connect connects an SDK client to s in memory.
func connect(t *testing.T, s *Server, copts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	ct, st := mcp.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx, st)
	}()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, copts).Connect(t.Context(), ct, nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		cancel()
		<-done
	})
	return cs
}

// allowAll is a client that confirms every write.
func allowAll() *mcp.ClientOptions {
	return &mcp.ClientOptions{ElicitationHandler: func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{confirmKey: true}}, nil
	}}
}

// call calls a tool and decodes its structured result into out (if not nil);
// it fails the test on a protocol error or, unless wantErr, a tool error.
func call(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, out any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", name, text(res))
	}
	if out != nil {
		b, err := json.Marshal(res.StructuredContent)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v in %s", name, err, b)
		}
	}
	return res
}

// callErr calls a tool that must fail with a tool error, and returns its text.
func callErr(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error %v, want a tool error", name, err)
	}
	if !res.IsError {
		t.Fatalf("%s: succeeded, want a tool error: %s", name, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// graphRequests returns "METHOD /path" of the sandbox's Graph requests since
// the last clear, and clears the log.
func (e *env) graphRequests() []string {
	var out []string
	for _, r := range e.sb.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	e.sb.ClearRequests()
	return out
}

// lastCall returns the last audited tool call.
func (e *env) lastCall(t *testing.T) ToolCall {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.calls) == 0 {
		t.Fatal("no tool call audited")
	}
	return e.calls[len(e.calls)-1]
}

// newTestLogger logs at debug level into w, under mu.
func newTestLogger(w *bytes.Buffer, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewJSONHandler(lockedWriter{w: w, mu: mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
