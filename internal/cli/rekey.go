package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/vault"
)

type rekeyOptions struct {
	f  *Factory
	To string // file, keyring, passphrase or env; "" = where the key is now
}

func newRekeyCmd(f *Factory, runF func(*rekeyOptions) error) *cobra.Command {
	opts := &rekeyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "rekey",
		Short: "Re-encrypt the profile's vault under a new key",
		Long: `Re-encrypt the vault under a new random data key and a new key-encryption key.

By default the key stays where it is (key file or OS keyring) and is replaced. --to moves it:
  file        a 0600 key file in the profile folder
  passphrase  a key derived from a passphrase (argon2id), typed or from AUTHSOME_NEW_PASSPHRASE;
              later commands read it from AUTHSOME_PASSPHRASE or ask for it
  env         the key in AUTHSOME_NEW_MASTER_KEY (base64 of 32 bytes); afterwards set
              AUTHSOME_MASTER_KEY to that value`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.To {
			case "", "file", "keyring", "passphrase", "env":
			default:
				return usagef("unknown --to %q (file, passphrase or env)", opts.To)
			}
			if runF != nil {
				return runF(opts)
			}
			return runRekey(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "where the new key lives: file, passphrase or env (default: where it is now)")
	_ = cmd.RegisterFlagCompletionFunc("to", cobra.FixedCompletions([]string{"file", "passphrase", "env"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runRekey(ctx context.Context, opts *rekeyOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	st := b.Vault()
	from := st.KeySourceName()
	to := opts.To
	if to == "" {
		to = from
	}
	switch to {
	case "file", "keyring":
		if to != from && !(to == "file" && from != "file") {
			return usagef("moving the key into the OS keyring is not supported; use --to file, passphrase or env")
		}
		if to == from {
			err = st.RotateKey(ctx)
		} else {
			err = st.Rekey(ctx, vault.FileKey(st.Dir()+"/"+vault.KeyFileName))
		}
	case "env":
		if os.Getenv("AUTHSOME_NEW_MASTER_KEY") == "" {
			return usagef("--to env needs the new key in AUTHSOME_NEW_MASTER_KEY (generate one with `openssl rand -base64 32`)")
		}
		err = st.Rekey(ctx, vault.EnvKeyFrom("AUTHSOME_NEW_MASTER_KEY"))
	case "passphrase":
		p1 := os.Getenv("AUTHSOME_NEW_PASSPHRASE")
		if p1 == "" {
			if !f.IO.CanPrompt() {
				return usagef("--to passphrase needs a terminal to ask for the passphrase, or AUTHSOME_NEW_PASSPHRASE")
			}
			var p2 string
			if p1, err = promptHidden(f.IO, "New passphrase"); err == nil {
				p2, err = promptHidden(f.IO, "Repeat the passphrase")
			}
			if err != nil {
				return err
			}
			if p1 != p2 || p1 == "" {
				return usagef("the passphrases differ or are empty; nothing was changed")
			}
		}
		err = st.Rekey(ctx, vault.PassphraseKey(func() ([]byte, error) { return []byte(p1), nil }))
	default:
		return usagef("unknown --to %q (file, passphrase or env)", to)
	}
	if err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"status": "rekeyed", "profile": b.Profile(), "key_source": st.KeySourceName()})
	}
	f.notef("Vault of profile %q re-encrypted (key source: %s).\n", b.Profile(), st.KeySourceName())
	if to == "env" {
		fmt.Fprintln(f.IO.ErrOut, "Set AUTHSOME_MASTER_KEY to the value of AUTHSOME_NEW_MASTER_KEY from now on.")
	}
	return nil
}
