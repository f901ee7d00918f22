// Package cli is the authsome command tree: one file per command group. Commands parse flags,
// call the broker and other packages, and print; the packages below them do the work.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/vault"
)

// Version is the authsome version, set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// Factory hands commands their dependencies, built lazily after flags are parsed.
type Factory struct {
	IO *IOStreams

	JSON    bool
	Profile string
	HomeDir string
	Verbose bool
	globalFlags

	once   sync.Once
	broker *broker.Broker
	err    error
	// eventSink, set before the broker opens, receives its events beside the audit log (the
	// gateway's metrics).
	eventSink func(broker.Event)

	homeOnce sync.Once
	home     string
}

// Home returns the authsome home folder: --home, $AUTHSOME_HOME, or the default
// ([broker.ChooseHome]; see notePythonHome).
func (f *Factory) Home() string {
	if f.HomeDir != "" {
		return f.HomeDir
	}
	f.homeOnce.Do(func() {
		c := broker.ChooseHome()
		f.home = c.Dir
		f.notePythonHome(c)
	})
	return f.home
}

// Logger returns the debug logger: stderr with -v and the --log-file, else discarded. Never
// log secrets.
func (f *Factory) Logger() *slog.Logger {
	hs := f.logHandlers()
	if len(hs) == 0 {
		return discardLogger()
	}
	return slog.New(slog.NewMultiHandler(hs...))
}

// WarnLogger is Logger for long-running work (the proxy of run and proxy): warnings reach
// stderr even without -v, since they explain what a child sees (a refused certificate, a
// failed upstream); --quiet keeps them off stderr (the --log-file still gets them).
func (f *Factory) WarnLogger() *slog.Logger {
	hs := f.logHandlers()
	if !f.Verbose && !f.Quiet {
		hs = append(hs, &warnHandler{w: f.IO.ErrOut, mu: new(sync.Mutex)})
	}
	if len(hs) == 0 {
		return discardLogger()
	}
	return slog.New(slog.NewMultiHandler(hs...))
}

// warnHandler prints warnings for people: "authsome: warning: MSG (key=value ...)".
type warnHandler struct {
	w     io.Writer
	mu    *sync.Mutex
	attrs []slog.Attr
}

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString("authsome: warning: ")
	b.WriteString(r.Message)
	var kv []string
	add := func(a slog.Attr) bool {
		kv = append(kv, a.Key+"="+a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	if len(kv) > 0 {
		b.WriteString(" (" + strings.Join(kv, " ") + ")")
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *warnHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &warnHandler{w: h.w, mu: h.mu, attrs: append(slices.Clip(h.attrs), as...)}
}

func (h *warnHandler) WithGroup(string) slog.Handler { return h }

// Broker opens the selected profile once.
func (f *Factory) Broker(ctx context.Context) (*broker.Broker, error) {
	f.once.Do(func() {
		opts := broker.Options{Home: f.Home(), Profile: f.Profile, Logger: f.Logger(), Events: f.recordEvent}
		f.err = f.passphraseKeys(&opts)
		if f.err == nil {
			f.broker, f.err = broker.Open(ctx, opts)
		}
	})
	return f.broker, f.err
}

// passphraseKeys sets opts.Keys to the profile's key source, whose passphrase, for a
// passphrase-protected vault, comes from $AUTHSOME_PASSPHRASE or, on a terminal, a prompt.
func (f *Factory) passphraseKeys(opts *broker.Options) error {
	home := vault.Home{Dir: opts.Home}
	profile, err := f.selectedProfile(home)
	if err != nil {
		return err
	}
	// The source settles from the vault header when the vault is first read (one read per
	// command); the passphrase is asked for only when the header records one.
	opts.Keys = vault.ProfileKeySource(home.ProfileDir(profile), func() ([]byte, error) { return f.readPassphrase(profile) })
	return nil
}

// selectedProfile is --profile (checked), else the home's active profile.
func (f *Factory) selectedProfile(home vault.Home) (string, error) {
	if f.Profile != "" {
		if err := vault.ValidateProfileName(f.Profile); err != nil {
			return "", &usageError{"--profile: " + err.Error()}
		}
		return f.Profile, nil
	}
	return home.Active()
}

// readPassphrase returns the passphrase of profile from $AUTHSOME_PASSPHRASE or, on a
// terminal, a prompt.
func (f *Factory) readPassphrase(profile string) ([]byte, error) {
	if p := os.Getenv("AUTHSOME_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	if !f.IO.CanPrompt() {
		return nil, fmt.Errorf("%w: set AUTHSOME_PASSPHRASE or run in a terminal", vault.ErrNeedPassphrase)
	}
	p, err := promptHidden(f.IO, fmt.Sprintf("Passphrase for profile %q", profile))
	return []byte(p), err
}

// Main runs the command line and returns the process exit code. The first SIGINT or SIGTERM
// cancels the command; until Main returns, further ones are absorbed, so that a refresh the
// identity platform has answered is stored before the process exits (see refreshGrace).
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, System(), os.Args[1:])
}

// refreshGrace bounds how long a finished command waits for token refreshes it gave up on
// (Ctrl-C while a refresh was in flight) to be stored.
const refreshGrace = 30 * time.Second

// waitRefreshes waits, bounded by refreshGrace, for refreshes the command left in flight; with
// rotating refresh tokens, exiting before they are stored would lose the connection.
func (f *Factory) waitRefreshes(ctx context.Context) {
	if f.broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshGrace)
	defer cancel()
	if err := f.broker.Wait(ctx); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "authsome: warning: a token refresh was not saved within %s; if the connection stops working, sign in again\n", refreshGrace)
	}
}

// Run executes args against ios and returns the exit code.
func Run(ctx context.Context, ios *IOStreams, args []string) int {
	f := &Factory{IO: ios}
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err := root.ExecuteContext(ctx)
	f.waitRefreshes(ctx)
	defer f.closeLogFile()
	if err == nil {
		return exitOK
	}
	if isCobraUsage(err) {
		err = &usageError{err.Error()}
	}
	// Cobra fails on an unknown command before parsing flags, so look for --json ourselves.
	asJSON := f.JSON || slices.Contains(args, "--json")
	return reportError(ios.ErrOut, asJSON, err)
}

func isCobraUsage(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return false
	}
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires ", "invalid argument", "flag needs", "required flag"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "authsome",
		Short: "Use Microsoft 365 and other APIs without handing credentials to agents",
		Long: `authsome signs in to providers once, keeps the tokens encrypted, refreshes them safely,
and runs agents behind a local proxy that injects the real credential.

Start with:  authsome demo            (offline, on the built-in Microsoft 365 sandbox)
Then:        authsome login microsoft`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	pf := root.PersistentFlags()
	pf.BoolVar(&f.JSON, "json", false, "machine-readable JSON output")
	pf.StringVar(&f.Profile, "profile", "", "profile to use (default: the active profile)")
	pf.StringVar(&f.HomeDir, "home", "", "authsome home folder (default $AUTHSOME_HOME, $XDG_CONFIG_HOME/authsome or ~/.authsome; ~/.authsome-go when that holds the Python authsome's files)")
	pf.BoolVarP(&f.Verbose, "verbose", "v", false, "debug logs on stderr (never secrets)")
	f.globalFlags.register(root)
	_ = root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeProfiles(f)
	})

	root.AddCommand(
		newLoginCmd(f, nil),
		newLogoutCmd(f, nil),
		newListCmd(f, nil),
		newGetCmd(f, nil),
		newExportCmd(f, nil),
		newInspectCmd(f, nil),
		newProvidersCmd(f),
		newProfileCmd(f),
		newSetDefaultCmd(f, nil),
		newRekeyCmd(f, nil),
		newWhoamiCmd(f, nil),
		newAPICmd(f, nil),
		newDriveCmd(f),
		newDoctorCmd(f, nil),
		newVersionCmd(f, nil),
		newSandboxCmd(f, nil),
		newDemoCmd(f, nil),
		newRunCmd(f, nil),
		newProxyCmd(f, nil),
		newLogCmd(f, nil),
		newRevokeCmd(f, nil),
		newRemoveCmd(f, nil),
		newInitCmd(f, nil),
		newStoreCmd(f),
		newServeCmd(f, nil),
		newAgentCmd(f),
		newImportCmd(f),
		newIsolateHelperCmd(),
		newMCPCmd(f),
		newUnlockCmd(f), newLockCmd(f), newKeySessionCmd(),
	)
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if err := f.checkHome(); err != nil {
			return err
		}
		if err := f.openLogFile(); err != nil {
			return err
		}
		f.Logger().Debug("command", "path", cmd.CommandPath(), "version", Version)
		return guardRun(cmd, args)
	}
	return root
}

// groupCmd is a command that only holds subcommands: run without one it prints help; with an
// unknown one it is a usage error (exit 2), not a silent success.
func groupCmd(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q (see `%s --help`)", args[0], cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
}

// exactArgs is cobra.ExactArgs with a usage error that names the expected arguments.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s expects %s (see `authsome %s --help`)", cmd.CommandPath(), what, cmd.Name())
		}
		return nil
	}
}
