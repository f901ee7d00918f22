package graphschema

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// modulePath is the module whose root anchors the schema's location.
const modulePath = "github.com/authsome-go/authsome"

var shared struct {
	once    sync.Once
	path    string
	schema  *Schema
	err     error
	missing bool // no module root or no schema file: skip, or fail in CI
}

// ForTest returns the Graph v1.0 schema, loaded once per test binary from
// ../shared/graph-schema/ beside the module root (found by walking up from the
// working directory to the go.mod of github.com/authsome-go/authsome). Where
// the file is absent the test is skipped, or fails when CI=true; a file that
// does not parse always fails the test.
func ForTest(t testing.TB) *Schema {
	t.Helper()
	shared.once.Do(func() {
		path, err := SharedPath()
		if err != nil {
			shared.err, shared.missing = err, true
			return
		}
		shared.path = path
		if _, err := os.Stat(shared.path); err != nil {
			shared.err, shared.missing = err, errors.Is(err, fs.ErrNotExist)
			return
		}
		shared.schema, shared.err = Load(shared.path)
	})
	return result(t, shared.schema, shared.err, shared.missing, os.Getenv("CI") == "true")
}

// SharedPath returns where the Graph v1.0 schema is expected:
// ../shared/graph-schema/v1.0-cleanMetadata.xml beside the root of this
// module, found by walking up from the working directory to its go.mod. It
// does not check that the file exists. Generators use it; tests use [ForTest].
func SharedPath() (string, error) {
	dir, err := SharedDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "graph-schema", "v1.0-cleanMetadata.xml"), nil
}

// SharedDir is the folder of Microsoft's data beside the module
// (../shared): the Graph schema, the permissions reference.
func SharedDir() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "..", "shared"), nil
}

// result hands out the schema, or skips or fails t.
func result(t testing.TB, s *Schema, err error, missing, ci bool) *Schema {
	t.Helper()
	switch {
	case s != nil:
		return s
	case !missing:
		t.Fatalf("graphschema: %v", err)
	case ci:
		t.Fatalf("graphschema: the Graph v1.0 schema is missing (%v); CI=true needs ../shared/graph-schema/ beside the module", err)
	default:
		t.Skipf("graphschema: skipped: the Graph v1.0 schema is missing (%v); put ../shared/graph-schema/v1.0-cleanMetadata.xml beside the module root to run this test", err)
	}
	return nil
}

// moduleRoot walks up from the working directory to this module's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return moduleRootFrom(dir)
}

func moduleRootFrom(dir string) (string, error) {
	for {
		if isModuleRoot(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", &os.PathError{Op: "find", Path: "go.mod of " + modulePath, Err: os.ErrNotExist}
		}
		dir = parent
	}
}

func isModuleRoot(gomod string) bool {
	f, err := os.Open(gomod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == modulePath
		}
	}
	return false
}
