package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/sandbox"
)

type sandboxOptions struct {
	f            *Factory
	Listen       string // "" = the last address, else a free loopback port
	State        string
	PlainHTTP    bool
	AutoApprove  bool
	AllowRemote  bool
	Fresh        bool
	SeedMessages int
}

func newSandboxCmd(f *Factory, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{f: f}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the offline Microsoft 365 tenant (identity platform + Graph) in the foreground",
		Long: `Run the offline Microsoft 365 sandbox: the Microsoft identity platform v2.0 and Microsoft
Graph v1.0 with a seeded demo tenant, over TLS with its own CA (written next to its state).

While it runs, sandbox.json in the home folder describes it (URL, CA file, tenant, seeded
clients and users), so ` + "`authsome login microsoft --cloud sandbox`" + ` finds it. Stop it with Ctrl-C.
Opened in a browser, its URL shows the tenant, its users and how to trust its CA.

It resumes where it stopped: the tenant (every answered write), its signing keys, its CA and its
address are kept in the home folder (sandbox/), so sign-ins and a trusted CA survive a restart.
--fresh starts the tenant over; --state DIR keeps it elsewhere.

It listens on loopback only, unless --listen names another address and --allow-remote is
given; then its control API (/_sandbox/) requires "Authorization: Bearer <token>", with the
token in sandbox.json (control_token).

--seed-messages N adds N generated messages to the first seeded user's inbox before the
sandbox starts serving, for big mailboxes (POST /_sandbox/seed/messages does the same while
it runs).`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Fresh && opts.State != "" {
				return usagef("--fresh starts the tenant kept in the home folder over; to start over with --state, give an empty folder")
			}
			if opts.Listen != "" {
				if err := checkSandboxListen(opts.Listen, opts.AllowRemote); err != nil {
					return err
				}
			}
			if opts.SeedMessages < 0 || opts.SeedMessages > sandbox.MaxSeedMessages {
				return usagef("--seed-messages %d: give a count from 0 to %d", opts.SeedMessages, sandbox.MaxSeedMessages)
			}
			if runF != nil {
				return runF(opts)
			}
			return runSandbox(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", "", "address to listen on (loopback unless --allow-remote; default: the last one, else a free loopback port)")
	cmd.Flags().BoolVar(&opts.Fresh, "fresh", false, "start the tenant kept in the home folder over")
	cmd.AddCommand(newSandboxTrustCmd(f, nil))
	cmd.Flags().BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a --listen address other machines can reach; the control API then requires a token")
	cmd.Flags().StringVar(&opts.State, "state", "", "keep the tenant in this folder instead of the home folder's sandbox/state: every answered write survives a restart, even after a crash (a state file of an older version there is converted)")
	cmd.Flags().BoolVar(&opts.PlainHTTP, "plain-http", false, "serve plain HTTP instead of TLS (for tests)")
	cmd.Flags().BoolVar(&opts.AutoApprove, "auto-approve", false, "approve every device code and consent as the first seeded user")
	cmd.Flags().IntVar(&opts.SeedMessages, "seed-messages", 0, "add this many generated messages to the first seeded user's inbox")
	return cmd
}

// checkSandboxListen refuses a --listen that is not host:port, or not loopback without
// --allow-remote.
func checkSandboxListen(listen string, allowRemote bool) error {
	if _, _, err := net.SplitHostPort(listen); err != nil {
		return usagef("--listen %q is not host:port (such as 127.0.0.1:8080)", listen)
	}
	if !loopbackAddr(listen) && !allowRemote {
		return usagef("--listen %q is not a loopback address; the sandbox's control API hands out its client secret and user passwords, so listen there only with --allow-remote (the control API then requires a token)", listen)
	}
	return nil
}

func runSandbox(ctx context.Context, opts *sandboxOptions) error {
	f := opts.f
	home := f.Home()
	dir := filepath.Join(home, "sandbox")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	state := opts.State
	if state == "" {
		state = filepath.Join(dir, "state")
		if opts.Fresh {
			if err := os.RemoveAll(state); err != nil {
				return err
			}
		}
	}
	listen, remembered := opts.Listen, opts.Listen == ""
	if remembered {
		listen = lastListen(dir)
		if err := checkSandboxListen(listen, opts.AllowRemote); err != nil {
			return err
		}
	}
	sb, err := sandbox.New(sandbox.Options{Dir: dir, PlainHTTP: opts.PlainHTTP, AutoApprove: opts.AutoApprove, StateDir: state, RequireControlToken: opts.AllowRemote})
	if err != nil {
		return err
	}
	if opts.SeedMessages > 0 {
		if err := seedSandbox(f, sb, opts.SeedMessages); err != nil {
			return err
		}
	}
	err = sb.Start(listen)
	if err != nil && remembered && listen != defaultListen {
		fmt.Fprintf(f.IO.ErrOut, "The sandbox's last address %s is taken; listening on another one (sign-ins made against the old address need a new login).\n", listen)
		listen = defaultListen
		err = sb.Start(listen)
	}
	if err != nil {
		return fmt.Errorf("%w: cannot listen on %s: %v", broker.ErrUnreachable, listen, err)
	}
	if remembered {
		rememberListen(dir, sb.URL())
	}
	defer sb.Close()
	infoPath := filepath.Join(home, broker.SandboxInfoFile)
	if err := sandbox.WriteInfo(infoPath, sb.Info()); err != nil {
		return err
	}
	defer os.Remove(infoPath)
	info := sb.Info()
	if f.JSON {
		if err := writeJSON(f.IO.Out, info); err != nil {
			return err
		}
	} else {
		w := f.IO.Out
		fmt.Fprintf(w, "Microsoft 365 sandbox on %s\n", info.URL)
		if info.CAFile != "" {
			fmt.Fprintf(w, "CA certificate: %s\n", info.CAFile)
		}
		fmt.Fprintf(w, "Tenant:         %s\n", info.TenantID)
		fmt.Fprintf(w, "Public client:  %s\n", info.PublicClientID)
		fmt.Fprintf(w, "App-only client: %s (secret in %s)\n", info.ConfidentialClientID, infoPath)
		if info.ControlToken != "" {
			fmt.Fprintf(w, "Control API:    needs Authorization: Bearer <control_token from %s>\n", infoPath)
		}
		fmt.Fprintln(w, "Users:")
		for _, u := range info.Users {
			fmt.Fprintf(w, "  %-40s password %s\n", u.UserPrincipalName, u.Password)
		}
		fmt.Fprintln(w, "\nSign in with: authsome login microsoft --cloud sandbox\nPress Ctrl-C to stop.")
	}
	<-ctx.Done()
	f.notef("Sandbox stopped.\n")
	return nil
}

// seedSandbox adds n generated messages to the first seeded user's inbox,
// reporting progress on stderr for big counts, and the rate at the end.
func seedSandbox(f *Factory, sb *sandbox.Server, n int) error {
	const step = 50_000
	upn := sandbox.Users()[0].UserPrincipalName
	start := time.Now()
	for done := 0; done < n; {
		k := min(step, n-done)
		if err := sb.SeedMessages(upn, "inbox", k); err != nil {
			return err
		}
		if done += k; n > step {
			f.notef("Seeded %d of %d messages\n", done, n)
		}
	}
	d := time.Since(start)
	f.notef("Seeded %d messages into the inbox of %s in %.1f s (%.0f messages/s)\n", n, upn, d.Seconds(), float64(n)/d.Seconds())
	return nil
}

var errSandboxGone = errors.New("sandbox stopped")

// defaultListen is where a sandbox listens the first time: a free loopback port.
const defaultListen = "127.0.0.1:0"

// listenFile remembers, in the sandbox's folder, the address it last listened on.
const listenFile = "listen"

// lastListen is the address the sandbox kept in dir listened on last time, or defaultListen.
func lastListen(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, listenFile))
	if err != nil {
		return defaultListen
	}
	addr := strings.TrimSpace(string(b))
	if host, _, err := net.SplitHostPort(addr); err != nil || !loopbackAddr(addr) || host == "" {
		return defaultListen
	}
	return addr
}

// rememberListen keeps the address of url (https://127.0.0.1:PORT) for the next start.
func rememberListen(dir, rawURL string) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return
	}
	_ = os.WriteFile(filepath.Join(dir, listenFile), []byte(u.Host+"\n"), 0o600)
}
