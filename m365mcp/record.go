package m365mcp

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// ToolCall is what [Options.Audit] hears of one tool call. It holds no
// secret: no argument values, no headers, no query strings.
type ToolCall struct {
	Time time.Time
	// Tool is the tool's name.
	Tool string
	// Requests are the Graph (and pre-authenticated) requests the call made.
	Requests []GraphRequest
	// Outcome is "ok", "failed" (Error says why), "declined" (the user
	// refused to confirm a write) or "refused" (the tool is not offered to
	// this client).
	Outcome string
	Error   string
	// Duration is how long the call took.
	Duration time.Duration
}

// Outcomes of a [ToolCall].
const (
	OutcomeOK       = "ok"
	OutcomeFailed   = "failed"
	OutcomeDeclined = "declined"
	OutcomeRefused  = "refused"
)

// GraphRequest is one HTTP request a tool call made.
type GraphRequest struct {
	Method string
	Host   string
	// Path is the URL path, without the query.
	Path string
	// Status is the HTTP status, 0 when no response came.
	Status   int
	Duration time.Duration
	// Error is the transport error, if any.
	Error string
}

// recorder collects the requests of one tool call.
type recorder struct {
	mu   sync.Mutex
	reqs []GraphRequest
}

func (r *recorder) add(g GraphRequest) {
	r.mu.Lock()
	r.reqs = append(r.reqs, g)
	r.mu.Unlock()
}

func (r *recorder) requests() []GraphRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]GraphRequest(nil), r.reqs...)
}

type recorderKey struct{}

func withRecorder(ctx context.Context, r *recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// recordingTransport tells the recorder in a request's context about the
// request (it changes nothing in it).
type recordingTransport struct {
	base http.RoundTripper
	now  func() time.Time
}

func (t recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	rec, _ := req.Context().Value(recorderKey{}).(*recorder)
	if rec == nil {
		return base.RoundTrip(req)
	}
	start := t.now()
	resp, err := base.RoundTrip(req)
	g := GraphRequest{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path, Duration: t.now().Sub(start)}
	if resp != nil {
		g.Status = resp.StatusCode
	}
	if err != nil {
		g.Error = "request failed before a response"
	}
	rec.add(g)
	return resp, err
}

// recording returns a copy of hc (nil: http.DefaultClient) whose requests
// are recorded.
func recording(hc *http.Client, now func() time.Time) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.Transport = recordingTransport{base: hc.Transport, now: now}
	return &c
}
