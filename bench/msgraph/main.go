// Command msgraph benchmarks authsome's Microsoft Graph client (package
// msgraph) against its anchor, plain net/http + encoding/json decoding into
// minimal structs, doing the same requests in the same run:
//
//   - live: GET /me, paging all of /me/messages ($top=10 and $top=100) and
//     concurrent GETs of messages against an in-process sandbox on loopback:
//     req/s, p50/p99 per operation, allocations per request;
//   - client only: the same operations on recorded responses, without
//     network or sandbox: each client's own time and allocations;
//   - transfer: a file (-transfer MiB) uploaded through an upload session
//     and downloaded back through the content redirect: MB/s each way, the
//     anchor doing the session by hand with net/http;
//   - build: go build of a tiny program listing /me/messages with each, in a
//     fresh GOCACHE: seconds, compiler memory, binary size (-sdk adds
//     Microsoft's msgraph-sdk-go; minutes and GBs).
//
// It prints ratios msgraph/anchor and exits 0 whatever the numbers; it fails
// only when a request, a check of what a client returned, or a build fails.
//
//	go run ./bench/msgraph [-duration 1.6s] [-rounds 4] [-warmup 500ms] [-c 8] [-transfer 256] [-build incremental|cold|off] [-sdk] [-json] [-cpuprofile FILE] [-memprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/authsome-go/authsome/bench/internal/emit"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/msgraph:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var (
		cfg    config
		asJSON bool
	)
	flag.DurationVar(&cfg.Duration, "duration", 1600*time.Millisecond, "measured time per scenario and client, all rounds together (client only: half of it)")
	flag.IntVar(&cfg.Rounds, "rounds", 4, "interleaved rounds the measured time is split into; the report gives their medians")
	flag.DurationVar(&cfg.Warmup, "warmup", 500*time.Millisecond, "unmeasured warm-up before a scenario's first round (later rounds: 100ms)")
	flag.IntVar(&cfg.C, "c", 8, "concurrency of the concurrent scenario")
	flag.IntVar(&cfg.TransferMiB, "transfer", 256, "MiB of the file the transfer part uploads and downloads with each client in each round (0: no transfer part)")
	flag.StringVar(&cfg.Build, "build", buildIncremental, `build cost: "incremental" (one fresh GOCACHE, about 30 s), "cold" (msgraph in a fresh GOCACHE of its own too, about 60 s), "off"`)
	flag.BoolVar(&cfg.SDK, "sdk", false, "also build a program using Microsoft's msgraph-sdk-go "+sdkVersion+" (downloads it; 4 to 6 min and over 4 GB of memory on 2 cores)")
	flag.BoolVar(&asJSON, "json", false, "print the results as JSON on stdout (the tables go to stderr)")
	flag.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the client-only phase to FILE")
	flag.StringVar(&cfg.MemProfile, "memprofile", "", "write an allocation profile (after the client-only phase) to FILE")
	flag.Parse()
	if flag.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if cfg.Duration <= 0 || cfg.Warmup < 0 || cfg.Rounds < 1 || cfg.C < 1 || cfg.TransferMiB < 0 {
		return fmt.Errorf("-duration must be positive, -warmup and -transfer not negative, -rounds and -c at least 1")
	}
	switch cfg.Build {
	case buildOff, buildIncremental, buildCold:
	default:
		return fmt.Errorf("-build %q: want incremental, cold or off", cfg.Build)
	}
	if cfg.SDK && cfg.Build == buildOff {
		return fmt.Errorf("-sdk needs -build incremental or cold")
	}
	cfg.Progress = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		return err
	}
	return emit.Report(rep, printReport, asJSON)
}

// printReport writes the human-readable tables.
func printReport(w io.Writer, r *report) {
	fmt.Fprintf(w, "\nbench/msgraph: authsome's msgraph against net/http + encoding/json into minimal structs (the anchor), same requests, same run\n")
	fmt.Fprintf(w, "%s %s, GOMAXPROCS=%d (%d CPUs); %gs measured per scenario and client in %d interleaved rounds (medians shown), after %gs warm-up\n",
		r.Go, r.Platform, r.GOMAXPROCS, r.NumCPU, r.DurationS, r.Rounds, r.WarmupS)
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "  %s\n", s)
	}

	fmt.Fprintf(w, "\nlive: in-process sandbox, plain HTTP/1.1 on loopback, oauth2.Transport for both (allocations: whole process, client and sandbox)\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "scenario\tclient\treq/s\tp50/op\tp99/op\tallocs/req\tKB/req\tconns\tother CPU\tmsgraph/anchor: req/s\tper round\tp50\tallocs\t\n")
	for _, x := range r.Live {
		name := x.Scenario
		if x.Client != implPlain {
			name = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%.0f\t%.1f\t%d\t%s\t", name, x.Client, x.ReqPerS, fmtMicros(x.P50us), fmtMicros(x.P99us),
			x.AllocsPerReq, x.BytesPerReq/1024, x.Conns, fmtPercent(x.ForeignCPU))
		if v := x.VsAnchor; v != nil {
			fmt.Fprintf(tw, "%.2f×\t%.2f–%.2f\t%.2f×\t%.2f×\t\n", v.Throughput, v.RoundMin, v.RoundMax, v.P50, v.Allocs)
		} else {
			fmt.Fprintf(tw, "\t\t\t\t\n")
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "other CPU: share of all CPUs used by other processes while the row was measured; above a few percent, numbers are disturbed\n")

	fmt.Fprintf(w, "\nclient only: the same operations, one goroutine, on recorded responses (no network, sandbox or token)\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "scenario\tclient\treq/op\tµs/op\tallocs/op\tKB/op\tother CPU\tmsgraph/anchor: time\tallocs\tbytes\textra per request\t\n")
	for _, x := range r.ClientOnly {
		name := x.Scenario
		if x.Client != implPlain {
			name = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.1f\t%.0f\t%.1f\t%s\t", name, x.Client, x.ReqPerOp, x.NsPerOp/1e3, x.AllocsPerOp, x.BytesPerOp/1024, fmtPercent(x.ForeignCPU))
		if v := x.VsAnchor; v != nil {
			fmt.Fprintf(tw, "%.2f×\t%.2f×\t%.2f×\t%+.1f µs, %+.0f allocs\t\n", v.Time, v.Allocs, v.Bytes, v.ExtraNsReq/1e3, v.ExtraAlloc)
		} else {
			fmt.Fprintf(tw, "\t\t\t\t\n")
		}
	}
	tw.Flush()

	printTransfer(w, r.Transfer)

	if b := r.Build; b != nil {
		printBuild(w, b)
	}
}

func printBuild(w io.Writer, b *buildReport) {
	fmt.Fprintf(w, "\nbuild: a program listing /me/messages (bench/msgraph/testdata), go build in a new GOCACHE (-build %s)\n", b.Mode)
	if b.Skipped != "" {
		fmt.Fprintf(w, "  not measured: %s\n", b.Skipped)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "program\tGOCACHE\tbuild\tCPU\tother CPU\tpeak RSS\tGOCACHE after\tbinary\tstripped\tnon-std pkgs\tmodules\tlisted\t\n")
	for _, x := range b.Rows {
		listed := fmt.Sprint(x.Listed)
		if x.RunError != "" {
			listed = "run failed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f s\t%.1f s\t%s\t%s\t%.0f MB\t%.2f MB\t%.2f MB\t%d\t%d\t%s\t\n", x.Program, x.Cache, x.Seconds, x.CPUSeconds, fmtPercent(x.ForeignCPU), fmtMB(x.PeakRSSMB),
			x.CacheMB, float64(x.Binary)/1e6, float64(x.Stripped)/1e6, x.NonStd, x.Modules, listed)
	}
	tw.Flush()
	fmt.Fprintf(w, "msgraph/net/http: binary %.3f× (stripped %.3f×); build +%.1f s on top of net/http's GOCACHE", b.BinaryRatio, b.StrippedRatio, b.ExtraSeconds)
	if b.ColdRatio > 0 {
		fmt.Fprintf(w, "; cold build %.2f× (CPU time %.2f×)", b.ColdRatio, b.ColdCPURatio)
	}
	fmt.Fprintln(w)
	if b.SDKColdRatio > 0 {
		fmt.Fprintf(w, "msgraph-sdk-go/net/http: cold build %.1f× (CPU time %.1f×), binary %.2f× (download before the build: %.0f s)\n",
			b.SDKColdRatio, b.SDKColdCPURatio, b.SDKBinaryRatio, b.SDKDownloadSeconds)
	}
	for _, x := range b.Rows {
		if x.RunError != "" {
			fmt.Fprintf(w, "%s program against the sandbox: %s\n", x.Program, strings.ReplaceAll(x.RunError, "\n", " "))
		}
	}
}

func fmtPercent(p float64) string {
	if p < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", p)
}

func fmtMB(mb float64) string {
	if mb < 0 {
		return "?"
	}
	if mb >= 1024 {
		return fmt.Sprintf("%.2f GB", mb/1024)
	}
	return fmt.Sprintf("%.0f MB", mb)
}

func fmtMicros(us float64) string {
	if us >= 10000 {
		return fmt.Sprintf("%.1f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}
