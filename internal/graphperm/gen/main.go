// Command gen writes the sandbox's table of Microsoft Graph delegated
// permissions (delegated_gen.go) from ../shared/graph-permissions.
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
	src, err := permgen.Render(bytes.NewReader(ref))
	if err != nil {
		return err
	}
	if err := os.WriteFile(permgen.File, src, 0o644); err != nil {
		return err
	}
	paths, err := permgen.RenderPaths(bytes.NewReader(ref))
	if err != nil {
		return err
	}
	return os.WriteFile(permgen.PathsFile, paths, 0o644)
}
