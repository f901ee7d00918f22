// Command gen writes the *_gen.go files, the sandbox's property tables, from
// Graph's v1.0 CSDL beside the module (../shared/graph-schema). Run it with
// go generate ./sandbox/internal/schema.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/schema/schemagen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	path, err := graphschema.SharedPath()
	if err != nil {
		return fmt.Errorf("finding the module root: %w", err)
	}
	s, err := graphschema.Load(path)
	if err != nil {
		return fmt.Errorf("%w (the Graph v1.0 schema belongs at ../shared/graph-schema beside the module)", err)
	}
	files, err := schemagen.Render(s)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range files {
		if err := os.WriteFile(f.Name, f.Src, 0o644); err != nil {
			return err
		}
		keep[f.Name] = true
	}
	old, err := filepath.Glob("*_gen.go")
	if err != nil {
		return err
	}
	for _, name := range old {
		if !keep[name] { // a file of an earlier packing
			if err := os.Remove(name); err != nil {
				return err
			}
		}
	}
	return nil
}
