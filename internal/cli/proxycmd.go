package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func newProxyCmd(f *Factory) *cobra.Command {
	var listen string
	var specs []string
	var deny bool
	cmd := &cobra.Command{
		Use:   "proxy [--listen 127.0.0.1:PORT]",
		Short: "Run the credential-injecting proxy for agents started elsewhere",
		Long: `Run the same proxy as ` + "`authsome run`" + `, long-running, for agents started elsewhere
(containers, IDEs). It prints the proxy URL with its credentials, the CA file to trust and the
base URLs; give those to the agent. The CA is kept in the profile folder (key 0600) and can sign
only the routed hosts. Stop with Ctrl-C.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if host, _, ok := strings.Cut(listen, ":"); !ok || (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
				return usagef("--listen must be a loopback address such as 127.0.0.1:8080 (the proxy hands out your credentials)")
			}
			b, err := f.Broker(ctx)
			if err != nil {
				return err
			}
			pr, err := startProxy(ctx, b, proxyConfig{specs: specs, denyUnmatched: deny, listen: listen, caDir: filepath.Join(b.Vault().Dir(), "proxy-ca"), logger: f.WarnLogger()})
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
			<-ctx.Done()
			fmt.Fprintln(f.IO.ErrOut, "Proxy stopped.")
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "loopback address to listen on")
	cmd.Flags().StringArrayVar(&specs, "provider", nil, "provider (and connection) to inject, as P or P:CONN; repeatable")
	cmd.Flags().BoolVar(&deny, "deny-unmatched", false, "refuse traffic to hosts no provider routes")
	return cmd
}
