package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
)

// TestShortRun runs the benchmark on two small mailboxes and checks that
// every row measured what it says: every message paged once, latencies and
// rates present, the ratio and target sections printed. It asserts nothing
// about speed.
func TestShortRun(t *testing.T) {
	rep, err := run(context.Background(), config{Sizes: []int{100, 300}, Reps: 2, LatencyBudget: time.Second, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rep.Rows))
	}
	for i, r := range rep.Rows {
		if want := []int{100, 300}[i]; r.Messages != want {
			t.Errorf("row %d: %d messages, want %d", i, r.Messages, want)
		}
		for _, p := range []paging{r.Page100, r.Page1000} {
			if !p.Complete || p.Items != r.Messages || p.Pages != (r.Messages+p.Top-1)/p.Top || p.ItemsPerS <= 0 {
				t.Errorf("%d messages, $top=%d: %+v", r.Messages, p.Top, p)
			}
		}
		if r.SeedPerS <= 0 || r.HeapMB <= 0 || r.FirstPageMs <= 0 || r.GetMs <= 0 || r.CountMs <= 0 || r.FilterMs <= 0 || r.FilterHits == 0 {
			t.Errorf("implausible row %+v", r)
		}
	}
	var out bytes.Buffer
	printReport(&out, rep)
	for _, want := range []string{"seed msg/s", "ratio of the 300 row to the 100 row", "$top=100 time per page", "targets", "n/a (below 100000)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
}

// TestBudgetStopsPaging checks that a paging pass past its budget stops
// early and says so.
func TestBudgetStopsPaging(t *testing.T) {
	e, err := startEnv(context.Background(), testkey.RSA(t))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.sb.SeedMessages("", "inbox", 200); err != nil {
		t.Fatal(err)
	}
	p, err := pageAll(context.Background(), e, 235, 10, time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	if p.Complete || p.Pages != 1 || p.Items != 10 {
		t.Errorf("with a budget of 1ns: %+v, want one page of 10, incomplete", p)
	}
	var out bytes.Buffer
	printReport(&out, &report{Rows: []row{{Messages: 235, Page100: p, Page1000: p}}})
	if !strings.Contains(out.String(), "stopped after 1 pages") {
		t.Errorf("report does not say the pass stopped:\n%s", out.String())
	}
}

func TestParseSizes(t *testing.T) {
	if got, err := parseSizes("1000, 10000,100000"); err != nil || len(got) != 3 || got[2] != 100000 {
		t.Errorf("parseSizes: %v %v", got, err)
	}
	for _, bad := range []string{"", "10", "1000,x", "-5"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted", bad)
		}
	}
}
