package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/cli/termui"
	"github.com/authsome-go/authsome/oauth"
)

// testTicks is a clock for the sign-in screen whose ticks the test sends.
type testTicks struct {
	start time.Time
	ch    chan time.Time
}

func newTestTicks() *testTicks {
	return &testTicks{start: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), ch: make(chan time.Time)}
}

func (c *testTicks) options() termui.Options {
	return termui.Options{Now: func() time.Time { return c.start },
		Ticker: func(time.Duration) (<-chan time.Time, func()) { return c.ch, func() {} }}
}

func testDeviceAuth(issued time.Time) *oauth.DeviceAuth {
	return &oauth.DeviceAuth{DeviceCode: "secret-device-code", UserCode: "F7GQ2KBNC", VerificationURI: "https://microsoft.com/devicelogin",
		Message:  "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code F7GQ2KBNC to authenticate.",
		Interval: 5 * time.Second, ExpiresIn: 15 * time.Minute, Issued: issued}
}

// colorEnv clears NO_COLOR for the test.
func colorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	os.Unsetenv("NO_COLOR")
}

// lineAlone reports whether s has a line that is want with only spaces around it.
func lineAlone(s, want string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

func TestSigninScreenDeviceCodeTTY(t *testing.T) {
	colorEnv(t)
	ios, _, _, errOut := Test()
	ios.stderrTTY = true
	clk := newTestTicks()
	var copied []string
	s := signinScreenFor(&Factory{IO: ios}, clk.options(), func(text string) string { copied = append(copied, text); return "xclip" })
	s.deviceCode(testDeviceAuth(clk.start))
	clk.ch <- clk.start.Add(time.Second)
	clk.ch <- clk.start.Add(61 * time.Second)
	if err := s.finish(nil); err != nil {
		t.Fatal(err)
	}
	got := errOut.String()
	if len(copied) != 1 || copied[0] != "F7GQ2KBNC" {
		t.Errorf("copied %q", copied)
	}
	if !lineAlone(got, "https://microsoft.com/devicelogin") || !lineAlone(got, "\x1b[1mF7GQ2KBNC\x1b[0m") {
		t.Errorf("the URL and the code (bold) are not on lines of their own:\n%s", got)
	}
	if !strings.Contains(got, "and enter the code (copied to the clipboard):") {
		t.Errorf("no word of the copy:\n%s", got)
	}
	for _, want := range []string{"Waiting for the sign-in… 15:00 left (Ctrl-C to cancel)", "14:59 left", "13:59 left"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%q", want, got)
		}
	}
	if strings.Contains(got, "secret-device-code") || strings.Contains(got, "To sign in, use a web browser") {
		t.Errorf("the device code or the server's sentence is shown:\n%s", got)
	}
	if !strings.HasSuffix(got, "\r") {
		t.Errorf("the wait line is not cleared at the end: %q", got[len(got)-80:])
	}
}

func TestSigninScreenClipboardNotClaimed(t *testing.T) {
	colorEnv(t)
	ios, _, _, errOut := Test()
	ios.stderrTTY = true
	s := signinScreenFor(&Factory{IO: ios}, newTestTicks().options(), func(string) string { return "" })
	s.deviceCode(testDeviceAuth(time.Time{}))
	_ = s.finish(nil)
	got := errOut.String()
	if strings.Contains(got, "copied") {
		t.Errorf("says copied when no tool did:\n%s", got)
	}
	if !strings.Contains(got, termui.OSC52("F7GQ2KBNC")) {
		t.Errorf("no OSC 52 on a colour terminal: %q", got)
	}
	if strings.Contains(got, " left") {
		t.Errorf("a countdown without an expiry: %q", got)
	}
}

func TestSigninScreenPlain(t *testing.T) {
	colorEnv(t)
	for _, tc := range []struct {
		name    string
		tty     bool
		noColor bool
	}{{"not a terminal", false, false}, {"--no-color on a terminal", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			ios, _, _, errOut := Test()
			ios.stderrTTY = tc.tty
			f := &Factory{IO: ios}
			f.NoColor = tc.noColor
			clk := newTestTicks()
			copies := 0
			s := signinScreenFor(f, clk.options(), func(string) string { copies++; return "xclip" })
			s.deviceCode(testDeviceAuth(clk.start))
			clk.ch <- clk.start.Add(time.Minute)
			_ = s.finish(nil)
			got := errOut.String()
			if strings.Contains(got, "\x1b") {
				t.Errorf("escape codes: %q", got)
			}
			if !lineAlone(got, "https://microsoft.com/devicelogin") || !lineAlone(got, "F7GQ2KBNC") {
				t.Errorf("the URL and the code are not on lines of their own:\n%s", got)
			}
			if tc.tty {
				if copies != 1 || !strings.Contains(got, "14:00 left") {
					t.Errorf("terminal without colour: copies %d\n%q", copies, got)
				}
				return
			}
			if copies != 0 || strings.Contains(got, "copied") || strings.Contains(got, "\r") {
				t.Errorf("not a terminal: copies %d, output %q", copies, got)
			}
			if !strings.Contains(got, "Waiting for the sign-in (Ctrl-C to cancel): 15 minutes left.\nWaiting for the sign-in: 14 minutes left.\n") {
				t.Errorf("plain countdown:\n%s", got)
			}
		})
	}
}

func TestSigninScreenQuiet(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := Test()
	s := signinScreenFor(&Factory{IO: ios, globalFlags: globalFlags{Quiet: true}}, newTestTicks().options(), nil)
	s.deviceCode(testDeviceAuth(time.Time{}))
	_ = s.finish(nil)
	if got := errOut.String(); !lineAlone(got, "F7GQ2KBNC") || strings.Contains(got, "Waiting") {
		t.Errorf("--quiet shows the code and no wait line:\n%s", got)
	}
}

func TestSigninScreenBrowser(t *testing.T) {
	t.Parallel()
	for _, opening := range []bool{false, true} {
		ios, _, _, errOut := Test()
		clk := newTestTicks()
		s := signinScreenFor(&Factory{IO: ios}, clk.options(), nil)
		u := "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x&state=y"
		s.browser(u, "http://127.0.0.1:7998", opening)
		_ = s.finish(nil)
		got := errOut.String()
		if !lineAlone(got, u) || !strings.Contains(got, "Waiting for the browser sign-in (Ctrl-C to cancel): 5 minutes left.") {
			t.Errorf("opening=%v:\n%s", opening, got)
		}
		if !opening && (strings.Contains(got, "did not open") || strings.Contains(got, "does not open") || !strings.Contains(got, "Open this URL in a browser")) {
			t.Errorf("--no-browser text:\n%s", got)
		}
		if opening && !strings.Contains(got, "Opening the sign-in page in your browser") {
			t.Errorf("browser text:\n%s", got)
		}
	}
}

func TestSigninFinishExpired(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := Test()
	s := signinScreenFor(&Factory{IO: ios}, newTestTicks().options(), nil)
	err := s.finish(fmt.Errorf("oauth: the device code expired after 15m0s without a sign-in: %w", oauth.ErrExpired))
	if !errors.Is(err, oauth.ErrExpired) || !strings.Contains(err.Error(), "run the command again for a new code") {
		t.Fatalf("expired: %v", err)
	}
	if code, _ := classify(err); code != exitUsage {
		t.Errorf("exit %d", code)
	}
	other := errors.New("boom")
	if s.finish(other) != other {
		t.Error("another error is changed")
	}
}

// syncBuffer is a writer safe for the command and the test, which waits for text to appear.
type syncBuffer struct {
	mu   sync.Mutex
	b    strings.Builder
	seen chan struct{}
	want string
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if w.want != "" && strings.Contains(w.b.String(), w.want) {
		w.want = ""
		close(w.seen)
	}
	return len(p), nil
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// watchFor returns a writer that closes its seen channel once want has been written.
func watchFor(want string) *syncBuffer { return &syncBuffer{want: want, seen: make(chan struct{})} }
