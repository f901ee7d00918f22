package sandbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/mail"
	"io"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
)

// POST /v1.0/$batch: JSON batching. Each request runs through the Graph mux
// with the batch's Authorization header, after the injected faults (matched
// against the item's path, so an item can be throttled on its own).

const maxBatchRequests = 20

// badItemURL is Graph's answer to an item url that is absolute or is $batch itself.
const badItemURL = "Invalid request URI: batch request urls must be relative, e.g. /me/messages, and cannot be $batch."

type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    any               `json:"body,omitempty"`
}

// inBatchKey marks the context of a request that runs as an item of a batch.
type inBatchKey struct{}

// batchURL reports whether a batch item's url names $batch, however it is spelled: the mux
// decodes %24, folds case and cleans dot segments, and an item may repeat the version.
func batchURL(u string) bool {
	p, _, _ := strings.Cut(u, "?")
	if dec, err := url.PathUnescape(p); err == nil {
		p = dec
	}
	for _, seg := range strings.Split(path.Clean("/"+strings.ReplaceAll(p, "\\", "/")), "/") {
		if strings.EqualFold(seg, "$batch") {
			return true
		}
	}
	return false
}

func (s *Server) graphBatch(w http.ResponseWriter, r *http.Request) {
	if in, _ := r.Context().Value(inBatchKey{}).(bool); in {
		// Whatever spelling reached the handler, a batch never nests (each level would
		// multiply the work of one request).
		s.kit.WriteError(w, r, 400, "BadRequest", badItemURL)
		return
	}
	data, ge := graphkit.ReadPayload(w, r, mail.MaxMessageBody)
	if ge != nil {
		s.kit.Fail(w, r, ge)
		return
	}
	var req struct {
		Requests []batchItem `json:"requests"`
	}
	if err := json.Unmarshal(data, &req); err != nil || req.Requests == nil {
		s.kit.WriteError(w, r, 400, "BadRequest", "Invalid batch payload format.")
		return
	}
	if len(req.Requests) > maxBatchRequests {
		s.kit.WriteError(w, r, 400, "BadRequest", "The number of batch requests exceeds the limit of 20.")
		return
	}
	byID := map[string]int{}
	for i, it := range req.Requests {
		if it.ID == "" || it.Method == "" || it.URL == "" {
			s.kit.WriteError(w, r, 400, "BadRequest", "Invalid batch payload format: every request needs an id, a method and a url.")
			return
		}
		key := strings.ToLower(it.ID)
		if _, dup := byID[key]; dup {
			s.kit.WriteError(w, r, 400, "BadRequest", "Request id '"+it.ID+"' is not unique in the batch.")
			return
		}
		byID[key] = i
		if len(it.Body) > 0 && string(it.Body) != "null" && headerValue(it.Headers, "Content-Type") == "" {
			s.kit.WriteError(w, r, 400, "BadRequest", "Write request id : "+it.ID+" does not contain Content-Type header or body.")
			return
		}
	}
	for _, it := range req.Requests {
		for _, d := range it.DependsOn {
			if _, ok := byID[strings.ToLower(d)]; !ok || strings.EqualFold(d, it.ID) {
				s.kit.WriteError(w, r, 400, "BadRequest", "Request '"+it.ID+"' depends on '"+d+"', which is not a request of this batch.")
				return
			}
		}
	}
	if batchCycle(req.Requests, byID) {
		s.kit.WriteError(w, r, 400, "BadRequest", "The dependsOn relations of the batch form a cycle.")
		return
	}

	results := make([]*batchResponse, len(req.Requests))
	var run func(i int)
	run = func(i int) {
		if results[i] != nil {
			return
		}
		it := req.Requests[i]
		for _, d := range it.DependsOn {
			j := byID[strings.ToLower(d)]
			run(j)
			if results[j].Status >= 400 {
				results[i] = &batchResponse{ID: it.ID, Status: http.StatusFailedDependency,
					Headers: map[string]string{"Content-Type": "application/json"},
					Body: map[string]any{"error": map[string]string{"code": "FailedDependency",
						"message": "The request depends on request '" + results[j].ID + "', which failed."}}}
				return
			}
		}
		results[i] = s.runBatchItem(r, it)
	}
	for i := range req.Requests {
		run(i)
	}
	s.kit.WriteJSON(w, r, map[string]any{"responses": results})
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// batchCycle reports whether dependsOn has a cycle.
func batchCycle(items []batchItem, byID map[string]int) bool {
	state := make([]int, len(items)) // 0 new, 1 on stack, 2 done
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case 1:
			return true
		case 2:
			return false
		}
		state[i] = 1
		for _, d := range items[i].DependsOn {
			if visit(byID[strings.ToLower(d)]) {
				return true
			}
		}
		state[i] = 2
		return false
	}
	for i := range items {
		if visit(i) {
			return true
		}
	}
	return false
}

// runBatchItem serves one item as a request of its own.
func (s *Server) runBatchItem(outer *http.Request, it batchItem) *batchResponse {
	res := &batchResponse{ID: it.ID}
	u := it.URL
	if strings.Contains(u, "://") || batchURL(u) {
		res.Status = 400
		res.Body = map[string]any{"error": map[string]string{"code": "BadRequest", "message": badItemURL}}
		return res
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	var body io.Reader = http.NoBody
	if len(it.Body) > 0 && string(it.Body) != "null" {
		b := []byte(it.Body)
		if ct := strings.ToLower(headerValue(it.Headers, "Content-Type")); !strings.Contains(ct, "json") {
			var str string // non-JSON bodies travel base64-encoded in a JSON string
			if json.Unmarshal(b, &str) == nil {
				if dec, err := base64.StdEncoding.DecodeString(str); err == nil {
					b = dec
				}
			}
		}
		body = bytes.NewReader(b)
	}
	ctx := context.WithValue(outer.Context(), logKey{}, (*logSlot)(nil))
	ctx = context.WithValue(ctx, inBatchKey{}, true)
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(it.Method), "/v1.0"+u, body)
	if err != nil {
		res.Status = 400
		res.Body = map[string]any{"error": map[string]string{"code": "BadRequest", "message": "Invalid request URI."}}
		return res
	}
	for k, v := range it.Headers {
		req.Header.Set(k, v)
	}
	if strings.Contains(strings.ToLower(req.Header.Get("Content-Type")), "json") {
		// A JSON body is a value of the batch document: already decoded
		// (charset, compression) with it.
		req.Header.Set("Content-Type", "application/json")
		req.Header.Del("Content-Encoding")
	}
	req.Header.Set("Authorization", outer.Header.Get("Authorization"))
	req.Host, req.TLS, req.RemoteAddr = outer.Host, outer.TLS, outer.RemoteAddr
	rec := &heldResponse{header: http.Header{}}
	sw := &statusWriter{ResponseWriter: rec}
	if !s.applyFault(sw, req, true) {
		s.graph.ServeHTTP(sw, req)
	}
	res.Status = rec.status
	if res.Status == 0 {
		res.Status = 200
	}
	res.Headers = map[string]string{}
	keys := make([]string, 0, len(rec.header))
	for k := range rec.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "Request-Id", "Client-Request-Id", "Content-Length":
			continue
		}
		res.Headers[k] = strings.Join(rec.header.Values(k), ", ")
	}
	if rec.body.Len() > 0 {
		if strings.Contains(rec.header.Get("Content-Type"), "json") && json.Valid(rec.body.Bytes()) {
			res.Body = json.RawMessage(rec.body.Bytes())
		} else {
			res.Body = base64.StdEncoding.EncodeToString(rec.body.Bytes())
		}
	}
	return res
}
