package msgraph

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
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
// A Client is safe for concurrent use by multiple goroutines. Create it with
// [NewClient]; the zero value is not usable.
type Client struct {
	client  *http.Client
	baseURL *url.URL // ends in "/{version}/"
	ua      string
	retry   RetryPolicy
	notify  func(RetryEvent)
	prefer  []string
	sleep   func(context.Context, time.Duration) error // tests replace it

	common service

	Calendar *CalendarService
	Mail     *MailService
	Users    *UsersService
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
	c := &Client{client: httpClient, ua: userAgent, sleep: sleepContext}
	if err := WithBaseURL(GlobalURL)(c); err != nil {
		return nil, err
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.common.client = c
	c.Calendar = (*CalendarService)(&c.common)
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
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, err
	}
	h := req.Header
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", c.ua)
	h.Set("client-request-id", newGUID())
	for _, p := range c.prefer {
		h.Add("Prefer", p)
	}
	return req, nil
}

// resolve turns a relative path or same-host URL into a request URL.
func (c *Client) resolve(path string) (*url.URL, error) {
	if strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "http://") {
		u, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("msgraph: %w", err)
		}
		if u.Scheme != c.baseURL.Scheme || !strings.EqualFold(u.Host, c.baseURL.Host) || u.User != nil {
			return nil, fmt.Errorf("%w: %s://%s (client is on %s)", ErrForeignURL, u.Scheme, u.Host, c.baseURL.Host)
		}
		return u, nil
	}
	path = strings.TrimLeft(path, "/")
	p, _, _ := strings.Cut(path, "?")
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." || strings.EqualFold(seg, "%2e%2e") {
			return nil, fmt.Errorf("msgraph: path %q: '..' is not allowed", p)
		}
	}
	u, err := c.baseURL.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("msgraph: path %q: %w", p, err)
	}
	return u, nil
}

// Do sends req, retrying throttled requests as the [RetryPolicy] says, and
// decodes a JSON response into v. If v is an io.Writer the body is copied
// into it as is; if v is nil the body is discarded. A non-2xx answer is an
// *Error (or a *ThrottleError once retries are spent); the Response is
// returned with it.
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
		if _, err := io.Copy(v, resp.Body); err != nil {
			return resp, fmt.Errorf("msgraph: reading %s %s: %w", req.Method, req.URL.EscapedPath(), err)
		}
	default:
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil && err != io.EOF {
			return resp, fmt.Errorf("msgraph: decoding %s %s: %w", req.Method, req.URL.EscapedPath(), err)
		}
	}
	return resp, nil
}

// send performs req with the retry policy. On success the body is open.
func (c *Client) send(req *http.Request) (*Response, error) {
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
		hr, err := c.client.Do(r)
		if err != nil {
			return nil, err
		}
		resp := &Response{Response: hr, RequestID: hr.Header.Get("request-id")}
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

// idempotent methods may be sent again after a gateway timeout, when the
// first attempt may have been carried out.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// newGUID returns a random (version 4) GUID for client-request-id.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
