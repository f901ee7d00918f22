package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/provider"
)

// revokedConnOut is one connection in revoke and remove --json.
type revokedConnOut struct {
	Connection  string `json:"connection_name"`
	Revoked     bool   `json:"revoked"`
	RevokeError string `json:"revoke_error,omitempty"`
}

// revokeOut is revoke --json; remove --json adds definition_removed.
type revokeOut struct {
	Status        string           `json:"status"`
	Provider      string           `json:"provider"`
	Profile       string           `json:"profile"`
	Connections   []revokedConnOut `json:"connections"`
	ClientRemoved bool             `json:"client_removed"`
}

// revokeOptions are the options of revoke and remove: the provider.
type revokeOptions struct {
	f        *Factory
	Provider string
}

func newRevokeCmd(f *Factory, runF func(*revokeOptions) error) *cobra.Command {
	opts := &revokeOptions{f: f}
	return &cobra.Command{
		Use:   "revoke PROVIDER",
		Short: "Revoke and delete every connection of a provider, and its stored OAuth client",
		Long: `Forget a provider in the profile: each connection is revoked at the provider where it has a
revocation endpoint, then deleted, and the OAuth client (id and secret) stored for the provider
is deleted too. A failed remote revocation is a warning; the local records go in any case.
The provider definition stays; ` + "`authsome remove`" + ` also deletes your definition file.`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runRevoke(cmd.Context(), opts)
		},
	}
}

func runRevoke(ctx context.Context, opts *revokeOptions) error {
	f := opts.f
	out, err := revokeProvider(ctx, f, opts.Provider, "revoked")
	if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, out)
	}
	f.notef("Revoked %s: %s.\n", out.Provider, revokeSummary(out))
	return nil
}

func newRemoveCmd(f *Factory, runF func(*revokeOptions) error) *cobra.Command {
	opts := &revokeOptions{f: f}
	return &cobra.Command{
		Use:   "remove PROVIDER",
		Short: "Revoke a provider (as revoke does), then delete your definition of it",
		Long: `Run ` + "`authsome revoke PROVIDER`" + `, then delete your JSON definition of the provider. A bundled
definition is kept (it cannot be deleted); where your file overrode a bundled one, the bundled one
comes back. ` + "`authsome providers remove`" + ` deletes only the file and keeps the connections.`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runRemove(cmd.Context(), opts)
		},
	}
}

func runRemove(ctx context.Context, opts *revokeOptions) error {
	f := opts.f
	out, err := revokeProvider(ctx, f, opts.Provider, "removed")
	if err != nil {
		return err
	}
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	removed := true
	if err := b.Catalog().Remove(out.Provider); errors.Is(err, provider.ErrBundled) || errors.Is(err, provider.ErrNotFound) {
		removed = false
	} else if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, out, map[string]bool{"definition_removed": removed})
	}
	def := "the bundled definition is kept"
	if removed {
		def = "your definition was deleted"
	}
	f.notef("Removed %s: %s; %s.\n", out.Provider, revokeSummary(out), def)
	return nil
}

// revokeProvider runs broker.Revoke and warns about failed remote revocations.
func revokeProvider(ctx context.Context, f *Factory, prov, status string) (*revokeOut, error) {
	b, err := f.Broker(ctx)
	if err != nil {
		return nil, err
	}
	res, err := b.Revoke(ctx, prov)
	if err != nil {
		return nil, err
	}
	out := &revokeOut{Status: status, Provider: res.Provider, Profile: b.Profile(), Connections: []revokedConnOut{}, ClientRemoved: res.Client}
	for _, c := range res.Connections {
		rc := revokedConnOut{Connection: c.Name, Revoked: c.Revoked}
		if c.RevokeErr != nil {
			rc.RevokeError = message(c.RevokeErr)
			f.warnf("remote revocation of %s/%s failed (the local connection was deleted): %s", res.Provider, c.Name, rc.RevokeError)
		}
		out.Connections = append(out.Connections, rc)
	}
	return out, nil
}

// revokeSummary says what revoke deleted, for people.
func revokeSummary(out *revokeOut) string {
	revoked := 0
	for _, c := range out.Connections {
		if c.Revoked {
			revoked++
		}
	}
	s := fmt.Sprintf("%d connection(s) deleted", len(out.Connections))
	if revoked > 0 {
		s += fmt.Sprintf(" (%d revoked at the provider)", revoked)
	}
	if out.ClientRemoved {
		s += ", stored OAuth client deleted"
	}
	return s
}
