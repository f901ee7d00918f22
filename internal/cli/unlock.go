package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/internal/keysession"
	"github.com/authsome-go/authsome/vault"
)

// sessionOut is the JSON of unlock, lock and whoami's "unlocked".
type sessionOut struct {
	Profile  string    `json:"profile"`
	Unlocked bool      `json:"unlocked"`
	Expires  time.Time `json:"expires,omitzero"`
}

// UnlockOptions are the inputs of `authsome unlock`.
type UnlockOptions struct {
	For time.Duration
}

func newUnlockCmd(f *Factory) *cobra.Command {
	o := &UnlockOptions{}
	cmd := &cobra.Command{
		Use:   "unlock",
		Short: "Keep a passphrase vault's key in memory for a while (default 15m, at most 8h)",
		Long: `Unlock asks for the passphrase of the profile's vault once (or reads AUTHSOME_PASSPHRASE),
derives its key and hands it to a small session process, so that the commands that follow
skip the passphrase and its argon2id derivation. The session ends by itself after --for,
at once with ` + "`authsome lock`" + `, or when the process is killed; ` + "`authsome whoami`" + ` shows
how long it has left. The key stays in that process's memory: never in a file, argv or the
environment. Only this user's processes outside ` + "`authsome run`" + ` may use it: the child of
run cannot (see docs/security.md). Linux only.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return runUnlock(cmd.Context(), f, o) },
	}
	cmd.Flags().DurationVar(&o.For, "for", keysession.DefaultLifetime, "how long the session lasts (at most 8h)")
	return cmd
}

func runUnlock(ctx context.Context, f *Factory, o *UnlockOptions) error {
	if o.For <= 0 || o.For > keysession.MaxLifetime {
		return usagef("--for must be between 1s and %s", keysession.MaxLifetime)
	}
	if inside, how := isolate.InsideRun(); inside {
		return usagef("`authsome unlock` refuses to run inside `authsome run` (%s)", how)
	}
	home := vault.Home{Dir: f.Home()}
	profile, err := f.selectedProfile(home)
	if err != nil {
		return err
	}
	dir := home.ProfileDir(profile)
	if st, err := keysession.Query(ctx, dir); err == nil {
		return fmt.Errorf("profile %q is unlocked already, until %s; `authsome lock` ends it", profile, st.Expires.Local().Format(time.TimeOnly))
	}
	pass, err := f.readPassphrase(profile)
	if err != nil {
		return err
	}
	salt, kek, err := vault.PassphraseSessionKey(ctx, dir, pass)
	clear(pass)
	if err != nil {
		return err
	}
	defer clear(kek)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	expires := time.Now().Add(o.For).Truncate(time.Second)
	if _, err := keysession.Start(exe, keysession.Config{Dir: dir, Salt: salt, Key: kek, Expires: expires}); err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, sessionOut{Profile: profile, Unlocked: true, Expires: expires})
	}
	fmt.Fprintf(f.IO.Out, "Unlocked profile %q until %s (%s); `authsome lock` ends it now.\n", profile, expires.Local().Format(time.TimeOnly), o.For)
	return nil
}

func newLockCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "lock",
		Short: "End the profile's unlock session at once",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			home := vault.Home{Dir: f.Home()}
			profile, err := f.selectedProfile(home)
			if err != nil {
				return err
			}
			err = keysession.Lock(cmd.Context(), home.ProfileDir(profile))
			if err != nil && !errors.Is(err, keysession.ErrNoSession) {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, sessionOut{Profile: profile})
			}
			if errors.Is(err, keysession.ErrNoSession) {
				fmt.Fprintf(f.IO.Out, "Profile %q was not unlocked.\n", profile)
				return nil
			}
			fmt.Fprintf(f.IO.Out, "Locked profile %q: commands ask for its passphrase again.\n", profile)
			return nil
		},
	}
}

// unlockedUntil returns the session of the profile folder dir, for whoami; nil when none.
func unlockedUntil(ctx context.Context, profile, dir string) *sessionOut {
	st, err := keysession.Query(ctx, dir)
	if err != nil {
		return nil
	}
	return &sessionOut{Profile: profile, Unlocked: true, Expires: st.Expires}
}

// newKeySessionCmd is the hidden command the session process runs as.
func newKeySessionCmd() *cobra.Command {
	return &cobra.Command{
		Use:                keysession.ServeCommand,
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(*cobra.Command, []string) error {
			code := keysession.ServeInherited(func(pid int) string {
				if inside, how := isolate.ProcessInsideRun(pid); inside {
					return "the peer is inside `authsome run` (" + how + ")"
				}
				return ""
			})
			if code != 0 {
				return &silentError{code: code}
			}
			return nil
		},
	}
}
