package msgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/authsome-go/authsome/internal/guid"
)

// Graph's service roots in the Microsoft clouds.
const (
	GlobalURL   = "https://graph.microsoft.com"
	USGovURL    = "https://graph.microsoft.us"
	USGovDoDURL = "https://dod-graph.microsoft.us"
	ChinaURL    = "https://microsoftgraph.chinacloudapi.cn"
)

// DefaultVersion is the Graph version requests go to unless the base URL
// names another.
const DefaultVersion = "v1.0"

const userAgent = "authsome-msgraph"

// ErrForeignURL is returned for an absolute URL that is not on the client's
// Graph host: the client never sends Graph credentials elsewhere.
var ErrForeignURL = errors.New("msgraph: URL is not on the client's Graph host")

// Client talks to Microsoft Graph. Authentication is the HTTP client's job
// (for example broker.HTTPClient, or an oauth2 client); Client adds Graph's
// conventions: base URL and version, JSON bodies, client-request-id,
// throttling retries, typed errors and paging.
//
// The HTTP client is trusted to add Graph credentials to whatever it sends,
// so Client sends through it only requests for its Graph host, and lets it
// follow redirects on that host only: a redirect elsewhere (Graph sends file
// contents and reports to pre-authenticated download hosts) is followed with
// the pre-authenticated client, without Graph credentials.
//
// A Client is safe for concurrent use by multiple goroutines. Create it with
// [NewClient]; the zero value is not usable.
type Client struct {
	client  *http.Client
	preauth *http.Client // for pre-authenticated upload and download URLs
	baseURL *url.URL     // ends in "/{version}/"
	base    string       // baseURL.String(), what relative paths are appended to
	ua      string
	retry   RetryPolicy
	notify  func(RetryEvent)
	prefer  []string
	sleep   func(context.Context, time.Duration) error // tests replace it

	common service

	Calendar      *CalendarService
	Contacts      *ContactsService
	Drive         *DriveService
	Excel         *ExcelService
	Groups        *GroupsService
	Mail          *MailService
	Planner       *PlannerService
	Sites         *SitesService
	Subscriptions *SubscriptionsService
	Teams         *TeamsService
	Todo          *TodoService
	Users         *UsersService
}

type service struct{ client *Client }

// Option configures a Client.
type Option func(*Client) error

// NewClient returns a Graph client that sends requests with httpClient
// (http.DefaultClient if nil) to https://graph.microsoft.com/v1.0/ unless an
// option says otherwise.
func NewClient(httpClient *http.Client, opts ...Option) (*Client, error) {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	c := &Client{preauth: http.DefaultClient, ua: userAgent, sleep: sleepContext}
	c.client = c.graphOnly(httpClient)
	if err := WithBaseURL(GlobalURL)(c); err != nil {
		return nil, err
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.base = c.baseURL.String()
	c.common.client = c
	c.Calendar = (*CalendarService)(&c.common)
	c.Contacts = (*ContactsService)(&c.common)
	c.Drive = (*DriveService)(&c.common)
	c.Excel = (*ExcelService)(&c.common)
	c.Groups = (*GroupsService)(&c.common)
	c.Planner = (*PlannerService)(&c.common)
	c.Sites = (*SitesService)(&c.common)
	c.Teams = (*TeamsService)(&c.common)
	c.Subscriptions = (*SubscriptionsService)(&c.common)
	c.Todo = (*TodoService)(&c.common)
	c.Mail = (*MailService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	return c, nil
}

// WithBaseURL sets Graph's service root: a cloud's root such as [USGovURL],
// the sandbox's URL, or the MICROSOFT_GRAPH_URL that `authsome run` gives its
// child. A root whose path ends in a version ("/v1.0", "/beta") keeps it;
// otherwise [DefaultVersion] is added.
func WithBaseURL(root string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimSpace(root))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("msgraph: base URL %q: want an http(s) URL such as %s", root, GlobalURL)
		}
		u.RawQuery, u.Fragment, u.User = "", "", nil
		p := strings.TrimRight(u.Path, "/")
		if last := p[strings.LastIndex(p, "/")+1:]; last != "v1.0" && last != "beta" {
			p += "/" + DefaultVersion
		}
		u.Path, u.RawPath = p+"/", ""
		c.baseURL = u
		return nil
	}
}

// WithPreAuthClient sets the HTTP client for pre-authenticated URLs (file
// downloads, upload sessions, copy monitors). It must not add credentials:
// those URLs carry their own, and some refuse a request with a Graph token.
// The default is http.DefaultClient.
func WithPreAuthClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("msgraph: WithPreAuthClient: nil client")
		}
		c.preauth = hc
		return nil
	}
}

// WithVersion selects the Graph version: "v1.0" (the default) or "beta".
func WithVersion(v string) Option {
	return func(c *Client) error {
		if v != "v1.0" && v != "beta" {
			return fmt.Errorf("msgraph: version %q: want v1.0 or beta", v)
		}
		p := strings.TrimSuffix(c.baseURL.Path, "/")
		c.baseURL.Path = p[:strings.LastIndex(p, "/")+1] + v + "/"
		return nil
	}
}

// WithRetryPolicy sets how throttled requests are retried.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error { c.retry = p; return nil }
}

// WithRetryNotify registers f to be called before each wait for a throttled
// request, for progress output. f must not block.
func WithRetryNotify(f func(RetryEvent)) Option {
	return func(c *Client) error { c.notify = f; return nil }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.ua = ua; return nil }
}

// WithImmutableIDs asks Outlook for immutable ids (Prefer: IdType="ImmutableId"):
// message and event ids that survive moves between folders, which matters to
// anything that stores them.
func WithImmutableIDs() Option {
	return func(c *Client) error { c.prefer = append(c.prefer, `IdType="ImmutableId"`); return nil }
}

// BaseURL returns a copy of the URL requests are resolved against, e.g.
// https://graph.microsoft.com/v1.0/.
func (c *Client) BaseURL() *url.URL {
	u := *c.baseURL
	return &u
}

// Response is a Graph response with what Graph puts beside the payload.
type Response struct {
	*http.Response
	// RequestID is Graph's request-id header, for Microsoft support.
	RequestID string
	// NextLink is the URL of the next page of a collection ("" on the last page).
	// Follow it verbatim, with [NextPage] or [Client.NewRequest].
	NextLink string
	// DeltaLink ends a delta round: keep it and pass it to the next delta call.
	DeltaLink string
	// Count is @odata.count, present when a list asked for Count.
	Count int64
	// Written is the number of bytes a download (or [Client.Do] with an
	// io.Writer) wrote to its writer.
	Written int64

	header http.Header // the list's own headers, sent again for the next page
}

// NewRequest builds a request for a path relative to the base URL ("me/messages",
// "/users/x?$select=id") or an absolute URL on the same host (a nextLink).
// body is sent as JSON unless it is an io.Reader, which is sent as is.
func (c *Client) NewRequest(ctx context.Context, method, path string, body any) (*http.Request, error) {
	u, err := c.resolve(path)
	if err != nil {
		return nil, err
	}
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	default:
		buf := new(bytes.Buffer)
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return nil, fmt.Errorf("msgraph: encoding %s body: %w", method, err)
		}
		r, ctype = buf, "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return nil, fmt.Errorf("msgraph: %w", err)
	}
	// Header keys in canonical form and values in one slice: fewer
	// allocations per request than Header.Set.
	h := req.Header
	vals := []string{"application/json", c.ua, guid.New(), ctype}
	h["Accept"], h["User-Agent"], h["Client-Request-Id"] = vals[0:1:1], vals[1:2:2], vals[2:3:3]
	if ctype != "" {
		h["Content-Type"] = vals[3:4:4]
	}
	for _, p := range c.prefer {
		h.Add("Prefer", p)
	}
	return req, nil
}

// resolve turns a relative path or same-host URL into a request URL: a
// same-host URL as it is, a relative path appended to the base URL. An
// absolute or scheme-relative URL in any letter case (HTTPS://…, //host)
// must be on the client's Graph host.
func (c *Client) resolve(path string) (string, error) {
	lower := strings.ToLower(path[:min(len(path), 8)])
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") || strings.HasPrefix(path, "//") {
		u, err := url.Parse(path)
		if err != nil {
			return "", fmt.Errorf("msgraph: %w", err)
		}
		if !c.onGraph(u) {
			return "", c.foreign(u)
		}
		return path, nil
	}
	rel := strings.TrimLeft(path, "/")
	p, _, _ := strings.Cut(rel, "?")
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." || strings.EqualFold(seg, "%2e") || strings.EqualFold(seg, "%2e%2e") {
			return "", fmt.Errorf("msgraph: path %q: '.' and '..' segments are not allowed", p)
		}
	}
	return c.base + rel, nil
}

// Do sends req, retrying throttled requests as the [RetryPolicy] says, and
// decodes a JSON response into v. If v is an io.Writer the body is copied
// into it as is; if v is nil the body is discarded. A non-2xx answer is an
// *Error (or a *ThrottleError once retries are spent); the Response is
// returned with it. req must be for the client's Graph host (build it with
// [Client.NewRequest]); another is refused with [ErrForeignURL]. A GET or
// HEAD that Graph redirects to another host is followed without Graph
// credentials; another request's redirect off the host is returned as it is.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	resp, err := c.send(req)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	switch v := v.(type) {
	case nil:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	case io.Writer:
		n, err := io.Copy(v, resp.Body)
		resp.Written = n
		if err != nil {
			return resp, fmt.Errorf("msgraph: reading %s %s: %w", req.Method, req.URL.EscapedPath(), err)
		}
	default:
		// The whole body is read, into a pooled buffer, and then decoded:
		// reading to the end lets the transport reuse the connection (a
		// chunked body left unfinished by a json.Decoder is closed instead,
		// and the next request dials again), and the buffer, unlike a
		// Decoder's, is not grown anew for every response.
		buf := bodyBuffers.Get().(*bytes.Buffer)
		defer putBodyBuffer(buf)
		if resp.ContentLength > 0 && resp.ContentLength <= maxPooledBody {
			buf.Grow(int(resp.ContentLength))
		}
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			return resp, fmt.Errorf("msgraph: reading %s %s: %w", req.Method, req.URL.EscapedPath(), err)
		}
		if len(bytes.TrimSpace(buf.Bytes())) == 0 {
			return resp, nil // 204, or an empty 200
		}
		if err := json.Unmarshal(buf.Bytes(), v); err != nil {
			return resp, fmt.Errorf("msgraph: decoding %s %s: %w", req.Method, req.URL.EscapedPath(), err)
		}
	}
	return resp, nil
}

// bodyBuffers hold response bodies while they are decoded. Decoded strings
// are copies, so a buffer is reused as soon as its body is decoded.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for reuse: a rare huge response
// does not stay in memory.
const maxPooledBody = 1 << 20

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooledBody {
		b.Reset()
		bodyBuffers.Put(b)
	}
}

// graphOnly returns a copy of hc that follows redirects on the Graph host
// only, leaving one to another host to [Client.send]. hc adds Graph
// credentials to every request it sends, redirected ones included (a
// transport that sets Authorization is not stopped by the redirect rules of
// net/http, which strip only a header the caller set), so following a
// redirect elsewhere would hand the token to that host.
func (c *Client) graphOnly(hc *http.Client) *http.Client {
	cp := *hc
	next := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		switch {
		case !c.onGraph(req.URL):
			return http.ErrUseLastResponse
		case next != nil:
			return next(req, via)
		case len(via) >= 10:
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cp
}

// onGraph reports whether u is on the client's Graph host: the same scheme
// and host[:port] (letter case aside), and no user information.
func (c *Client) onGraph(u *url.URL) bool {
	return u.Scheme == c.baseURL.Scheme && strings.EqualFold(u.Host, c.baseURL.Host) && u.User == nil
}

func (c *Client) foreign(u *url.URL) error {
	return fmt.Errorf("%w: %s://%s (client is on %s)", ErrForeignURL, u.Scheme, u.Host, c.baseURL.Host)
}

// send performs req, which must be for the Graph host, with the Graph
// client. A redirect of a GET or HEAD to another host is followed with the
// pre-authenticated client: the request again, without credentials.
func (c *Client) send(req *http.Request) (*Response, error) {
	if !c.onGraph(req.URL) {
		closeRequestBody(req)
		return nil, c.foreign(req.URL)
	}
	resp, err := c.sendWith(c.client, req)
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 ||
		(req.Method != http.MethodGet && req.Method != http.MethodHead) {
		return resp, err
	}
	loc, err := resp.Location()
	if err == nil && c.onGraph(loc) {
		return resp, nil // stopped by the HTTP client's own redirect policy
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("msgraph: %s %s: redirect without a usable Location: %w", req.Method, req.URL.EscapedPath(), err)
	}
	next, err := http.NewRequestWithContext(req.Context(), req.Method, loc.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("msgraph: %s %s: redirect: %w", req.Method, req.URL.EscapedPath(), err)
	}
	for k, vs := range req.Header {
		switch k {
		case "Authorization", "Cookie", "Cookie2", "Www-Authenticate", "Proxy-Authorization":
		default:
			next.Header[k] = vs
		}
	}
	return c.sendWith(c.preauth, next)
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// sendWith performs req with hc and the retry policy. On success the body is
// open. A transport error names the URL without its query.
func (c *Client) sendWith(hc *http.Client, req *http.Request) (*Response, error) {
	ctx := req.Context()
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			r = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		hr, err := hc.Do(r)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				ue.URL = redactQuery(ue.URL)
			}
			// A connection cut while an idempotent request was in flight is sent again.
			if !transient(err) || ctx.Err() != nil || !idempotent(req.Method) || !replayable || attempt > c.retry.maxRetries() {
				return nil, err
			}
			wait := c.retry.backoff(attempt - 1)
			if c.notify != nil {
				c.notify(RetryEvent{Attempt: attempt, Wait: wait, NetErr: err})
			}
			if serr := c.sleep(ctx, wait); serr != nil {
				return nil, err
			}
			continue
		}
		resp := &Response{Response: hr, RequestID: hr.Header.Get("Request-Id")}
		if hr.StatusCode >= 300 && hr.StatusCode < 400 && hr.Header.Get("Location") != "" {
			return resp, nil // a redirect hc was told not to follow
		}
		cerr := CheckResponse(hr)
		if cerr == nil {
			return resp, nil
		}
		gerr := cerr.(*Error)
		if !retryableStatus(gerr.StatusCode) ||
			(gerr.StatusCode == http.StatusGatewayTimeout && !idempotent(req.Method)) {
			return resp, gerr
		}
		throttled := &ThrottleError{Err: gerr, RetryAfter: gerr.RetryAfter, Attempts: attempt}
		if attempt > c.retry.maxRetries() || !replayable {
			return resp, throttled
		}
		wait := gerr.RetryAfter
		if wait == 0 {
			wait = c.retry.backoff(attempt - 1)
		}
		if wait > c.retry.maxWait() {
			return resp, throttled
		}
		if c.notify != nil {
			c.notify(RetryEvent{Attempt: attempt, Wait: wait, Err: gerr})
		}
		if err := c.sleep(ctx, wait); err != nil {
			return resp, fmt.Errorf("msgraph: waiting %s to retry %s %s: %w", wait, req.Method, req.URL.EscapedPath(), err)
		}
	}
}

// transient reports whether a transport error is a connection cut or reset
// (worth another attempt), not a refusal, a bad certificate or a timeout of
// the caller's own making.
func transient(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// newPreauthRequest is a request for a pre-authenticated URL (an upload
// session's, a copy monitor's): an error names the URL without its query,
// which holds the URL's token (SharePoint's tempauth, Outlook's authtoken).
func newPreauthRequest(ctx context.Context, method, rawURL string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redactQuery(ue.URL)
	}
	return req, err
}

// redactQuery drops a URL's query, which can hold pre-authenticated tokens.
func redactQuery(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		return s[:i]
	}
	return s
}

// idempotent methods may be sent again after a gateway timeout, when the
// first attempt may have been carried out.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}
