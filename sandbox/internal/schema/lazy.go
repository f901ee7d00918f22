package schema

import "sync"

// The tables are built when first used: the CLI links this package (through
// the sandbox) into every command, and most commands never check a body.
var (
	roots = sync.OnceValue(buildRoots)
	types = sync.OnceValue(func() map[string]*Type {
		m := map[string]*Type{}
		for _, build := range typeBuilders {
			for k, v := range build() {
				m[k] = v
			}
		}
		return m
	})
	enums = sync.OnceValue(buildEnums)
)
