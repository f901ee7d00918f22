package cli

import (
	"os"
	"testing"

	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/internal/testparallel"
)

// TestMain lets this test binary serve run's isolation helper, as the authsome binary does:
// commands run in-process (doctor's probe, run) start os.Executable() as the helper.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == isolate.HelperCommand {
		os.Exit(isolate.Helper())
	}
	isolateEnv()
	testparallel.Widen(4)   // most tests wait on the sandbox or a device-code poll
	os.Exit(pgtest.Main(m)) // m.Run, then stops the PostgreSQL of store_test.go if it ran
}
