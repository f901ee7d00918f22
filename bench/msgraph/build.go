package main

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build modes (-build).
const (
	buildOff         = "off"
	buildIncremental = "incremental" // one fresh GOCACHE: net/http cold, then msgraph on top
	buildCold        = "cold"        // and msgraph again in a fresh GOCACHE of its own
)

// The official SDK's version for -sdk (go-ecosystem.md §2.1 measured it).
const sdkModule, sdkVersion = "github.com/microsoftgraph/msgraph-sdk-go", "v1.89.0"

// The programs whose build is measured. They live in testdata so that
// `go build ./...` and `go vet ./...` leave them alone (the SDK one does not
// even compile in authsome's module); main_test.go builds and runs the first
// two.
//
//go:embed testdata/plain/main.go testdata/msgraph/main.go testdata/sdk/main.go
var programs embed.FS

// Program names in the build report.
const (
	progPlain   = "net/http"
	progMsgraph = "msgraph"
	progSDK     = "msgraph-sdk-go"
)

// buildRow is one build of one program.
type buildRow struct {
	Program string `json:"program"`
	// Cache is "fresh" (an empty GOCACHE: the standard library is compiled
	// too) or "after net/http" (the GOCACHE the net/http program was just
	// built in: only what the program adds is compiled).
	Cache   string  `json:"cache"`
	Seconds float64 `json:"seconds"`
	// CPUSeconds is the user and system time of go build and everything
	// it ran: less sensitive than Seconds to other load on the machine.
	CPUSeconds float64 `json:"cpu_seconds"`
	// ForeignCPU is the share of all CPUs other processes used during the
	// build (-1: unknown).
	ForeignCPU float64 `json:"foreign_cpu_percent"`
	PeakRSSMB  float64 `json:"peak_rss_mb"` // largest of go build and the compilers and linker it ran; -1 unknown
	CacheMB    float64 `json:"gocache_mb"`  // size of GOCACHE after the build
	Binary     int64   `json:"binary_bytes"`
	Stripped   int64   `json:"stripped_bytes"`   // -ldflags=-s -w
	NonStd     int     `json:"non_std_packages"` // outside the standard library and the program's module
	Modules    int     `json:"modules"`          // modules those come from
	// Listed is how many messages the built program listed from the sandbox
	// (-1: not run); RunError says why it failed, for the SDK program.
	Listed   int    `json:"listed"`
	RunError string `json:"run_error,omitempty"`
}

type buildReport struct {
	Mode string     `json:"mode"`
	Rows []buildRow `json:"rows"`
	// msgraph over net/http.
	BinaryRatio   float64 `json:"binary_ratio"`
	StrippedRatio float64 `json:"stripped_ratio"`
	ExtraSeconds  float64 `json:"extra_seconds_over_net_http"` // msgraph built after net/http
	ColdRatio     float64 `json:"cold_ratio,omitempty"`        // -build cold: msgraph fresh / net/http fresh, wall time
	ColdCPURatio  float64 `json:"cold_cpu_ratio,omitempty"`    // the same in CPU time
	// With -sdk: the official SDK's program over net/http's, both cold.
	SDKDownloadSeconds float64 `json:"sdk_download_seconds,omitempty"`
	SDKColdRatio       float64 `json:"sdk_cold_ratio,omitempty"`
	SDKColdCPURatio    float64 `json:"sdk_cold_cpu_ratio,omitempty"`
	SDKBinaryRatio     float64 `json:"sdk_binary_ratio,omitempty"`
	Skipped            string  `json:"skipped,omitempty"`
}

func (b *buildReport) find(prog, cache string) *buildRow {
	for i := range b.Rows {
		if b.Rows[i].Program == prog && b.Rows[i].Cache == cache {
			return &b.Rows[i]
		}
	}
	return nil
}

// builder builds programs of a temporary module with one go command.
type builder struct {
	goBin string
	env   *sandboxEnv // the built programs are run against it
	log   func(format string, args ...any)
}

// runBuild measures what it costs to build the tiny programs in testdata,
// each in a temporary module whose authsome requirement is replaced by this
// checkout. Unless cfg.Build is cold, msgraph's program is only built in the
// GOCACHE the net/http one filled (a cold build of net/http takes most of a
// minute on two cores); cold builds it in a fresh cache too.
func runBuild(ctx context.Context, cfg config, env *sandboxEnv) (*buildReport, error) {
	rep := &buildReport{Mode: cfg.Build}
	root, err := moduleRoot(ctx)
	if err != nil {
		rep.Skipped = err.Error()
		return rep, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		rep.Skipped = "no go command on PATH"
		return rep, nil
	}
	b := &builder{goBin: goBin, env: env, log: func(f string, a ...any) { fmt.Fprintf(cfg.Progress, f+"\n", a...) }}
	tmp, err := os.MkdirTemp("", "authsome-bench-msgraph-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	mod := filepath.Join(tmp, "mod")
	if err := writeModule(mod, root); err != nil {
		return nil, err
	}

	shared := filepath.Join(tmp, "cache-net-http")
	plain, err := b.build(ctx, mod, "plain", progPlain, "fresh", shared, filepath.Join(tmp, "bin"))
	if err != nil {
		return nil, err
	}
	mg, err := b.build(ctx, mod, "msgraph", progMsgraph, "after net/http", shared, filepath.Join(tmp, "bin"))
	if err != nil {
		return nil, err
	}
	rep.Rows = append(rep.Rows, *plain, *mg)
	rep.BinaryRatio = float64(mg.Binary) / float64(plain.Binary)
	rep.StrippedRatio = float64(mg.Stripped) / float64(plain.Stripped)
	rep.ExtraSeconds = mg.Seconds
	if cfg.Build == buildCold {
		cold, err := b.build(ctx, mod, "msgraph", progMsgraph, "fresh", filepath.Join(tmp, "cache-msgraph"), filepath.Join(tmp, "bin-cold"))
		if err != nil {
			return nil, err
		}
		rep.Rows = append(rep.Rows, *cold)
		rep.ColdRatio, rep.ColdCPURatio = cold.Seconds/plain.Seconds, cold.CPUSeconds/plain.CPUSeconds
	}
	if cfg.SDK {
		sdk, dl, err := b.buildSDK(ctx, filepath.Join(tmp, "sdk"), filepath.Join(tmp, "cache-sdk"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", progSDK, err)
		}
		rep.Rows = append(rep.Rows, *sdk)
		rep.SDKDownloadSeconds = dl
		rep.SDKColdRatio, rep.SDKColdCPURatio = sdk.Seconds/plain.Seconds, sdk.CPUSeconds/plain.CPUSeconds
		rep.SDKBinaryRatio = float64(sdk.Binary) / float64(plain.Binary)
	}
	return rep, nil
}

// moduleRoot is the directory of authsome's go.mod, found from the current
// directory as the go command finds it.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", errors.New("not run inside authsome's module (run it as go run ./bench/msgraph from the checkout)")
	}
	data, err := os.ReadFile(gomod)
	if err != nil || !bytes.HasPrefix(data, []byte("module github.com/authsome-go/authsome\n")) {
		return "", fmt.Errorf("%s is not authsome's go.mod", gomod)
	}
	return filepath.Dir(gomod), nil
}

// writeModule writes the temporary module of the net/http and msgraph
// programs: authsome's go directive and go.sum, authsome replaced by root.
func writeModule(dir, root string) error {
	rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	goLine := "go 1.26"
	sc := bufio.NewScanner(bytes.NewReader(rootMod))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.HasPrefix(l, "go ") {
			goLine = l
		}
	}
	gomod := "module benchbuild\n\n" + goLine + "\n\nrequire github.com/authsome-go/authsome v0.0.0\n\n" +
		"replace github.com/authsome-go/authsome => " + root + "\n"
	files := map[string][]byte{"go.mod": []byte(gomod)}
	if files["go.sum"], err = os.ReadFile(filepath.Join(root, "go.sum")); err != nil {
		return err
	}
	for _, p := range []string{"plain", "msgraph"} {
		if files[p+"/main.go"], err = programs.ReadFile("testdata/" + p + "/main.go"); err != nil {
			return err
		}
	}
	return writeFiles(dir, files)
}

func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goCmd is the go command in dir with GOCACHE set, the module's own
// requirements (no go.work), and the local toolchain.
func (b *builder) goCmd(ctx context.Context, dir, cache string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	return cmd
}

// build times `go build` of ./pkg in module dir with the given GOCACHE, then
// links a stripped copy (untimed), counts what it compiled, and runs the
// program against the sandbox.
func (b *builder) build(ctx context.Context, dir, pkg, prog, cacheLabel, cache, binDir string) (*buildRow, error) {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, err
	}
	out := filepath.Join(binDir, pkg)
	b.log("build        %-15s GOCACHE %s ...", prog, cacheLabel)
	cmd := b.goCmd(ctx, dir, cache, "build", "-o", out, "./"+pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	c0, t0 := sampleCPU(), time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build ./%s: %v\n%s", pkg, err, stderr.Bytes())
	}
	wall, c1 := time.Since(t0), sampleCPU()
	ps := cmd.ProcessState
	var fc foreignCPU
	fc.addOwn(c0, c1, ps.UserTime()+ps.SystemTime())
	r := &buildRow{Program: prog, Cache: cacheLabel, Seconds: wall.Seconds(), CPUSeconds: (ps.UserTime() + ps.SystemTime()).Seconds(),
		ForeignCPU: fc.percent(), PeakRSSMB: peakRSSMB(ps), Listed: -1}
	r.CacheMB = float64(dirSize(cache)) / (1 << 20)
	fi, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	r.Binary = fi.Size()
	if o, err := b.goCmd(ctx, dir, cache, "build", "-ldflags=-s -w", "-o", out+".stripped", "./"+pkg).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("stripped build of ./%s: %v\n%s", pkg, err, o)
	}
	if fi, err = os.Stat(out + ".stripped"); err != nil {
		return nil, err
	}
	r.Stripped = fi.Size()
	if o, err := b.goCmd(ctx, dir, cache, "list", "-deps", "-f", "{{if and (not .Standard) (not .Module.Main)}}{{.ImportPath}} {{.Module.Path}}{{end}}", "./"+pkg).Output(); err == nil {
		mods := map[string]bool{}
		for l := range strings.Lines(string(o)) {
			if f := strings.Fields(l); len(f) > 0 {
				r.NonStd++
				if len(f) > 1 {
					mods[f[1]] = true
				}
			}
		}
		r.Modules = len(mods)
	}
	r.Listed, r.RunError = b.runProgram(ctx, out)
	if r.RunError != "" && prog != progSDK {
		return nil, fmt.Errorf("running the %s program: %s", prog, r.RunError)
	}
	if r.Listed != len(b.env.messageIDs) && prog != progSDK {
		return nil, fmt.Errorf("the %s program listed %d messages, the sandbox has %d", prog, r.Listed, len(b.env.messageIDs))
	}
	return r, nil
}

// runProgram runs a built program against the sandbox and counts the
// messages it printed.
func (b *builder) runProgram(ctx context.Context, bin string) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "GRAPH_URL="+b.env.url, "GRAPH_TOKEN="+b.env.token.AccessToken)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		return -1, fmt.Sprintf("%v: %s", err, msg)
	}
	return strings.Count(string(out), "\n"), ""
}

// buildSDK makes a module for the SDK program, resolves and downloads its
// requirements (timed apart), and builds it in a fresh GOCACHE.
func (b *builder) buildSDK(ctx context.Context, dir, cache string) (*buildRow, float64, error) {
	src, err := programs.ReadFile("testdata/sdk/main.go")
	if err != nil {
		return nil, 0, err
	}
	if err := writeFiles(dir, map[string][]byte{"sdk/main.go": src}); err != nil {
		return nil, 0, err
	}
	dlCache := cache + "-download" // go get and tidy compile nothing, but keep them out of the measured cache
	b.log("download     %s@%s and its requirements (go get, go mod tidy) ...", sdkModule, sdkVersion)
	t0 := time.Now()
	for _, args := range [][]string{{"mod", "init", "benchsdk"}, {"get", sdkModule + "@" + sdkVersion}, {"mod", "tidy"}} {
		if o, err := b.goCmd(ctx, dir, dlCache, args...).CombinedOutput(); err != nil {
			return nil, 0, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, o)
		}
	}
	dl := time.Since(t0).Seconds()
	b.log("             (this build takes minutes and GBs of memory)")
	r, err := b.build(ctx, dir, "sdk", progSDK, "fresh", cache, filepath.Join(dir, "bin"))
	return r, dl, err
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
