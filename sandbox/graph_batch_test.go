package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/testkey"
)

type batchAnswer struct {
	Responses []struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    any               `json:"body"`
	} `json:"responses"`
}

func (b batchAnswer) byID(t *testing.T) map[string]struct {
	Status  int
	Headers map[string]string
	Body    map[string]any
	Raw     any
} {
	t.Helper()
	out := map[string]struct {
		Status  int
		Headers map[string]string
		Body    map[string]any
		Raw     any
	}{}
	for _, r := range b.Responses {
		m, _ := r.Body.(map[string]any)
		out[r.ID] = struct {
			Status  int
			Headers map[string]string
			Body    map[string]any
			Raw     any
		}{r.Status, r.Headers, m, r.Body}
	}
	return out
}

func TestBatch(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	first := stableID(AdeleVanceID, "message", "0")
	first1 := stableID(AdeleVanceID, "message", "1")
	var ans batchAnswer
	e.must(200, "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me/messages?$top=2&$select=subject"},
		map[string]any{"id": "2", "method": "PATCH", "url": "/me/messages/" + first, "headers": map[string]string{"Content-Type": "application/json"},
			"body": map[string]any{"isRead": true}},
		map[string]any{"id": "3", "method": "GET", "url": "me/mailFolders/inbox", "dependsOn": []string{"2"}},
		map[string]any{"id": "4", "method": "GET", "url": "/me/messages/AAMkAGmissing"},
		map[string]any{"id": "5", "method": "PATCH", "url": "/me/messages/" + first1, "dependsOn": []string{"4"},
			"headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"isRead": true}},
		map[string]any{"id": "6", "method": "GET", "url": "/me/messages/" + first + "/attachments/" + stableID(first, "attachment", "0") + "/$value"},
		map[string]any{"id": "7", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"},
	}}, &ans)
	if len(ans.Responses) != 7 {
		t.Fatalf("%d responses", len(ans.Responses))
	}
	r := ans.byID(t)
	if r["1"].Status != 200 || len(r["1"].Body["value"].([]any)) != 2 || !strings.Contains(r["1"].Body["@odata.nextLink"].(string), e.base+"/v1.0/me/messages?") ||
		!strings.HasPrefix(r["1"].Headers["Content-Type"], "application/json") {
		t.Errorf("item 1: %+v", r["1"])
	}
	if r["2"].Status != 200 || r["2"].Body["isRead"] != true {
		t.Errorf("item 2: %+v", r["2"])
	}
	if r["3"].Status != 200 || r["3"].Body["displayName"] != "Inbox" {
		t.Errorf("item 3: %+v", r["3"])
	}
	if r["4"].Status != 404 || r["4"].Body["error"].(map[string]any)["code"] != "ErrorItemNotFound" {
		t.Errorf("item 4: %+v", r["4"])
	}
	if r["5"].Status != 424 || r["5"].Body["error"].(map[string]any)["code"] != "FailedDependency" {
		t.Errorf("item 5 (depends on a failure): %+v", r["5"])
	}
	if raw, _ := base64.StdEncoding.DecodeString(fmt.Sprint(r["6"].Raw)); r["6"].Status != 200 || string(raw) != string(salesCSV(0)) {
		t.Errorf("item 6 ($value, base64): %+v", r["6"])
	}
	if r["7"].Status != 400 {
		t.Errorf("item 7 (absolute url): %+v", r["7"])
	}
	// The dependent PATCH did not run; the other one did.
	var m map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+first1, adele, nil, &m)
	if m["isRead"] != seedMailbox(0).msgs[first1].IsRead {
		t.Error("the PATCH that depended on a failed request ran")
	}
	e.must(200, "GET", "/v1.0/me/messages/"+first, adele, nil, &m)
	if m["isRead"] != true {
		t.Error("the batched PATCH did not run")
	}

	// An injected fault throttles the item whose path it matches, with its Retry-After.
	if _, err := e.s.AddFault(Fault{Path: "^/v1.0/me/mailFolders$", Status: 429, RetryAfter: 7, Count: 1}); err != nil {
		t.Fatal(err)
	}
	ans = batchAnswer{}
	e.must(200, "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "a", "method": "GET", "url": "/me/mailFolders"},
		map[string]any{"id": "b", "method": "GET", "url": "/me/messages?$top=1"},
	}}, &ans)
	r = ans.byID(t)
	if r["a"].Status != 429 || r["a"].Headers["Retry-After"] != "7" || r["a"].Body["error"].(map[string]any)["code"] != "TooManyRequests" {
		t.Errorf("throttled item: %+v", r["a"])
	}
	if r["b"].Status != 200 {
		t.Errorf("other item: %+v", r["b"])
	}

	// Without a token every item is refused.
	ans = batchAnswer{}
	e.must(200, "POST", "/v1.0/$batch", nil, map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/me"}}}, &ans)
	if ans.Responses[0].Status != 401 {
		t.Errorf("unauthenticated item: %+v", ans.Responses[0])
	}

	// Batch-level errors.
	var many []any
	for i := 0; i < 21; i++ {
		many = append(many, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/me"})
	}
	e.wantError(400, "BadRequest", "limit of 20", "POST", "/v1.0/$batch", adele, map[string]any{"requests": many})
	e.wantError(400, "BadRequest", "not unique", "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "x", "method": "GET", "url": "/me"}, map[string]any{"id": "X", "method": "GET", "url": "/me"}}})
	e.wantError(400, "BadRequest", "Write request id : 1 does not contain Content-Type header or body.", "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/me/messages", "body": map[string]any{"subject": "x"}}}})
	e.wantError(400, "BadRequest", "not a request of this batch", "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me", "dependsOn": []string{"9"}}}})
	e.wantError(400, "BadRequest", "cycle", "POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me", "dependsOn": []string{"2"}},
		map[string]any{"id": "2", "method": "GET", "url": "/me", "dependsOn": []string{"1"}}}})
	e.wantError(400, "BadRequest", "Invalid batch payload format.", "POST", "/v1.0/$batch", adele, map[string]any{"nope": 1})
}

// TestBatchNotNested: an item cannot be $batch however its url spells it (finding 9: /$BATCH
// and /%24batch ran the inner batch, so nesting grew quadratically); each such item gets
// Graph's 400 and the other items run.
func TestBatchNotNested(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	inner := map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/me"}}}
	urls := []string{"/$BATCH", "/%24batch", "/%24BATCH", "/v1.0/$batch", "/./$batch", "$Batch", "/me/../$batch",
		"/%2e/$batch", "/$batch?x=1", "/v1.0/%24Batch/"}
	var items []any
	for i, u := range urls {
		items = append(items, map[string]any{"id": fmt.Sprint(i), "method": "POST", "url": u,
			"headers": map[string]string{"Content-Type": "application/json"}, "body": inner})
	}
	items = append(items, map[string]any{"id": "me", "method": "GET", "url": "/me"})
	var ans batchAnswer
	e.must(200, "POST", "/v1.0/$batch", adele, map[string]any{"requests": items}, &ans)
	r := ans.byID(t)
	for i, u := range urls {
		got := r[fmt.Sprint(i)]
		ge, _ := got.Body["error"].(map[string]any)
		msg, _ := ge["message"].(string)
		if got.Status != 400 || !strings.Contains(msg, "cannot be $batch") {
			t.Errorf("item url %q: status %d %v, want 400 cannot be $batch", u, got.Status, got.Raw)
		}
	}
	if r["me"].Status != 200 {
		t.Errorf("the plain item: %+v", r["me"])
	}
}

// TestBatchInsideBatchRefused: whatever route reaches the batch handler from inside a batch
// is refused, so nesting is bounded even if a spelling escapes batchURL.
func TestBatchInsideBatchRefused(t *testing.T) {
	t.Parallel()
	s, err := New(Options{PlainHTTP: true, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(context.WithValue(t.Context(), inBatchKey{}, true), "POST", "/v1.0/$batch",
		strings.NewReader(`{"requests":[{"id":"1","method":"GET","url":"/me"}]}`))
	rec := httptest.NewRecorder()
	s.graphBatch(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "cannot be $batch") {
		t.Errorf("batch inside a batch: %d %s", rec.Code, rec.Body)
	}
}
