package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/term"

	"github.com/authsome-go/authsome/internal/cli/termui"
	"github.com/authsome-go/authsome/oauth"
)

// interruptContext is a context that ends at Ctrl-C (SIGINT), for prompts called without the
// command's context. Tests replace it.
var interruptContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// promptLine shows label and reads one line from stdin; Ctrl-C (ctx ending) cancels it with
// ctx's error, so what is typed afterwards is not taken as the answer.
func promptLine(ctx context.Context, ios *IOStreams, label string) (string, error) {
	fmt.Fprint(ios.ErrOut, label)
	line, err := termui.ReadLine(ctx, ios.In)
	if err != nil && ctx.Err() != nil {
		fmt.Fprintln(ios.ErrOut) // the error goes on a line of its own, after the echoed ^C
	}
	return line, err
}

// promptHidden asks for a hidden value on the terminal; Ctrl-C cancels it (see promptHiddenCtx).
func promptHidden(ios *IOStreams, label string) (string, error) {
	ctx, stop := interruptContext()
	defer stop()
	return promptHiddenCtx(ctx, ios, label)
}

// promptHiddenCtx shows "label: " and reads a line without echo. When ctx ends first (Ctrl-C)
// the terminal is put back as it was, echo on, and ctx's error returned.
func promptHiddenCtx(ctx context.Context, ios *IOStreams, label string) (string, error) {
	if ios.readPassword == nil {
		return "", usagef("%s is needed but stdin is not a terminal", label)
	}
	fmt.Fprintf(ios.ErrOut, "%s: ", label)
	b, err := termui.Cancellable(ctx, ios.readPassword, terminalRestorer(ios.In))
	fmt.Fprintln(ios.ErrOut)
	return strings.TrimSpace(string(b)), err
}

// terminalRestorer returns a function that puts the terminal on in back in its current state,
// or nil when in is not a terminal.
func terminalRestorer(in io.Reader) func() {
	f, ok := in.(*os.File)
	if !ok {
		return nil
	}
	fd := int(f.Fd())
	st, err := term.GetState(fd)
	if err != nil {
		return nil
	}
	return func() { _ = term.Restore(fd, st) }
}

// promptClient asks in the terminal for the OAuth client of a provider: the client id, checked
// by the same rule as the client-id page (asked again until it passes), and an optional
// secret. Ctrl-C at either prompt cancels with ctx's error.
func promptClient(ctx context.Context, ios *IOStreams, info oauth.ClientFormInfo) (string, string, error) {
	fmt.Fprintf(ios.ErrOut, "No OAuth client is stored for %s.\n", info.DisplayName)
	if info.RedirectURI != "" {
		fmt.Fprintf(ios.ErrOut, "Register an app with redirect URI %s (platform \"Mobile and desktop applications\").\n", info.RedirectURI)
	}
	if info.DocsURL != "" {
		fmt.Fprintf(ios.ErrOut, "Instructions: %s\n", info.DocsURL)
	}
	var id string
	for {
		line, err := promptLine(ctx, ios, "Client (application) id: ")
		if errors.Is(err, io.EOF) {
			return "", "", errors.New("no client id given")
		}
		if err != nil {
			return "", "", err
		}
		id = strings.TrimSpace(line)
		msg := info.CheckClientID(id)
		if msg == "" {
			break
		}
		fmt.Fprintln(ios.ErrOut, msg)
	}
	secret := ""
	if info.AskSecret {
		var err error
		if secret, err = promptHiddenCtx(ctx, ios, "Client secret (leave empty for a public client)"); err != nil {
			return "", "", err
		}
	}
	return id, secret, nil
}
