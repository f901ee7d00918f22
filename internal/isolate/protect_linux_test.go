package isolate

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestProtectMakesTheProcessNotDumpable(t *testing.T) {
	if err := Protect(); err != nil {
		t.Fatal(err)
	}
	d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	if err != nil || d != 0 {
		t.Fatalf("PR_GET_DUMPABLE = %d, %v; want 0", d, err)
	}
}
