package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

type exportOptions struct {
	f              *Factory
	Provider       string // "" for every connection of every provider
	Connection     string
	Format         string
	IncludeRefresh bool
}

func newExportCmd(f *Factory, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{f: f}
	cmd := &cobra.Command{
		Use:   "export [PROVIDER]",
		Short: "Print a connection's environment variables (a valid token; refresh token only on request)",
		Long: `Print the provider's export variables for a connection, with an access token that is valid
(refreshed first when needed). Without a provider, every connection of every provider is
exported; a name two connections share is kept by the first (providers in name order, the
default connection first) and becomes NAME_<PROVIDER>_<CONNECTION> for the others.
Prefer ` + "`authsome run`" + `, which keeps the token away from the child process entirely.`,
		Example: `  eval "$(authsome export microsoft --format shell)"
  authsome export microsoft --format json
  authsome export --json                     # {"v": 1, "credentials": {...}}`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("%s expects at most one provider name (see `authsome export --help`)", cmd.CommandPath())
			}
			return nil
		},
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = argOr(args, 0)
			switch opts.Format {
			case "env", "shell", "json":
			default:
				if !f.JSON { // --json chooses the JSON form, whatever --format says
					return usagef("unknown --format %q (env, shell or json)", opts.Format)
				}
			}
			if opts.Provider == "" && opts.Connection != "" {
				return usagef("--connection needs a provider")
			}
			if runF != nil {
				return runF(opts)
			}
			return runExport(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Connection, "connection", "", "connection name (default: the provider's default)")
	cmd.Flags().StringVar(&opts.Format, "format", "env", "env (NAME=value), shell (export NAME='value') or json")
	cmd.Flags().BoolVar(&opts.IncludeRefresh, "include-refresh-token", false, "also export the refresh token")
	registerConnectionFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"env", "shell", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExport(ctx context.Context, opts *exportOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	var vars map[string]string
	if opts.Provider == "" {
		vars, err = b.ExportAll(ctx, opts.IncludeRefresh)
	} else {
		vars, err = b.Export(ctx, opts.Provider, opts.Connection, opts.IncludeRefresh)
	}
	if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, exportOut{Credentials: vars})
	}
	if f.IO.IsStdoutTTY() {
		f.notef("note: these are live credentials; `authsome run -- CMD` keeps them away from the program\n")
	}
	return writeExport(f.IO.Out, opts.Format, vars)
}

// exportOut is export --json (authsome's shape).
type exportOut struct {
	Credentials map[string]string `json:"credentials"`
}

func writeExport(w io.Writer, format string, vars map[string]string) error {
	if format == "json" {
		return writeIndented(w, vars)
	}
	if format == "env" {
		for _, k := range sortedKeys(vars) {
			if strings.ContainsAny(vars[k], "\r\n\x00") {
				return fmt.Errorf("the value of %s holds a line break or NUL byte, which the env format (one NAME=value per line) cannot carry; use --format shell or json", k)
			}
		}
	}
	for _, k := range sortedKeys(vars) {
		var err error
		if format == "shell" {
			_, err = fmt.Fprintf(w, "export %s=%s\n", k, shellQuote(vars[k]))
		} else {
			_, err = fmt.Fprintf(w, "%s=%s\n", k, vars[k])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// shellQuote quotes s for POSIX shells: the whole value in single quotes, each single quote
// in it written as a closing quote, a backslash-escaped quote and an opening quote. Inside
// single quotes nothing is special, so no value can run code when the output is evaluated.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
