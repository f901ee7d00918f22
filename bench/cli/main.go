// Command cli measures how fast authsome starts: the wall time of `authsome version` and of
// `authsome get microsoft --field access_token` (against a vault holding a valid token, so no
// network), each against a Go hello-world built in the same run, which is the anchor: the
// report gives medians over -n interleaved runs and their ratios to it, the extra cost of get
// over version, and, from GODEBUG=inittrace=1, how long the package initialisers of this
// module and of everything else (the standard library and third-party modules) take.
//
// It exits 0 whatever the numbers; it fails only when a command fails or get prints another
// token than the one stored.
//
//	go run ./bench/cli [-n 31] [-bin path/to/authsome] [-json]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/authsome-go/authsome/bench/internal/emit"
)

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, "bench/cli:", err)
		os.Exit(1)
	}
}

func mainErr() error {
	var (
		cfg    config
		asJSON bool
	)
	flag.IntVar(&cfg.Runs, "n", 31, "runs of each command (interleaved); medians are reported")
	flag.StringVar(&cfg.Bin, "bin", "", "measure this authsome binary instead of building ./cmd/authsome (to compare two versions)")
	flag.BoolVar(&asJSON, "json", false, "print the results as JSON on stdout (the table goes to stderr)")
	flag.Parse()
	if flag.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if cfg.Runs < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := run(ctx, cfg)
	if err != nil {
		return err
	}
	return emit.Report(rep, printReport, asJSON)
}
