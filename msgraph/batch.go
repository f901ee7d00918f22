package msgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxBatch is the number of requests Graph takes in one $batch.
const MaxBatch = 20

// BatchRequest is one request of a JSON batch.
type BatchRequest struct {
	// ID identifies the request in its response and in DependsOn; unique
	// (case-insensitively) in the batch. Empty IDs are numbered "1", "2", …
	ID string `json:"id"`
	// Method is the HTTP method, e.g. "GET".
	Method string `json:"method"`
	// URL is relative to the version root: "/me/messages?$top=5".
	URL string `json:"url"`
	// Headers are the request's headers; Content-Type defaults to
	// application/json when there is a Body.
	Headers map[string]string `json:"headers,omitempty"`
	// Body is sent as JSON.
	Body any `json:"body,omitempty"`
	// DependsOn lists requests that must succeed before this one runs.
	DependsOn []string `json:"dependsOn,omitempty"`
}

// BatchResponse is the answer to one request of a batch.
type BatchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// Err returns the item's error as an *Error, or nil for a 2xx status.
func (r *BatchResponse) Err() error {
	if r.Status >= 200 && r.Status < 300 {
		return nil
	}
	h := http.Header{}
	for k, v := range r.Headers {
		h.Set(k, v)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	return CheckResponse(&http.Response{StatusCode: r.Status, Header: h, Body: io.NopCloser(bytes.NewReader(r.Body))})
}

// Decode unmarshals the item's body into v, or returns the item's error.
func (r *BatchResponse) Decode(v any) error {
	if err := r.Err(); err != nil {
		return err
	}
	if len(r.Body) == 0 {
		return nil
	}
	return json.Unmarshal(r.Body, v)
}

// Batch sends requests as JSON batches (POST /$batch), MaxBatch at a time,
// and returns one response per request, in the order of reqs.
//
// Graph throttles the items of a batch one by one: items answered 429 (or
// 503) are sent again in a later batch after the longest Retry-After among
// them, as the client's [RetryPolicy] allows; after that their 429 stays in
// their response. A request whose DependsOn names a request of an earlier
// batch of the split runs after it; if that request failed, it is not sent
// and gets Graph's 424 Failed Dependency. The error is non-nil only when a
// whole batch failed; check each response with [BatchResponse.Err]. The
// Response is that of the last POST /$batch sent.
//
// Graph docs: https://learn.microsoft.com/graph/json-batching
//
//meta:operation POST /$batch
func (c *Client) Batch(ctx context.Context, reqs []BatchRequest) ([]*BatchResponse, *Response, error) {
	out, resp, err := c.batch(ctx, reqs)
	var ptrs []*BatchResponse
	if out != nil {
		ptrs = make([]*BatchResponse, len(out))
		for i := range out {
			ptrs[i] = &out[i]
		}
	}
	return ptrs, resp, err
}

// batch is [Client.Batch] with the responses as values.
func (c *Client) batch(ctx context.Context, reqs []BatchRequest) ([]BatchResponse, *Response, error) {
	items := make([]BatchRequest, len(reqs))
	index := map[string]int{}
	for i, r := range reqs {
		if r.ID == "" {
			r.ID = strconv.Itoa(i + 1)
		}
		key := strings.ToLower(r.ID)
		if _, dup := index[key]; dup {
			return nil, nil, fmt.Errorf("msgraph: batch: request id %q is used twice", r.ID)
		}
		if !strings.HasPrefix(r.URL, "/") {
			r.URL = "/" + r.URL
		}
		if r.Body != nil {
			h := make(map[string]string, len(r.Headers)+1)
			for k, v := range r.Headers {
				h[k] = v
			}
			if !hasKey(h, "Content-Type") {
				h["Content-Type"] = "application/json"
			}
			r.Headers = h
		}
		index[key] = i
		items[i] = r
	}
	for i := range items {
		r := &items[i]
		deps := make([]string, len(r.DependsOn))
		for k, d := range r.DependsOn {
			j, ok := index[strings.ToLower(d)]
			if !ok || j >= i {
				return nil, nil, fmt.Errorf("msgraph: batch: request %q depends on %q, which is not an earlier request", r.ID, d)
			}
			deps[k] = items[j].ID // as the request spells it
		}
		r.DependsOn = deps
	}

	out := make([]BatchResponse, len(items))
	var last *Response
	done := make([]bool, len(items))
	pending := make([]int, len(items))
	for i := range pending {
		pending[i] = i
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		var throttled []int
		var wait time.Duration
		for start := 0; start < len(pending); start += MaxBatch {
			chunk := pending[start:min(start+MaxBatch, len(pending))]
			send, failed, deferred := batchChunk(items, chunk, index, out, done)
			for _, i := range failed {
				done[i] = true
			}
			throttled = append(throttled, deferred...)
			if len(send) == 0 {
				continue
			}
			resps, resp, err := c.postBatch(ctx, items, send)
			if resp != nil {
				last = resp
			}
			if err != nil {
				return out, last, err
			}
			retry := map[string]bool{} // ids throttled in this batch
			for _, i := range send {
				r, ok := resps[strings.ToLower(items[i].ID)]
				if !ok {
					return out, last, fmt.Errorf("msgraph: batch: no response for request %q", items[i].ID)
				}
				out[i] = r
				done[i] = true
				// A 424 because a dependency was throttled is retried with it.
				dependsOnThrottled := r.Status == http.StatusFailedDependency &&
					slices.ContainsFunc(items[i].DependsOn, func(d string) bool { return retry[strings.ToLower(d)] })
				if dependsOnThrottled || retryableStatus(r.Status) && r.Status != http.StatusGatewayTimeout {
					retry[strings.ToLower(items[i].ID)] = true
					throttled = append(throttled, i)
					h := http.Header{}
					for k, v := range r.Headers {
						h.Set(k, v)
					}
					wait = max(wait, parseRetryAfter(h.Get("Retry-After"), time.Now()))
				}
			}
		}
		if len(throttled) == 0 || attempt > c.retry.maxRetries() {
			break
		}
		if wait == 0 {
			wait = c.retry.backoff(attempt - 1)
		}
		if wait > c.retry.maxWait() {
			break
		}
		if c.notify != nil {
			e := out[throttled[0]].Err().(*Error)
			e.Method, e.Path = items[throttled[0]].Method, "/$batch "+items[throttled[0]].URL
			c.notify(RetryEvent{Attempt: attempt, Wait: wait, Err: e})
		}
		if err := c.sleep(ctx, wait); err != nil {
			return out, last, err
		}
		slices.Sort(throttled) // dependencies before their dependents
		for _, i := range throttled {
			done[i] = false
		}
		pending = throttled
	}
	return out, last, nil
}

// batchChunk decides which requests of chunk to send: a dependency already
// answered (in an earlier batch) is dropped from DependsOn if it succeeded;
// if it was throttled, the request waits for the next round (deferred); if
// it failed, the request gets a 424 without being sent.
func batchChunk(items []BatchRequest, chunk []int, index map[string]int, out []BatchResponse, done []bool) (send, failed, deferred []int) {
	inChunk := map[int]bool{}
	for _, i := range chunk {
		inChunk[i] = true
	}
	for _, i := range chunk {
		r := &items[i]
		var deps []string
		ok, wait := true, false
		for _, d := range r.DependsOn {
			j := index[strings.ToLower(d)]
			switch {
			case inChunk[j] && !done[j]:
				deps = append(deps, d)
			case !done[j] || retryableStatus(out[j].Status) && out[j].Status != http.StatusGatewayTimeout:
				wait = true
			case out[j].Status < 200 || out[j].Status >= 300:
				ok = false
			}
		}
		switch {
		case wait && ok:
			out[i] = BatchResponse{ID: r.ID, Status: http.StatusTooManyRequests,
				Body: json.RawMessage(`{"error":{"code":"TooManyRequests","message":"A request it depends on was throttled."}}`)}
			deferred = append(deferred, i)
			continue
		case !ok:
			out[i] = BatchResponse{ID: r.ID, Status: http.StatusFailedDependency,
				Body: json.RawMessage(`{"error":{"code":"FailedDependency","message":"A request it depends on failed."}}`)}
			failed = append(failed, i)
			continue
		}
		r.DependsOn = deps
		send = append(send, i)
	}
	return send, failed, deferred
}

// postBatch sends one $batch and returns its responses by lower-case id.
func (c *Client) postBatch(ctx context.Context, items []BatchRequest, send []int) (map[string]BatchResponse, *Response, error) {
	body := struct {
		Requests []BatchRequest `json:"requests"`
	}{}
	for _, i := range send {
		body.Requests = append(body.Requests, items[i])
	}
	req, err := c.NewRequest(ctx, http.MethodPost, "$batch", body)
	if err != nil {
		return nil, nil, err
	}
	var res struct {
		Responses []BatchResponse `json:"responses"`
	}
	resp, err := c.Do(req, &res)
	if err != nil {
		return nil, resp, err
	}
	m := make(map[string]BatchResponse, len(res.Responses))
	for _, r := range res.Responses {
		m[strings.ToLower(r.ID)] = r
	}
	return m, resp, nil
}

func hasKey(h map[string]string, key string) bool {
	for k := range h {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}
