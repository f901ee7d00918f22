package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"
)

// config selects what one run of the benchmark does.
type config struct {
	Duration    time.Duration // measured time per scenario and client, all rounds together
	Rounds      int           // the measured time is split into this many interleaved rounds
	Warmup      time.Duration // unmeasured lead-in before a scenario's first round (later: 100ms)
	C           int           // concurrency of the concurrent scenario
	TransferMiB int           // size of the transfer part's file; 0 = no transfer part
	Build       string        // buildOff, buildIncremental or buildCold
	SDK         bool          // also build the msgraph-sdk-go program (minutes, GBs)
	CPUProfile  string        // CPU profile of the client-only phase; "" = none
	MemProfile  string        // allocation profile of the client-only phase; "" = none
	Progress    io.Writer
}

// row is one client in one live scenario: medians over the rounds.
type row struct {
	Scenario     string    `json:"scenario"`
	Client       string    `json:"client"`
	Concurrency  int       `json:"concurrency"`
	Ops          int64     `json:"ops"`
	Requests     int64     `json:"requests"`
	ReqPerOp     float64   `json:"requests_per_op"`
	ReqPerS      float64   `json:"req_per_s"`
	P50us        float64   `json:"p50_us_per_op"`
	P99us        float64   `json:"p99_us_per_op"`
	AllocsPerReq float64   `json:"allocs_per_req_process"`
	BytesPerReq  float64   `json:"bytes_per_req_process"`
	Conns        int64     `json:"conns_dialed"`
	RoundReqPerS []float64 `json:"round_req_per_s"`
	// ForeignCPU is the share of all CPUs other processes used while the
	// row was measured (-1: unknown). Above a few percent the numbers are
	// disturbed.
	ForeignCPU float64 `json:"foreign_cpu_percent"`
	// VsAnchor is set on msgraph rows: msgraph over the anchor.
	VsAnchor *liveRatio `json:"vs_anchor,omitempty"`
}

type liveRatio struct {
	Throughput float64 `json:"throughput"` // req/s; below 1 is slower
	RoundMin   float64 `json:"throughput_round_min"`
	RoundMax   float64 `json:"throughput_round_max"`
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	Allocs     float64 `json:"allocs"`
}

// clientRow is one client in one scenario run against recorded responses.
type clientRow struct {
	Scenario    string      `json:"scenario"`
	Client      string      `json:"client"`
	ReqPerOp    float64     `json:"requests_per_op"`
	NsPerOp     float64     `json:"ns_per_op"`
	AllocsPerOp float64     `json:"allocs_per_op"`
	BytesPerOp  float64     `json:"bytes_per_op"`
	ForeignCPU  float64     `json:"foreign_cpu_percent"`
	VsAnchor    *clientDiff `json:"vs_anchor,omitempty"`
}

type clientDiff struct {
	Time       float64 `json:"time"` // ratio of ns/op; above 1 is slower
	Allocs     float64 `json:"allocs"`
	Bytes      float64 `json:"bytes"`
	ExtraNsReq float64 `json:"extra_ns_per_req"`
	ExtraAlloc float64 `json:"extra_allocs_per_req"`
}

// report is everything one run measured.
type report struct {
	Go         string        `json:"go"`
	Platform   string        `json:"platform"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	NumCPU     int           `json:"num_cpu"`
	DurationS  float64       `json:"duration_s"`
	Rounds     int           `json:"rounds"`
	WarmupS    float64       `json:"warmup_s"`
	Messages   int           `json:"messages"`
	Scenarios  []string      `json:"scenario_descriptions"`
	Live       []row         `json:"live"`
	ClientOnly []clientRow   `json:"client_only"`
	Transfer   []transferRow `json:"transfer,omitempty"`
	Build      *buildReport  `json:"build,omitempty"`
	Started    time.Time     `json:"started"`
}

var clientNames = []string{implPlain, implMsgraph}

// newClients returns the anchor and msgraph on hc, in clientNames' order.
func newClients(hc *http.Client, url string) ([]graphAPI, error) {
	g, err := newGraphClient(hc, url)
	if err != nil {
		return nil, err
	}
	return []graphAPI{newPlainClient(hc, url), g}, nil
}

// run starts the sandbox, measures the live scenarios, then (unless off)
// the transfer, then the client-only scenarios on recorded responses, then
// (unless off) the build cost.
func run(ctx context.Context, cfg config) (*report, error) {
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	cfg.Rounds = max(cfg.Rounds, 1)
	cfg.C = max(cfg.C, 1)
	rep := &report{
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		DurationS: cfg.Duration.Seconds(), Rounds: cfg.Rounds, WarmupS: cfg.Warmup.Seconds(),
		Started: time.Now().UTC(),
	}
	env, err := startSandbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer env.Close()
	rep.Messages = len(env.messageIDs)

	slice := cfg.Duration / time.Duration(cfg.Rounds)
	rewarm := min(cfg.Warmup, 100*time.Millisecond)
	for _, sc := range scenarios(env, cfg.C) {
		rep.Scenarios = append(rep.Scenarios, sc.Name+": "+sc.Desc)
		rows, err := runLive(ctx, cfg, env, sc, slice, rewarm)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sc.Name, err)
		}
		rep.Live = append(rep.Live, rows...)
	}

	if cfg.TransferMiB > 0 {
		if rep.Transfer, err = runTransfer(ctx, cfg, env); err != nil {
			return nil, fmt.Errorf("transfer: %w", err)
		}
	}

	if rep.ClientOnly, err = runClientOnly(ctx, cfg, env, slice/2); err != nil {
		return nil, fmt.Errorf("client only: %w", err)
	}

	if cfg.Build != buildOff {
		if rep.Build, err = runBuild(ctx, cfg, env); err != nil {
			return nil, fmt.Errorf("build: %w", err)
		}
	}
	return rep, nil
}

// runLive measures one scenario against the sandbox, the clients taking
// turns round by round so that disturbances weigh on both alike. Each client
// has its own connection pool, kept across rounds.
func runLive(ctx context.Context, cfg config, env *sandboxEnv, sc scenario, slice, rewarm time.Duration) ([]row, error) {
	type acc struct {
		rps, p50, p99, allocs, bytes []float64
		ops, reqs                    int64
		cpu                          foreignCPU
	}
	cnts := make([]*counters, len(clientNames))
	ops := make([]opFunc, len(clientNames))
	for i := range clientNames {
		cnts[i] = &counters{}
		cs, err := newClients(newHTTPClient(env, cnts[i]), env.url)
		if err != nil {
			return nil, err
		}
		ops[i] = sc.Op(cs[i])
	}
	accs := make([]acc, len(clientNames))
	for round := range cfg.Rounds {
		for i, name := range clientNames {
			warm := rewarm
			if round == 0 {
				warm = cfg.Warmup
			}
			fmt.Fprintf(cfg.Progress, "%-12s round %d/%d  %-8s %v warm-up + %v ...\n", sc.Name, round+1, cfg.Rounds, name, warm, slice)
			c0 := sampleCPU()
			s, err := measure(ctx, sc.C, warm, slice, ops[i], cnts[i].requests.Load)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			a := &accs[i]
			a.cpu.add(c0, sampleCPU())
			a.ops += s.ops
			a.reqs += s.requests
			a.rps = append(a.rps, float64(s.requests)/s.elapsed.Seconds())
			a.p50 = append(a.p50, micros(s.percentile(0.50)))
			a.p99 = append(a.p99, micros(s.percentile(0.99)))
			a.allocs = append(a.allocs, float64(s.mallocs)/float64(s.requests))
			a.bytes = append(a.bytes, float64(s.bytes)/float64(s.requests))
		}
	}
	rows := make([]row, len(clientNames))
	for i, name := range clientNames {
		a := accs[i]
		rows[i] = row{
			Scenario: sc.Name, Client: name, Concurrency: sc.C, Ops: a.ops, Requests: a.reqs,
			ReqPerOp: float64(a.reqs) / float64(a.ops), ReqPerS: median(a.rps),
			P50us: median(a.p50), P99us: median(a.p99),
			AllocsPerReq: median(a.allocs), BytesPerReq: median(a.bytes),
			Conns: cnts[i].dials.Load(), RoundReqPerS: a.rps, ForeignCPU: a.cpu.percent(),
		}
	}
	a, m := rows[0], &rows[1]
	var per []float64
	for r := range a.RoundReqPerS {
		per = append(per, m.RoundReqPerS[r]/a.RoundReqPerS[r])
	}
	m.VsAnchor = &liveRatio{
		Throughput: m.ReqPerS / a.ReqPerS, RoundMin: slices.Min(per), RoundMax: slices.Max(per),
		P50: m.P50us / a.P50us, P99: m.P99us / a.P99us, Allocs: m.AllocsPerReq / a.AllocsPerReq,
	}
	return rows, nil
}

// runClientOnly records the sandbox's answers to every request of the
// scenarios, then runs the scenarios (one goroutine each) against those
// recordings: the clients' own CPU time and allocations, without network,
// sandbox or authentication.
func runClientOnly(ctx context.Context, cfg config, env *sandboxEnv, slice time.Duration) ([]clientRow, error) {
	rec := &recorder{rt: env.sb.Client().Transport}
	live, err := newClients(&http.Client{Transport: tokenTransport(env, rec)}, env.url)
	if err != nil {
		return nil, err
	}
	scs := scenarios(env, 1)
	scs[len(scs)-1].Name = "message"
	for _, sc := range scs {
		n := 1
		if sc.PerMessage {
			n = len(env.messageIDs)
		}
		for _, g := range live {
			for i := range n {
				if err := sc.Op(g)(ctx, 0, i); err != nil {
					return nil, fmt.Errorf("recording %s: %w", sc.Name, err)
				}
			}
		}
	}
	cnt := &counters{}
	clients, err := newClients(&http.Client{Transport: countingTransport{replay{rec.m}, &cnt.requests}}, env.url)
	if err != nil {
		return nil, err
	}

	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	var out []clientRow
	for _, sc := range scs {
		type acc struct {
			ns, allocs, bytes, rpo []float64
			cpu                    foreignCPU
		}
		accs := make([]acc, len(clients))
		for round := range cfg.Rounds {
			for i, name := range clientNames {
				warm := 20 * time.Millisecond
				if round == 0 {
					warm = min(cfg.Warmup, 200*time.Millisecond)
				}
				fmt.Fprintf(cfg.Progress, "client only  %-12s round %d/%d  %-8s %v ...\n", sc.Name, round+1, cfg.Rounds, name, slice)
				c0 := sampleCPU()
				s, err := measure(ctx, 1, warm, slice, sc.Op(clients[i]), cnt.requests.Load)
				if err != nil {
					return nil, fmt.Errorf("%s %s: %w", sc.Name, name, err)
				}
				a := &accs[i]
				a.cpu.add(c0, sampleCPU())
				n := float64(s.ops)
				a.ns = append(a.ns, float64(s.elapsed.Nanoseconds())/n)
				a.allocs = append(a.allocs, float64(s.mallocs)/n)
				a.bytes = append(a.bytes, float64(s.bytes)/n)
				a.rpo = append(a.rpo, float64(s.requests)/n)
			}
		}
		rows := make([]clientRow, len(clients))
		for i, name := range clientNames {
			a := accs[i]
			rows[i] = clientRow{Scenario: sc.Name, Client: name, ReqPerOp: median(a.rpo),
				NsPerOp: median(a.ns), AllocsPerOp: median(a.allocs), BytesPerOp: median(a.bytes), ForeignCPU: a.cpu.percent()}
		}
		p, m := rows[0], &rows[1]
		m.VsAnchor = &clientDiff{
			Time: m.NsPerOp / p.NsPerOp, Allocs: m.AllocsPerOp / p.AllocsPerOp, Bytes: m.BytesPerOp / p.BytesPerOp,
			ExtraNsReq: (m.NsPerOp - p.NsPerOp) / m.ReqPerOp, ExtraAlloc: (m.AllocsPerOp - p.AllocsPerOp) / m.ReqPerOp,
		}
		out = append(out, rows...)
	}
	if cfg.MemProfile != "" {
		if err := writeAllocs(cfg.MemProfile); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
