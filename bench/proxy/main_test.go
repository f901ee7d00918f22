package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary play the proxy child of -proxy-process, as the command does.
func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		if err := proxyChildMain(spec); err != nil {
			fmt.Fprintln(os.Stderr, "proxy child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestShortRun runs a very short benchmark (no mitmproxy) and checks what reached the upstream:
// every proxied request carried the injected token, no direct request carried any
// Authorization. It asserts nothing about speed.
func TestShortRun(t *testing.T) {
	t.Parallel()
	duration, warmup, sample := 200*time.Millisecond, 50*time.Millisecond, time.Duration(0)
	if testing.Short() { // the load is CPU-bound: shorter windows, same checks (generate counts a request even when none fits)
		duration, warmup, sample = 60*time.Millisecond, 20*time.Millisecond, 50*time.Millisecond
	}
	rep, err := run(context.Background(), config{
		Duration:      duration,
		Rounds:        2,
		Warmup:        warmup,
		Concurrency:   []int{1, 4},
		Audit:         true,
		ProxyProcess:  true,
		ForeignSample: sample,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 6 {
		t.Fatalf("%d results, want 6 (direct, authsome and authsome-process at c=1 and c=4)", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Requests == 0 || r.RPS <= 0 || r.P50us <= 0 || r.P99us < r.P50us || len(r.RoundRatio) != 2 {
			t.Errorf("%s c=%d: implausible measurement %+v", r.Scenario, r.Concurrency, r)
		}
		u := r.Upstream
		if u.Other != 0 {
			t.Errorf("%s c=%d: %d requests with a wrong Authorization or path", r.Scenario, r.Concurrency, u.Other)
		}
		switch r.Scenario {
		case scenDirect:
			if u.WithToken != 0 || u.WithoutAuth < r.Requests {
				t.Errorf("direct c=%d: upstream saw %+v for %d requests, want all without Authorization", r.Concurrency, u, r.Requests)
			}
		case scenAuthsome, scenProcess:
			if u.WithoutAuth != 0 || u.WithToken < r.Requests {
				t.Errorf("%s c=%d: upstream saw %+v for %d requests, want all with the injected token", r.Scenario, r.Concurrency, u, r.Requests)
			}
		default:
			t.Errorf("unexpected scenario %q", r.Scenario)
		}
	}
	if rep.AddedP50us == nil {
		t.Error("no added p50 at c=1")
	}
	if rep.MitmMeasured || len(rep.VsMitm) != 0 {
		t.Error("mitmproxy measured although not configured")
	}
	if got := rep.find(scenAuthsome, 4).VsDirect; got <= 0 {
		t.Errorf("authsome c=4 vs direct = %v", got)
	}

	var out bytes.Buffer
	printReport(&out, rep)
	for _, want := range []string{"concurrency 1", "concurrency 4", "authsome", "authsome-process", "added p50", "targets (issue 3)", "n/a"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
}

// TestUpstreamChecksAuthorization: the upstream refuses a request whose Authorization does not
// fit the scenario, so a proxy that fails to inject (or a client that leaks) fails the run.
func TestUpstreamChecksAuthorization(t *testing.T) {
	t.Parallel()
	up, err := startUpstream("tok")
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	ctx := context.Background()
	url := up.URL.String() + "/v1.0/me"
	for _, tc := range []struct {
		name   string
		expect expectation
		auth   string
		wantOK bool
	}{
		{"direct without auth", expectNone, "", true},
		{"direct with token", expectNone, "Bearer tok", false},
		{"proxied with token", expectToken, "Bearer tok", true},
		{"proxied without auth", expectToken, "", false},
		{"proxied with placeholder", expectToken, placeholder, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up.reset(tc.expect)
			w := workload{url: url, roots: up.Roots, auth: tc.auth}
			// A short window: on a loaded machine (-race) where no request completes inside it,
			// generate counts the first one completing after it, so it never fails for time.
			_, err := generate(ctx, newClient(w, 1), w, 1, 0, 50*time.Millisecond, phase{})
			if ok := err == nil; ok != tc.wantOK {
				t.Errorf("err = %v, want ok = %v", err, tc.wantOK)
			}
			if !tc.wantOK && err != nil && !strings.Contains(err.Error(), "401") {
				t.Errorf("err = %v, want a 401", err)
			}
		})
	}
	resp, err := (&http.Client{}).Get(url)
	if err == nil {
		resp.Body.Close()
		t.Error("plain client trusted the upstream's self-made CA")
	}
}

func TestVerify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		expect expectation
		done   int64
		got    upstreamCounts
		ok     bool
	}{
		{"proxied ok", expectToken, 10, upstreamCounts{WithToken: 12}, true},
		{"proxied missing token", expectToken, 10, upstreamCounts{WithToken: 11, WithoutAuth: 1}, false},
		{"proxied fewer than completed", expectToken, 10, upstreamCounts{WithToken: 9}, false},
		{"direct ok", expectNone, 10, upstreamCounts{WithoutAuth: 10}, true},
		{"direct with token", expectNone, 10, upstreamCounts{WithoutAuth: 10, WithToken: 1}, false},
		{"other", expectToken, 1, upstreamCounts{WithToken: 1, Other: 1}, false},
	} {
		if err := verify(tc.expect, tc.done, tc.got); (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok = %v", tc.name, err, tc.ok)
		}
	}
}

func TestPercentileAndProfileName(t *testing.T) {
	m := measurement{latencies: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	if p := m.percentile(0.5); p != 5 {
		t.Errorf("p50 = %v, want 5", p)
	}
	if p := m.percentile(0.99); p != 10 {
		t.Errorf("p99 = %v, want 10", p)
	}
	if got := profileName("out/cpu.pprof", 64, 2); got != "out/cpu-c64-r2.pprof" {
		t.Errorf("profileName = %q", got)
	}
}
