package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/m365mcp"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/msgraph/account"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

type mcpOptions struct {
	connection  string
	readOnly    bool
	allowWrites bool
	tools       []string
	listen      string
	sandbox     bool
}

// mcpSecretEnv sets the secret HTTP clients of `mcp --listen` must send (else one is made).
const mcpSecretEnv = "AUTHSOME_MCP_SECRET"

func newMCPCmd(f *Factory) *cobra.Command {
	var o mcpOptions
	cmd := &cobra.Command{
		Use:   "mcp [--connection N] [--read-only] [--allow-writes] [--tools mail,calendar,...] [--listen 127.0.0.1:PORT]",
		Short: "Serve Microsoft 365 as MCP tools to an agent host (stdio, or HTTP on loopback)",
		Long: `Serve Microsoft 365 (mail, calendar, contacts and the directory, OneDrive files, To Do, Teams) as
Model Context Protocol tools, resources (today's agenda, the unread inbox) and a "triage_inbox"
prompt. An MCP host (Claude Desktop or Code, VS Code, ...) starts it over stdio; --listen serves
MCP's streamable HTTP on a loopback address instead, to clients that send
"Authorization: Bearer SECRET" (SECRET is $AUTHSOME_MCP_SECRET, or one made for the run and
printed on stderr).

authsome makes the Graph calls itself with the connection's token (refreshed as needed); no tool
result, log line or error holds a token or a pre-authenticated download URL. Started inside
` + "`authsome run`" + ` (MICROSOFT_ACCESS_TOKEN=authsome-proxy-managed), it holds no vault and calls Graph
through run's proxy.

Write tools (send, reply, move, create, upload, share, post, ...) ask the user to confirm through
the client when it supports MCP elicitation; a client that does not is offered them only with
--allow-writes. --read-only offers read tools only; --tools limits the tools to some areas
(mail, calendar, contacts, files, todo, teams). Every tool call goes to the audit log
(` + "`authsome log`" + `) with the Graph requests it made and its outcome.

--sandbox tries it offline: the server starts the Microsoft 365 sandbox in its own process, signs
its first user in (in a temporary home, removed on exit) and serves that tenant. See docs/mcp.md.`,
		Example: `  authsome mcp
  authsome mcp --read-only --tools mail,calendar
  authsome mcp --listen 127.0.0.1:8765
  npx @modelcontextprotocol/inspector authsome mcp --sandbox`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runMCP(cmd.Context(), f, &o) },
	}
	fl := cmd.Flags()
	fl.StringVar(&o.connection, "connection", "", "Microsoft connection (default: the default one)")
	fl.BoolVar(&o.readOnly, "read-only", false, "offer read tools only")
	fl.BoolVar(&o.allowWrites, "allow-writes", false, "offer write tools to clients that cannot ask the user to confirm them")
	fl.StringSliceVar(&o.tools, "tools", nil, "tool areas to offer, comma-separated: "+strings.Join(m365mcp.Areas, ","))
	fl.StringVar(&o.listen, "listen", "", "serve streamable HTTP on this loopback address (127.0.0.1:PORT) instead of stdio")
	fl.BoolVar(&o.sandbox, "sandbox", false, "try it offline: serve a sandbox tenant started in this process, signed in as its first user, in a temporary home removed on exit")
	return cmd
}

// check refuses flag combinations that make no sense, before any I/O.
func (o *mcpOptions) check() error {
	if o.readOnly && o.allowWrites {
		return usagef("--read-only and --allow-writes contradict each other")
	}
	if o.sandbox && o.connection != "" {
		return usagef("--sandbox signs in a connection of its own; --connection does not apply")
	}
	for _, a := range o.tools {
		if !slices.Contains(m365mcp.Areas, a) {
			return usagef("--tools: unknown area %q (want %s)", a, strings.Join(m365mcp.Areas, ", "))
		}
	}
	if o.listen != "" && !loopbackAddr(o.listen) {
		return usagef("--listen %q: want a loopback address such as 127.0.0.1:8765", o.listen)
	}
	return nil
}

func runMCP(ctx context.Context, f *Factory, o *mcpOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	opts := m365mcp.Options{ReadOnly: o.readOnly, AllowWrites: o.allowWrites, Areas: o.tools, Connection: o.connection,
		Logger: f.Logger(), Version: Version, GraphOptions: []msgraph.Option{msgraph.WithUserAgent("authsome/" + Version)}}
	var b *broker.Broker
	var err error
	switch {
	case o.sandbox:
		var cleanup func()
		if b, cleanup, err = mcpSandbox(ctx); err != nil {
			return err
		}
		defer cleanup()
	case os.Getenv("MICROSOFT_ACCESS_TOKEN") == account.ProxyManaged:
		err = mcpThroughRun(f, o, &opts)
	default:
		b, err = f.Broker(ctx)
	}
	if err == nil && b != nil {
		err = mcpWithVault(ctx, f, b, o.connection, &opts)
	}
	if err != nil {
		return err
	}
	srv, err := m365mcp.New(opts)
	if err != nil {
		return err
	}
	if o.listen != "" {
		return serveMCPHTTP(ctx, f, srv, o.listen)
	}
	return srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(f.IO.In), Writer: nopWriteCloser{f.IO.Out}})
}

// mcpThroughRun sets opts for a server inside `authsome run`: Graph through run's proxy (or
// base URL), which adds the token and writes each request to the profile's audit log; tool
// calls go to the debug log (-v, --log-file), since the vault is out of reach.
func mcpThroughRun(f *Factory, o *mcpOptions, opts *m365mcp.Options) error {
	if o.connection != "" {
		return usagef("--connection: inside `authsome run` the connection is the one run chose")
	}
	c, err := account.FromEnvironment()
	if err != nil {
		return err
	}
	opts.BaseURL = c.BaseURL().String()
	log := f.Logger()
	opts.Audit = func(c m365mcp.ToolCall) {
		log.Info("mcp tool call", "tool", c.Tool, "outcome", c.Outcome, "requests", len(c.Requests), "error", c.Error)
	}
	return nil
}

// mcpWithVault sets opts for the trusted server: the connection's Graph and token from the
// vault, each tool call and its requests appended to the profile's audit log.
func mcpWithVault(ctx context.Context, f *Factory, b *broker.Broker, connection string, opts *m365mcp.Options) error {
	ep, err := b.Graph(ctx, connection)
	if err != nil {
		return err
	}
	opts.HTTPClient, opts.PreAuth, opts.BaseURL = ep.Client, ep.PreAuth, ep.URL
	graphHost := strings.TrimPrefix(strings.TrimPrefix(ep.URL, "https://"), "http://")
	path, warn := auditPath(b), f.WarnLogger()
	opts.Audit = func(c m365mcp.ToolCall) {
		for _, r := range mcpAuditRecords(ep.Connection, graphHost, c) {
			if err := proxy.AppendAudit(path, r); err != nil {
				warn.Warn("could not write the audit log", "error", err)
				return
			}
		}
	}
	return nil
}

// mcpSandboxScopes are what --sandbox signs in with: every area's tools work.
var mcpSandboxScopes = []string{"@mail", "@calendar", "@files", "@contacts", "@tasks", "@teams", "@directory", "MailboxSettings.Read"}

// mcpSandbox starts a sandbox in this process with a temporary home, signs its first user in
// there, and returns the home's broker and what removes it all.
func mcpSandbox(ctx context.Context) (_ *broker.Broker, cleanup func(), err error) {
	home, err := os.MkdirTemp("", "authsome-mcp-sandbox-")
	if err != nil {
		return nil, nil, err
	}
	var sb *sandbox.Server
	cleanup = func() {
		if sb != nil {
			sb.Close()
		}
		os.RemoveAll(home)
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	if sb, err = sandbox.New(sandbox.Options{Dir: filepath.Join(home, "sandbox")}); err != nil {
		return nil, nil, err
	}
	if err = sb.Start("127.0.0.1:0"); err != nil {
		sb = nil
		return nil, nil, err
	}
	info := sb.Info()
	if err = sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), info); err != nil {
		return nil, nil, err
	}
	b, err := broker.Open(ctx, broker.Options{Home: home, Profile: "default", Keys: vault.FileKey(filepath.Join(home, "sandbox.key"))})
	if err != nil {
		return nil, nil, err
	}
	user := info.Users[0]
	_, err = b.Login(ctx, broker.LoginRequest{Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowPassword,
		Tenant: "organizations", Username: user.UserPrincipalName, Scopes: mcpSandboxScopes,
		PromptSecret: func(string) (string, error) { return user.Password, nil }})
	if err != nil {
		return nil, nil, err
	}
	return b, cleanup, nil
}

// mcpToolKind is the audit record kind of an MCP tool call.
const mcpToolKind = "mcp-tool"

// mcpAuditRecords are the audit records of a tool call: one per request it made (mode
// "mcp:TOOL"), then the call's own (kind "mcp-tool": the tool in path, the outcome, the number
// of requests in count).
func mcpAuditRecords(conn, graphHost string, c m365mcp.ToolCall) []proxy.AuditRecord {
	var out []proxy.AuditRecord
	status := 0
	for _, r := range c.Requests {
		out = append(out, proxy.AuditRecord{Time: c.Time, Provider: "microsoft", Connection: conn, Method: r.Method, Host: r.Host,
			Path: r.Path, Status: r.Status, DurationMS: float64(r.Duration) / float64(time.Millisecond),
			Injected: strings.EqualFold(r.Host, graphHost), Mode: "mcp:" + c.Tool, Error: r.Error})
		status = r.Status
	}
	return append(out, proxy.AuditRecord{Time: c.Time, Kind: mcpToolKind, Provider: "microsoft", Connection: conn, Method: "TOOL",
		Host: "mcp", Path: c.Tool, Status: status, DurationMS: float64(c.Duration) / float64(time.Millisecond), Mode: "mcp",
		Outcome: c.Outcome, Error: c.Error, Count: len(c.Requests)})
}

// serveMCPHTTP serves srv over streamable HTTP at addr/mcp until ctx ends.
func serveMCPHTTP(ctx context.Context, f *Factory, srv *m365mcp.Server, addr string) error {
	secret := os.Getenv(mcpSecretEnv)
	if secret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		secret = hex.EncodeToString(b)
		fmt.Fprintf(f.IO.ErrOut, "authsome mcp: clients must send the header: Authorization: Bearer %s (valid for this run only; set $%s to choose it)\n", secret, mcpSecretEnv)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", srv.HTTPHandler(secret))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(f.IO.ErrOut, "authsome mcp: serving MCP on http://%s/mcp until Ctrl-C\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// nopWriteCloser leaves the command's stdout open when the session ends.
type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
