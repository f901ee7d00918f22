package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
)

// importFormats are the formats `authsome import` reads.
var importFormats = []string{broker.ImportMSALCache, broker.ImportO365}

// maxImportSize bounds the token cache read (real ones are a few kilobytes).
const maxImportSize = 16 << 20

// importOut is import --json.
type importOut struct {
	Status   string          `json:"status"`
	From     string          `json:"from"`
	Imported []connectionOut `json:"imported"`
}

func newImportCmd(f *Factory) *cobra.Command {
	var req broker.ImportRequest
	var from string
	cmd := &cobra.Command{
		Use:   "import [msal-cache|o365] FILE",
		Short: "Import Microsoft sign-ins from an MSAL token cache or python-o365's token file",
		Long: `Turn the sign-ins that another tool already holds into microsoft connections, so that you do not
sign in again: an MSAL token cache (the JSON that MSAL for Python, .NET, Java, Go or JavaScript
serialises) or python-o365's o365_token.txt (O365 2.1 and later). Each refresh token becomes a
connection with its account, tenant, application (client id) and scopes; the access token is
renewed on first use. FILE "-" reads standard input. Tokens are never printed.

  authsome import msal-cache ~/.cache/app/msal_token_cache.json --connection work
  authsome import --from o365 o365_token.txt

A cache with several sign-ins imports each under its account's name, or one with --account.
An existing connection of the same name is kept unless --force.`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 2 && from != "":
				return usagef("give the format once: as an argument or with --from")
			case len(args) == 2:
				from = args[0]
			case len(args) != 1:
				return usagef("import takes a format (%s) and a FILE", strings.Join(importFormats, " or "))
			case from == "":
				from = broker.ImportMSALCache
			}
			if !slices.Contains(importFormats, from) {
				return usagef("unknown import format %q (known: %s)", from, strings.Join(importFormats, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readImportFile(f, args[len(args)-1])
			if err != nil {
				return err
			}
			b, err := f.Broker(cmd.Context())
			if err != nil {
				return err
			}
			req.Cache, req.Source = data, from
			conns, err := b.ImportMSAL(cmd.Context(), req)
			if err != nil {
				return err
			}
			def, _ := b.Connection(cmd.Context(), "microsoft", "")
			now := nowFunc()
			out := importOut{Status: "imported", From: from}
			for _, c := range conns {
				out.Imported = append(out.Imported, connectionJSON(c, b.Profile(), def != nil && def.Name == c.Name, now))
			}
			if f.JSON {
				return writeJSON(f.IO.Out, out)
			}
			for _, c := range out.Imported {
				f.notef("Imported microsoft/%s: %s, tenant %s, cloud %s, client %s (%s).\n",
					c.Connection, orNone(c.Account.Username), c.Tenant, c.Cloud, c.ClientID, c.Status)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", "format of FILE: msal-cache (default) or o365")
	fl.StringVar(&req.Connection, "connection", "", "connection name for a single sign-in (default \"default\")")
	fl.StringVar(&req.Account, "account", "", "import only the sign-in of this username")
	fl.StringVar(&req.Cloud, "cloud", "", "Microsoft cloud, when the cache's authority host does not say: global, usgov, usgov-dod, china or sandbox")
	fl.BoolVar(&req.Force, "force", false, "replace existing connections of the same names")
	return cmd
}

// readImportFile reads the token cache at path ("-": standard input).
func readImportFile(f *Factory, path string) ([]byte, error) {
	var r io.Reader = f.IO.In
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		r = file
	}
	data, err := io.ReadAll(io.LimitReader(r, maxImportSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxImportSize {
		return nil, fmt.Errorf("%s is larger than a token cache can be (%d MiB)", path, maxImportSize>>20)
	}
	return data, nil
}

func orNone(s string) string {
	if s == "" {
		return "no username"
	}
	return s
}
