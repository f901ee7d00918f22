// Package emit writes a benchmark's report the way every program in bench/
// does: the table on stdout, or, with -json, the report as JSON on stdout
// and the table on stderr.
package emit

import (
	"encoding/json"
	"io"
	"os"
)

// Report writes rep: its table (printTable) on stdout, or, when asJSON,
// the table on stderr and rep as indented JSON on stdout.
func Report[R any](rep R, printTable func(io.Writer, R), asJSON bool) error {
	if !asJSON {
		printTable(os.Stdout, rep)
		return nil
	}
	printTable(os.Stderr, rep)
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
