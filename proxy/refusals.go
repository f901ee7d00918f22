package proxy

import (
	"sync"
	"time"
	"unicode/utf8"
)

// refusalWindow is how long refusals before authentication are counted before their summary
// entries are audited (a variable for tests; a Server reads it once, in New).
var refusalWindow = 10 * time.Second

// refusals counts requests refused before authentication and audits them as at most one
// summary [Entry] per reason per refusalWindow. Whoever can reach the proxy's port, another
// local user or a web page, can send such requests by the hundred thousand; one line each
// would rotate the agent's own requests out of the audit log. The reasons are the proxy's
// own fixed messages, so the counts take bounded memory. Safe for concurrent use.
type refusals struct {
	audit  func(Entry)
	window time.Duration

	mu      sync.Mutex
	pending []*Entry    // one summary per Status and Error, in order of first refusal
	timer   *time.Timer // set while a window is open
	closed  bool
}

// add counts e, a refusal before authentication, into its reason's summary.
func (c *refusals) add(e Entry) {
	if c.audit == nil {
		return
	}
	c.mu.Lock()
	for _, p := range c.pending {
		if p.Status == e.Status && p.Error == e.Error {
			p.Count++
			p.Until = e.Time
			c.mu.Unlock()
			return
		}
	}
	e.Kind, e.Count, e.Until, e.Duration = KindRefusals, 1, e.Time, 0
	e.Host, e.Path = clip(e.Host), clip(e.Path)
	c.pending = append(c.pending, &e)
	if c.closed {
		// Close has written its summaries: this one goes out at once.
		c.mu.Unlock()
		c.flush()
		return
	}
	if c.timer == nil {
		c.timer = time.AfterFunc(c.window, c.flush)
	}
	c.mu.Unlock()
}

// maxSample bounds the sample host and path of a summary: a request line can be a megabyte
// long, and the summaries must stay small for the log to hold the agent's requests.
const maxSample = 256

// clip cuts s to at most maxSample bytes, at a character boundary, marking the cut with "…".
func clip(s string) string {
	if len(s) <= maxSample {
		return s
	}
	cut := maxSample - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// flush audits the pending summaries and ends the window.
func (c *refusals) flush() {
	c.mu.Lock()
	pending := c.pending
	c.pending = nil
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.mu.Unlock()
	for _, e := range pending {
		c.audit(*e)
	}
}

// close audits what is pending; later refusals are audited as they come.
func (c *refusals) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.flush()
}
