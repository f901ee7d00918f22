package msgraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// batchServer answers $batch like Graph: at most 20 requests, dependsOn only
// on ids of the same batch, a failed dependency → 424. "/throttled/N" is
// answered 429 (Retry-After 3) the first N times it is seen.
func batchServer(t *testing.T, mux *http.ServeMux) *[][]string {
	var batches [][]string
	seen := map[string]int{}
	mux.HandleFunc("POST /v1.0/$batch", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Requests []BatchRequest }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Requests) == 0 || len(in.Requests) > MaxBatch {
			graphError(w, 400, "BadRequest", fmt.Sprintf("bad batch: %d requests, %v", len(in.Requests), err))
			return
		}
		ids, status := []string{}, map[string]int{}
		var out struct {
			Responses []BatchResponse `json:"responses"`
		}
		for _, q := range in.Requests {
			ids = append(ids, q.ID)
			resp := BatchResponse{ID: q.ID, Status: 200, Headers: map[string]string{"Content-Type": "application/json"}}
			for _, d := range q.DependsOn {
				st, ok := status[d]
				if !ok {
					graphError(w, 400, "BadRequest", "dependsOn names "+d+", which is not in the batch")
					return
				}
				if st >= 400 {
					resp.Status = 424
				}
			}
			if q.Body != nil && q.Headers["Content-Type"] != "application/json" {
				resp.Status = 400
			}
			seen[q.URL]++
			switch {
			case resp.Status != 200:
			case q.URL == "/fail":
				resp.Status = 404
				resp.Body = json.RawMessage(`{"error":{"code":"itemNotFound","message":"Nope."}}`)
			case strings.HasPrefix(q.URL, "/throttled/") && fmt.Sprint(seen[q.URL]) <= q.URL[len("/throttled/"):]:
				resp.Status = 429
				resp.Headers["Retry-After"] = "3"
			default:
				resp.Body, _ = json.Marshal(map[string]string{"url": q.URL, "method": q.Method})
			}
			status[q.ID] = resp.Status
			out.Responses = append(out.Responses, resp)
		}
		batches = append(batches, ids)
		// Graph answers in any order.
		for i, j := 0, len(out.Responses)-1; i < j; i, j = i+1, j-1 {
			out.Responses[i], out.Responses[j] = out.Responses[j], out.Responses[i]
		}
		json.NewEncoder(w).Encode(out)
	})
	return &batches
}

func TestBatchSplitsAndOrders(t *testing.T) {
	c, mux, waits := setup(t)
	batches := batchServer(t, mux)
	var reqs []BatchRequest
	for i := range 45 {
		reqs = append(reqs, BatchRequest{Method: "GET", URL: fmt.Sprintf("me/messages/%d", i)})
	}
	reqs[30].Method, reqs[30].URL, reqs[30].Body = "PATCH", "/me/messages/30", map[string]bool{"isRead": true}
	reqs[25].DependsOn = []string{"2"} // in an earlier batch of the split
	resps, _, err := c.Batch(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(*batches) != 3 || len((*batches)[0]) != 20 || len((*batches)[1]) != 20 || len((*batches)[2]) != 5 {
		t.Errorf("batches %v, want 20+20+5", *batches)
	}
	for i, r := range resps {
		var body struct{ URL, Method string }
		if err := r.Decode(&body); err != nil || r.ID != fmt.Sprint(i+1) || body.URL != fmt.Sprintf("/me/messages/%d", i) {
			t.Errorf("response %d: id %s %+v %v", i, r.ID, body, err)
		}
	}
	if len(*waits) != 0 {
		t.Errorf("waited %v", *waits)
	}
}

func TestBatchThrottledItemsAndDependencies(t *testing.T) {
	c, mux, waits := setup(t)
	batches := batchServer(t, mux)
	var events []RetryEvent
	c.notify = func(e RetryEvent) { events = append(events, e) }
	reqs := []BatchRequest{
		{ID: "a", Method: "GET", URL: "/throttled/1"},
		{ID: "b", Method: "GET", URL: "/fail"},
		{ID: "c", Method: "GET", URL: "/after-a", DependsOn: []string{"A"}},
		{ID: "d", Method: "GET", URL: "/after-b", DependsOn: []string{"b"}},
		{ID: "e", Method: "GET", URL: "/throttled/9"},
	}
	resps, _, err := c.Batch(t.Context(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range resps {
		got[r.ID] = r.Status
	}
	want := map[string]int{"a": 200, "b": 404, "c": 200, "d": 424, "e": 429}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: status %d, want %d (all %v)", id, got[id], st, got)
		}
	}
	if !IsNotFound(resps[1].Err()) || StatusCode(resps[3].Err()) != 424 || !IsThrottled(resps[4].Err()) {
		t.Errorf("item errors: %v / %v / %v", resps[1].Err(), resps[3].Err(), resps[4].Err())
	}
	// Round 1 sends everything; later rounds only what was throttled (a, c waiting on a, e).
	if len(*batches) != 4 || len((*batches)[0]) != 5 || strings.Join((*batches)[1], ",") != "a,c,e" ||
		strings.Join((*batches)[2], ",") != "e" || strings.Join((*batches)[3], ",") != "e" {
		t.Errorf("batches %v", *batches)
	}
	if len(*waits) != 3 || (*waits)[0] != 3*time.Second || len(events) != 3 || events[0].Err.StatusCode != 429 {
		t.Errorf("waits %v, events %d", *waits, len(events))
	}
}

func TestBatchBadInput(t *testing.T) {
	c, _, _ := setup(t)
	for name, reqs := range map[string][]BatchRequest{
		"duplicate id":     {{ID: "x", Method: "GET", URL: "/me"}, {ID: "X", Method: "GET", URL: "/me"}},
		"later dependency": {{ID: "1", Method: "GET", URL: "/me", DependsOn: []string{"2"}}, {ID: "2", Method: "GET", URL: "/me"}},
		"unknown id":       {{ID: "1", Method: "GET", URL: "/me", DependsOn: []string{"nope"}}},
	} {
		if _, _, err := c.Batch(t.Context(), reqs); err == nil || !strings.Contains(err.Error(), "msgraph: batch:") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
