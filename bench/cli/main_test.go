package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestShortRun builds both programs and runs each command a few times; get must print the
// stored token. It asserts nothing about speed.
func TestShortRun(t *testing.T) {
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
	ours, others, top := parseInitTrace(strings.NewReader(in))
	if ours.Microseconds() != 500 || others.Microseconds() != 1200 {
		t.Errorf("ours %v, others %v", ours, others)
	}
	if len(top) != 3 || top[0].Package != "github.com/authsome-go/authsomething" {
		t.Errorf("top = %v", top)
	}
}
