// Command release builds the authsome release archives, reproducibly, into a folder:
//
//	go run ./release -version v0.1.0 -out dist [-targets linux/amd64,darwin/arm64]
//
// For each target it builds cmd/authsome (CGO_ENABLED=0, -trimpath, -buildvcs=false, no build
// id, version, commit and commit time linked into internal/cli), packs it with LICENSE,
// README.md, CHANGELOG.md, man pages and shell completions into a tar.gz (a zip for Windows)
// whose entries all carry the commit time, writes an SPDX SBOM of the binary's modules, and
// lists every file's SHA-256 in SHA256SUMS. The same commit and Go toolchain give the same
// bytes. Nothing is published. docs/release.md has the details.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
)

// defaultTargets are the platforms of a release.
const defaultTargets = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"

func main() {
	var o options
	var targets string
	flag.StringVar(&o.Version, "version", "", "the release version, such as v0.1.0 (required)")
	flag.StringVar(&o.Out, "out", "", "folder to write the archives, SBOMs and SHA256SUMS into (required; created)")
	flag.StringVar(&targets, "targets", defaultTargets, "comma-separated GOOS/GOARCH pairs")
	flag.BoolVar(&o.AllowDirty, "allow-dirty", false, "build even when the work tree has uncommitted changes (the commit is marked -dirty)")
	flag.Parse()
	if o.Version == "" || o.Out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if o.Targets, err = parseTargets(targets); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	files, err := build(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
	for _, f := range files {
		fmt.Println(f)
	}
}

// target is one GOOS/GOARCH pair.
type target struct{ OS, Arch string }

func (t target) String() string { return t.OS + "/" + t.Arch }

func parseTargets(s string) ([]target, error) {
	var ts []target
	for _, p := range strings.Split(s, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("target %q: want GOOS/GOARCH", p)
		}
		ts = append(ts, target{goos, goarch})
	}
	return ts, nil
}
