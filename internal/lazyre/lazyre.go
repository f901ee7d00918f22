// Package lazyre compiles a regular expression the first time it is used.
//
// Every command links most of this module (the sandbox included), and Go runs
// every linked package's initialisers before main: a package-level
// regexp.MustCompile is paid by every command, whether or not it ever matches
// anything. A pattern declared with New costs nothing until first used, then
// one atomic load per use.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call (panicking, as
// regexp.MustCompile does, if expr is not valid) and returns the same
// *regexp.Regexp on every call.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
