package cli

import (
	"encoding/json"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/provider"
)

func newProvidersCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("providers", "The provider catalogue: bundled definitions and your own JSON files")
	catalog := func() *provider.Catalog { return provider.NewCatalog(f.Home() + "/providers") }
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List providers",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			entries, err := catalog().List()
			if err != nil {
				return err
			}
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
				t.add(e.Def.Name, e.Def.DisplayName, string(e.Def.AuthType), e.Def.APIURL, string(e.Source))
			}
			return t.flush()
		},
	}, &cobra.Command{
		Use:   "show PROVIDER",
		Short: "Print a provider definition",
		Args:  exactArgs(1, "a provider name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, src, err := catalog().Get(args[0])
			if err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, d, map[string]any{"source": src})
			}
			f.notef("# source: %s\n", src)
			return writeIndented(f.IO.Out, d)
		},
	}, &cobra.Command{
		Use:   "add FILE",
		Short: "Add a provider from a JSON file (- for stdin); overrides a bundled one of the same name",
		Args:  exactArgs(1, "a JSON file (or - for stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(io.LimitReader(f.IO.In, 1<<20))
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			c := catalog()
			_, before, _ := c.Get(peekName(data))
			d, err := c.Add(data)
			if err != nil {
				return err
			}
			_, src, _ := c.Get(d.Name)
			if f.JSON {
				return writeJSON(f.IO.Out, map[string]string{"name": d.Name, "source": string(src), "status": "added"})
			}
			note := ""
			if before == provider.SourceBundled {
				note = " (overrides the bundled definition; `authsome providers remove " + d.Name + "` restores it)"
			}
			f.notef("Added provider %s%s.\n", d.Name, note)
			return nil
		},
	}, &cobra.Command{
		Use:   "remove PROVIDER",
		Short: "Remove your definition of a provider (a bundled one comes back); connections are kept",
		Long: `Delete your JSON definition of a provider. Its connections stay in the vault (and are used
again by the bundled definition of the same name, if any). ` + "`authsome remove PROVIDER`" + ` also
revokes and deletes the connections and the stored OAuth client.`,
		Args: exactArgs(1, "a provider name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := catalog().Remove(args[0]); err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, map[string]string{"name": args[0], "status": "removed"})
			}
			f.notef("Removed provider %s.\n", args[0])
			return nil
		},
	})
	return cmd
}

func peekName(data []byte) string {
	var v struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(data, &v)
	return v.Name
}

func newInspectCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect PROVIDER",
		Short: "Provider definition and its connections (no secrets)",
		Args:  exactArgs(1, "a provider name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := f.Broker(cmd.Context())
			if err != nil {
				return err
			}
			def, src, err := b.Catalog().Get(args[0])
			if err != nil {
				return err
			}
			list, err := b.List(cmd.Context())
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
			return writeJSON(f.IO.Out, def, map[string]any{"source": src, "connections": conns})
		},
	}
}
