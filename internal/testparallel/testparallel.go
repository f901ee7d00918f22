// Package testparallel widens -test.parallel for test packages whose tests mostly wait (on a
// sandbox, child processes, device-code polls) rather than compute: with go test's default of
// one running test per CPU, a 2-core machine would run them two at a time.
package testparallel

import (
	"flag"
	"runtime"
	"strconv"
)

// Widen sets -test.parallel to perCPU times GOMAXPROCS, unless the command line gave -parallel
// (which then wins). Call it from TestMain, before m.Run.
func Widen(perCPU int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(perCPU*runtime.GOMAXPROCS(0)))
	}
}
