package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
)

func newProvidersCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("providers", "The provider catalogue: bundled definitions and your own JSON files")
	cmd.AddCommand(newProvidersListCmd(f, nil), newProvidersShowCmd(f, nil), newProvidersAddCmd(f, nil), newProvidersRemoveCmd(f, nil))
	return cmd
}

// catalog is the provider catalogue of the home: bundled definitions and the user's files.
func (f *Factory) catalog() *provider.Catalog {
	return provider.NewCatalog(broker.CatalogDir(f.Home()))
}

type providersListOptions struct{ f *Factory }

func newProvidersListCmd(f *Factory, runF func(*providersListOptions) error) *cobra.Command {
	opts := &providersListOptions{f: f}
	return &cobra.Command{
		Use:   "list",
		Short: "List providers",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runProvidersList(opts)
		},
	}
}

func runProvidersList(opts *providersListOptions) error {
	f := opts.f
	entries, warns, err := f.catalog().ListWithWarnings()
	if err != nil {
		return err
	}
	printWarnings(f, warns)
	if f.JSON {
		type out struct {
			Name        string `json:"name"`
			DisplayName string `json:"display_name"`
			AuthType    string `json:"auth_type"`
			Flow        string `json:"flow"`
			APIURL      string `json:"api_url"`
			Source      string `json:"source"`
		}
		list := []out{}
		for _, e := range entries {
			list = append(list, out{e.Def.Name, e.Def.DisplayName, string(e.Def.AuthType), string(e.Def.Flow), e.Def.APIURL, string(e.Source)})
		}
		return writeJSON(f.IO.Out, map[string]any{"providers": list})
	}
	t := newTable(f.IO.Out, f.IO.IsStdoutTTY(), "NAME", "DISPLAY NAME", "AUTH", "API", "SOURCE")
	for _, e := range entries {
		api := e.Def.APIURL
		if api == "" {
			api = "-" // exported, routed nowhere
		}
		t.add(e.Def.Name, e.Def.DisplayName, string(e.Def.AuthType), api, string(e.Source))
	}
	return t.flush()
}

type providersShowOptions struct {
	f        *Factory
	Provider string
}

func newProvidersShowCmd(f *Factory, runF func(*providersShowOptions) error) *cobra.Command {
	opts := &providersShowOptions{f: f}
	return &cobra.Command{
		Use:               "show PROVIDER",
		Short:             "Print a provider definition",
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runProvidersShow(opts)
		},
	}
}

func runProvidersShow(opts *providersShowOptions) error {
	f := opts.f
	d, src, warns, err := f.catalog().GetWithWarnings(opts.Provider)
	printWarnings(f, warns)
	if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, d, map[string]any{"source": src})
	}
	f.notef("# source: %s\n", src)
	return writeIndented(f.IO.Out, d)
}

type providersRemoveOptions struct {
	f        *Factory
	Provider string
}

func newProvidersRemoveCmd(f *Factory, runF func(*providersRemoveOptions) error) *cobra.Command {
	opts := &providersRemoveOptions{f: f}
	return &cobra.Command{
		Use:   "remove PROVIDER",
		Short: "Remove your definition of a provider (a bundled one comes back); connections are kept",
		Long: `Delete your JSON definition of a provider. Its connections stay in the vault (and are used
again by the bundled definition of the same name, if any). ` + "`authsome remove PROVIDER`" + ` also
revokes and deletes the connections and the stored OAuth client.`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runProvidersRemove(opts)
		},
	}
}

func runProvidersRemove(opts *providersRemoveOptions) error {
	f := opts.f
	if err := f.catalog().Remove(opts.Provider); err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"name": opts.Provider, "status": "removed"})
	}
	f.notef("Removed provider %s.\n", opts.Provider)
	return nil
}

type providersAddOptions struct {
	f     *Factory
	File  string // "-" for stdin
	Force bool
}

func newProvidersAddCmd(f *Factory, runF func(*providersAddOptions) error) *cobra.Command {
	opts := &providersAddOptions{f: f}
	cmd := &cobra.Command{
		Use:   "add FILE",
		Short: "Add a provider from a JSON or JSONC file (- for stdin), this project's or the original authsome's; overrides a bundled one of the same name",
		Args:  exactArgs(1, "a JSON file (or - for stdin)"),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return []cobra.Completion{"json", "jsonc"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runProvidersAdd(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace your existing definition of the same name")
	return cmd
}

func runProvidersAdd(opts *providersAddOptions) error {
	f := opts.f
	var data []byte
	var err error
	if opts.File == "-" {
		data, err = io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
	} else {
		data, err = os.ReadFile(opts.File)
	}
	if err != nil {
		return err
	}
	parsed, err := provider.Parse(data)
	if err != nil {
		return err
	}
	c := f.catalog()
	_, before, _ := c.Get(parsed.Name)
	d, err := c.Put(data, opts.Force)
	if errors.Is(err, provider.ErrExists) {
		return fmt.Errorf("%w (--force replaces it)", err)
	}
	if err != nil {
		return err
	}
	if len(d.Ignored) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "authsome: warning: ignored keys authsome does not use: %s\n", strings.Join(d.Ignored, ", "))
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "authsome: warning: %s\n", w)
	}
	_, src, _ := c.Get(d.Name)
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"name": d.Name, "source": string(src), "status": "added"})
	}
	note := ""
	switch before {
	case provider.SourceBundled:
		note = " (overrides the bundled definition; `authsome providers remove " + d.Name + "` restores it)"
	case provider.SourceUser, provider.SourceOverride:
		note = " (replacing your earlier definition)"
	}
	f.notef("Added provider %s%s.\n", d.Name, note)
	return nil
}

// printWarnings shows the catalog's warnings about the user's provider files on stderr, one
// line each.
func printWarnings(f *Factory, warns []provider.Warning) {
	for _, w := range warns {
		fmt.Fprintf(f.IO.ErrOut, "authsome: warning: %s\n", strings.Join(strings.Fields(w.String()), " "))
	}
}

type inspectOptions struct {
	f        *Factory
	Provider string
}

func newInspectCmd(f *Factory, runF func(*inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{f: f}
	return &cobra.Command{
		Use:               "inspect PROVIDER",
		Short:             "Provider definition and its connections (no secrets)",
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runInspect(cmd.Context(), opts)
		},
	}
}

func runInspect(ctx context.Context, opts *inspectOptions) error {
	b, err := opts.f.Broker(ctx)
	if err != nil {
		return err
	}
	def, src, err := b.Catalog().Get(opts.Provider)
	if err != nil {
		return err
	}
	list, err := b.List(ctx)
	if err != nil {
		return err
	}
	conns := []connectionOut{}
	for _, p := range list {
		if p.Def.Name == def.Name {
			for _, c := range p.Connections {
				conns = append(conns, connectionJSON(c, b.Profile(), c.Name == p.Default, nowFunc()))
			}
		}
	}
	return writeJSON(opts.f.IO.Out, def, map[string]any{"source": src, "connections": conns})
}
