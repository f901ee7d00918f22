package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShortRun builds both programs and runs each command a few times; get must print the
// stored token. It asserts nothing about speed.
func TestShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authsome (seconds of linking on a busy machine); runs without -short, as in CI")
	}
	rep, err := run(context.Background(), config{Runs: 3, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.HelloMs <= 0 || rep.VersionMs <= 0 || rep.GetMs <= 0 || rep.GetX <= 0 || rep.InitOthersMs <= 0 || len(rep.InitTop) == 0 {
		t.Errorf("implausible report %+v", rep)
	}
	var out bytes.Buffer
	printReport(&out, rep)
	for _, want := range []string{"hello-world", "authsome version", "get − version", "init of this module's packages"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
}

func TestParseInitTrace(t *testing.T) {
	in := "init runtime @0.1 ms, 0.20 ms clock, 0 bytes, 0 allocs\n" +
		"init github.com/authsome-go/authsome/oauth @3 ms, 0.50 ms clock, 10 bytes, 1 allocs\n" +
		"init github.com/authsome-go/authsomething @3 ms, 1.00 ms clock, 10 bytes, 1 allocs\n" +
		"not a trace line\n"
	st := parseInitTrace(strings.NewReader(in))
	if st.ours.Microseconds() != 500 || st.others.Microseconds() != 1200 {
		t.Errorf("ours %v, others %v", st.ours, st.others)
	}
	if st.oursBytes != 10 || st.oursAllocs != 1 {
		t.Errorf("ours allocated %d bytes in %d allocations", st.oursBytes, st.oursAllocs)
	}
	if len(st.top) != 3 || st.top[0].Package != "github.com/authsome-go/authsomething" {
		t.Errorf("top = %v", st.top)
	}
}

// Bounds on what this module's package initialisers allocate before any command runs. They
// stand in for their time, which load blurs, while allocations are the same in every run:
// a table, template or regular expression built at init instead of on first use shows here
// (provider's name expression alone was 68 kB in 920 allocations). Measured 3 Dec 2026:
// 50 kB in 440 allocations (before the lazy tables: 401 kB in 3,514).
const (
	maxInitBytes  = 96 << 10
	maxInitAllocs = 700
)

// TestInitAllocationsStaySmall builds authsome and reads GODEBUG=inittrace=1: every command
// pays its packages' initialisers, so they must not build tables, templates or regular
// expressions that most commands never use.
func TestInitAllocationsStaySmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authsome (about a minute on a busy machine); runs without -short, as in CI")
	}
	ctx := context.Background()
	dir := t.TempDir()
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "authsome")
	if err := goBuild(ctx, filepath.Dir(strings.TrimSpace(string(out))), bin, "./cmd/authsome"); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "AUTHSOME_HOME="+filepath.Join(dir, "home"), "AUTHSOME_KEYRING=off")
	st, err := initTrace(ctx, bin, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("this module's initialisers: %d bytes in %d allocations", st.oursBytes, st.oursAllocs)
	if st.oursAllocs == 0 {
		t.Fatal("no initialiser of this module in the trace: is GODEBUG=inittrace=1 still read?")
	}
	if st.oursBytes > maxInitBytes || st.oursAllocs > maxInitAllocs {
		t.Errorf("this module's package initialisers allocate %d bytes in %d allocations (bound %d bytes, %d allocations): "+
			"build the new table, template or regular expression on first use (sync.OnceValue, internal/lazyre); "+
			"`GODEBUG=inittrace=1 authsome version` names the package", st.oursBytes, st.oursAllocs, maxInitBytes, maxInitAllocs)
	}
}
