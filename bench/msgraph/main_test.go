package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestShortRun runs a very short benchmark without the build part, with a
// 12 MiB transfer, and checks that every scenario ran on both clients with
// the expected number of requests per operation. It asserts nothing about
// speed: each round runs every operation at least once, however short.
func TestShortRun(t *testing.T) {
	rep, err := run(context.Background(), config{Duration: 20 * time.Millisecond, Rounds: 2, Warmup: 5 * time.Millisecond, C: 3, Build: buildOff, TransferMiB: 12})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Live) != 8 || len(rep.ClientOnly) != 8 {
		t.Fatalf("%d live and %d client-only rows, want 8 and 8", len(rep.Live), len(rep.ClientOnly))
	}
	if rep.Messages < 1 {
		t.Fatalf("sandbox user has %d messages", rep.Messages)
	}
	pages := func(size int) float64 { return float64((rep.Messages + size - 1) / size) }
	wantReqPerOp := map[string]float64{"me": 1, "list-top10": pages(10), "list-top100": pages(100), "message-c3": 1, "message": 1}
	for i, r := range rep.Live {
		if r.Client != clientNames[i%2] || r.Ops == 0 || r.ReqPerS <= 0 || r.P50us <= 0 || r.P99us < r.P50us || r.AllocsPerReq <= 0 || len(r.RoundReqPerS) != 2 || r.Conns < 1 {
			t.Errorf("live %s %s: implausible %+v", r.Scenario, r.Client, r)
		}
		if want := wantReqPerOp[r.Scenario]; r.ReqPerOp != want {
			t.Errorf("live %s %s: %v requests per operation, want %v", r.Scenario, r.Client, r.ReqPerOp, want)
		}
		if (r.VsAnchor != nil) != (r.Client == implMsgraph) {
			t.Errorf("live %s %s: ratio %+v", r.Scenario, r.Client, r.VsAnchor)
		}
	}
	for i, r := range rep.ClientOnly {
		if r.Client != clientNames[i%2] || r.NsPerOp <= 0 || r.AllocsPerOp <= 0 || r.BytesPerOp <= 0 {
			t.Errorf("client only %s %s: implausible %+v", r.Scenario, r.Client, r)
		}
		if want := wantReqPerOp[r.Scenario]; r.ReqPerOp != want {
			t.Errorf("client only %s %s: %v requests per operation, want %v", r.Scenario, r.Client, r.ReqPerOp, want)
		}
	}
	// 12 MiB: createUploadSession and fragments of 10 and 2 MiB; the content
	// redirect and the download URL.
	wantTransfer := map[string]float64{"upload": 3, "download": 2}
	if len(rep.Transfer) != 4 {
		t.Fatalf("%d transfer rows, want 4", len(rep.Transfer))
	}
	for i, r := range rep.Transfer {
		if r.Client != clientNames[i%2] || r.Bytes != 12<<20 || r.MBPerS <= 0 || len(r.RoundMBPerS) != 2 || (r.VsAnchor != nil) != (r.Client == implMsgraph) {
			t.Errorf("transfer %s %s: implausible %+v", r.Direction, r.Client, r)
		}
		if want := wantTransfer[r.Direction]; r.ReqPerOp != want {
			t.Errorf("transfer %s %s: %v requests per operation, want %v", r.Direction, r.Client, r.ReqPerOp, want)
		}
	}
	var out bytes.Buffer
	printReport(&out, rep)
	for _, want := range []string{"list-top10", "message-c3", "client only", "msgraph/anchor", "transfer: 12 MiB"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
}

// TestBuildPrograms builds the net/http and msgraph programs of the build
// part (with the usual GOCACHE, so it is quick) and runs them against the
// sandbox: the build measures working programs. It asserts nothing about
// build time or size.
func TestBuildPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	ctx := context.Background()
	root, err := moduleRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := exec.Command(goBin, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	env, err := startSandbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	dir := t.TempDir()
	if err := writeModule(filepath.Join(dir, "mod"), root); err != nil {
		t.Fatal(err)
	}
	b := &builder{goBin: goBin, env: env, log: t.Logf}
	for _, p := range []struct{ pkg, prog string }{{"plain", progPlain}, {"msgraph", progMsgraph}} {
		r, err := b.build(ctx, filepath.Join(dir, "mod"), p.pkg, p.prog, "usual", strings.TrimSpace(string(cache)), filepath.Join(dir, "bin"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Listed != len(env.messageIDs) || r.Binary <= 0 || r.Stripped <= 0 || r.Stripped > r.Binary {
			t.Errorf("%s: %+v", p.prog, r)
		}
		if p.prog == progMsgraph && r.Modules != 1 {
			t.Errorf("msgraph program depends on %d modules, want authsome alone", r.Modules)
		}
	}
	var out bytes.Buffer
	printBuild(&out, &buildReport{Mode: buildOff, Skipped: "test"})
	if !strings.Contains(out.String(), "not measured: test") {
		t.Error(out.String())
	}
}
