package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/vault"
)

func newProfileCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("profile", "Isolated profiles, each with its own vault and key")
	home := func() vault.Home { return vault.Home{Dir: f.Home()} }
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List profiles",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			h := home()
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
		},
	}, &cobra.Command{
		Use:   "create NAME",
		Short: "Create a profile",
		Args:  exactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := home().CreateProfile(args[0]); err != nil {
				return err
			}
			return done(f, "created", args[0], "Created profile %q (switch with `authsome profile use %s`).\n", args[0], args[0])
		},
	}, &cobra.Command{
		Use:   "use NAME",
		Short: "Make a profile the active one",
		Args:  exactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := home().SetActive(args[0]); err != nil {
				return err
			}
			return done(f, "active", args[0], "Profile %q is now active.\n", args[0])
		},
	}, &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile with its vault and key",
		Args:  exactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := home().DeleteProfile(args[0]); err != nil {
				return err
			}
			return done(f, "deleted", args[0], "Deleted profile %q.\n", args[0])
		},
	})
	return cmd
}

// done reports a simple state change: JSON {"status","name"} or a sentence on stderr.
func done(f *Factory, status, name, format string, args ...any) error {
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"status": status, "name": name})
	}
	f.notef(format, args...)
	return nil
}
