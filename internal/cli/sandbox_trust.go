package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/sandbox"
)

type sandboxTrustOptions struct {
	f       *Factory
	Install bool
}

func newSandboxTrustCmd(f *Factory, runF func(*sandboxTrustOptions) error) *cobra.Command {
	opts := &sandboxTrustOptions{f: f}
	cmd := &cobra.Command{
		Use:   "trust [--install]",
		Short: "Print how to trust the sandbox's CA (and, with --install, add it to your own trust store)",
		Long: `Print the steps that make browsers and other programs trust the sandbox's CA (ca.pem in the
home folder's sandbox/, made now if the sandbox never ran). The CA carries X.509 name constraints:
it can vouch for localhost and the loopback addresses only.

--install runs the steps that change only your own trust store (NSS on Linux, the login keychain
on macOS, the current user's store on Windows); the system store needs an administrator and is
only printed.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSandboxTrust(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Install, "install", false, "add the CA to your own trust store (never the system's)")
	return cmd
}

func runSandboxTrust(ctx context.Context, opts *sandboxTrustOptions) error {
	f := opts.f
	caFile, err := sandbox.EnsureCA(filepath.Join(f.Home(), "sandbox"))
	if err != nil {
		return err
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return err
	}
	steps := sandbox.TrustSteps(runtime.GOOS, caFile, home)
	if f.JSON && !opts.Install {
		return writeJSON(f.IO.Out, map[string]any{"ca_file": caFile, "steps": steps})
	}
	w := f.IO.Out
	if !opts.Install {
		fmt.Fprintf(w, "The sandbox's CA: %s\n\n", caFile)
		for _, s := range steps {
			fmt.Fprintf(w, "%s:\n", s.Store)
			for _, l := range s.Lines() {
				fmt.Fprintf(w, "  %s\n", l)
			}
		}
		fmt.Fprintln(w, "\nauthsome sandbox trust --install runs the steps for your own store.")
		return nil
	}
	for _, s := range steps {
		if !s.User {
			fmt.Fprintf(w, "Not run (needs an administrator), the %s:\n", s.Store)
			for _, l := range s.Lines() {
				fmt.Fprintf(w, "  %s\n", l)
			}
			continue
		}
		for i, args := range s.Commands {
			if _, err := exec.LookPath(args[0]); err != nil {
				return fmt.Errorf("%s is not installed (on Debian and Ubuntu: apt-get install libnss3-tools); the step was: %s", args[0], s.Lines()[i])
			}
			c := exec.CommandContext(ctx, args[0], args[1:]...)
			c.Stdout, c.Stderr = f.IO.ErrOut, f.IO.ErrOut
			if err := c.Run(); err != nil {
				return fmt.Errorf("adding the CA to the %s: %v", s.Store, err)
			}
		}
		fmt.Fprintf(w, "Added the sandbox's CA to the %s.\n", s.Store)
	}
	return nil
}
