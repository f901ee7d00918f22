// Package benchflag parses the flag values the benchmark commands share.
package benchflag

import (
	"fmt"
	"strconv"
	"strings"
)

// PositiveInts parses a comma-separated list of positive integers ("1,64"), the value of the
// flag named flagName (for the error).
func PositiveInts(flagName, s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, f)
		}
		out = append(out, n)
	}
	return out, nil
}
