package cli

import (
	"os"
	"slices"
	"sync"
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
	// Doctor probes the isolation layers by starting this binary twice; what works depends on
	// the machine, not on a test's home, so the tests share the first probe's answer (e2e's
	// doctor tests probe with each home through the authsome binary).
	probe := probeIsolation
	var once sync.Once
	var works, why []string
	probeIsolation = func(helper string, hide []string) ([]string, []string) {
		once.Do(func() { works, why = probe(helper, hide) })
		return slices.Clone(works), slices.Clone(why)
	}
	testparallel.Widen(4)   // most tests wait on the sandbox or a device-code poll
	os.Exit(pgtest.Main(m)) // m.Run, then stops the PostgreSQL of store_test.go if it ran
}
