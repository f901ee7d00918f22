package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

// globalFlags are the root flags that shape output for every command: --quiet, --no-color
// and --log-file (docs/json.md and README list them).
type globalFlags struct {
	Quiet   bool
	NoColor bool
	LogFile string

	logFile *os.File // open while a command runs, when --log-file is set
}

func (g *globalFlags) register(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "no progress, hints or warnings on stderr (errors still print)")
	pf.BoolVar(&g.NoColor, "no-color", false, "no colours in output (also when NO_COLOR is set)")
	pf.StringVar(&g.LogFile, "log-file", "", "append debug logs to this file, created 0600 (never secrets; \"\" disables)")
}

// notef prints a sentence for people on stderr: a confirmation, a hint or a note. --quiet
// drops it; errors and what a command must show (a device code) do not go through here.
func (f *Factory) notef(format string, args ...any) {
	if f.Quiet {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, format, args...)
}

// warnf prints "authsome: warning: ..." on stderr unless --quiet: something went wrong that
// did not stop the command.
func (f *Factory) warnf(format string, args ...any) {
	f.notef("authsome: "+paint(f.color(f.IO.IsStderrTTY()), ansiYellow, "warning:")+" "+format+"\n", args...)
}

// color reports whether output on a terminal may use ANSI colours: not with --no-color, not
// when NO_COLOR is set to anything (https://no-color.org), and only on a terminal.
func (f *Factory) color(tty bool) bool {
	if f.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return tty
}

// paint wraps s in the ANSI colour code when on is set.
func paint(on bool, code, s string) string {
	if !on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// ANSI colour codes used by paint.
const (
	ansiRed    = "31"
	ansiGreen  = "32"
	ansiYellow = "33"
)

// openLogFile opens --log-file for appending, creating it 0600; a file that is not a regular
// file (a symlink to elsewhere, a device) is refused.
func (f *Factory) openLogFile() error {
	if f.LogFile == "" || f.logFile != nil {
		return nil
	}
	fh, err := os.OpenFile(f.LogFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("--log-file: %w", err)
	}
	fi, err := fh.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", f.LogFile)
	}
	if err == nil && fi.Mode().Perm() != 0o600 {
		err = fh.Chmod(0o600)
	}
	if err != nil {
		fh.Close()
		return fmt.Errorf("--log-file: %w", err)
	}
	f.logFile = fh
	return nil
}

// closeLogFile closes --log-file at the end of Run.
func (f *Factory) closeLogFile() {
	if f.logFile != nil {
		f.logFile.Close()
		f.logFile = nil
	}
}

// logHandlers returns the debug log destinations: stderr with -v, the --log-file.
func (f *Factory) logHandlers() []slog.Handler {
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	var hs []slog.Handler
	if f.Verbose {
		hs = append(hs, slog.NewTextHandler(f.IO.ErrOut, opts))
	}
	if f.logFile != nil {
		hs = append(hs, slog.NewJSONHandler(f.logFile, opts))
	}
	return hs
}

// discardLogger logs nothing.
func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
