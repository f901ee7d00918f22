package cli

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams carries the standard streams and what is known about them. Every command writes
// through it, so tests can capture output.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	// readPassword reads a line without echo from the terminal (nil when In is not a terminal).
	readPassword func() ([]byte, error)
}

// System returns IOStreams over the process's standard streams.
func System() *IOStreams {
	ios := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	ios.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	ios.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	ios.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	if ios.stdinTTY {
		ios.readPassword = func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) }
	}
	return ios
}

// Test returns IOStreams over buffers, with no terminal.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal (progress bars go there).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked something interactively.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }
