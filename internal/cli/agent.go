package cli

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/gateway/grant"
)

// agentStore is the profile's agents file, written under the profile's "agents" lock.
func agentStore(b *broker.Broker) *gateway.FileAgents {
	return gateway.NewFileAgents(filepath.Join(b.Vault().Dir(), gateway.AgentsFileName),
		func(ctx context.Context) (func(), error) { return b.Vault().Lock(ctx, "agents") })
}

func newAgentCmd(f *Factory) *cobra.Command {
	cmd := groupCmd("agent", "Manage the agents of `authsome serve`: their credentials and grants")
	cmd.Long = `Agents are the clients of the gateway (` + "`authsome serve`" + `). Each has a credential, shown once
and kept only as a hash, and a grant: the connections it may use and, optionally, the requests
(METHOD /path patterns) it may send with them. With --store (default $` + envStoreURL + `), the agents
are those of a PostgreSQL store, shared by every gateway serving it. See docs/gateway.md.`
	sf := &storeFlags{}
	sf.register(cmd.PersistentFlags())
	cmd.AddCommand(newAgentAddCmd(f, sf), newAgentListCmd(f, sf), newAgentRevokeCmd(f, sf), newAgentRotateCmd(f, sf))
	return cmd
}

func newAgentAddCmd(f *Factory, sf *storeFlags) *cobra.Command {
	var grants, allow []string
	var expires, certFile string
	var export bool
	cmd := &cobra.Command{
		Use:   "add NAME --grant PROVIDER:CONNECTION [--allow 'METHOD /path' | --allow-token-export] [--expires 30d] [--client-cert FILE]",
		Short: "Add an agent and print its credential (once)",
		Long: `Add an agent and print its credential once: give it to the agent, it cannot be shown again
(` + "`agent rotate`" + ` makes a new one). --grant names a connection the agent may use (repeatable);
--allow limits its requests to those a pattern allows (repeatable; none: every request):
'GET /v1.0/me/messages/**' allows reading mail, '*' in a segment matches any characters,
'**' any number of segments. --expires sets a lifetime (30d, 12h). With --client-cert (a PEM
certificate), the agent authenticates with that TLS client certificate (pinned by its SHA-256)
instead of a credential, and none is printed.

--allow-token-export lets the agent fetch the connections' access tokens themselves (POST
/v1/token/PROVIDER/CONNECTION), for programs that can use neither the proxy nor the API: a
deliberate exception to "the credential never leaves the gateway". With a token, the agent can
do anything its scopes allow until it expires, outside any --allow rule (so the two are not
accepted together) and the audit log. ` + "`agent list`" + ` marks such agents.`,
		Args: exactArgs(1, "an agent name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseGrant(grants, allow)
			if err != nil {
				return err
			}
			if g.ExportToken = export; export && len(allow) > 0 {
				return usagef("--allow-token-export and --allow cannot be used together: an agent holding the token can send any request with it")
			}
			ttl, err := parseLifetime(expires)
			if err != nil {
				return err
			}
			if err := gateway.ValidateAgentName(args[0]); err != nil {
				return usagef("%v", err)
			}
			ctx := cmd.Context()
			b, store, done, err := sf.openAgents(ctx, f)
			if err != nil {
				return err
			}
			defer done()
			for _, c := range g.Connections {
				if _, err := b.Connection(ctx, c.Provider, c.Name); err != nil {
					return err
				}
			}
			cert, err := readClientCert(certFile)
			if err != nil {
				return err
			}
			a, cred, err := gateway.NewAgent(args[0], g, time.Now(), ttl, cert)
			if err != nil {
				return usagef("%v", err)
			}
			if err := store.Create(ctx, a); err != nil {
				return err
			}
			if export {
				f.warnf("agent %s may export access tokens (--allow-token-export): with one, it can do anything the token's scopes allow until it expires, outside the gateway's grant and audit", a.Name)
			}
			return printCredential(f, a, cred, "added")
		},
	}
	cmd.Flags().StringArrayVar(&grants, "grant", nil, "connection the agent may use, PROVIDER:CONNECTION (repeatable, required)")
	cmd.Flags().StringArrayVar(&allow, "allow", nil, "request the agent may send, 'METHOD /path' (repeatable; none: all)")
	cmd.Flags().BoolVar(&export, "allow-token-export", false, "let the agent fetch the access tokens themselves (POST /v1/token/...): the credential then leaves the gateway")
	cmd.Flags().StringVar(&expires, "expires", "", "lifetime of the agent, such as 30d or 12h (default: none)")
	cmd.Flags().StringVar(&certFile, "client-cert", "", "PEM client certificate the agent authenticates with (mTLS) instead of a credential")
	return cmd
}

// readClientCert reads the DER of the first certificate of a PEM file; "" is none.
func readClientCert(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--client-cert: %v", err)
	}
	for {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			return nil, usagef("--client-cert %s: no PEM certificate", path)
		}
		if b.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return nil, usagef("--client-cert %s: %v", path, err)
			}
			return b.Bytes, nil
		}
	}
}

// printCredential shows an agent's new credential, the only time it is shown.
func printCredential(f *Factory, a *gateway.Agent, cred, what string) error {
	if cred == "" {
		if f.JSON {
			return writeJSON(f.IO.Out, map[string]any{"agent": a.Name, "cert_sha256": a.CertSHA256})
		}
		f.notef("Agent %s %s: it authenticates with the client certificate SHA256:%s.\n", a.Name, what, a.CertSHA256)
		return nil
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"agent": a.Name, "credential": cred})
	}
	f.notef("Agent %s %s. Its credential, shown this once (keep it secret; `authsome agent rotate %s` makes a new one):\n", a.Name, what, a.Name)
	_, err := fmt.Fprintln(f.IO.Out, cred)
	return err
}

// parseGrant builds a grant from --grant and --allow values.
func parseGrant(grants, allow []string) (grant.Grant, error) {
	var g grant.Grant
	if len(grants) == 0 {
		return g, usagef("--grant PROVIDER:CONNECTION is required (the connection the agent may use)")
	}
	for _, s := range grants {
		c, err := grant.ParseConnection(s)
		if err != nil {
			return g, usagef("--grant: %v", err)
		}
		g.Connections = append(g.Connections, c)
	}
	for _, s := range allow {
		r, err := grant.ParseRule(s)
		if err != nil {
			return g, usagef("--allow: %v", err)
		}
		g.Allow = append(g.Allow, r)
	}
	return g, nil
}

// parseLifetime reads --expires: a number of days ("30d") or a Go duration ("12h"); "" is none.
func parseLifetime(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err == nil && days > 0 {
			return time.Duration(days) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usagef("--expires %q: want a positive number of days (30d) or a duration (12h)", s)
}

// agentView is an agent as `agent list` shows it: never its credential or hash.
type agentView struct {
	Name        string   `json:"name"`
	Status      string   `json:"status"`
	Auth        string   `json:"auth"` // "credential" or "certificate"
	CertSHA256  string   `json:"cert_sha256,omitempty"`
	Connections []string `json:"connections"`
	Allow       []string `json:"allow"`
	// TokenExport: the agent may fetch the access tokens (the grant's export_token).
	TokenExport bool      `json:"export_token"`
	CreatedAt   time.Time `json:"created_at"`
	RotatedAt   time.Time `json:"rotated_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
	RevokedAt   time.Time `json:"revoked_at,omitzero"`
}

func viewOf(a *gateway.Agent, now time.Time) agentView {
	v := agentView{Name: a.Name, Status: a.Status(now), CreatedAt: a.CreatedAt, RotatedAt: a.RotatedAt, ExpiresAt: a.ExpiresAt,
		RevokedAt: a.RevokedAt, Connections: []string{}, Allow: []string{}, Auth: "credential", CertSHA256: a.CertSHA256,
		TokenExport: a.Grant.ExportToken}
	if a.CertSHA256 != "" {
		v.Auth = "certificate"
	}
	for _, c := range a.Grant.Connections {
		v.Connections = append(v.Connections, c.String())
	}
	for _, r := range a.Grant.Allow {
		v.Allow = append(v.Allow, r.String())
	}
	return v
}

func newAgentListCmd(f *Factory, sf *storeFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the agents, their grants and status",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, store, done, err := sf.openAgents(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer done()
			agents, err := store.List(cmd.Context())
			if err != nil {
				return err
			}
			now := time.Now()
			views := make([]agentView, 0, len(agents))
			for _, a := range agents {
				views = append(views, viewOf(a, now))
			}
			if f.JSON {
				return writeJSON(f.IO.Out, map[string]any{"agents": views})
			}
			if len(views) == 0 {
				f.notef("No agents (add one with `authsome agent add NAME --grant microsoft:default`).\n")
				return nil
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATUS\tCONNECTIONS\tALLOW\tTOKEN EXPORT\tEXPIRES")
			for _, v := range views {
				allow, exp := strings.Join(v.Allow, ", "), "never"
				if allow == "" {
					allow = "every request"
				}
				export := "no"
				if v.TokenExport {
					export = "YES"
				}
				if !v.ExpiresAt.IsZero() {
					exp = v.ExpiresAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Name, v.Status, strings.Join(v.Connections, ", "), allow, export, exp)
			}
			return tw.Flush()
		},
	}
}

func newAgentRevokeCmd(f *Factory, sf *storeFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke NAME",
		Short: "Revoke an agent: every gateway on this profile refuses it from its next request",
		Args:  exactArgs(1, "an agent name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, store, done, err := sf.openAgents(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer done()
			now := time.Now().UTC()
			err = store.Update(cmd.Context(), args[0], func(a *gateway.Agent) error {
				if a.RevokedAt.IsZero() {
					a.RevokedAt = now
				}
				return nil
			})
			if err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, map[string]any{"agent": args[0], "status": "revoked"})
			}
			f.notef("Agent %s revoked.\n", args[0])
			return nil
		},
	}
}

func newAgentRotateCmd(f *Factory, sf *storeFlags) *cobra.Command {
	var certFile string
	cmd := &cobra.Command{
		Use:   "rotate NAME [--client-cert FILE]",
		Short: "Give an agent a new credential (printed once) or client certificate; the old one stops working",
		Args:  exactArgs(1, "an agent name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cert, err := readClientCert(certFile)
			if err != nil {
				return err
			}
			_, store, done, err := sf.openAgents(cmd.Context(), f)
			if err != nil {
				return err
			}
			defer done()
			var cred string
			var agent *gateway.Agent
			err = store.Update(cmd.Context(), args[0], func(a *gateway.Agent) error {
				if st := a.Status(time.Now()); st != "active" {
					return usagef("agent %s is %s: add a new one instead", a.Name, st)
				}
				a.RotatedAt = time.Now().UTC()
				agent = a
				if cert != nil {
					a.SecretSHA256, a.CertSHA256 = "", gateway.CertSHA256(cert)
					return nil
				}
				var err error
				a.CertSHA256 = ""
				cred, err = a.NewSecret()
				return err
			})
			if err != nil {
				return err
			}
			what := "has a new credential"
			if cert != nil {
				what = "has a new client certificate"
			}
			return printCredential(f, agent, cred, what)
		},
	}
	cmd.Flags().StringVar(&certFile, "client-cert", "", "pin this PEM client certificate instead of making a credential")
	return cmd
}
