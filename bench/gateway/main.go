// Command gateway benchmarks `authsome run --gateway`: the same 1 KiB HTTPS workload through
// the local `run` proxy (the anchor, injecting from its own credential source) and through
// the forwarder `run --gateway` starts, relaying over TLS to 1 and 3 `authsome serve`
// gateway replicas that inject, in one process and one run. It prints req/s, p50 and p99 per
// scenario and concurrency, and the ratios to the local proxy. It exits 0 whatever the
// numbers; it fails only when a request fails or reaches the upstream without the token.
//
//	go run ./bench/gateway [-duration 8s] [-rounds 4] [-warmup 2s] [-c 1,64] [-replicas 1,3] [-json]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/authsome-go/authsome/bench/internal/benchflag"
	"github.com/authsome-go/authsome/bench/internal/emit"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/gateway:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var cfg config
	var conc, replicas string
	var asJSON bool
	flag.DurationVar(&cfg.Duration, "duration", 8*time.Second, "measured time per scenario and concurrency (all rounds together)")
	flag.IntVar(&cfg.Rounds, "rounds", 4, "interleaved rounds the measured time is split into")
	flag.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before a scenario's first round (later rounds: 250ms)")
	flag.StringVar(&conc, "c", "1,64", "comma-separated concurrency levels (client goroutines, one keep-alive connection each)")
	flag.StringVar(&replicas, "replicas", "1,3", "comma-separated gateway replica counts (clients spread round-robin over them)")
	flag.BoolVar(&asJSON, "json", false, "print the results as JSON on stdout (the table goes to stderr)")
	flag.Parse()
	if flag.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	var err error
	if cfg.Concurrency, err = benchflag.PositiveInts("-c", conc); err != nil {
		return err
	}
	if cfg.Replicas, err = benchflag.PositiveInts("-replicas", replicas); err != nil {
		return err
	}
	if cfg.Duration <= 0 || cfg.Warmup < 0 || cfg.Rounds < 1 {
		return fmt.Errorf("-duration must be positive, -warmup not negative, -rounds at least 1")
	}
	dir, err := os.MkdirTemp("", "bench-gateway-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg, dir)
	if err != nil {
		return err
	}
	return emit.Report(rep, printTable, asJSON)
}

func printTable(w io.Writer, rep *Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	c := -1
	for _, r := range rep.Rows {
		if r.Concurrency != c {
			c = r.Concurrency
			fmt.Fprintf(tw, "\nconcurrency %d\t\t\t\t\t\t\n", c)
			fmt.Fprintln(tw, "scenario\treq/s\tp50 µs\tp99 µs\tvs local\tadded p50 µs\t")
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.2f×\t%+.0f\t\n", r.Scenario, r.ReqPerSec, r.P50us, r.P99us, r.VsLocal, r.AddedP50us)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%s measured per scenario and concurrency in %d interleaved rounds; only the ratios within one run mean anything.\n", rep.Duration, rep.Rounds)
}
