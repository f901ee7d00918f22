package cli

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// Shell completion (cobra's hidden __complete command, which the generated bash, zsh, fish
// and PowerShell scripts call): provider names from the catalogue, connection names and
// profiles from the home folder. Completion reads only what it can without asking: no token
// refresh, no network, no passphrase prompt (a passphrase-protected vault completes no
// connections), and it prints names only, never a secret.

// completeProviderArg completes the first argument with provider names.
func completeProviderArg(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeProviders(cmd.Context(), f)
	}
}

// completeProviders lists the catalogue's providers, each with its display name.
func completeProviders(_ context.Context, f *Factory) ([]cobra.Completion, cobra.ShellCompDirective) {
	entries, _, err := provider.NewCatalog(broker.CatalogDir(f.Home())).ListWithWarnings()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := make([]cobra.Completion, 0, len(entries))
	for _, e := range entries {
		out = append(out, cobra.CompletionWithDesc(e.Def.Name, e.Def.DisplayName))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeConnections lists the connections of prov in the selected profile, the default
// one marked as such.
func completeConnections(ctx context.Context, f *Factory, prov string) ([]cobra.Completion, cobra.ShellCompDirective) {
	data, ok := peekVault(ctx, f.vaultHome(), f.Profile)
	if !ok {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ps := data.Provider(strings.ToLower(strings.TrimSpace(prov)))
	if ps == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, name := range sortedKeys(ps.Connections) {
		if name == ps.Default {
			out = append(out, cobra.CompletionWithDesc(name, "default"))
		} else {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// registerConnectionFlag completes --connection with the connections of the provider named
// by the first argument.
func registerConnectionFlag(cmd *cobra.Command, f *Factory) {
	_ = cmd.RegisterFlagCompletionFunc("connection", func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeConnections(cmd.Context(), f, args[0])
	})
}

// registerConnectionFlagOf completes --connection with the connections of prov (microsoft
// for api and drive).
func registerConnectionFlagOf(cmd *cobra.Command, f *Factory, prov string) {
	_ = cmd.RegisterFlagCompletionFunc("connection", func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeConnections(cmd.Context(), f, prov)
	})
}

// registerProviderSpecFlag completes --provider P[:CONN] of run and proxy: provider names,
// then, after "P:", that provider's connections.
func registerProviderSpecFlag(cmd *cobra.Command, f *Factory) {
	_ = cmd.RegisterFlagCompletionFunc("provider", func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		prov, _, ok := strings.Cut(toComplete, ":")
		if !ok {
			return completeProviders(cmd.Context(), f)
		}
		conns, dir := completeConnections(cmd.Context(), f, prov)
		for i, c := range conns {
			conns[i] = prov + ":" + c
		}
		return conns, dir
	})
}

// registerScopesFlag completes --scopes of login with the presets of the provider named by the
// first argument (@NAME, and +@NAME once a value starts with '+'), after the values already
// typed in the comma-separated list.
func registerScopesFlag(cmd *cobra.Command, f *Factory) {
	_ = cmd.RegisterFlagCompletionFunc("scopes", func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		dir := cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		if len(args) == 0 {
			return nil, dir
		}
		def, _, err := provider.NewCatalog(broker.CatalogDir(f.Home())).Get(args[0])
		if err != nil {
			return nil, dir
		}
		typed := ""
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			typed = toComplete[:i+1]
		}
		plus := ""
		if strings.HasPrefix(toComplete, "+") {
			plus = "+"
		}
		var out []cobra.Completion
		for _, name := range def.PresetNames() {
			out = append(out, cobra.CompletionWithDesc(typed+plus+provider.PresetPrefix+name, strings.Join(def.ScopePresets[name], " ")))
		}
		return out, dir
	})
}

// completeProfiles lists the home's profiles, the active one marked as such.
func completeProfiles(f *Factory) ([]cobra.Completion, cobra.ShellCompDirective) {
	h := f.vaultHome()
	names, err := h.Profiles()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	active, _ := h.Active()
	out := make([]cobra.Completion, 0, len(names))
	for _, n := range names {
		if n == active {
			out = append(out, cobra.CompletionWithDesc(n, "active"))
		} else {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeProfileArg completes the first argument with profile names.
func completeProfileArg(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return completeProfiles(f)
	}
}

// peekVault reads a profile's vault ("" for the active profile) when that needs nothing from
// the user: a passphrase-protected vault is not opened, and a missing one is not created.
func peekVault(ctx context.Context, h vault.Home, profile string) (*vault.Data, bool) {
	if profile == "" {
		p, err := h.Active()
		if err != nil {
			return nil, false
		}
		profile = p
	}
	if vault.ValidateProfileName(profile) != nil {
		return nil, false
	}
	dir := h.ProfileDir(profile)
	if _, err := os.Stat(dir); err != nil {
		return nil, false
	}
	keys := vault.DefaultKeySource(dir)
	if keys.Name() == "passphrase" {
		return nil, false
	}
	store, err := vault.Open(dir, keys)
	if err != nil {
		return nil, false
	}
	data, err := store.Load(ctx)
	if err != nil {
		return nil, false
	}
	return data, true
}
