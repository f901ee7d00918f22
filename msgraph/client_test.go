package msgraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// setup starts a Graph stand-in whose handlers live under /v1.0/ (so a path
// that escapes the version fails loudly) and a client aimed at it whose
// waits are recorded instead of slept.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *[]time.Duration) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle("/v1.0/", mux)
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /v1.0/: %s %s", r.Method, r.URL)
		http.Error(w, "outside /v1.0/", http.StatusBadRequest)
	})
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.Client(), append([]Option{WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, mux, waits
}

func graphError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", "req-1")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"code":%q,"message":%q,"innerError":{"date":"2025-03-03T16:00:00","request-id":"req-1","client-request-id":"c-1"}}}`, code, msg)
}

func TestWithBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://graph.microsoft.com":                    "https://graph.microsoft.com/v1.0/",
		"https://graph.microsoft.com/":                   "https://graph.microsoft.com/v1.0/",
		"https://graph.microsoft.com/beta":               "https://graph.microsoft.com/beta/",
		"https://graph.microsoft.us/v1.0/":               "https://graph.microsoft.us/v1.0/",
		"http://127.0.0.1:7/Zx9/graph.microsoft.com":     "http://127.0.0.1:7/Zx9/graph.microsoft.com/v1.0/",
		"https://127.0.0.1:8443?x=1#f":                   "https://127.0.0.1:8443/v1.0/",
		" https://microsoftgraph.chinacloudapi.cn/v1.0 ": "https://microsoftgraph.chinacloudapi.cn/v1.0/",
	} {
		c, err := NewClient(nil, WithBaseURL(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := c.BaseURL().String(); got != want {
			t.Errorf("%q: base %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "graph.microsoft.com", "ftp://graph.microsoft.com", "https://", "://x"} {
		if _, err := NewClient(nil, WithBaseURL(bad)); err == nil || !strings.Contains(err.Error(), "want an http(s) URL") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
	c, err := NewClient(nil, WithVersion("beta"))
	if err != nil || c.BaseURL().String() != "https://graph.microsoft.com/beta/" {
		t.Errorf("WithVersion(beta): %v %v", c.BaseURL(), err)
	}
	if _, err := NewClient(nil, WithVersion("v2")); err == nil {
		t.Error("WithVersion(v2) accepted")
	}
}

func TestNewRequest(t *testing.T) {
	c, err := NewClient(nil, WithBaseURL("https://graph.microsoft.com"), WithImmutableIDs(), WithUserAgent("agent/1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for in, want := range map[string]string{
		"me/messages":         "https://graph.microsoft.com/v1.0/me/messages",
		"/me/messages?$top=5": "https://graph.microsoft.com/v1.0/me/messages?$top=5",
		"users/a%2Fb/manager": "https://graph.microsoft.com/v1.0/users/a%2Fb/manager",
		"https://GRAPH.microsoft.com/v1.0/me/messages?$skiptoken=x": "https://GRAPH.microsoft.com/v1.0/me/messages?$skiptoken=x",
		"me/drive/root:/a b.txt:/content":                           "https://graph.microsoft.com/v1.0/me/drive/root:/a%20b.txt:/content",
		"a:b/c":                                                     "https://graph.microsoft.com/v1.0/a:b/c", // a path, not a URL with scheme "a"
	} {
		req, err := c.NewRequest(ctx, "GET", in, nil)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if req.URL.String() != want {
			t.Errorf("%q → %q, want %q", in, req.URL, want)
		}
	}
	for _, bad := range []string{"https://evil.example/v1.0/me", "http://graph.microsoft.com/v1.0/me", "https://x@graph.microsoft.com/v1.0/me",
		"HTTPS://evil.example/v1.0/me", "Https://evil.example/", "//evil.example/v1.0/me"} {
		if _, err := c.NewRequest(ctx, "GET", bad, nil); !errors.Is(err, ErrForeignURL) {
			t.Errorf("%q: err %v, want ErrForeignURL", bad, err)
		}
	}
	for _, bad := range []string{"me/../../oauth2", "users/%2e%2e/x", "../beta/me", "me/./messages", "users/%2E/x"} {
		if _, err := c.NewRequest(ctx, "GET", bad, nil); err == nil || !strings.Contains(err.Error(), "'..'") {
			t.Errorf("%q: err %v", bad, err)
		}
	}

	req, err := c.NewRequest(ctx, "POST", "me/sendMail", map[string]string{"html": "<b>&</b>"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if string(body) != `{"html":"<b>&</b>"}`+"\n" {
		t.Errorf("body %q (HTML must not be escaped)", body)
	}
	if req.GetBody == nil {
		t.Error("JSON body not replayable")
	}
	h := req.Header
	if h.Get("Content-Type") != "application/json" || h.Get("Accept") != "application/json" || h.Get("User-Agent") != "agent/1" ||
		h.Get("Prefer") != `IdType="ImmutableId"` {
		t.Errorf("headers %v", h)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(h.Get("client-request-id")) {
		t.Errorf("client-request-id %q is not a GUID", h.Get("client-request-id"))
	}
	req2, _ := c.NewRequest(ctx, "GET", "me", nil)
	if req2.Header.Get("client-request-id") == h.Get("client-request-id") {
		t.Error("client-request-id reused across requests")
	}
	if req2.Header.Get("Content-Type") != "" || req2.Body != nil {
		t.Error("GET without body has a body or content type")
	}
}

func TestQueryEncoding(t *testing.T) {
	var q query
	q.list(&ListOptions{
		Select: []string{"subject", "from"}, Filter: "isRead eq false and subject eq 'a+b & c'",
		Search: "budget plan", OrderBy: []string{"receivedDateTime desc", "subject"}, Expand: []string{"attachments"},
		Top: 5, Skip: 10, Count: true,
	})
	want := "me/messages?$select=subject,from&$expand=attachments&$filter=isRead%20eq%20false%20and%20subject%20eq%20'a%2Bb%20%26%20c'" +
		"&$search=%22budget%20plan%22&$orderby=receivedDateTime%20desc,subject&$top=5&$skip=10&$count=true"
	if got := q.on("me/messages"); got != want {
		t.Errorf("query\n got %s\nwant %s", got, want)
	}
	var q2 query
	q2.list(&ListOptions{Search: `"displayName:adele"`})
	if got := q2.on("users?x=1"); got != "users?x=1&$search=%22displayName:adele%22" {
		t.Errorf("quoted search: %s", got)
	}
	var q3 query
	q3.list(nil)
	q3.get(nil)
	if got := q3.on("me"); got != "me" {
		t.Errorf("nil options: %s", got)
	}
}

func TestErrorDecoding(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v1.0/me/messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "req-9")
		w.Header().Set("client-request-id", r.Header.Get("client-request-id"))
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store.",
			"details":[{"code":"x","message":"y","target":"id"}],
			"innerError":{"code":"inner","date":"2025-03-03T16:00:00","request-id":"req-9","client-request-id":"ignored"}}}`)
	})
	mux.HandleFunc("GET /v1.0/me/plain", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream broke", http.StatusBadGateway)
	})
	_, resp, err := c.Mail.GetMessage(t.Context(), "me", "AAMk/x", nil)
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("err %T %v", err, err)
	}
	if resp == nil || resp.StatusCode != 404 || resp.RequestID != "req-9" {
		t.Errorf("response %+v", resp)
	}
	want := &Error{StatusCode: 404, Code: "ErrorItemNotFound", Message: "The specified object was not found in the store.",
		InnerCode: "inner", Details: []ErrorDetail{{"x", "y", "id"}}, RequestID: "req-9", Date: "2025-03-03T16:00:00",
		Method: "GET", Path: "/v1.0/me/messages/AAMk%2Fx"}
	if diff := cmp.Diff(want, ge, cmp.FilterPath(func(p cmp.Path) bool {
		return p.String() == "Response" || p.String() == "ClientRequestID"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if ge.ClientRequestID == "" || ge.ClientRequestID == "ignored" {
		t.Errorf("client-request-id %q: want the header's", ge.ClientRequestID)
	}
	if !IsNotFound(err) || IsThrottled(err) || StatusCode(err) != 404 {
		t.Error("IsNotFound/IsThrottled/StatusCode")
	}
	if s := err.Error(); !strings.HasPrefix(s, "msgraph: GET /v1.0/me/messages/AAMk%2Fx: 404 ErrorItemNotFound: The specified object") ||
		!strings.Contains(s, "request-id req-9") {
		t.Errorf("Error() = %q", s)
	}

	req, _ := c.NewRequest(t.Context(), "GET", "me/plain?tempauth=SECRET", nil)
	_, err = c.Do(req, nil)
	if !errors.As(err, &ge) || ge.StatusCode != 502 || ge.Message != "upstream broke" {
		t.Fatalf("plain error: %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error prints the query: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	c, mux, waits := setup(t)
	var calls int
	var bodies []string
	mux.HandleFunc("POST /v1.0/me/sendMail", func(w http.ResponseWriter, r *http.Request) {
		calls++
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		switch calls {
		case 1:
			w.Header().Set("Retry-After", "7")
			graphError(w, 429, "TooManyRequests", "Too many requests.")
		case 2:
			w.Header().Set("Retry-After", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat))
			graphError(w, 503, "ServiceUnavailable", "Busy.")
		default:
			w.WriteHeader(202)
		}
	})
	var events []RetryEvent
	c.notify = func(e RetryEvent) { events = append(events, e) }
	resp, err := c.Mail.SendMail(t.Context(), "", &Message{Subject: "hi"}, true)
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("SendMail: %v %v", resp, err)
	}
	if calls != 3 || bodies[0] != bodies[2] || !strings.Contains(bodies[2], `"subject":"hi"`) {
		t.Errorf("calls %d, bodies %q (the body must be sent again)", calls, bodies)
	}
	if len(*waits) != 2 || (*waits)[0] != 7*time.Second || (*waits)[1] < 28*time.Second || (*waits)[1] > 30*time.Second {
		t.Errorf("waits %v, want [7s ~30s]", *waits)
	}
	if len(events) != 2 || events[0].Attempt != 1 || events[0].Err.Code != "TooManyRequests" || events[1].Wait != (*waits)[1] {
		t.Errorf("events %+v", events)
	}
}

func TestRetryLimits(t *testing.T) {
	c, mux, waits := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 2, MaxWait: time.Minute, BaseDelay: 100 * time.Millisecond}))
	calls := map[string]int{}
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		calls[r.Method+" "+r.URL.Path]++
		switch r.URL.Path {
		case "/v1.0/always":
			graphError(w, 429, "TooManyRequests", "Slow down.")
		case "/v1.0/long":
			w.Header().Set("Retry-After", "3600")
			graphError(w, 429, "TooManyRequests", "Come back in an hour.")
		case "/v1.0/gateway":
			graphError(w, 504, "GatewayTimeout", "Timed out.")
		}
	})
	ctx := t.Context()
	do := func(method, path string) error {
		req, err := c.NewRequest(ctx, method, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(req, nil)
		return err
	}

	err := do("GET", "always")
	var te *ThrottleError
	if !errors.As(err, &te) || te.Attempts != 3 || calls["GET /v1.0/always"] != 3 || !IsThrottled(err) || StatusCode(err) != 429 {
		t.Fatalf("always throttled: %v (calls %d)", err, calls["GET /v1.0/always"])
	}
	if len(*waits) != 2 || (*waits)[0] < 100*time.Millisecond || (*waits)[0] > 150*time.Millisecond ||
		(*waits)[1] < 200*time.Millisecond || (*waits)[1] > 300*time.Millisecond {
		t.Errorf("backoff waits %v, want ~100ms then ~200ms (with jitter)", *waits)
	}

	*waits = nil
	err = do("GET", "long")
	if !errors.As(err, &te) || te.RetryAfter != time.Hour || calls["GET /v1.0/long"] != 1 || len(*waits) != 0 {
		t.Fatalf("Retry-After above MaxWait: %v, calls %d, waits %v", err, calls["GET /v1.0/long"], *waits)
	}
	if !strings.Contains(err.Error(), "retry after 1h0m0s") {
		t.Errorf("message %q does not say how long to wait", err)
	}

	if err := do("POST", "gateway"); calls["POST /v1.0/gateway"] != 1 || StatusCode(err) != 504 {
		t.Errorf("a POST that timed out at the gateway may have been carried out: sent %d times (%v)", calls["POST /v1.0/gateway"], err)
	}
	if err := do("GET", "gateway"); calls["GET /v1.0/gateway"] != 3 || !errors.As(err, &te) {
		t.Errorf("GET after 504: sent %d times (%v)", calls["GET /v1.0/gateway"], err)
	}

	off, mux2, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: -1}))
	n := 0
	mux2.HandleFunc("/v1.0/x", func(w http.ResponseWriter, r *http.Request) { n++; graphError(w, 429, "TooManyRequests", "") })
	req, _ := off.NewRequest(ctx, "GET", "x", nil)
	if _, err := off.Do(req, nil); n != 1 || !IsThrottled(err) {
		t.Errorf("retries off: %d calls, %v", n, err)
	}

	// A body that cannot be replayed is not sent twice.
	req, _ = c.NewRequest(ctx, "PUT", "always", io.NopCloser(strings.NewReader("stream")))
	calls["PUT /v1.0/always"] = 0
	if _, err := c.Do(req, nil); calls["PUT /v1.0/always"] != 1 || !errors.As(err, &te) {
		t.Errorf("streamed body: sent %d times (%v)", calls["PUT /v1.0/always"], err)
	}
}

// TestRetryWaitCancelled: a caller's cancellation ends the wait for a
// Retry-After at once, with an error that says what was awaited. The
// context is cancelled when the wait starts, so no deadline is raced.
func TestRetryWaitCancelled(t *testing.T) {
	c, mux, _ := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var waited time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waited = d
		cancel()
		return sleepContext(ctx, d)
	}
	mux.HandleFunc("/v1.0/x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		graphError(w, 429, "TooManyRequests", "")
	})
	req, _ := c.NewRequest(ctx, "GET", "x", nil)
	_, err := c.Do(req, nil)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "waiting 1m0s to retry GET /v1.0/x") || waited != time.Minute {
		t.Errorf("err %v after a wait of %v", err, waited)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 3, 16, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "5": 5 * time.Second, " 120 ": 2 * time.Minute, "-3": 0, "abc": 0, "1.5": 0,
		"99999999999":                   24 * time.Hour,
		"Mon, 03 Mar 2025 16:00:30 GMT": 30 * time.Second,
		"Mon, 03 Mar 2025 15:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func TestDoOutputs(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1.0/raw", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "raw bytes") })
	mux.HandleFunc("/v1.0/empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/v1.0/bad", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{not json") })
	ctx := t.Context()
	var sb strings.Builder
	req, _ := c.NewRequest(ctx, "GET", "raw", nil)
	if _, err := c.Do(req, &sb); err != nil || sb.String() != "raw bytes" {
		t.Errorf("writer: %q %v", sb.String(), err)
	}
	var v map[string]any
	req, _ = c.NewRequest(ctx, "GET", "empty", nil)
	if _, err := c.Do(req, &v); err != nil || v != nil {
		t.Errorf("empty body: %v %v", v, err)
	}
	req, _ = c.NewRequest(ctx, "GET", "bad", nil)
	if _, err := c.Do(req, &v); err == nil || !strings.Contains(err.Error(), "decoding GET /v1.0/bad") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestPaging(t *testing.T) {
	c, mux, _ := setup(t)
	var seen []string
	mux.HandleFunc("GET /v1.0/me/messages", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.RawQuery+" prefer="+r.Header.Get("Prefer"))
		skip := r.URL.Query().Get("$skiptoken")
		page := map[string]any{}
		switch skip {
		case "":
			page["value"] = []map[string]any{{"id": "1"}, {"id": "2"}}
			page["@odata.nextLink"] = "http://" + r.Host + "/v1.0/me/messages?$top=2&$skiptoken=p2"
		case "p2":
			page["value"] = []map[string]any{{"id": "3"}, {"id": "4"}}
			page["@odata.nextLink"] = "http://" + r.Host + "/v1.0/me/messages?$top=2&$skiptoken=p3"
		case "p3":
			page["value"] = []map[string]any{{"id": "5"}}
		}
		json.NewEncoder(w).Encode(page)
	})
	ctx := t.Context()
	opts := &ListMessagesOptions{ListOptions: ListOptions{Top: 2}, BodyType: "text"}
	var ids []string
	for m, err := range c.Mail.ListMessagesIter(ctx, "me", opts) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" {
		t.Errorf("ids %v", ids)
	}
	wantSeen := []string{`$top=2 prefer=outlook.body-content-type="text"`, `$top=2&$skiptoken=p2 prefer=outlook.body-content-type="text"`,
		`$top=2&$skiptoken=p3 prefer=outlook.body-content-type="text"`}
	if diff := cmp.Diff(wantSeen, seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	seen = nil
	for m, err := range c.Mail.ListMessagesIter(ctx, "me", opts) {
		if err != nil || m.ID == "2" {
			break
		}
	}
	if len(seen) != 1 {
		t.Errorf("break after page 1 fetched %d pages", len(seen))
	}

	msgs, resp, err := c.Mail.ListMessages(ctx, "", opts)
	var n int
	for err == nil && len(msgs) > 0 {
		n += len(msgs)
		msgs, resp, err = NextPage[Message](ctx, c, resp)
	}
	if err != nil || n != 5 || resp != nil {
		t.Errorf("NextPage: %d items, %v", n, err)
	}
	if seen[len(seen)-1] != wantSeen[2] {
		t.Errorf("NextPage lost the Prefer header: %q", seen[len(seen)-1])
	}
}

func TestPagingStopsOnError(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v1.0/users", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("$skiptoken") != "" {
			graphError(w, 400, "Directory_ExpiredPageToken", "The specified page token value has expired.")
			return
		}
		if r.Header.Get("ConsistencyLevel") != "eventual" || r.URL.Query().Get("$count") != "true" {
			t.Errorf("advanced query sent without ConsistencyLevel: %v %v", r.Header, r.URL.Query())
		}
		fmt.Fprintf(w, `{"@odata.count":3,"value":[{"id":"a"}],"@odata.nextLink":"http://%s/v1.0/users?$skiptoken=x"}`, r.Host)
	})
	var got []string
	var errs []error
	for u, err := range c.Users.ListIter(t.Context(), &ListUsersOptions{ListOptions{Count: true, Filter: "endsWith(mail,'@contoso.com')"}}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, u.ID)
	}
	if len(got) != 1 || len(errs) != 1 || StatusCode(errs[0]) != 400 {
		t.Errorf("items %v, errors %v", got, errs)
	}
	_, resp, err := c.Users.List(t.Context(), &ListUsersOptions{ListOptions{Count: true}})
	if err != nil || resp.Count != 3 || resp.NextLink == "" {
		t.Errorf("List: count %d next %q err %v", resp.Count, resp.NextLink, err)
	}
}

func TestDeltaRound(t *testing.T) {
	c, mux, _ := setup(t)
	mux.HandleFunc("GET /v1.0/me/mailFolders/inbox/messages/delta", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Prefer") != "odata.maxpagesize=2" {
			t.Errorf("Prefer %q", r.Header.Get("Prefer"))
		}
		switch q := r.URL.Query(); {
		case q.Get("$deltatoken") == "d1":
			fmt.Fprintf(w, `{"value":[{"id":"2","@removed":{"reason":"deleted"}}],"@odata.deltaLink":"http://%s/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=d2"}`, r.Host)
		case q.Get("$skiptoken") == "s1":
			fmt.Fprintf(w, `{"value":[{"id":"3"}],"@odata.deltaLink":"http://%s/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=d1"}`, r.Host)
		default:
			if q.Get("$select") != "subject" {
				t.Errorf("first round query %v", q)
			}
			fmt.Fprintf(w, `{"value":[{"id":"1"},{"id":"2"}],"@odata.nextLink":"http://%s/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=s1"}`, r.Host)
		}
	})
	ctx := t.Context()
	msgs, linkResp, err := c.Mail.MessagesDelta(ctx, "me", FolderInbox, &DeltaOptions{Select: []string{"subject"}, PageSize: 2})
	link := deltaLinkOf(linkResp)
	if err != nil || len(msgs) != 3 || !strings.HasSuffix(link, "$deltatoken=d1") {
		t.Fatalf("first round: %d messages, link %q, %v", len(msgs), link, err)
	}
	msgs, linkResp, err = c.Mail.MessagesDelta(ctx, "me", FolderInbox, &DeltaOptions{Link: link, PageSize: 2})
	link = deltaLinkOf(linkResp)
	if err != nil || len(msgs) != 1 || msgs[0].Removed == nil || msgs[0].Removed.Reason != "deleted" || !strings.HasSuffix(link, "d2") {
		t.Fatalf("second round: %+v, link %q, %v", msgs, link, err)
	}
}

// TestDoKeepsConnection: a JSON body sent in chunks is read to its end, so
// the HTTP/1.1 connection is reused rather than closed after each response.
func TestDoKeepsConnection(t *testing.T) {
	page := map[string]any{"value": []string{strings.Repeat("x", 8<<10), strings.Repeat("y", 8<<10)}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc := json.NewEncoder(w)
		_ = enc.Encode(page) // no Content-Length: chunked
		w.(http.Flusher).Flush()
		time.Sleep(10 * time.Millisecond) // the client has the whole value before the body ends
		io.WriteString(w, "\n")
	}))
	var mu sync.Mutex
	conns := 0
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(srv.Client(), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		var v struct{ Value []string }
		req, _ := c.NewRequest(t.Context(), "GET", "me/messages", nil)
		if _, err := c.Do(req, &v); err != nil || len(v.Value) != 2 {
			t.Fatalf("Do: %v, %d values", err, len(v.Value))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Errorf("5 requests used %d connections, want 1", conns)
	}
}
