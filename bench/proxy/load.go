package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// workload is one way of reaching the upstream: directly or through a proxy.
type workload struct {
	url   string         // what the client requests
	proxy *url.URL       // forward proxy with its credentials; nil = direct
	roots *x509.CertPool // what the client trusts: the upstream CA, or the proxy's CA
	auth  string         // Authorization header the client sends; "" = none
}

// phase hooks run by the coordinator when the measured window opens and after it closes.
type phase struct {
	onMeasure func() error
	onEnd     func()
}

// measurement is what one scenario produced in its measured window.
type measurement struct {
	requests  int64
	window    time.Duration
	latencies []time.Duration // sorted
}

func (m measurement) rps() float64 { return float64(m.requests) / m.window.Seconds() }

// add merges another window's measurement into m.
func (m *measurement) add(o measurement) {
	m.requests += o.requests
	m.window += o.window
	m.latencies = append(m.latencies, o.latencies...)
	slices.Sort(m.latencies)
}

// percentile returns the nearest-rank q-quantile (0 < q <= 1) of the latencies.
func (m measurement) percentile(q float64) time.Duration {
	n := len(m.latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return m.latencies[min(max(i, 0), n-1)]
}

// newClient returns the client for one scenario at concurrency c: HTTP/1.1 only, keep-alive,
// at most c connections, trusting w.roots, through w.proxy when set. It is kept across the
// rounds of the scenario so its connections stay open.
func newClient(w workload, c int) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: w.roots, MinVersion: tls.VersionTLS12},
		MaxIdleConns:        c,
		MaxIdleConnsPerHost: c,
		MaxConnsPerHost:     c,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
		Protocols:           new(http.Protocols),
	}
	tr.Protocols.SetHTTP1(true)
	if w.proxy != nil {
		tr.Proxy = http.ProxyURL(w.proxy)
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// generate drives the workload with c goroutines, each a closed loop of GET requests (on its
// own keep-alive connection once warm): warm-up first (connections, TLS sessions, leaf
// certificates, token cache), then the measured window. Requests completing inside the window
// count towards throughput and latency; on a machine so busy that none does, the first request
// completing after the window counts instead (a window shorter than one request measures one
// request, rather than failing the run). Any transport error, non-200 status or short body
// fails the run.
func generate(ctx context.Context, client *http.Client, w workload, c int, warmup, window time.Duration, ph phase) (measurement, error) {
	start := time.Now()
	from, until := start.Add(warmup), start.Add(warmup+window)
	g, gctx := errgroup.WithContext(ctx)
	lat := make([][]time.Duration, c)
	var counted atomic.Int64 // requests counted so far, by every worker
	for i := range c {
		g.Go(func() error {
			own := make([]time.Duration, 0, 4096)
			var body bytes.Buffer
			body.Grow(2 * bodySize)
			for {
				t0 := time.Now()
				if t0.After(until) && counted.Load() > 0 {
					lat[i] = own
					return nil
				}
				req, err := http.NewRequestWithContext(gctx, http.MethodGet, w.url, nil)
				if err != nil {
					return err
				}
				if w.auth != "" {
					req.Header["Authorization"] = []string{w.auth}
				}
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				body.Reset()
				_, err = body.ReadFrom(resp.Body)
				resp.Body.Close()
				if err != nil {
					return fmt.Errorf("reading response: %w", err)
				}
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("GET %s: status %s: %.200s", w.url, resp.Status, body.Bytes())
				}
				if body.Len() != bodySize {
					return fmt.Errorf("GET %s: %d-byte body, want %d", w.url, body.Len(), bodySize)
				}
				t1 := time.Now()
				if !t1.Before(from) && (!t1.After(until) || counted.Load() == 0) {
					own = append(own, t1.Sub(t0))
					counted.Add(1)
				}
			}
		})
	}
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()

	var err error
	select {
	case <-time.After(time.Until(from)):
		if ph.onMeasure != nil {
			if err := ph.onMeasure(); err != nil {
				<-done
				return measurement{}, err
			}
		}
		err = <-done
		if ph.onEnd != nil {
			ph.onEnd()
		}
	case err = <-done:
	}
	if err != nil {
		return measurement{}, err
	}
	m := measurement{window: window}
	for _, l := range lat {
		m.latencies = append(m.latencies, l...)
	}
	slices.Sort(m.latencies)
	m.requests = int64(len(m.latencies))
	if m.requests == 0 {
		return m, fmt.Errorf("no request completed in the %v window", window)
	}
	return m, nil
}
