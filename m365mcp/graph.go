package m365mcp

// The graph_*.go files are the only code that names msgraph's services and
// types: they call Graph and turn its answers into the compact results the
// tools return.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// graph makes the tools' Graph calls.
type graph struct {
	c   *msgraph.Client
	now func() time.Time
}

func newGraph(opts Options) (*graph, error) {
	gopts := []msgraph.Option{msgraph.WithPreAuthClient(recording(opts.PreAuth, opts.Now)), msgraph.WithRetryPolicy(toolRetry)}
	if opts.BaseURL != "" {
		gopts = append(gopts, msgraph.WithBaseURL(opts.BaseURL))
	}
	c, err := msgraph.NewClient(recording(opts.HTTPClient, opts.Now), append(gopts, opts.GraphOptions...)...)
	if err != nil {
		return nil, err
	}
	return &graph{c: c, now: opts.Now}, nil
}

// me is the signed-in user in Graph paths.
const me = "me"

// maxCursors is how many cursors a server keeps; older ones expire.
const maxCursors = 256

// cursorStore keeps the Graph responses that have a next page, behind
// opaque cursors handed to the model.
type cursorStore struct {
	mu    sync.Mutex
	m     map[string]cursorEntry
	order []string
}

type cursorEntry struct {
	tool string
	resp *msgraph.Response
}

func newCursorStore() *cursorStore { return &cursorStore{m: map[string]cursorEntry{}} }

// put keeps resp for tool and returns its cursor, or "" when resp was the
// last page.
func (cs *cursorStore) put(tool string, resp *msgraph.Response) string {
	if resp == nil || resp.NextLink == "" {
		return ""
	}
	b := make([]byte, 12)
	rand.Read(b)
	id := hex.EncodeToString(b)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.m[id] = cursorEntry{tool: tool, resp: resp}
	cs.order = append(cs.order, id)
	if len(cs.order) > maxCursors {
		delete(cs.m, cs.order[0])
		cs.order = slices.Delete(cs.order, 0, 1)
	}
	return id
}

func (cs *cursorStore) get(tool, id string) (*msgraph.Response, error) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e, ok := cs.m[id]
	if !ok || e.tool != tool {
		return nil, badInput("cursor %q is unknown or expired for %s: call the tool again without a cursor", id, tool)
	}
	return e.resp, nil
}

// page returns one page of a collection: the first (from first) or, with a
// cursor, the next one; and the cursor of the page after it ("" on the last).
func page[T any](ctx context.Context, s *Server, tool, cursor string, first func() ([]*T, *msgraph.Response, error)) ([]*T, string, error) {
	var (
		items []*T
		resp  *msgraph.Response
		err   error
	)
	if cursor != "" {
		prev, cerr := s.cursors.get(tool, cursor)
		if cerr != nil {
			return nil, "", cerr
		}
		items, resp, err = msgraph.NextPage[T](ctx, s.g.c, prev)
	} else {
		items, resp, err = first()
	}
	if err != nil {
		return nil, "", err
	}
	return items, s.cursors.put(tool, resp), nil
}

// listOpts are the list options of a page of top items (1 to 50, default
// 10) with the given fields.
func listOpts(top int, fields ...string) msgraph.ListOptions {
	return msgraph.ListOptions{Top: clampTop(top), Select: fields}
}

func clampTop(top int) int {
	switch {
	case top <= 0:
		return 10
	case top > 50:
		return 50
	}
	return top
}

// person is a compact email address.
func person(a msgraph.EmailAddress) Person { return Person{Name: a.Name, Address: a.Address} }

func people(rs []msgraph.Recipient) []Person {
	out := make([]Person, 0, len(rs))
	for _, r := range rs {
		out = append(out, person(r.EmailAddress))
	}
	return out
}

// recipients turns addresses ("Name <a@b>" or "a@b") into Graph recipients.
func recipients(field string, addrs []string) ([]msgraph.Recipient, error) {
	rs, err := msgraph.Recipients(addrs...)
	if err != nil {
		return nil, badInput("%s: %v", field, err)
	}
	return rs, nil
}

// stamp is t in RFC 3339 (UTC), "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
