package m365mcp

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/authsome-go/authsome/msgraph"
)

// Areas are the groups of tools [Options.Areas] chooses from.
var Areas = []string{AreaMail, AreaCalendar, AreaContacts, AreaFiles, AreaTodo, AreaTeams}

// The tool areas.
const (
	AreaMail     = "mail"
	AreaCalendar = "calendar"
	AreaContacts = "contacts" // contacts and the directory
	AreaFiles    = "files"
	AreaTodo     = "todo"
	AreaTeams    = "teams"
)

// toolRetry is how throttled Graph requests are retried inside a tool call:
// briefly, so that a model hears of a long wait instead of hanging on it.
var toolRetry = msgraph.RetryPolicy{MaxRetries: 2, MaxWait: 5 * time.Second}

// Options configure a [Server].
type Options struct {
	// HTTPClient reaches Graph with the credential: the broker's endpoint
	// client, or (inside `authsome run`) a plain client whose requests go
	// through run's proxy. nil means http.DefaultClient.
	HTTPClient *http.Client
	// PreAuth reaches pre-authenticated upload and download URLs without a
	// credential. nil means http.DefaultClient.
	PreAuth *http.Client
	// BaseURL is Graph's root ("" for https://graph.microsoft.com).
	BaseURL string
	// Connection names the authsome connection in hints ("" for the default).
	Connection string

	// ReadOnly offers only read tools.
	ReadOnly bool
	// AllowWrites offers write tools to clients that cannot confirm them
	// with the user (no elicitation); such writes run unconfirmed.
	AllowWrites bool
	// Areas limits the tools to these areas ([Areas]); nil means all.
	Areas []string

	// Audit, if set, is called after every tool call (from the goroutine
	// that served it).
	Audit func(ToolCall)
	// Logger gets the server's diagnostics (never a secret); nil discards.
	Logger *slog.Logger
	// Version is the server version MCP clients see.
	Version string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// GraphOptions are more options for the Graph client (user agent, …).
	GraphOptions []msgraph.Option
}

// Server is the MCP server. Create it with [New]; it is safe for concurrent
// use by the sessions of one [Server.HTTPHandler].
type Server struct {
	opts    Options
	g       *graph
	mcp     *mcp.Server
	tools   map[string]*toolSpec // the tools offered, by name
	cursors *cursorStore
}

// New returns a server with the tools, resources and prompts opts allow.
func New(opts Options) (*Server, error) {
	for _, a := range opts.Areas {
		if !slices.Contains(Areas, a) {
			return nil, fmt.Errorf("m365mcp: unknown tool area %q (want %s)", a, strings.Join(Areas, ", "))
		}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	g, err := newGraph(opts)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, g: g, tools: map[string]*toolSpec{}, cursors: newCursorStore()}
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: "authsome-m365", Title: "Microsoft 365 (authsome)", Version: opts.Version},
		&mcp.ServerOptions{Instructions: instructions, Logger: opts.Logger})
	for _, spec := range s.specs() {
		if s.offers(spec) {
			s.tools[spec.name] = spec
			spec.add(s)
		}
	}
	s.mcp.AddReceivingMiddleware(s.gate)
	s.addResources()
	return s, nil
}

const instructions = `Microsoft 365 of the signed-in user through Microsoft Graph: mail, calendar, contacts and the directory, OneDrive files, To Do and Teams.
Ids come from the list and search tools; pass "cursor" back to get the next page. Times are ISO 8601; calendar tools answer in the user's time zone.
Write tools (send, reply, create, update, upload, post) may ask the user to confirm first.`

// offers reports whether opts let the server offer spec at all (elicitation
// support is decided per session, by gate).
func (s *Server) offers(spec *toolSpec) bool {
	if spec.write && s.opts.ReadOnly {
		return false
	}
	return len(s.opts.Areas) == 0 || slices.Contains(s.opts.Areas, spec.area)
}

// MCP returns the underlying SDK server (to connect transports in tests).
func (s *Server) MCP() *mcp.Server { return s.mcp }

// Run serves one session over t (stdio: &mcp.StdioTransport{}) until the
// client disconnects or ctx ends.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	err := s.mcp.Run(ctx, t)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// HTTPHandler serves MCP's streamable HTTP transport to clients that send
// "Authorization: Bearer secret"; others get 401. The SDK refuses requests
// whose Host is not loopback (DNS rebinding), and cross-origin browser
// requests are refused.
func (s *Server) HTTPHandler(secret string) http.Handler {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp },
		&mcp.StreamableHTTPOptions{Logger: s.opts.Logger})
	protected := http.NewCrossOriginProtection().Handler(h)
	want := []byte("Bearer " + secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if secret == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="authsome mcp"`)
			http.Error(w, "authsome mcp: missing or wrong Authorization: Bearer secret", http.StatusUnauthorized)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// gate is the receiving middleware that hides write tools from a session
// whose client cannot confirm them (no elicitation) unless writes are
// allowed, and refuses calls to tools the session was not offered.
func (s *Server) gate(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		switch method {
		case "tools/list":
			res, err := next(ctx, method, req)
			lr, ok := res.(*mcp.ListToolsResult)
			if err != nil || !ok || s.writesOffered(clientCaps(req)) {
				return res, err
			}
			lr.Tools = slices.DeleteFunc(slices.Clone(lr.Tools), func(t *mcp.Tool) bool { return s.tools[t.Name] != nil && s.tools[t.Name].write })
			return lr, nil
		case "tools/call":
			p, ok := req.GetParams().(*mcp.CallToolParamsRaw)
			if !ok {
				break
			}
			spec := s.tools[p.Name]
			if spec == nil { // not offered (read-only, --tools) or unknown: the SDK answers
				s.audit(ToolCall{Time: s.opts.Now(), Tool: p.Name, Outcome: OutcomeRefused, Error: "not offered"})
				break
			}
			if spec.write && !s.writesOffered(clientCaps(req)) {
				err := fmt.Errorf("%s changes the user's data and this client cannot ask the user to confirm it; "+
					"the user can restart the server with --allow-writes to allow such tools", p.Name)
				s.audit(ToolCall{Time: s.opts.Now(), Tool: p.Name, Outcome: OutcomeRefused, Error: err.Error()})
				r := &mcp.CallToolResult{}
				r.SetError(err)
				return r, nil
			}
		}
		return next(ctx, method, req)
	}
}

// writesOffered reports whether a client with caps is offered write tools.
func (s *Server) writesOffered(caps *mcp.ClientCapabilities) bool {
	return !s.opts.ReadOnly && (s.opts.AllowWrites || canElicit(caps))
}

func canElicit(caps *mcp.ClientCapabilities) bool { return caps != nil && caps.Elicitation != nil }

// clientCaps returns the capabilities of the client that sent req.
func clientCaps(req mcp.Request) *mcp.ClientCapabilities {
	switch r := req.(type) {
	case *mcp.ListToolsRequest:
		return r.ClientCapabilities()
	case *mcp.CallToolRequest:
		return r.ClientCapabilities()
	}
	if ss, ok := req.GetSession().(*mcp.ServerSession); ok && ss.InitializeParams() != nil {
		return ss.InitializeParams().Capabilities
	}
	return nil
}
