package cli

import (
	"errors"
	"time"

	"github.com/authsome-go/authsome/internal/cli/termui"
	"github.com/authsome-go/authsome/oauth"
)

// signinScreen shows a sign-in on stderr while the broker waits for the user: the device
// code and the page to enter it on, or the browser URL, each on its own line, then a wait line
// with the time left until the sign-in ends (a spinner on a terminal, plain lines otherwise).
type signinScreen struct {
	scr   *termui.Screen
	now   func() time.Time
	tty   bool                     // a person watches stderr: the code goes to the clipboard
	color bool                     // escape codes allowed (bold, OSC 52)
	quiet bool                     // --quiet: the instructions only, no wait line
	clip  func(text string) string // copies text, naming the tool that did ("" if none)
}

// newSigninScreen is the sign-in screen of f's stderr.
func newSigninScreen(f *Factory) *signinScreen {
	return signinScreenFor(f, termui.Options{Now: nowFunc}, termui.SystemClipboard().Copy)
}

// signinScreenFor is the sign-in screen of f's stderr with o's clock and ticker, copying to
// the clipboard with clip.
func signinScreenFor(f *Factory, o termui.Options, clip func(string) string) *signinScreen {
	o.TTY = f.IO.IsStderrTTY()
	o.Color = f.color(o.TTY)
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &signinScreen{scr: termui.New(f.IO.ErrOut, o), now: now, tty: o.TTY, color: o.Color, quiet: f.Quiet, clip: clip}
}

// notify prints a message of the broker above the wait line.
func (s *signinScreen) notify(msg string) { s.scr.Println(msg) }

// deviceCode shows where to go and which code to enter, copies the code to the clipboard on a
// terminal, and waits until the code expires.
func (s *signinScreen) deviceCode(da *oauth.DeviceAuth) {
	copied := ""
	if s.tty {
		if tool := s.clip(da.UserCode); tool != "" {
			copied = " (copied to the clipboard)"
		} else if s.color {
			_, _ = s.scr.Write([]byte(termui.OSC52(da.UserCode))) // may work; never claimed
		}
	}
	s.lines("To sign in, open this page in a browser:", "", "    "+da.VerificationURI, "",
		"and enter the code"+copied+":", "", "    "+s.scr.Strong(da.UserCode), "")
	s.wait("Waiting for the sign-in", da.Expiry())
}

// browser shows the sign-in URL of the browser flow; opening says whether a browser is
// being opened on it.
func (s *signinScreen) browser(authURL, redirect string, opening bool) {
	head := "Open this URL in a browser to sign in:"
	if opening {
		head = "Opening the sign-in page in your browser. If it does not open, go to this URL:"
	}
	s.lines(head, "", authURL, "", "(the sign-in comes back to "+redirect+")", "")
	s.wait("Waiting for the browser sign-in", s.now().Add(oauth.SignInTimeout))
}

func (s *signinScreen) lines(ls ...string) {
	for _, l := range ls {
		s.scr.Println(l)
	}
}

func (s *signinScreen) wait(label string, deadline time.Time) {
	if !s.quiet {
		s.scr.Wait(label, deadline)
	}
}

// finish ends the wait line and returns the sign-in's error in the words a person needs: an
// expired device code says what to do; Ctrl-C stays context.Canceled (reported as
// "cancelled", exit 2).
func (s *signinScreen) finish(err error) error {
	s.scr.Stop()
	if err != nil && errors.Is(err, oauth.ErrExpired) {
		return &codeExpiredError{err}
	}
	return err
}

// codeExpiredError is a device code that expired before the sign-in was finished.
type codeExpiredError struct{ err error }

func (e *codeExpiredError) Error() string {
	return "the code expired before the sign-in was finished: run the command again for a new code, and enter it before the time shown runs out"
}

func (e *codeExpiredError) Unwrap() error { return e.err }
