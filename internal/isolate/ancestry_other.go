//go:build !linux

package isolate

// ancestors is not available here: only the environment marker tells.
func ancestors() [][]string { return nil }
