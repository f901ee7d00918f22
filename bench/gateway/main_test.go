package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestShortRun runs a very short benchmark: every scenario completes requests, and none
// reached the upstream without the token (run fails then). It asserts nothing about speed.
func TestShortRun(t *testing.T) {
	duration, warmup, rewarm := 200*time.Millisecond, 50*time.Millisecond, time.Duration(0)
	if testing.Short() { // the load is CPU-bound: shorter windows, same checks
		duration, warmup, rewarm = 100*time.Millisecond, 20*time.Millisecond, 20*time.Millisecond
	}
	rep, err := run(context.Background(), config{
		Duration: duration, Rounds: 2, Warmup: warmup, Rewarm: rewarm,
		Concurrency: []int{1, 3}, Replicas: []int{1, 3},
	}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 6 {
		t.Fatalf("%d rows, want 3 scenarios × 2 concurrencies", len(rep.Rows))
	}
	for _, r := range rep.Rows {
		if r.Requests == 0 {
			t.Errorf("%s at c=%d completed no request", r.Scenario, r.Concurrency)
		}
	}
	var out bytes.Buffer
	printTable(&out, rep)
	for _, want := range []string{"local", "gateway-1", "gateway-3", "vs local"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}
