package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/sandbox"
)

// waitingReader is a terminal where nothing is typed: Read says it started and blocks until
// the test ends. A prompt reading it can only end by Ctrl-C.
type waitingReader struct {
	prefix  string // typed before the wait, one byte a Read
	started chan struct{}
	end     chan struct{}
}

func newWaitingReader(t *testing.T, prefix string) *waitingReader {
	r := &waitingReader{prefix: prefix, started: make(chan struct{}), end: make(chan struct{})}
	t.Cleanup(func() { close(r.end) })
	return r
}

func (r *waitingReader) Read(p []byte) (int, error) {
	if r.prefix != "" {
		n := copy(p[:1], r.prefix)
		r.prefix = r.prefix[n:]
		return n, nil
	}
	select {
	case <-r.started:
	default:
		close(r.started)
	}
	<-r.end
	return 0, io.EOF
}

// promptTerminal is IOStreams on a terminal: stdin waits (after prefix), the hidden read waits.
func promptTerminal(t *testing.T, prefix string) (ios *IOStreams, in *waitingReader, hidden chan struct{}, errOut *syncBuffer) {
	ios, _, _, _ = Test()
	in = newWaitingReader(t, prefix)
	errOut = watchFor("\x00") // nothing to watch
	ios.In, ios.ErrOut = in, errOut
	ios.stdinTTY, ios.stderrTTY = true, true
	hidden = make(chan struct{})
	end := in.end
	ios.readPassword = func() ([]byte, error) { close(hidden); <-end; return []byte("late"), nil }
	return ios, in, hidden, errOut
}

var microsoftClient = oauth.ClientFormInfo{Provider: "microsoft", DisplayName: "Microsoft", AskSecret: true}

func TestCtrlCAtClientIDPrompt(t *testing.T) {
	t.Parallel()
	ios, in, _, errOut := promptTerminal(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-in.started; cancel() }()
	id, secret, err := promptClient(ctx, ios, microsoftClient)
	if !errors.Is(err, context.Canceled) || id != "" || secret != "" {
		t.Fatalf("got %q %q %v", id, secret, err)
	}
	if !strings.HasSuffix(errOut.String(), "Client (application) id: \n") {
		t.Errorf("the prompt line is not ended: %q", errOut.String())
	}
	if message(err) != "cancelled" {
		t.Errorf("message %q", message(err))
	}
	if code, _ := classify(err); code != exitUsage {
		t.Errorf("exit %d", code)
	}
}

func TestCtrlCAtClientSecretPrompt(t *testing.T) {
	t.Parallel()
	ios, _, hidden, _ := promptTerminal(t, "11111111-2222-3333-4444-555555555555\n")
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-hidden; cancel() }()
	id, secret, err := promptClient(ctx, ios, microsoftClient)
	if !errors.Is(err, context.Canceled) || id != "" || secret != "" {
		t.Fatalf("got %q %q %v", id, secret, err)
	}
}

func TestCtrlCAtHiddenPromptWithoutContext(t *testing.T) {
	// promptHidden (the passphrase, rekey) has no context: Ctrl-C reaches it as a signal.
	ios, _, hidden, _ := promptTerminal(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	old := interruptContext
	interruptContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	t.Cleanup(func() { interruptContext = old })
	go func() { <-hidden; cancel() }() // the signal
	if v, err := promptHidden(ios, "Passphrase"); !errors.Is(err, context.Canceled) || v != "" {
		t.Fatalf("got %q %v", v, err)
	}
}

func TestClientIDPromptChecksLikeThePage(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := Test()
	errOut := watchFor("\x00")
	ios.ErrOut = errOut
	ios.In = strings.NewReader("not a guid\nabc\n11111111-2222-3333-4444-555555555555\n")
	ios.readPassword = func() ([]byte, error) { return []byte(" s3cret \n"), nil }
	id, secret, err := promptClient(t.Context(), ios, microsoftClient)
	if err != nil || id != "11111111-2222-3333-4444-555555555555" || secret != "s3cret" {
		t.Fatalf("got %q %q %v", id, secret, err)
	}
	page := microsoftClient.CheckClientID("abc")
	if page == "" || strings.Count(errOut.String(), page) != 1 || strings.Count(errOut.String(), microsoftClient.CheckClientID("not a guid")) < 1 {
		t.Errorf("the terminal does not say what the page says (%q):\n%s", page, errOut.String())
	}
	// Input that ends without a valid id is an error, not a loop.
	ios.In = strings.NewReader("abc\n")
	if _, _, err := promptClient(t.Context(), ios, microsoftClient); err == nil || !strings.Contains(err.Error(), "no client id") {
		t.Fatalf("end of input: %v", err)
	}
	// Another provider's id only needs to be one word.
	ios.In = strings.NewReader("app-1\n")
	other := oauth.ClientFormInfo{Provider: "gitlab", DisplayName: "GitLab"}
	if id, _, err := promptClient(t.Context(), ios, other); err != nil || id != "app-1" {
		t.Fatalf("gitlab: %q %v", id, err)
	}
}

func TestLoginClientIDFlagChecked(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	r := runHome(t, home, "login", "microsoft", "--client-id", "not-a-guid", "--no-browser")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "--client-id: A Microsoft client id is a GUID") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// runCancelled runs args on the terminal ios and presses Ctrl-C (ends the context) once
// errOut shows want; it returns the exit code.
func runCancelled(t *testing.T, ios *IOStreams, errOut *syncBuffer, want string, args ...string) int {
	t.Helper()
	errOut.want = want
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { <-errOut.seen; cancel() }()
	return Run(ctx, ios, args)
}

// noSignInStored checks that home's vault holds no connection and no client.
func noSignInStored(t *testing.T, home string) {
	t.Helper()
	r := runHome(t, home, "list", "--json")
	if r.code != 0 || strings.Contains(r.stdout, `"connection_name"`) || strings.Contains(r.stdout, "11111111-2222") {
		t.Errorf("something was stored: %s", r.stdout)
	}
}

func TestLoginCtrlCAtEachPrompt(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("BROWSER", "")
	for _, tc := range []struct {
		name, typed, want string
	}{
		{"client id", "", "Client (application) id: "},
		{"client secret", "11111111-2222-3333-4444-555555555555\n", "Client secret (leave empty for a public client): "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := testEnv(t)
			ios, _, _, _ := promptTerminal(t, tc.typed)
			errOut := watchFor("")
			ios.ErrOut = errOut
			code := runCancelled(t, ios, errOut, tc.want, "--home", home, "login", "microsoft", "--no-browser")
			if code != exitUsage || !strings.HasSuffix(errOut.String(), tc.want+"\nauthsome: cancelled\n") {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
			}
			noSignInStored(t, home)
			if _, err := os.Stat(filepath.Join(home, "profiles", "default", "vault.json")); err == nil {
				t.Error("a vault was written")
			}
		})
	}
}

func TestLoginCtrlCWhileWaiting(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("BROWSER", "")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"device code", []string{"--flow", "device_code"}, "Waiting for the sign-in (Ctrl-C to cancel)"},
		{"browser", []string{"--flow", "pkce", "--no-browser", "--port", "0"}, "Waiting for the browser sign-in (Ctrl-C to cancel)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := testEnv(t)
			startSandbox(t, home, sandbox.Options{})
			ios, _, _, _ := Test()
			errOut := watchFor("")
			ios.ErrOut = errOut
			args := append([]string{"--home", home, "login", "microsoft", "--cloud", "sandbox"}, tc.args...)
			code := runCancelled(t, ios, errOut, tc.want, args...)
			got := errOut.String()
			if code != exitUsage || !strings.HasSuffix(got, "\nauthsome: cancelled\n") {
				t.Fatalf("exit %d, stderr:\n%s", code, got)
			}
			noSignInStored(t, home)
		})
	}
}

func TestLoginDeviceCodeExpired(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	sb := startSandbox(t, home, sandbox.Options{DeviceInterval: time.Second})
	ios, _, _, _ := Test()
	errOut := watchFor("Waiting for the sign-in (Ctrl-C to cancel)")
	ios.ErrOut = errOut
	done := make(chan int, 1)
	go func() {
		done <- Run(t.Context(), ios, []string{"--home", home, "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code"})
	}()
	<-errOut.seen
	if _, err := sb.AdvanceClock(16 * time.Minute); err != nil { // the sandbox's code is 15 minutes old now
		t.Fatal(err)
	}
	code := <-done
	got := errOut.String()
	if code != exitUsage || !strings.HasSuffix(got, "\nauthsome: the code expired before the sign-in was finished: run the command again for a new code, and enter it before the time shown runs out\n") {
		t.Fatalf("exit %d, stderr:\n%s", code, got)
	}
	noSignInStored(t, home)
}
