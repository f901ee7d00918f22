package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/vault"
)

func newProfileCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("profile", "Isolated profiles, each with its own vault and key")
	cmd.AddCommand(newProfileListCmd(f, nil), newProfileCreateCmd(f, nil), newProfileUseCmd(f, nil), newProfileDeleteCmd(f, nil))
	return cmd
}

// home is the vault's view of the home folder: profiles and the active one.
func (f *Factory) vaultHome() vault.Home { return vault.Home{Dir: f.Home()} }

type profileListOptions struct{ f *Factory }

func newProfileListCmd(f *Factory, runF func(*profileListOptions) error) *cobra.Command {
	opts := &profileListOptions{f: f}
	return &cobra.Command{
		Use:   "list",
		Short: "List profiles",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runProfileList(opts)
		},
	}
}

func runProfileList(opts *profileListOptions) error {
	f := opts.f
	h := f.vaultHome()
	names, err := h.Profiles()
	if err != nil {
		return err
	}
	active, err := h.Active()
	if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"active": active, "profiles": append([]string{}, names...)})
	}
	for _, n := range names {
		mark := "  "
		if n == active {
			mark = "* "
		}
		fmt.Fprintln(f.IO.Out, mark+n)
	}
	return nil
}

// profileOptions are the options of profile create and use: the profile's name.
type profileOptions struct {
	f    *Factory
	Name string
}

func newProfileCreateCmd(f *Factory, runF func(*profileOptions) error) *cobra.Command {
	opts := &profileOptions{f: f}
	return &cobra.Command{
		Use:   "create NAME",
		Short: "Create a profile",
		Args:  exactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runProfileCreate(opts)
		},
	}
}

func runProfileCreate(opts *profileOptions) error {
	if err := opts.f.vaultHome().CreateProfile(opts.Name); err != nil {
		return err
	}
	return done(opts.f, "created", opts.Name, "Created profile %q (switch with `authsome profile use %s`).\n", opts.Name, opts.Name)
}

func newProfileUseCmd(f *Factory, runF func(*profileOptions) error) *cobra.Command {
	opts := &profileOptions{f: f}
	return &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a profile the active one",
		Args:              exactArgs(1, "a profile name"),
		ValidArgsFunction: completeProfileArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runProfileUse(opts)
		},
	}
}

func runProfileUse(opts *profileOptions) error {
	if err := opts.f.vaultHome().SetActive(opts.Name); err != nil {
		return err
	}
	return done(opts.f, "active", opts.Name, "Profile %q is now active.\n", opts.Name)
}

type profileDeleteOptions struct {
	f    *Factory
	Name string
	Yes  bool
}

func newProfileDeleteCmd(f *Factory, runF func(*profileDeleteOptions) error) *cobra.Command {
	opts := &profileDeleteOptions{f: f}
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile with its vault and key",
		Long: `Delete a profile with its vault (every connection in it) and its key. On a terminal it
asks first; without one it refuses unless --yes is given.`,
		Args:              exactArgs(1, "a profile name"),
		ValidArgsFunction: completeProfileArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if !opts.Yes {
				if err := vault.ValidateProfileName(opts.Name); err != nil {
					return err
				}
				if !f.IO.CanPrompt() {
					return usagef("profile delete %s deletes its vault and every connection in it: confirm with --yes", opts.Name)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runProfileDelete(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func runProfileDelete(ctx context.Context, opts *profileDeleteOptions) error {
	f, name := opts.f, opts.Name
	h := f.vaultHome()
	if !opts.Yes {
		q := fmt.Sprintf("Delete profile %q and its vault", name)
		if n, ok := profileConnections(ctx, h, name); ok {
			q += fmt.Sprintf(" with %d connection", n)
			if n != 1 {
				q += "s"
			}
		}
		ok, err := confirm(ctx, f.IO, q+"?")
		if err != nil {
			return err
		}
		if !ok {
			return usagef("profile %q not deleted", name)
		}
	}
	if err := h.DeleteProfile(name); err != nil {
		return err
	}
	return done(f, "deleted", name, "Deleted profile %q.\n", name)
}

// profileConnections counts the connections in a profile's vault, when it can be read without
// asking for anything (see peekVault); ok is false otherwise.
func profileConnections(ctx context.Context, h vault.Home, name string) (n int, ok bool) {
	data, ok := peekVault(ctx, h, name)
	if !ok {
		return 0, false
	}
	for _, ps := range data.Providers {
		if ps != nil {
			n += len(ps.Connections)
		}
	}
	return n, true
}

// confirm asks a yes/no question on stderr and reads the answer from stdin: only y or yes
// (any letter case) is yes.
func confirm(ctx context.Context, ios *IOStreams, question string) (bool, error) {
	line, err := promptLine(ctx, ios, question+" [y/N] ")
	if err != nil && line == "" {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// done reports a simple state change: JSON {"status","name"} or a sentence on stderr.
func done(f *Factory, status, name, format string, args ...any) error {
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"status": status, "name": name})
	}
	f.notef(format, args...)
	return nil
}
