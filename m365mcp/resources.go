package m365mcp

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// specs are every tool the server knows, in the order they are listed.
func (s *Server) specs() []*toolSpec {
	return slices.Concat(mailTools(), calendarTools(), peopleTools(), filesTools(), todoTools(), teamsTools())
}

// Resource URIs.
const (
	AgendaURI = "m365://calendar/today"
	UnreadURI = "m365://mail/unread"
)

// addResources adds today's agenda and the unread inbox (where their areas
// are offered) and the triage prompt.
func (s *Server) addResources() {
	if s.area(AreaCalendar) {
		s.mcp.AddResource(&mcp.Resource{URI: AgendaURI, Name: "agenda", Title: "Today's agenda", MIMEType: "application/json",
			Description: "The user's events today, in their time zone."},
			s.resource("agenda", func(ctx context.Context) (any, error) {
				return s.g.calendarView(ctx, s, calendarViewIn{Start: s.opts.Now().Format("2006-01-02"), Top: 50})
			}))
	}
	if s.area(AreaMail) {
		s.mcp.AddResource(&mcp.Resource{URI: UnreadURI, Name: "unread", Title: "Unread inbox", MIMEType: "application/json",
			Description: "The newest unread messages of the inbox (up to 25)."},
			s.resource("unread", func(ctx context.Context) (any, error) {
				return s.g.listMail(ctx, s, mailListIn{UnreadOnly: true, Top: 25})
			}))
		s.mcp.AddPrompt(&mcp.Prompt{Name: "triage_inbox", Title: "Triage my inbox",
			Description: "Go through the unread inbox and propose what to do with each message."}, s.triagePrompt)
	}
}

func (s *Server) area(a string) bool {
	return len(s.opts.Areas) == 0 || slices.Contains(s.opts.Areas, a)
}

// resource serves read's value as JSON, audited as a call of "resource:name".
func (s *Server) resource(name string, read func(context.Context) (any, error)) mcp.ResourceHandler {
	return func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		rec := &recorder{}
		start := s.opts.Now()
		v, err := read(withRecorder(ctx, rec))
		call := ToolCall{Time: start, Tool: "resource:" + name, Requests: rec.requests(), Outcome: OutcomeOK, Duration: s.opts.Now().Sub(start)}
		if err != nil {
			err = s.toolError(err)
			call.Outcome, call.Error = OutcomeFailed, err.Error()
		}
		s.audit(call)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "application/json", Text: string(b)}}}, nil
	}
}

const triageText = `Triage my inbox. The unread messages are attached. For each one, say in a line who it is from, what it wants, and one action: reply (draft the reply), schedule (propose a time with calendar_find_free_times), task (a To Do item), archive, or ignore.
Group them by action, most urgent first. Do not send, move or change anything until I confirm.`

func (s *Server) triagePrompt(ctx context.Context, _ *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	return &mcp.GetPromptResult{Description: "Triage the unread inbox", Messages: []*mcp.PromptMessage{
		{Role: "user", Content: &mcp.TextContent{Text: triageText}},
		{Role: "user", Content: &mcp.ResourceLink{URI: UnreadURI, Name: "unread", MIMEType: "application/json"}},
	}}, nil
}
