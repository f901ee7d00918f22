package benchflag

import (
	"slices"
	"testing"
)

func TestPositiveInts(t *testing.T) {
	if got, err := PositiveInts("-c", "1, 64"); err != nil || !slices.Equal(got, []int{1, 64}) {
		t.Errorf("PositiveInts(1, 64) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,,2", "-3", "x"} {
		if _, err := PositiveInts("-c", bad); err == nil {
			t.Errorf("PositiveInts(%q) accepted", bad)
		}
	}
}
