// Command proxy benchmarks authsome's credential-injecting proxy: the same 1 KiB HTTPS workload
// against a local Graph-like upstream directly (the anchor), through authsome's proxy, and
// through mitmdump with a token-injecting addon when it is installed. It prints req/s, p50, p99
// and ratios per concurrency, and the targets of issue 3 with PASS or MISS. It exits 0 whatever
// the numbers; it fails only when a request fails or reaches the upstream with the wrong
// credential.
//
//	go run ./bench/proxy [-duration 8s] [-rounds 4] [-warmup 2s] [-c 1,64] [-mitmdump PATH|""] [-proxy-process] [-json] [-cpuprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/authsome-go/authsome/bench/internal/benchflag"
	"github.com/authsome-go/authsome/bench/internal/emit"
)

func main() {
	if spec := os.Getenv(childEnv); spec != "" {
		if err := proxyChildMain(spec); err != nil {
			fmt.Fprintln(os.Stderr, "bench/proxy child:", err)
			os.Exit(1)
		}
		return
	}
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/proxy:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var (
		cfg     config
		conc    string
		mitm    string
		asJSON  bool
		noAudit bool
	)
	flag.DurationVar(&cfg.Duration, "duration", 8*time.Second, "measured time per scenario and concurrency (all rounds together)")
	flag.IntVar(&cfg.Rounds, "rounds", 4, "interleaved rounds the measured time is split into")
	flag.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before a scenario's first round (later rounds: 250ms)")
	flag.StringVar(&conc, "c", "1,64", "comma-separated concurrency levels (client goroutines, one keep-alive connection each)")
	flag.StringVar(&mitm, "mitmdump", "mitmdump", `mitmdump binary for the mitmproxy anchor (looked up on PATH; "" skips it)`)
	flag.BoolVar(&asJSON, "json", false, "print the results as JSON on stdout (the table goes to stderr)")
	flag.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of each authsome measured slice (FILE-c<N>-r<ROUND>.ext)")
	flag.BoolVar(&noAudit, "no-audit", false, "do not write the proxy's audit log (authsome run always writes it)")
	flag.BoolVar(&cfg.ProxyProcess, "proxy-process", false, "also measure authsome's proxy in a process of its own, as `authsome run` deploys it")
	flag.Parse()
	if flag.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	cfg.Audit = !noAudit
	var err error
	if cfg.Concurrency, err = benchflag.PositiveInts("-c", conc); err != nil {
		return err
	}
	if cfg.Duration <= 0 || cfg.Warmup < 0 || cfg.Rounds < 1 {
		return fmt.Errorf("-duration must be positive, -warmup not negative, -rounds at least 1")
	}
	if cfg.CPUProfile != "" {
		if fi, err := os.Stat(filepath.Dir(cfg.CPUProfile)); err != nil || !fi.IsDir() {
			return fmt.Errorf("-cpuprofile: no folder %s", filepath.Dir(cfg.CPUProfile))
		}
	}
	skipReason := ""
	if mitm != "" {
		p, err := exec.LookPath(mitm)
		if err != nil {
			skipReason = fmt.Sprintf("not measured: %s not found (apt-get install mitmproxy)", mitm)
		} else {
			cfg.Mitmdump = p
		}
	} else {
		skipReason = "not measured: -mitmdump is empty"
	}
	cfg.Progress = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		return err
	}
	if skipReason != "" {
		rep.Mitmproxy = skipReason
	}
	return emit.Report(rep, printReport, asJSON)
}

// printReport writes the human-readable tables.
func printReport(w io.Writer, r *report) {
	fmt.Fprintf(w, "\nbench/proxy: GET /v1.0/me, 1 KiB JSON over HTTPS, HTTP/1.1 keep-alive from the client;\n"+
		"%gs measured per row in %d interleaved rounds, after %gs warm-up\n", r.DurationS, r.Rounds, r.WarmupS)
	fmt.Fprintf(w, "%s %s, GOMAXPROCS=%d (%d CPUs); client, upstream and authsome's proxy share this process (authsome-process: the proxy in its own); mitmproxy: %s\n",
		r.Go, r.Platform, r.GOMAXPROCS, r.NumCPU, r.Mitmproxy)
	if r.ForeignCPUBefore >= 0 {
		fmt.Fprintf(w, "CPU used by other processes just before the run: %.0f%%", r.ForeignCPUBefore)
		if r.ForeignCPUBefore >= 5 {
			fmt.Fprint(w, " (the machine is not idle: numbers are disturbed; see the per-round range and other CPU)")
		}
		fmt.Fprintln(w)
	}
	seen := map[int]bool{}
	for _, res := range r.Results {
		c := res.Concurrency
		if seen[c] {
			continue
		}
		seen[c] = true
		fmt.Fprintf(w, "\nconcurrency %d\n", c)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%-16s\treq/s\tp50\tp99\tvs direct\tper round\tupstream conns\tother CPU\t\n", "scenario")
		for _, x := range r.Results {
			if x.Concurrency == c {
				fmt.Fprintf(tw, "%-16s\t%.0f\t%s\t%s\t%.2f×\t%s\t%d\t%s\t\n", x.Scenario, x.RPS, fmtMicros(x.P50us), fmtMicros(x.P99us),
					x.VsDirect, spread(x), x.Upstream.Connections, fmtPercent(x.ForeignCPU))
			}
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	if r.AddedP50us != nil {
		fmt.Fprintf(w, "added p50 latency of authsome's proxy at c=1: %s\n", fmtMicros(*r.AddedP50us))
	}
	for _, v := range r.VsMitm {
		fmt.Fprintf(w, "%s / mitmproxy throughput at c=%d: %.1f×\n", v.Scenario, v.Concurrency, v.Ratio)
	}
	fmt.Fprintln(w, "\ntargets (issue 3)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range r.Targets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Name, t.Goal, t.Measured, t.Status)
	}
	tw.Flush()
	for _, res := range r.Results {
		if len(res.CPUProfiles) > 0 {
			fmt.Fprintf(w, "CPU profiles (authsome, c=%d): go tool pprof -top %s\n", res.Concurrency, strings.Join(res.CPUProfiles, " "))
		}
	}
}

// spread is the range of a scenario's per-round ratio to direct, "" for direct itself.
func spread(x result) string {
	if x.Scenario == scenDirect || len(x.RoundRatio) == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f–%.2f", slices.Min(x.RoundRatio), slices.Max(x.RoundRatio))
}

func fmtPercent(p float64) string {
	if p < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", p)
}

func fmtMicros(us float64) string {
	if us >= 10000 || us <= -10000 {
		return fmt.Sprintf("%.1f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}
