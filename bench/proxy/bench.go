package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
)

// Scenario names.
const (
	scenDirect   = "direct"
	scenAuthsome = "authsome"
	scenMitm     = "mitmproxy"
	scenProcess  = "authsome-process" // authsome's proxy in a process of its own (-proxy-process)
)

// placeholder is what an agent under `authsome run` sends; the proxies replace it.
const placeholder = "Bearer " + proxy.Placeholder

// config selects what one run of the benchmark does.
type config struct {
	Duration    time.Duration // measured time per scenario and concurrency, all rounds together
	Rounds      int           // the measured time is split into this many interleaved slices
	Warmup      time.Duration // unmeasured lead-in before a scenario's first slice
	Concurrency []int
	Mitmdump    string // mitmdump binary; "" = no mitmproxy anchor
	CPUProfile  string // pprof file for the authsome scenarios; "" = none
	// ProxyProcess adds a scenario with authsome's proxy in a child process, as `authsome run`
	// deploys it: the cost of crossing between processes is then in the numbers too.
	ProxyProcess bool
	Audit        bool // write the proxy's audit log to a file, as `authsome run` does
	Progress     io.Writer
	// ForeignSample is how long other processes' CPU use is sampled before the run; 0 means
	// half a second.
	ForeignSample time.Duration
}

// result is one scenario at one concurrency.
type result struct {
	Scenario    string         `json:"scenario"`
	Concurrency int            `json:"concurrency"`
	Requests    int64          `json:"requests"`
	Seconds     float64        `json:"seconds"`
	RPS         float64        `json:"req_per_s"`
	P50us       float64        `json:"p50_us"`
	P99us       float64        `json:"p99_us"`
	VsDirect    float64        `json:"vs_direct"`
	RoundRPS    []float64      `json:"round_req_per_s"`
	RoundRatio  []float64      `json:"round_vs_direct"`
	Upstream    upstreamCounts `json:"upstream"`
	// ForeignCPU is the share of all CPUs that processes other than this one and mitmdump used
	// during the measured slices (-1: not measured). More than a few percent means the
	// numbers are disturbed.
	ForeignCPU  float64  `json:"foreign_cpu_percent"`
	CPUProfiles []string `json:"cpu_profiles,omitempty"`
	p50, p99    time.Duration
}

// check is one target of issue 3 against its measured value.
type check struct {
	Name     string  `json:"name"`
	Goal     string  `json:"goal"`
	Measured string  `json:"measured"`
	Value    float64 `json:"value"`
	Status   string  `json:"status"` // PASS, MISS, or n/a when not measured in this run
}

// report is everything one run measured.
type report struct {
	Go         string  `json:"go"`
	Platform   string  `json:"platform"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	NumCPU     int     `json:"num_cpu"`
	WarmupS    float64 `json:"warmup_s"`
	DurationS  float64 `json:"duration_s"`
	Rounds     int     `json:"rounds"`
	// ForeignCPUBefore is the share of all CPUs other processes used in the half second
	// before the run (-1: not measured).
	ForeignCPUBefore float64   `json:"foreign_cpu_percent_before"`
	Mitmproxy        string    `json:"mitmproxy"` // version, or why it was not measured
	MitmMeasured     bool      `json:"mitmproxy_measured"`
	Results          []result  `json:"results"`
	AddedP50us       *float64  `json:"added_p50_us_c1,omitempty"`
	VsMitm           []vsMitm  `json:"authsome_vs_mitmproxy,omitempty"`
	Targets          []check   `json:"targets"`
	Started          time.Time `json:"started"`
}

type vsMitm struct {
	Scenario    string  `json:"scenario"`
	Concurrency int     `json:"concurrency"`
	Ratio       float64 `json:"ratio"`
}

func (r *report) find(scenario string, c int) *result {
	for i := range r.Results {
		if r.Results[i].Scenario == scenario && r.Results[i].Concurrency == c {
			return &r.Results[i]
		}
	}
	return nil
}

// run sets up the upstream, authsome's proxy and (when configured) mitmdump, measures every
// scenario at every concurrency, checks that each request reached the upstream with exactly
// the credential it should carry, and computes the ratios and targets.
func run(ctx context.Context, cfg config) (*report, error) {
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	rep := &report{
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		WarmupS: cfg.Warmup.Seconds(), DurationS: cfg.Duration.Seconds(), Rounds: cfg.Rounds,
		Mitmproxy: "not measured: mitmdump not found (apt-get install mitmproxy)",
		Started:   time.Now().UTC(),
	}
	dir, err := os.MkdirTemp("", "authsome-bench-proxy-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	token := "bench-" + randomHex(24)
	up, err := startUpstream(token)
	if err != nil {
		return nil, fmt.Errorf("upstream: %w", err)
	}
	defer up.Close()
	upCAFile := filepath.Join(dir, "upstream-ca.pem")
	if err := os.WriteFile(upCAFile, up.CAPEM, 0o600); err != nil {
		return nil, err
	}

	user, pass := "authsome", randomHex(16)
	asURL, asRoots, stopAuthsome, err := startAuthsome(dir, up, upCAFile, token, user, pass, cfg.Audit)
	if err != nil {
		return nil, fmt.Errorf("authsome proxy: %w", err)
	}
	defer stopAuthsome()
	var children []int // processes whose CPU is the benchmark's own
	var asProc *proxyProcess
	if cfg.ProxyProcess {
		if asProc, err = startAuthsomeProcess(dir, up, upCAFile, token, user, pass, cfg.Audit); err != nil {
			return nil, fmt.Errorf("authsome proxy process: %w", err)
		}
		defer asProc.Stop()
		children = append(children, asProc.cmd.Process.Pid)
	}

	var before foreignCPU
	a := sampleCPU()
	time.Sleep(cmp.Or(cfg.ForeignSample, 500*time.Millisecond))
	before.add(a, sampleCPU())
	rep.ForeignCPUBefore = before.percent()

	var mitm *mitmdump
	if cfg.Mitmdump != "" {
		fmt.Fprintf(cfg.Progress, "starting %s ...\n", cfg.Mitmdump)
		mitm, err = startMitmdump(cfg.Mitmdump, dir, up, upCAFile, "bench", randomHex(16))
		if err != nil {
			return nil, err
		}
		defer mitm.Stop()
		children = append(children, mitm.cmd.Process.Pid)
		rep.Mitmproxy, rep.MitmMeasured = "mitmdump "+mitm.Version, true
	}

	graphURL := "https://" + graphHost + "/v1.0/me"
	type scenario struct {
		name   string
		w      workload
		expect expectation
	}
	scenarios := []scenario{ // direct first: the others' per-round ratios refer to it
		{scenDirect, workload{url: up.URL.String() + "/v1.0/me", roots: up.Roots}, expectNone},
		{scenAuthsome, workload{url: graphURL, proxy: asURL, roots: asRoots, auth: placeholder}, expectToken},
	}
	if asProc != nil {
		scenarios = append(scenarios, scenario{scenProcess, workload{url: graphURL, proxy: asProc.URL, roots: asProc.Roots, auth: placeholder}, expectToken})
	}
	if mitm != nil {
		scenarios = append(scenarios, scenario{scenMitm, workload{url: graphURL, proxy: mitm.URL, roots: mitm.Roots, auth: placeholder}, expectToken})
	}

	// Each concurrency runs its scenarios in interleaved rounds (direct, authsome, mitmproxy,
	// direct, ...), so that load from elsewhere on the machine, which comes and goes, weighs on
	// every scenario alike. A scenario's client, and so its connections, lives across rounds;
	// its first slice warms up for cfg.Warmup, later ones briefly.
	if cfg.Rounds < 1 {
		cfg.Rounds = 1
	}
	slice := cfg.Duration / time.Duration(cfg.Rounds)
	rewarm := min(cfg.Warmup, 250*time.Millisecond)
	for _, c := range cfg.Concurrency {
		res := make([]result, len(scenarios))
		acc := make([]measurement, len(scenarios))
		clients := make([]*http.Client, len(scenarios))
		foreign := make([]foreignCPU, len(scenarios))
		for round := range cfg.Rounds {
			for i, s := range scenarios {
				warm := rewarm
				if clients[i] == nil {
					clients[i], warm = newClient(s.w, c), cfg.Warmup
				}
				fmt.Fprintf(cfg.Progress, "c=%-3d round %d/%d  %-9s %v warm-up + %v ...\n", c, round+1, cfg.Rounds, s.name, warm, slice)
				var prof phase
				if s.name == scenAuthsome && cfg.CPUProfile != "" {
					path := profileName(cfg.CPUProfile, c, round+1)
					prof = profilePhase(path)
					res[i].CPUProfiles = append(res[i].CPUProfiles, path)
				}
				var cpu0, cpu1 cpuSample
				ph := phase{
					onMeasure: func() error {
						cpu0 = sampleCPU(children...)
						if prof.onMeasure != nil {
							return prof.onMeasure()
						}
						return nil
					},
					onEnd: func() {
						if prof.onEnd != nil {
							prof.onEnd()
						}
						cpu1 = sampleCPU(children...)
					},
				}
				up.reset(s.expect)
				m, err := generate(ctx, clients[i], s.w, c, warm, slice, ph)
				if err != nil {
					return nil, fmt.Errorf("%s at concurrency %d: %w", s.name, c, err)
				}
				foreign[i].add(cpu0, cpu1)
				got := up.counts()
				if err := verify(s.expect, m.requests, got); err != nil {
					return nil, fmt.Errorf("%s at concurrency %d: %w", s.name, c, err)
				}
				acc[i].add(m)
				res[i].RoundRPS = append(res[i].RoundRPS, m.rps())
				u := &res[i].Upstream
				u.WithToken += got.WithToken
				u.WithoutAuth += got.WithoutAuth
				u.Other += got.Other
				u.Connections += got.Connections
			}
		}
		for i, s := range scenarios {
			clients[i].CloseIdleConnections()
			m := acc[i]
			r := &res[i]
			r.Scenario, r.Concurrency, r.Requests, r.Seconds = s.name, c, m.requests, m.window.Seconds()
			r.RPS, r.p50, r.p99 = m.rps(), m.percentile(0.50), m.percentile(0.99)
			r.ForeignCPU = foreign[i].percent()
			for round, rps := range r.RoundRPS {
				r.RoundRatio = append(r.RoundRatio, rps/res[0].RoundRPS[round])
			}
			rep.Results = append(rep.Results, *r)
		}
	}
	rep.derive()
	return rep, nil
}

// verify checks that the upstream saw exactly what the scenario should deliver: the injected
// token on every proxied request, no Authorization at all on direct ones.
func verify(e expectation, completed int64, got upstreamCounts) error {
	if got.Other != 0 {
		return fmt.Errorf("%d requests reached the upstream with a wrong Authorization header or path", got.Other)
	}
	switch e {
	case expectToken:
		if got.WithoutAuth != 0 {
			return fmt.Errorf("%d proxied requests reached the upstream without the token", got.WithoutAuth)
		}
		if got.WithToken < completed {
			return fmt.Errorf("the upstream saw %d requests with the token, the client completed %d", got.WithToken, completed)
		}
	case expectNone:
		if got.WithToken != 0 {
			return fmt.Errorf("%d direct requests carried the token", got.WithToken)
		}
		if got.WithoutAuth < completed {
			return fmt.Errorf("the upstream saw %d requests, the client completed %d", got.WithoutAuth, completed)
		}
	}
	return nil
}

// derive fills in the ratios, the added latency and the targets.
func (r *report) derive() {
	for i := range r.Results {
		res := &r.Results[i]
		res.P50us, res.P99us = micros(res.p50), micros(res.p99)
		if d := r.find(scenDirect, res.Concurrency); d != nil && d.RPS > 0 {
			res.VsDirect = res.RPS / d.RPS
		}
	}
	d1, a1 := r.find(scenDirect, 1), r.find(scenAuthsome, 1)
	if d1 != nil && a1 != nil {
		added := micros(a1.p50 - d1.p50)
		r.AddedP50us = &added
	}
	for _, res := range r.Results {
		if res.Scenario != scenAuthsome && res.Scenario != scenProcess {
			continue
		}
		if m := r.find(scenMitm, res.Concurrency); m != nil && m.RPS > 0 {
			r.VsMitm = append(r.VsMitm, vsMitm{res.Scenario, res.Concurrency, res.RPS / m.RPS})
		}
	}

	t := check{Name: "throughput vs direct at c=64", Goal: "≥ 0.45×", Status: "n/a", Measured: "not measured"}
	if a := r.find(scenAuthsome, 64); a != nil {
		t.Value, t.Measured, t.Status = a.VsDirect, fmt.Sprintf("%.2f×", a.VsDirect), passMiss(a.VsDirect >= 0.45)
	}
	r.Targets = append(r.Targets, t)

	t = check{Name: "throughput vs mitmproxy at c=64", Goal: "≥ 20×", Status: "n/a", Measured: "not measured"}
	for _, v := range r.VsMitm {
		if v.Scenario == scenAuthsome && v.Concurrency == 64 {
			t.Value, t.Measured, t.Status = v.Ratio, fmt.Sprintf("%.1f×", v.Ratio), passMiss(v.Ratio >= 20)
		}
	}
	r.Targets = append(r.Targets, t)

	t = check{Name: "added p50 latency at c=1", Goal: "≤ 150 µs", Status: "n/a", Measured: "not measured"}
	if r.AddedP50us != nil {
		t.Value, t.Measured, t.Status = *r.AddedP50us, fmt.Sprintf("%.0f µs", *r.AddedP50us), passMiss(*r.AddedP50us <= 150)
	}
	r.Targets = append(r.Targets, t)
}

func passMiss(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// startAuthsome runs authsome's proxy in process the way `authsome run` does for a sandbox
// connection: a fresh CA constrained to the routed host, a trust bundle on disk, a route for
// graph.microsoft.com whose upstream is the local server (verified against its CA), per-run
// proxy credentials, and an audit log file. Its credential source is static: the broker's
// cached-token path is not what is measured here.
func startAuthsome(dir string, up *upstream, upCAFile, token, user, pass string, audit bool) (*url.URL, *x509.CertPool, func(), error) {
	ca, err := proxy.NewCA([]string{graphHost}, 24*time.Hour)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := proxy.WriteTrustBundle(filepath.Join(dir, "ca-bundle.pem"), ca); err != nil {
		return nil, nil, nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca.CertPEM()) {
		return nil, nil, nil, errors.New("proxy CA: no PEM certificate")
	}
	match, err := provider.ParseRoute(graphHost)
	if err != nil {
		return nil, nil, nil, err
	}
	upRoots, err := broker.RootsTrusting(upCAFile)
	if err != nil {
		return nil, nil, nil, err
	}
	opts := proxy.Options{
		Routes: []proxy.Route{{
			Provider: "microsoft", Connection: "bench", Match: match,
			Upstream: up.URL, RootCAs: upRoots,
		}},
		Credentials: staticCredentials{token: token},
		Username:    user,
		Password:    pass,
		CA:          ca,
	}
	var al *proxy.AuditFile
	if audit {
		if al, err = proxy.OpenAuditFile(filepath.Join(dir, "audit.log")); err != nil {
			return nil, nil, nil, err
		}
		opts.Audit = al.Write
	}
	srv, err := proxy.New(opts)
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		_ = srv.Close()
		if al != nil {
			_ = al.Close()
		}
	}
	return &url.URL{Scheme: "http", User: url.UserPassword(user, pass), Host: ln.Addr().String()}, roots, stop, nil
}

// staticCredentials hands the proxy the same bearer token for every request.
type staticCredentials struct{ token string }

func (s staticCredentials) AuthHeader(_ context.Context, _, _ string) (header, value string, err error) {
	return "Authorization", "Bearer " + s.token, nil
}

// profileName inserts the concurrency and round before the extension: cpu.pprof →
// cpu-c64-r1.pprof. `go tool pprof` merges several files given together.
func profileName(base string, c, round int) string {
	ext := filepath.Ext(base)
	return fmt.Sprintf("%s-c%d-r%d%s", strings.TrimSuffix(base, ext), c, round, ext)
}

// profilePhase records a CPU profile of the measured window into path.
func profilePhase(path string) phase {
	var f *os.File
	return phase{
		onMeasure: func() error {
			var err error
			if f, err = os.Create(path); err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				f = nil
				return err
			}
			return nil
		},
		onEnd: func() {
			if f != nil {
				pprof.StopCPUProfile()
				f.Close()
			}
		},
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
