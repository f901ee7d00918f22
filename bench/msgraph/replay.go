package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// recorded is one response as the sandbox sent it.
type recorded struct {
	status int
	line   string // "200 OK"
	header http.Header
	body   []byte
}

// recorder passes requests on to rt and keeps each response by request URI
// (path and query: the host is the sandbox's for every request).
type recorder struct {
	rt http.RoundTripper
	mu sync.Mutex
	m  map[string]*recorded
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*recorded{}
	}
	r.m[req.URL.RequestURI()] = &recorded{status: resp.StatusCode, line: resp.Status, header: resp.Header.Clone(), body: body}
	return resp, nil
}

// replay answers each request with the recorded response for its URI, from
// memory: no network, no sandbox. What it costs per request (the response
// struct and a reader over the recorded body) is the same for both clients,
// so their difference is their own work: building the request, going through
// http.Client, checking and decoding the answer.
type replay struct{ m map[string]*recorded }

func (r replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	rec, ok := r.m[req.URL.RequestURI()]
	if !ok {
		return nil, fmt.Errorf("replay: nothing recorded for %s %s", req.Method, req.URL.RequestURI())
	}
	return &http.Response{
		Status:        rec.line,
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header, // read only, shared
		Body:          io.NopCloser(bytes.NewReader(rec.body)),
		ContentLength: int64(len(rec.body)),
		Request:       req,
	}, nil
}
