//go:build !linux

package isolate

// ancestors is not available here: only the environment marker tells.
func ancestors() [][]string { return nil }

// ancestorsFrom is not available here.
func ancestorsFrom(int) [][]string { return nil }

// environHas is not available here.
func environHas(int, string) (has, readable bool) { return false, false }
