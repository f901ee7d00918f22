package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/atomicfile"
	"github.com/authsome-go/authsome/proxy"
)

// storeCAOptions are the options of `authsome store ca`.
type storeCAOptions struct {
	store     storeFlags
	out       string
	hostnames []string
	reissue   bool
}

func newStoreCACmd(f *Factory, runF func(*storeCAOptions) error) *cobra.Command {
	o := &storeCAOptions{}
	cmd := &cobra.Command{
		Use:   "ca --store postgres://USER@HOST/DB [--out FILE] [--hostname NAME]... [--reissue]",
		Short: "Print the gateway CA certificate shared by the store's gateways, or widen it",
		Long: `Print (or write to --out) the certificate of the gateway CA kept in a PostgreSQL store: every
` + "`authsome serve --store`" + ` replica of the profile, on any host, presents it, so agents trust this
one file (SSL_CERT_FILE, or ` + "`authsome run --gateway --gateway-ca FILE`" + `). Its key is sealed in
the database with the store's key, like the tokens.

The CA can sign only the names it was made for: the routed API hosts and the --hostname names of
the replica that made it. --hostname NAME adds names agents reach replicas by; --reissue makes a
new CA for the same names plus the routed hosts of today's connections (before it expires, or
after a compromise). Either makes a new key and certificate: give agents the new file and
restart the replicas. --hostname creates the CA when the store has none yet.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.store.dsn == "" {
				return usagef("--store is needed: the store's connection string, postgres://USER@HOST/DB (or set %s)", envStoreURL)
			}
			if _, err := proxy.NewCA(o.hostnames, time.Minute); err != nil {
				return usagef("--hostname: %v", err)
			}
			if runF != nil {
				return runF(o)
			}
			return runStoreCA(cmd.Context(), f, o)
		},
	}
	o.store.register(cmd.Flags())
	cmd.Flags().StringVar(&o.out, "out", "", "write the certificate (PEM) to FILE instead of printing it")
	cmd.Flags().StringArrayVar(&o.hostnames, "hostname", nil, "a DNS name agents reach a gateway replica by, for the CA to cover (repeatable; a new CA when not covered yet)")
	cmd.Flags().BoolVar(&o.reissue, "reissue", false, "make a new CA (key and certificate) for the same names and today's routed hosts")
	return cmd
}

func runStoreCA(ctx context.Context, f *Factory, o *storeCAOptions) error {
	b, ps, err := o.store.openBroker(ctx, f, nil)
	if err != nil {
		return err
	}
	defer ps.Close()
	var ca *proxy.CA
	if len(o.hostnames) == 0 && !o.reissue {
		got, err := ps.GatewayCA(ctx)
		if err != nil {
			return err
		}
		if got == nil {
			return errors.New("the store has no gateway CA yet: start `authsome serve --store …`, or make one with `authsome store ca --hostname NAME`")
		}
		if ca, err = proxy.ParseCA(got.CertPEM, got.KeyPEM); err != nil {
			return fmt.Errorf("the store's gateway CA: %w", err)
		}
	} else {
		routes, _, err := gatewayRoutes(ctx, b, f.WarnLogger())
		if err != nil && !errors.Is(err, broker.ErrConnectionNotFound) {
			return err
		}
		if ca, err = storeCA(ctx, ps, caHosts(nil, routes), o.hostnames, o.reissue); err != nil {
			return err
		}
		if !slices.ContainsFunc(ca.Hosts(), func(h string) bool { return !slices.Contains(o.hostnames, h) }) {
			f.WarnLogger().Warn("the CA covers no API host (the store has no connection yet): agents reach connections through /v1 only until it is re-issued (`authsome store ca --reissue`) after a sign-in")
		}
	}
	c := ca.Certificate()
	if o.out != "" {
		if err := atomicfile.Write(o.out, ca.CertPEM(), 0o644); err != nil {
			return err
		}
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"file": o.out, "hosts": ca.Hosts(), "not_after": c.NotAfter.UTC().Format(time.RFC3339),
			"cert_pem": string(ca.CertPEM())})
	}
	if o.out == "" {
		_, err := f.IO.Out.Write(ca.CertPEM())
		return err
	}
	f.notef("Gateway CA of the store written to %s (for %v; valid until %s).\n", o.out, ca.Hosts(), c.NotAfter.Format(time.DateOnly))
	return nil
}
