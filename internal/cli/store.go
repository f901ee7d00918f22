package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

// Environment of the PostgreSQL store.
const (
	envStoreURL        = "AUTHSOME_STORE"            // default of --to: the database's connection string
	envStoreKey        = "AUTHSOME_STORE_KEY"        // --key env: base64 of 32 bytes
	envStorePassphrase = "AUTHSOME_STORE_PASSPHRASE" // --key passphrase, without a terminal
	// The new key of store rekey, as --new-key env or passphrase.
	envStoreNewKey        = "AUTHSOME_STORE_NEW_KEY"
	envStoreNewPassphrase = "AUTHSOME_STORE_NEW_PASSPHRASE"
)

// storeKeyHelp describes the --key values.
const storeKeyHelp = `  env              the key in ` + envStoreKey + ` (base64 of 32 bytes; ` + "`openssl rand -base64 32`" + `)
  file:PATH        a 0600 key file, created when missing
  passphrase       a key derived from ` + envStorePassphrase + ` or a typed passphrase`

func newStoreCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("store", "Copy credentials into a shared PostgreSQL store")
	cmd.AddCommand(newStoreMigrateCmd(f), newStoreRekeyCmd(f), newStoreCACmd(f, nil))
	return cmd
}

func newStoreMigrateCmd(f *Factory) *cobra.Command {
	var to, key string
	var force bool
	cmd := &cobra.Command{
		Use:   "migrate --to postgres://USER@HOST/DB",
		Short: "Copy the profile's vault and provider files into a PostgreSQL store",
		Long: `Copy the profile's local vault (connections, OAuth clients, default connections) and the
home's provider files into a PostgreSQL store, under the same profile name. Secrets are sealed
before they reach the database, each record under its own data key wrapped by the store's
key, --key:
` + storeKeyHelp + `
The database remembers which key its records are sealed with; a different key is refused.

Running it again copies only what is new. Records the database holds with a different content
are not overwritten unless --force is given (nothing is copied then). Records only the database
holds are kept. Give the password in PGPASSWORD or ~/.pgpass rather than in the URL; --to
defaults to $` + envStoreURL + `.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return usagef("--to is needed: the store's connection string, postgres://USER@HOST/DB (or set %s)", envStoreURL)
			}
			keys, err := storeKeySource(f, key, envStoreKey, envStorePassphrase)
			if err != nil {
				return err
			}
			return migrateStore(cmd.Context(), f, to, keys, force)
		},
	}
	cmd.Flags().StringVar(&to, "to", os.Getenv(envStoreURL), "the store's connection string (default $"+envStoreURL+")")
	cmd.Flags().StringVar(&key, "key", "env", "the store's key: env, file:PATH or passphrase")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite records the store holds with a different content")
	return cmd
}

// storeKeySource is the key source a --key value names; env and passphrase read envKey and
// envPass.
func storeKeySource(f *Factory, spec, envKey, envPass string) (vault.KeySource, error) {
	switch kind, arg, _ := strings.Cut(spec, ":"); {
	case spec == "env":
		if os.Getenv(envKey) == "" {
			return nil, usagef("the env key needs the store's key in %s (generate one with `openssl rand -base64 32`)", envKey)
		}
		return vault.EnvKeyFrom(envKey), nil
	case kind == "file" && arg != "":
		return vault.FileKey(arg), nil
	case spec == "passphrase":
		if p := os.Getenv(envPass); p != "" {
			return vault.PassphraseKey(func() ([]byte, error) { return []byte(p), nil }), nil
		}
		if !f.IO.CanPrompt() {
			return nil, usagef("the passphrase key needs %s or a terminal to ask for it", envPass)
		}
		return vault.PassphraseKey(func() ([]byte, error) {
			p, err := promptHidden(f.IO, "Store passphrase")
			return []byte(p), err
		}), nil
	}
	return nil, usagef("unknown key %q (env, file:PATH or passphrase)", spec)
}

func newStoreRekeyCmd(f *Factory) *cobra.Command {
	var to, key, newKey string
	cmd := &cobra.Command{
		Use:   "rekey --to postgres://USER@HOST/DB --key OLD --new-key NEW",
		Short: "Wrap the store's data keys under a new key",
		Long: `Wrap every data key of the profile's records in a PostgreSQL store under a new key, in one
transaction (the sealed records are not rewritten). --key is the current key, --new-key the new
one, each:
` + storeKeyHelp + `
For --new-key, env and passphrase read ` + envStoreNewKey + ` and ` + envStoreNewPassphrase + `.
Gateways still running with the old key refuse the profile until restarted with the new one.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if to == "" || newKey == "" {
				return usagef("--to and --new-key are needed")
			}
			keys, err := storeKeySource(f, key, envStoreKey, envStorePassphrase)
			if err != nil {
				return err
			}
			next, err := storeKeySource(f, newKey, envStoreNewKey, envStoreNewPassphrase)
			if err != nil {
				return err
			}
			profile := f.Profile
			if profile == "" {
				if profile, err = (vault.Home{Dir: f.Home()}).Active(); err != nil {
					return err
				}
			}
			s, err := pgstore.Open(ctx, to, profile, keys)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Rekey(ctx, next); err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, map[string]string{"status": "rekeyed", "profile": profile, "key_source": s.KeySourceName()})
			}
			f.notef("Profile %q in %s rekeyed (key source: %s).\n", profile, describeDSN(to), s.KeySourceName())
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", os.Getenv(envStoreURL), "the store's connection string (default $"+envStoreURL+")")
	cmd.Flags().StringVar(&key, "key", "env", "the store's current key: env, file:PATH or passphrase")
	cmd.Flags().StringVar(&newKey, "new-key", "", "the new key: env, file:PATH or passphrase")
	return cmd
}

// migrateReport is the --json output of store migrate.
type migrateReport struct {
	Status  string `json:"status"`
	Profile string `json:"profile"`
	To      string `json:"to"`
	pgstore.ImportReport
}

func migrateStore(ctx context.Context, f *Factory, dsn string, keys vault.KeySource, force bool) error {
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	data, err := b.Vault().Load(ctx)
	if err != nil {
		return err
	}
	files, err := providerFiles(broker.CatalogDir(f.Home()))
	if err != nil {
		return err
	}
	s, err := pgstore.Open(ctx, dsn, b.Profile(), keys)
	if err != nil {
		return err
	}
	defer s.Close()
	stored, err := s.ProviderFiles(ctx)
	if err != nil {
		return err
	}
	var fileRep pgstore.ImportReport
	var conflicts, toPut []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		item := "provider file " + name
		have, ok := stored[name]
		switch {
		case !ok:
			fileRep.Copied, toPut = append(fileRep.Copied, item), append(toPut, name)
		case bytes.Equal(have, files[name]):
			fileRep.Unchanged = append(fileRep.Unchanged, item)
		case force:
			fileRep.Overwritten, toPut = append(fileRep.Overwritten, item), append(toPut, name)
		default:
			conflicts = append(conflicts, item)
		}
	}
	if len(conflicts) > 0 {
		return conflictError{&pgstore.ConflictError{Items: conflicts}}
	}
	rep, err := s.Import(ctx, data, force)
	var ce *pgstore.ConflictError
	if errors.As(err, &ce) {
		return conflictError{ce}
	}
	if err != nil {
		return err
	}
	for _, name := range toPut {
		if err := s.PutProviderFile(ctx, name, files[name]); err != nil {
			return err
		}
	}
	rep.Copied = append(rep.Copied, fileRep.Copied...)
	rep.Unchanged = append(rep.Unchanged, fileRep.Unchanged...)
	rep.Overwritten = append(rep.Overwritten, fileRep.Overwritten...)
	out := migrateReport{Status: "migrated", Profile: b.Profile(), To: describeDSN(dsn), ImportReport: *rep}
	if f.JSON {
		for _, l := range []*[]string{&out.Copied, &out.Unchanged, &out.Overwritten} {
			if *l == nil {
				*l = []string{}
			}
		}
		return writeJSON(f.IO.Out, out)
	}
	f.notef("Profile %q copied to %s: %d copied, %d unchanged, %d overwritten.\n",
		out.Profile, out.To, len(out.Copied), len(out.Unchanged), len(out.Overwritten))
	return nil
}

// conflictError is a refused store migrate: it exits as "already exists" does.
type conflictError struct{ *pgstore.ConflictError }

func (e conflictError) Error() string {
	return "the store already holds different " + strings.Join(e.Items, ", ") + "; nothing was copied (--force overwrites them)"
}

func (e conflictError) Unwrap() []error { return []error{e.ConflictError, broker.ErrAlreadyExists} }

// providerFiles reads the user provider files (<name>.json, <name>.jsonc) of a home.
func providerFiles(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") ||
			!(strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".jsonc")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// describeDSN names a database without its password: postgres://USER@HOST:PORT/DB.
func describeDSN(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "the database"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
