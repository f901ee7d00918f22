package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/vault"
)

// modulePath prefixes the packages of this module in the init trace.
const modulePath = "github.com/authsome-go/authsome"

// config is one run of the benchmark.
type config struct {
	Runs int    // runs of each command
	Dir  string // work folder (binaries, home); "" → a temporary one, removed after
	Bin  string // an authsome binary to measure; "" → build ./cmd/authsome of this module
}

// report is what one run measured. Times are medians in milliseconds.
type report struct {
	Runs       int     `json:"runs"`
	HelloMs    float64 `json:"hello_ms"`
	VersionMs  float64 `json:"version_ms"`
	GetMs      float64 `json:"get_ms"`
	VersionX   float64 `json:"version_vs_hello"`
	GetX       float64 `json:"get_vs_hello"`
	GetExtraMs float64 `json:"get_minus_version_ms"`
	// The same for the CPU time (user + system) of each process, which the load of a busy
	// machine blurs less than wall time.
	HelloCPUMs   float64 `json:"hello_cpu_ms"`
	VersionCPUMs float64 `json:"version_cpu_ms"`
	GetCPUMs     float64 `json:"get_cpu_ms"`
	// InitOursMs and InitOthersMs are medians of the summed clock time of package
	// initialisers in `authsome version`: this module's packages, and all others.
	InitOursMs   float64 `json:"init_ours_ms"`
	InitOthersMs float64 `json:"init_others_ms"`
	// InitOursBytes and InitOursAllocs are what this module's initialisers allocate (the
	// same in every run: load does not change them).
	InitOursBytes  int `json:"init_ours_bytes"`
	InitOursAllocs int `json:"init_ours_allocs"`
	// InitTop are the costliest initialisers of the last traced run, most first.
	InitTop []initCost `json:"init_top"`
}

type initCost struct {
	Package string  `json:"package"`
	Ms      float64 `json:"ms"`
}

const token = "bench-access-token"

func run(ctx context.Context, cfg config) (*report, error) {
	dir := cfg.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "bench-cli-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	authsome, hello, err := build(ctx, dir, cfg.Bin == "")
	if err != nil {
		return nil, err
	}
	if cfg.Bin != "" {
		authsome = cfg.Bin
	}
	home := filepath.Join(dir, "home")
	if err := seedHome(ctx, home); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "AUTHSOME_HOME="+home, "AUTHSOME_KEYRING=off", "AUTHSOME_MASTER_KEY=", "AUTHSOME_PASSPHRASE=")
	cmds := []*command{
		{name: "hello", argv: []string{hello}, want: "hello\n"},
		{name: "version", argv: []string{authsome, "version"}},
		{name: "get", argv: []string{authsome, "get", "microsoft", "--field", "access_token"}, want: token + "\n"},
	}
	for _, c := range cmds { // warm the page cache
		if _, err := c.run(ctx, env); err != nil {
			return nil, err
		}
	}
	for i := 0; i < cfg.Runs; i++ {
		for _, c := range cmds {
			d, err := c.run(ctx, env)
			if err != nil {
				return nil, err
			}
			c.times = append(c.times, d.wall)
			c.cpu = append(c.cpu, d.cpu)
		}
	}
	rep := &report{Runs: cfg.Runs, HelloMs: median(cmds[0].times), VersionMs: median(cmds[1].times), GetMs: median(cmds[2].times)}
	rep.VersionX, rep.GetX = rep.VersionMs/rep.HelloMs, rep.GetMs/rep.HelloMs
	rep.GetExtraMs = rep.GetMs - rep.VersionMs
	rep.HelloCPUMs, rep.VersionCPUMs, rep.GetCPUMs = median(cmds[0].cpu), median(cmds[1].cpu), median(cmds[2].cpu)
	var ours, others []time.Duration
	for i := 0; i < cfg.Runs; i++ {
		tr, err := initTrace(ctx, authsome, env)
		if err != nil {
			return nil, err
		}
		ours, others, rep.InitTop = append(ours, tr.ours), append(others, tr.others), tr.top
		rep.InitOursBytes, rep.InitOursAllocs = tr.oursBytes, tr.oursAllocs
	}
	rep.InitOursMs, rep.InitOthersMs = median(ours), median(others)
	return rep, nil
}

// build compiles a hello-world, the anchor, and (withAuthsome) authsome into dir.
func build(ctx context.Context, dir string, withAuthsome bool) (authsome, hello string, err error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	authsome = filepath.Join(dir, "authsome")
	if !withAuthsome {
		authsome = ""
	} else if err := goBuild(ctx, root, authsome, "./cmd/authsome"); err != nil {
		return "", "", err
	}
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o700); err != nil {
		return "", "", err
	}
	files := map[string]string{
		"go.mod":  "module hello\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o600); err != nil {
			return "", "", err
		}
	}
	hello = filepath.Join(dir, "hello-bin")
	return authsome, hello, goBuild(ctx, src, hello, ".")
}

func goBuild(ctx context.Context, dir, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// seedHome makes a home whose default profile holds a microsoft connection with a token
// valid for a day, in a vault whose key is a key file.
func seedHome(ctx context.Context, home string) error {
	s, err := vault.Open(vault.Home{Dir: home}.ProfileDir("default"), vault.FileKey(filepath.Join(vault.Home{Dir: home}.ProfileDir("default"), vault.KeyFileName)))
	if err != nil {
		return err
	}
	return s.Update(ctx, func(d *vault.Data) error {
		return d.Put(&vault.Connection{Provider: "microsoft", Name: "default", AuthType: "oauth2", Flow: "device_code",
			AccessToken: token, TokenType: "Bearer", Expiry: time.Now().Add(24 * time.Hour), ObtainedAt: time.Now()})
	})
}

// command is one program measured.
type command struct {
	name  string
	argv  []string
	want  string // expected stdout; "" → anything
	times []time.Duration
	cpu   []time.Duration
}

// cost is what one run of a command took.
type cost struct{ wall, cpu time.Duration }

func (c *command) run(ctx context.Context, env []string) (cost, error) {
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return cost{}, fmt.Errorf("%s: %v\n%s", c.name, err, errOut.String())
	}
	if c.want != "" && out.String() != c.want {
		return cost{}, fmt.Errorf("%s printed %d bytes, not what was expected", c.name, out.Len()) // never the token
	}
	return cost{d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}, nil
}

// initStats sums what the package initialisers of one run cost.
type initStats struct {
	ours, others          time.Duration // clock time: this module's packages, all others
	oursBytes, oursAllocs int           // what this module's packages allocate
	top                   []initCost    // the costliest initialisers, most first
}

// initTrace runs `authsome version` with GODEBUG=inittrace=1 and sums its initialisers.
// Every command runs the same ones: Go runs them all before main.
func initTrace(ctx context.Context, authsome string, env []string) (initStats, error) {
	cmd := exec.CommandContext(ctx, authsome, "version")
	cmd.Env = append(slices.Clone(env), "GODEBUG=inittrace=1")
	cmd.Stdout = io.Discard
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return initStats{}, fmt.Errorf("version with inittrace: %v", err)
	}
	return parseInitTrace(&errOut), nil
}

// parseInitTrace reads lines such as
// "init github.com/x/y @12 ms, 0.31 ms clock, 432 bytes, 9 allocs".
func parseInitTrace(r io.Reader) initStats {
	var st initStats
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			continue
		}
		d := time.Duration(ms * float64(time.Millisecond))
		if f[1] == modulePath || strings.HasPrefix(f[1], modulePath+"/") {
			st.ours += d
			b, _ := strconv.Atoi(f[7])
			a, _ := strconv.Atoi(f[9])
			st.oursBytes, st.oursAllocs = st.oursBytes+b, st.oursAllocs+a
		} else {
			st.others += d
		}
		st.top = append(st.top, initCost{f[1], ms})
	}
	slices.SortFunc(st.top, func(a, b initCost) int {
		switch {
		case a.Ms > b.Ms:
			return -1
		case a.Ms < b.Ms:
			return 1
		}
		return strings.Compare(a.Package, b.Package)
	})
	st.top = st.top[:min(len(st.top), 8)]
	return st
}

// median returns the median in milliseconds.
func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return float64(m) / float64(time.Millisecond)
}

func printReport(w io.Writer, r *report) {
	fmt.Fprintf(w, "start-up, median of %d interleaved runs (anchor: a Go hello-world built in this run)\n\n", r.Runs)
	fmt.Fprintf(w, "  %-44s %8s %7s   %8s %7s\n", "", "wall", "", "cpu", "")
	fmt.Fprintf(w, "  %-44s %8.2f ms   1.00×  %8.2f ms   1.00×\n", "hello-world", r.HelloMs, r.HelloCPUMs)
	fmt.Fprintf(w, "  %-44s %8.2f ms  %5.2f×  %8.2f ms  %5.2f×\n", "authsome version", r.VersionMs, r.VersionX, r.VersionCPUMs, r.VersionCPUMs/r.HelloCPUMs)
	fmt.Fprintf(w, "  %-44s %8.2f ms  %5.2f×  %8.2f ms  %5.2f×\n", "authsome get microsoft --field access_token", r.GetMs, r.GetX, r.GetCPUMs, r.GetCPUMs/r.HelloCPUMs)
	fmt.Fprintf(w, "\n  get − version: %.2f ms wall, %.2f ms cpu (target ≤ 5 ms)\n", r.GetExtraMs, r.GetCPUMs-r.VersionCPUMs)
	fmt.Fprintf(w, "  init of this module's packages: %.2f ms (target ≤ 2 ms), %d bytes in %d allocations; of all others: %.2f ms\n",
		r.InitOursMs, r.InitOursBytes, r.InitOursAllocs, r.InitOthersMs)
	fmt.Fprintf(w, "  costliest initialisers (last run):\n")
	for _, c := range r.InitTop {
		fmt.Fprintf(w, "    %-60s %6.2f ms\n", c.Package, c.Ms)
	}
	verdict := "within"
	if r.GetX > 2 || r.VersionX > 2 {
		verdict = "NOT within"
	}
	fmt.Fprintf(w, "\n  agent-facing commands are %s 2× a hello-world\n", verdict)
}
