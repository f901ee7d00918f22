package testparallel

import (
	"flag"
	"runtime"
	"strconv"
	"testing"
)

func TestWidenKeepsAGivenParallel(t *testing.T) {
	p := flag.Lookup("test.parallel")
	old := p.Value.String()
	t.Cleanup(func() { p.Value.Set(old) })
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })

	Widen(4)
	want := strconv.Itoa(4 * runtime.GOMAXPROCS(0))
	if given {
		want = old
	}
	if got := p.Value.String(); got != want {
		t.Errorf("-test.parallel is %s, want %s (given on the command line: %v)", got, want, given)
	}
}
