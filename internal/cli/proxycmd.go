package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/internal/isolate"
)

type proxyOptions struct {
	f             *Factory
	Listen        string
	Providers     []string // P or P:CONN
	DenyUnmatched bool
}

func newProxyCmd(f *Factory, runF func(*proxyOptions) error) *cobra.Command {
	opts := &proxyOptions{f: f}
	cmd := &cobra.Command{
		Use:   "proxy [--listen 127.0.0.1:PORT]",
		Short: "Run the credential-injecting proxy for agents started elsewhere",
		Long: `Run the same proxy as ` + "`authsome run`" + `, long-running, for agents started elsewhere
(containers, IDEs). It prints the proxy URL with its credentials, the CA file to trust and the
base URLs; give those to the agent. The CA is kept in the profile folder (key 0600), can sign
only the routed hosts and lasts 30 days: a proxy still running a week before it expires says so,
and a restart then makes a new one. Stop with Ctrl-C.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !loopbackAddr(opts.Listen) {
				return usagef("--listen must be a loopback address such as 127.0.0.1:8080 or [::1]:8080 (the proxy hands out your credentials)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runProxy(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1:0", "loopback address to listen on")
	cmd.Flags().StringArrayVar(&opts.Providers, "provider", nil, "provider (and connection) to inject, as P or P:CONN; repeatable")
	cmd.Flags().BoolVar(&opts.DenyUnmatched, "deny-unmatched", false, "refuse traffic to hosts no provider routes")
	registerProviderSpecFlag(cmd, f)
	return cmd
}

func runProxy(ctx context.Context, opts *proxyOptions) error {
	f := opts.f
	_ = isolate.Protect() // other processes of this user must not read the tokens it holds
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	pr, err := startProxy(ctx, b, proxyConfig{specs: opts.Providers, denyUnmatched: opts.DenyUnmatched, listen: opts.Listen, caDir: filepath.Join(b.Vault().Dir(), "proxy-ca"), logger: f.WarnLogger()})
	if err != nil {
		return err
	}
	defer pr.Close()
	if f.JSON {
		err = writeJSON(f.IO.Out, map[string]any{"proxy_url": pr.proxyURL.String(), "ca_file": pr.caFile, "ca_bundle": pr.bundle, "base_urls": pr.baseVars})
	} else {
		w := f.IO.Out
		fmt.Fprintf(w, "Proxy:      %s\nCA:         %s\nCA bundle:  %s\n", pr.proxyURL, pr.caFile, pr.bundle)
		for _, k := range sortedKeys(pr.baseVars) {
			fmt.Fprintf(w, "Base URL:   %s=%s\n", k, pr.baseVars[k])
		}
		fmt.Fprintf(w, "\nFor the agent:\n  export HTTPS_PROXY=%s HTTP_PROXY=%s\n  export SSL_CERT_FILE=%s NODE_EXTRA_CA_CERTS=%s\n", shellQuote(pr.proxyURL.String()), shellQuote(pr.proxyURL.String()), pr.bundle, pr.caFile)
		fmt.Fprintln(w, "\nPress Ctrl-C to stop.")
	}
	if err != nil {
		return err
	}
	warnBeforeExpiry(ctx, f.IO.ErrOut, pr.caExpiry, proxyCAWarnAhead, time.Hour,
		"Restart `authsome proxy` (it makes a new CA) and give the agents the new CA file.")
	f.notef("Proxy stopped.\n")
	return nil
}

// loopbackAddr reports whether addr (host:port, IPv6 in brackets) listens on loopback only:
// localhost or a loopback IP. An empty host means every interface.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// proxyCAWarnAhead is how long before its CA expires a running `authsome proxy` starts saying
// so (a restart within that time makes a new CA: LoadOrCreateCA renews 7 days ahead).
const proxyCAWarnAhead = 7 * 24 * time.Hour

// warnBeforeExpiry waits for ctx, and meanwhile, checking every interval, tells the user once
// a day, from ahead before expiry on, that the proxy's CA expires: after that, agents can no
// longer verify the proxy. restart says what to do.
func warnBeforeExpiry(ctx context.Context, w io.Writer, expiry time.Time, ahead, interval time.Duration, restart string) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var last time.Time
	for {
		if left := time.Until(expiry); left < ahead && time.Since(last) >= 24*time.Hour {
			last = time.Now()
			if left <= 0 {
				fmt.Fprintf(w, "authsome: warning: the proxy's CA expired at %s: agents can no longer verify the proxy. %s\n", expiry.Format(time.RFC3339), restart)
			} else {
				fmt.Fprintf(w, "authsome: warning: the proxy's CA expires at %s (in %s). %s\n", expiry.Format(time.RFC3339), left.Round(time.Minute), restart)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
