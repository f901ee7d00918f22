package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/authsome-go/authsome/provider"
)

// config is what one run measures.
type config struct {
	Duration    time.Duration // measured time per scenario and concurrency, all rounds together
	Rounds      int
	Warmup      time.Duration
	Rewarm      time.Duration // unmeasured load before each later round; 0 means rewarmDefault
	Concurrency []int
	Replicas    []int // gateway replica counts to measure
}

// Row is one scenario at one concurrency.
type Row struct {
	Scenario    string  `json:"scenario"` // "local", "gateway-1", "gateway-3"...
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	ReqPerSec   float64 `json:"req_per_s"`
	P50us       float64 `json:"p50_us"`
	P99us       float64 `json:"p99_us"`
	// VsLocal is ReqPerSec over the local proxy's at the same concurrency; AddedP50us is
	// P50us minus the local proxy's.
	VsLocal    float64 `json:"vs_local"`
	AddedP50us float64 `json:"added_p50_us"`
}

// Report is the whole run.
type Report struct {
	Duration string `json:"duration"`
	Rounds   int    `json:"rounds"`
	Rows     []Row  `json:"rows"`
}

// scenario is a way to send the workload: clients spread round-robin over endpoints.
type scenario struct {
	name      string
	endpoints []*endpoint
	clients   []*http.Client
	lat       []time.Duration // measured latencies, all rounds
	measured  time.Duration
}

// rewarmDefault is the unmeasured load before each round but the first: the connections and
// caches warm again after the other scenarios' rounds.
const rewarmDefault = 250 * time.Millisecond

func run(ctx context.Context, cfg config, dir string) (*Report, error) {
	if cfg.Rewarm <= 0 {
		cfg.Rewarm = rewarmDefault
	}
	maxReplicas := slices.Max(cfg.Replicas)
	s, err := newSetup(dir, maxReplicas)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rep := &Report{Duration: cfg.Duration.String(), Rounds: cfg.Rounds}
	for _, c := range cfg.Concurrency {
		scs := []*scenario{{name: "local", endpoints: []*endpoint{s.local}}}
		for _, n := range cfg.Replicas {
			scs = append(scs, &scenario{name: fmt.Sprintf("gateway-%d", n), endpoints: s.forwarders[:n]})
		}
		for _, sc := range scs {
			for i := range c {
				sc.clients = append(sc.clients, newClient(sc.endpoints[i%len(sc.endpoints)]))
			}
			if _, err := slice(ctx, sc.clients, cfg.Warmup); err != nil {
				return nil, fmt.Errorf("%s, c=%d, warm-up: %w", sc.name, c, err)
			}
		}
		per := cfg.Duration / time.Duration(cfg.Rounds)
		for r := range cfg.Rounds {
			for _, sc := range scs {
				if r > 0 {
					if _, err := slice(ctx, sc.clients, cfg.Rewarm); err != nil {
						return nil, err
					}
				}
				lat, err := slice(ctx, sc.clients, per)
				if err != nil {
					return nil, fmt.Errorf("%s, c=%d: %w", sc.name, c, err)
				}
				sc.lat = append(sc.lat, lat...)
				sc.measured += per
			}
		}
		var local Row
		for i, sc := range scs {
			for _, cl := range sc.clients {
				cl.CloseIdleConnections()
			}
			row := summarise(sc, c)
			if i == 0 {
				local = row
			}
			if local.ReqPerSec > 0 {
				row.VsLocal = row.ReqPerSec / local.ReqPerSec
			}
			row.AddedP50us = row.P50us - local.P50us
			rep.Rows = append(rep.Rows, row)
		}
	}
	if n := s.badAuth.Load(); n > 0 {
		return nil, fmt.Errorf("%d %w", n, errBadAuth)
	}
	return rep, nil
}

// newClient is one agent connection through e: keep-alive HTTP/1.1, trusting e's CA.
func newClient(e *endpoint) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		Proxy:           http.ProxyURL(e.proxyURL),
		TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: e.roots},
		MaxConnsPerHost: 1, DisableCompression: true,
	}}
}

// slice runs every client in a closed loop for d and returns the latencies of the requests
// completed, or the first failure.
func slice(ctx context.Context, clients []*http.Client, d time.Duration) ([]time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu    sync.Mutex
		all   []time.Duration
		first error
		wg    sync.WaitGroup
	)
	for _, cl := range clients {
		wg.Go(func() {
			var lat []time.Duration
			var err error
			for ctx.Err() == nil {
				t0 := time.Now()
				if err = get(cl); err != nil {
					break
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			if first == nil && err != nil {
				first = err
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, first
}

// get sends what an agent under `authsome run` sends: GET /v1.0/me with the placeholder.
func get(cl *http.Client) error {
	req, _ := http.NewRequest(http.MethodGet, meURL, nil)
	req.Header.Set("Authorization", "Bearer "+provider.ProxyPlaceholder)
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && (resp.StatusCode != http.StatusOK || n != int64(len(meBody))) {
		err = fmt.Errorf("GET %s: %s, %d bytes", meURL, resp.Status, n)
	}
	return err
}

func summarise(sc *scenario, c int) Row {
	slices.Sort(sc.lat)
	row := Row{Scenario: sc.name, Concurrency: c, Requests: len(sc.lat)}
	if len(sc.lat) == 0 {
		return row
	}
	row.ReqPerSec = float64(len(sc.lat)) / sc.measured.Seconds()
	row.P50us = micros(sc.lat[len(sc.lat)/2])
	row.P99us = micros(sc.lat[len(sc.lat)*99/100])
	return row
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
