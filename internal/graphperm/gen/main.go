// Command gen writes package graphperm's generated files (permgen.Outputs:
// the delegated permissions, the application permissions' names and the
// table of permissions by request) from ../shared/graph-permissions.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/authsome-go/authsome/internal/graphperm/permgen"
	"github.com/authsome-go/authsome/internal/graphschema"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	shared, err := graphschema.SharedDir()
	if err != nil {
		return fmt.Errorf("finding the module root: %w", err)
	}
	ref, err := os.ReadFile(filepath.Join(shared, "graph-permissions", "permissions.json"))
	if err != nil {
		return fmt.Errorf("%w (Microsoft's permissions reference belongs at ../shared/graph-permissions beside the module)", err)
	}
	for _, o := range permgen.Outputs {
		src, err := o.Render(bytes.NewReader(ref))
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.File, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
