package main

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// config selects what one run of the benchmark does.
type config struct {
	Sizes []int // messages in the mailbox, one row each; the first is the anchor
	// Budget caps each paging pass: past it the pass stops and its rate is
	// that of the pages done (the row says how many items it reached).
	Budget time.Duration
	// Reps is how many times each latency is measured (the median is shown);
	// fewer when they take over LatencyBudget together.
	Reps          int
	LatencyBudget time.Duration
	Progress      io.Writer
	// SigningKey is the sandboxes' token-signing key; nil: each makes its
	// own (a test passes the process's one).
	SigningKey *rsa.PrivateKey
}

// row is one mailbox size.
type row struct {
	Messages    int     `json:"messages"`
	SeedPerS    float64 `json:"seed_msgs_per_s"`
	RSSMB       float64 `json:"rss_mb_after_seeding"` // -1: not measured (no /proc)
	HeapMB      float64 `json:"heap_mb_after_seeding"`
	HeapPerMsgB float64 `json:"heap_bytes_per_seeded_msg"`
	Page100     paging  `json:"page_all_top100"`
	Page1000    paging  `json:"page_all_top1000"`
	FirstPageMs float64 `json:"first_page_ms"`
	GetMs       float64 `json:"get_message_ms"`
	CountMs     float64 `json:"count_ms"`
	FilterMs    float64 `json:"filter_ms"`
	FilterHits  int     `json:"filter_first_page_items"`
}

// paging is one pass over the whole inbox, following @odata.nextLink.
type paging struct {
	Top       int     `json:"top"`
	Items     int     `json:"items"` // items seen; below the row's messages when Budget cut the pass
	Pages     int     `json:"pages"`
	Seconds   float64 `json:"seconds"`
	ItemsPerS float64 `json:"items_per_s"`
	MsPerPage float64 `json:"ms_per_page"`
	Complete  bool    `json:"complete"`
}

// report is everything one run measured.
type report struct {
	Go         string    `json:"go"`
	Platform   string    `json:"platform"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	NumCPU     int       `json:"num_cpu"`
	LoadBefore string    `json:"loadavg_before"` // /proc/loadavg: 1, 5 and 15 minute load averages
	LoadAfter  string    `json:"loadavg_after"`
	BudgetS    float64   `json:"paging_budget_s"`
	Rows       []row     `json:"rows"`
	Started    time.Time `json:"started"`
	Seconds    float64   `json:"seconds"`
}

// Queries of the latency rows (on the inbox; the first page is Graph's
// default of 10 messages).
const (
	inboxPath   = "/v1.0/me/mailFolders/inbox/messages"
	filterQuery = "$filter=isRead eq false"
)

// run measures every size in turn, each on a fresh sandbox.
func run(ctx context.Context, cfg config) (*report, error) {
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	cfg.Reps = max(cfg.Reps, 1)
	rep := &report{
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		LoadBefore: loadavg(), BudgetS: cfg.Budget.Seconds(), Started: time.Now().UTC(),
	}
	for _, n := range cfg.Sizes {
		r, err := measureSize(ctx, cfg, n)
		if err != nil {
			return nil, fmt.Errorf("%d messages: %w", n, err)
		}
		rep.Rows = append(rep.Rows, *r)
	}
	rep.LoadAfter = loadavg()
	rep.Seconds = time.Since(rep.Started).Seconds()
	return rep, nil
}

// env is a started sandbox and a signed-in client of its first user.
type env struct {
	sb    *sandbox.Server
	url   string
	hc    *http.Client
	token string
}

func startEnv(ctx context.Context, key *rsa.PrivateKey) (*env, error) {
	sb, err := sandbox.New(sandbox.Options{PlainHTTP: true, TokenLifetime: 24 * time.Hour, SigningKey: key})
	if err != nil {
		return nil, err
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	e := &env{sb: sb, url: sb.URL(), hc: sb.Client()}
	e.hc.Timeout = 30 * time.Minute // one page of a big mailbox can take seconds today
	u := sandbox.Users()[0]
	form := url.Values{"grant_type": {"password"}, "client_id": {sandbox.PublicClientID},
		"username": {u.UserPrincipalName}, "password": {u.Password}, "scope": {"User.Read Mail.Read"}}
	req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/"+sandbox.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := e.do(req, &tok); err != nil || tok.AccessToken == "" {
		sb.Close()
		return nil, fmt.Errorf("sandbox sign-in: %v", err)
	}
	e.token = tok.AccessToken
	return e, nil
}

func (e *env) Close() {
	e.hc.CloseIdleConnections()
	e.sb.Close()
}

// do sends req, fails on any status but 200 and decodes the JSON answer
// into out (the body is read to its end either way, keeping the connection).
func (e *env) do(req *http.Request, out any) error {
	resp, err := e.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.300s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// get is a Graph GET of path (relative to the sandbox, or a full nextLink).
func (e *env) get(ctx context.Context, path string, out any) error {
	if !strings.HasPrefix(path, "http") {
		path = e.url + path
	}
	req, err := http.NewRequestWithContext(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	return e.do(req, out)
}

type page struct {
	Value []struct {
		ID      string `json:"id"`
		Subject string `json:"subject"`
		IsRead  bool   `json:"isRead"`
	} `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

// measureSize starts a sandbox whose first user's inbox holds n messages
// (the seeded ones and n minus those generated) and measures it.
func measureSize(ctx context.Context, cfg config, n int) (*row, error) {
	e, err := startEnv(ctx, cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	defer e.Close()
	var have int
	if err := e.get(ctx, inboxPath+"/$count", &have); err != nil {
		return nil, err
	}
	if n < have {
		return nil, fmt.Errorf("the seeded inbox already holds %d messages; sizes start at %d", have, have)
	}
	r := &row{Messages: n}

	heap0 := heapInUse()
	fmt.Fprintf(cfg.Progress, "%d messages: seeding %d ...\n", n, n-have)
	if n > have {
		t0 := time.Now()
		if err := e.sb.SeedMessages("", "inbox", n-have); err != nil {
			return nil, err
		}
		r.SeedPerS = float64(n-have) / time.Since(t0).Seconds()
	}
	heap1 := heapInUse()
	r.HeapMB = heap1 / (1 << 20)
	r.RSSMB = rssMB()
	if n > have {
		r.HeapPerMsgB = (heap1 - heap0) / float64(n-have)
	}
	if err := e.get(ctx, inboxPath+"/$count", &have); err != nil || have != n {
		return nil, fmt.Errorf("after seeding the inbox $count is %d (%v), want %d", have, err, n)
	}

	fmt.Fprintf(cfg.Progress, "%d messages: latencies ...\n", n)
	var first page
	lat := func(what, path string, out any, check func() error) (float64, error) {
		var ms []float64
		for t0 := time.Now(); len(ms) < cfg.Reps && (len(ms) == 0 || time.Since(t0) < cfg.LatencyBudget); {
			t1 := time.Now()
			if err := e.get(ctx, path, out); err != nil {
				return 0, fmt.Errorf("%s: %w", what, err)
			}
			ms = append(ms, float64(time.Since(t1).Microseconds())/1e3)
			if err := check(); err != nil {
				return 0, fmt.Errorf("%s: %w", what, err)
			}
		}
		return median(ms), nil
	}
	if r.FirstPageMs, err = lat("first page", inboxPath, &first, func() error {
		if len(first.Value) != min(10, n) {
			return fmt.Errorf("%d messages, want %d", len(first.Value), min(10, n))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var one struct {
		ID string `json:"id"`
	}
	id := first.Value[len(first.Value)/2].ID
	if r.GetMs, err = lat("message", "/v1.0/me/messages/"+id, &one, func() error {
		if one.ID != id {
			return fmt.Errorf("got id %q, want %q", one.ID, id)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var count int
	if r.CountMs, err = lat("$count", inboxPath+"/$count", &count, func() error {
		if count != n {
			return fmt.Errorf("%d, want %d", count, n)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var filtered page
	if r.FilterMs, err = lat("$filter", inboxPath+"?"+strings.ReplaceAll(filterQuery, " ", "%20"), &filtered, func() error {
		for _, m := range filtered.Value {
			if m.IsRead {
				return fmt.Errorf("message %s is read", m.ID)
			}
		}
		if len(filtered.Value) == 0 {
			return fmt.Errorf("no unread message")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	r.FilterHits = len(filtered.Value)

	for _, top := range []int{100, 1000} {
		fmt.Fprintf(cfg.Progress, "%d messages: paging all with $top=%d (at most %v) ...\n", n, top, cfg.Budget)
		p, err := pageAll(ctx, e, n, top, cfg.Budget)
		if err != nil {
			return nil, fmt.Errorf("paging with $top=%d: %w", top, err)
		}
		if top == 100 {
			r.Page100 = p
		} else {
			r.Page1000 = p
		}
	}
	return r, nil
}

// pageAll pages through the inbox with $top=top until its end or until
// budget has passed, checking that no message comes twice and, when it got
// to the end, that every one came.
func pageAll(ctx context.Context, e *env, n, top int, budget time.Duration) (paging, error) {
	p := paging{Top: top}
	seen := make(map[string]struct{}, n)
	t0 := time.Now()
	next := inboxPath + "?$top=" + strconv.Itoa(top)
	for next != "" {
		var pg page
		if err := e.get(ctx, next, &pg); err != nil {
			return p, err
		}
		p.Pages++
		for _, m := range pg.Value {
			if _, dup := seen[m.ID]; dup {
				return p, fmt.Errorf("message %s came twice", m.ID)
			}
			seen[m.ID] = struct{}{}
		}
		next = pg.NextLink
		if budget > 0 && time.Since(t0) > budget {
			break
		}
	}
	d := time.Since(t0)
	p.Items, p.Complete = len(seen), next == ""
	if p.Complete && p.Items != n {
		return p, fmt.Errorf("%d messages, want %d", p.Items, n)
	}
	p.Seconds = d.Seconds()
	p.ItemsPerS = float64(p.Items) / d.Seconds()
	p.MsPerPage = d.Seconds() * 1e3 / float64(p.Pages)
	return p, nil
}

// heapInUse is the Go heap in use after collections, in bytes (two, so
// that sync.Pool caches of earlier sizes are gone too); memory the previous
// sizes freed is returned to the system, so RSS too reflects the current
// sandbox.
func heapInUse() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse)
}

// rssMB is the process's resident set (VmRSS) in MiB, or -1 without /proc.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				return -1
			}
			return kb / 1024
		}
	}
	return -1
}

// loadavg is the first three fields of /proc/loadavg, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	return (s[(n-1)/2] + s[n/2]) / 2
}
