package cli

import (
	"bufio"
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
	}, newProfileDeleteCmd(f, home))
	return cmd
}

func newProfileDeleteCmd(f *Factory, home func() vault.Home) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a profile with its vault and key",
		Long: `Delete a profile with its vault (every connection in it) and its key. On a terminal it
asks first; without one it refuses unless --yes is given.`,
		Args: exactArgs(1, "a profile name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			h := home()
			if !yes {
				if err := vault.ValidateProfileName(name); err != nil {
					return err
				}
				if !f.IO.CanPrompt() {
					return usagef("profile delete %s deletes its vault and every connection in it: confirm with --yes", name)
				}
				q := fmt.Sprintf("Delete profile %q and its vault", name)
				if n, ok := profileConnections(cmd.Context(), h, name); ok {
					q += fmt.Sprintf(" with %d connection", n)
					if n != 1 {
						q += "s"
					}
				}
				ok, err := confirm(f.IO, q+"?")
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
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "delete without asking")
	return cmd
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
func confirm(ios *IOStreams, question string) (bool, error) {
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
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
