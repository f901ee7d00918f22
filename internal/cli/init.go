package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/vault"
)

// initOut is init --json.
type initOut struct {
	Home      string `json:"home"`
	Profile   string `json:"profile"`
	KeySource string `json:"key_source"`
	Vault     string `json:"vault"`
	Created   bool   `json:"created"` // false when everything was already there
}

type initOptions struct{ f *Factory }

func newInitCmd(f *Factory, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{f: f}
	return &cobra.Command{
		Use:   "init",
		Short: "Create the home folder, the profile and its encrypted vault if missing",
		Long: `Create what authsome keeps on disk, if it is not there yet: the home folder (0700), the profile
(the active one, or --profile NAME) and its empty encrypted vault with its key. Then print the
home, the profile and where the key comes from. Running it again changes nothing.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runInit(cmd.Context(), opts)
		},
	}
}

func runInit(ctx context.Context, opts *initOptions) error {
	f := opts.f
	created := false
	if f.Profile != "" {
		err := f.vaultHome().CreateProfile(f.Profile)
		switch {
		case err == nil:
			created = true
		case !errors.Is(err, vault.ErrProfileExists):
			return err
		}
	}
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	st := b.Vault()
	if !st.Exists() {
		if err := st.Update(ctx, func(*vault.Data) error { return nil }); err != nil {
			return err
		}
		created = true
	}
	out := initOut{Home: b.Home(), Profile: b.Profile(), KeySource: st.KeySourceName(), Vault: st.Path(), Created: created}
	if f.JSON {
		return writeJSON(f.IO.Out, out)
	}
	fmt.Fprintf(f.IO.Out, "Home:       %s\nProfile:    %s\nKey source: %s\n", out.Home, out.Profile, out.KeySource)
	if created {
		f.notef("Initialised profile %q; next: authsome login PROVIDER\n", out.Profile)
	}
	return nil
}
