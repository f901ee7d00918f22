package m365mcp

import (
	"context"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// toolSpec describes a tool: its name and description for a model, its area,
// its annotations, and how to add it to a server.
type toolSpec struct {
	name        string
	title       string
	description string
	area        string
	// write marks a tool that changes the user's data; destructive one whose
	// change cannot be undone by another call (sending, deleting, sharing);
	// idempotent one that a repeat with the same input leaves as it was.
	write, destructive, idempotent bool

	add func(s *Server)
}

// annotations are spec's hints for clients.
func (spec *toolSpec) annotations() *mcp.ToolAnnotations {
	destructive := spec.write && spec.destructive
	open := true
	return &mcp.ToolAnnotations{Title: spec.title, ReadOnlyHint: !spec.write, DestructiveHint: &destructive,
		IdempotentHint: !spec.write || spec.idempotent, OpenWorldHint: &open}
}

// newTool returns spec with an add that registers run as the tool. For write
// tools, confirm says in a sentence what the call will do, for the user to
// allow.
func newTool[In, Out any](spec toolSpec, confirm func(In) string, run func(context.Context, *Server, In) (Out, error)) *toolSpec {
	sp := &spec
	sp.add = func(s *Server) {
		mcp.AddTool(s.mcp, &mcp.Tool{Name: sp.name, Title: sp.title, Description: sp.description, Annotations: sp.annotations()},
			func(ctx context.Context, req *mcp.CallToolRequest, in In) (*mcp.CallToolResult, Out, error) {
				var zero Out
				if sp.write && canElicit(req.ClientCapabilities()) {
					ask, ok := confirmed(req, sp.name, confirm(in))
					if ask != nil {
						return ask, zero, nil
					}
					if !ok {
						s.audit(ToolCall{Time: s.opts.Now(), Tool: sp.name, Outcome: OutcomeDeclined})
						return nil, zero, errors.New("the user did not allow this " + sp.name + " call; do not retry it unless the user asks")
					}
				}
				rec := &recorder{}
				start := s.opts.Now()
				out, err := run(withRecorder(ctx, rec), s, in)
				call := ToolCall{Time: start, Tool: sp.name, Requests: rec.requests(), Outcome: OutcomeOK, Duration: s.opts.Now().Sub(start)}
				if err != nil {
					err = s.toolError(err)
					call.Outcome, call.Error = OutcomeFailed, err.Error()
				}
				s.audit(call)
				return nil, out, err
			})
	}
	return sp
}

// confirmKey names the confirmation in a call's input requests.
const confirmKey = "confirm"

// confirmSchema is the form the user fills in: one box to tick.
var confirmSchema = map[string]any{"type": "object", "properties": map[string]any{
	confirmKey: map[string]any{"type": "boolean", "title": "Allow", "description": "Allow this change to your Microsoft 365 data"},
}, "required": []string{confirmKey}}

// confirmed asks the user (the first time: ask is the result that carries the
// question) or reads the answer (on the call's retry: ok says whether the
// user allowed it).
func confirmed(req *mcp.CallToolRequest, tool, what string) (ask *mcp.CallToolResult, ok bool) {
	if len(req.Params.InputResponses) == 0 {
		return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{confirmKey: &mcp.ElicitParams{
			Mode:            "form",
			Message:         "Allow " + tool + "? " + what,
			RequestedSchema: confirmSchema,
		}}}, false
	}
	r, _ := req.Params.InputResponses[confirmKey].(*mcp.ElicitResult)
	return nil, r != nil && r.Action == "accept" && r.Content[confirmKey] == true
}

// audit reports a call to Options.Audit.
func (s *Server) audit(c ToolCall) {
	if s.opts.Audit != nil {
		s.opts.Audit(c)
	}
	s.opts.Logger.Debug("tool call", "tool", c.Tool, "outcome", c.Outcome, "requests", len(c.Requests))
}
