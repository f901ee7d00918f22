package cli

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// nowFunc is the clock of the commands (a variable for tests).
var nowFunc = time.Now

// accountJSON and connectionOut are the stable --json shapes of a connection (docs/json.md);
// the names authsome uses (connection_name, is_default) come first. They never carry a secret.
type accountJSON struct {
	Username string `json:"username,omitempty"`
	ObjectID string `json:"object_id,omitempty"`
	Name     string `json:"name,omitempty"`
	TenantID string `json:"tenant_id,omitempty"`
}

type connectionOut struct {
	Provider        string      `json:"provider"`
	Connection      string      `json:"connection_name"`
	Profile         string      `json:"profile"`
	Default         bool        `json:"is_default"`
	AuthType        string      `json:"auth_type"`
	Flow            string      `json:"flow,omitempty"`
	Status          string      `json:"status"`
	Cloud           string      `json:"cloud,omitempty"`
	Tenant          string      `json:"tenant,omitempty"`
	ClientID        string      `json:"client_id,omitempty"`
	Account         accountJSON `json:"account"`
	Scopes          []string    `json:"scopes,omitempty"`
	ExpiresAt       *time.Time  `json:"expires_at,omitempty"`
	ObtainedAt      *time.Time  `json:"obtained_at,omitempty"`
	LastRefreshAt   *time.Time  `json:"last_refresh_at,omitempty"`
	HasRefreshToken bool        `json:"has_refresh_token"`
	LastError       string      `json:"last_error,omitempty"`
}

func connectionJSON(c *vault.Connection, profile string, isDefault bool, now time.Time) connectionOut {
	return connectionOut{
		Provider: c.Provider, Connection: c.Name, Profile: profile, Default: isDefault,
		AuthType: c.AuthType, Flow: c.Flow, Status: status(c, now),
		Cloud: c.Cloud, Tenant: c.Tenant, ClientID: c.ClientID,
		Account:   accountJSON{Username: c.Account.Username, ObjectID: c.Account.ObjectID, Name: c.Account.Name, TenantID: c.Account.TenantID},
		Scopes:    c.Scopes,
		ExpiresAt: timePtr(c.Expiry), ObtainedAt: timePtr(c.ObtainedAt), LastRefreshAt: timePtr(c.LastRefreshAt),
		HasRefreshToken: c.RefreshToken != "", LastError: c.LastError,
	}
}

// status is what a user should know: connected, expired (renewed on next use when it can be),
// or needs_login.
func status(c *vault.Connection, now time.Time) string {
	switch {
	case c.Status == broker.StatusNeedsLogin:
		return broker.StatusNeedsLogin
	case c.AuthType == string(provider.AuthAPIKey):
		return broker.StatusConnected
	case !c.Expiry.IsZero() && !now.Before(c.Expiry):
		if c.RefreshToken != "" || c.Flow == string(provider.FlowClientCredentials) {
			return "expired (renews on use)"
		}
		return "expired"
	}
	return broker.StatusConnected
}

type listOptions struct {
	f   *Factory
	All bool
}

func newListCmd(f *Factory, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Providers and connections with status and expiry",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runList(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "also list providers without connections when piped")
	return cmd
}

func runList(ctx context.Context, opts *listOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	list, err := b.List(ctx)
	if err != nil {
		return err
	}
	if _, warns, err := b.Catalog().ListWithWarnings(); err == nil {
		printWarnings(f, warns) // the files List skipped
	}
	now := nowFunc()
	if f.JSON {
		return writeJSON(f.IO.Out, listJSON(b.Profile(), list, now))
	}
	tty := f.IO.IsStdoutTTY()
	t := newTable(f.IO.Out, tty, "PROVIDER", "CONNECTION", "STATUS", "EXPIRES", "ACCOUNT", "SOURCE")
	connected := 0
	for _, p := range list {
		if len(p.Connections) == 0 {
			if opts.All || tty {
				t.add(p.Def.Name, "-", "not connected", "-", "-", string(p.Source))
			}
			continue
		}
		for _, c := range p.Connections {
			connected++
			name := c.Name
			if c.Name == p.Default {
				name += " (default)"
			}
			t.add(p.Def.Name, name, status(c, now), when(c.Expiry, now, tty), accountName(c), string(p.Source))
		}
	}
	if tty {
		fmt.Fprintf(f.IO.Out, "Profile %q: %d providers, %d connections\n\n", b.Profile(), len(list), connected)
	}
	return t.flush()
}

// accountName is the account a connection shows people: its user name, else its display
// name, else "-".
func accountName(c *vault.Connection) string {
	switch {
	case c.Account.Username != "":
		return c.Account.Username
	case c.Account.Name != "":
		return c.Account.Name
	}
	return "-"
}

// loginOut is login --json: authsome's {status, provider, connection, record_status}, and the
// stored connection as get shows it (without secrets).
type loginOut struct {
	Status       string        `json:"status"`
	Provider     string        `json:"provider"`
	Connection   string        `json:"connection"`
	RecordStatus string        `json:"record_status"`
	Record       connectionOut `json:"record"`
}

// loginJSON is login --json for the connection c just stored: is_default is true only when c
// is the provider's default connection (the first one, or one set with set-default).
func loginJSON(ctx context.Context, b *broker.Broker, c *vault.Connection, now time.Time) loginOut {
	isDefault, _ := isDefaultConn(ctx, b, c)
	rec := connectionJSON(c, b.Profile(), isDefault, now)
	return loginOut{Status: "success", Provider: c.Provider, Connection: c.Name, RecordStatus: rec.Status, Record: rec}
}

// providerOut is one provider of list --json.
type providerOut struct {
	Name        string          `json:"name"`
	DisplayName string          `json:"display_name"`
	AuthType    string          `json:"auth_type"`
	Source      string          `json:"source"`
	Default     string          `json:"default_connection,omitempty"`
	Connections []connectionOut `json:"connections"`
}

// listOut is list --json: authsome's {"bundled": [...], "custom": [...]}, where custom holds
// the providers defined by a user file (new ones and overrides of bundled ones).
type listOut struct {
	Profile string        `json:"profile"`
	Bundled []providerOut `json:"bundled"`
	Custom  []providerOut `json:"custom"`
}

func listJSON(profile string, list []broker.ProviderStatus, now time.Time) listOut {
	out := listOut{Profile: profile, Bundled: []providerOut{}, Custom: []providerOut{}}
	for _, p := range list {
		po := providerOut{Name: p.Def.Name, DisplayName: p.Def.DisplayName, AuthType: string(p.Def.AuthType), Source: string(p.Source), Default: p.Default, Connections: []connectionOut{}}
		for _, c := range p.Connections {
			po.Connections = append(po.Connections, connectionJSON(c, profile, c.Name == p.Default, now))
		}
		if p.Source == provider.SourceBundled {
			out.Bundled = append(out.Bundled, po)
		} else {
			out.Custom = append(out.Custom, po)
		}
	}
	return out
}

// secretFields are the --field values of get that print a credential.
var secretFields = []string{"access_token", "refresh_token", "api_key"}

type getOptions struct {
	f          *Factory
	Provider   string
	Connection string
	Field      string
	ShowSecret bool
}

func newGetCmd(f *Factory, runF func(*getOptions) error) *cobra.Command {
	opts := &getOptions{f: f}
	cmd := &cobra.Command{
		Use:   "get PROVIDER",
		Short: "Show a connection (secrets redacted); --field access_token prints a valid token",
		Example: `  authsome get microsoft
  authsome get microsoft --field access_token     # refreshed first if needed
  authsome get microsoft --field expires_at
  authsome get microsoft --field refresh_token --show-secret`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			// The access token (or an API-key provider's key) is what a program needs to call
			// the API, and export prints it too; the refresh token mints new ones for months,
			// so, like export's --include-refresh-token, it is printed only on request.
			if opts.Field == "refresh_token" && !opts.ShowSecret {
				return usagef("--field refresh_token prints a long-lived secret; add --show-secret to print it")
			}
			if opts.Field != "" && !slices.Contains(secretFields, opts.Field) {
				if _, ok := fieldValue(connectionOut{}, opts.Field); !ok {
					return usagef("unknown --field %q (%s)", opts.Field, strings.Join(getFields, ", "))
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runGet(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Connection, "connection", "", "connection name (default: the provider's default)")
	fl.StringVar(&opts.Field, "field", "", "print one field only (access_token prints a valid, refreshed token; refresh_token needs --show-secret)")
	fl.BoolVar(&opts.ShowSecret, "show-secret", false, "show secrets instead of redacting them (and allow --field refresh_token)")
	registerConnectionFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("field", cobra.FixedCompletions(getFields, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// getFields are the --field values get lists in its usage error and completes.
var getFields = []string{"access_token", "refresh_token", "api_key", "status", "expires_at", "tenant", "cloud", "client_id", "username", "object_id", "scopes", "account"}

func runGet(ctx context.Context, opts *getOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(secretFields, opts.Field) {
		c, err := b.Token(ctx, opts.Provider, opts.Connection)
		if err != nil {
			return err
		}
		v := map[string]string{"access_token": c.AccessToken, "refresh_token": c.RefreshToken, "api_key": c.APIKey}[opts.Field]
		if v == "" {
			return fmt.Errorf("%s/%s has no %s", c.Provider, c.Name, opts.Field)
		}
		fmt.Fprintln(f.IO.Out, v)
		return nil
	}
	c, err := b.Connection(ctx, opts.Provider, opts.Connection)
	if err != nil {
		return err
	}
	isDefault := opts.Connection == "" // the default connection was asked for: no second read
	if !isDefault {
		if isDefault, err = isDefaultConn(ctx, b, c); err != nil {
			return err
		}
	}
	rec := connectionJSON(c, b.Profile(), isDefault, nowFunc())
	if opts.Field != "" {
		v, _ := fieldValue(rec, opts.Field)
		fmt.Fprintln(f.IO.Out, v)
		return nil
	}
	secrets := struct {
		AccessToken  string `json:"access_token,omitempty"`
		RefreshToken string `json:"refresh_token,omitempty"`
		APIKey       string `json:"api_key,omitempty"`
	}{redact(c.AccessToken, opts.ShowSecret), redact(c.RefreshToken, opts.ShowSecret), redact(c.APIKey, opts.ShowSecret)}
	if opts.ShowSecret {
		f.warnf("secrets are shown below; keep them out of logs and shell history")
	}
	return writeJSON(f.IO.Out, rec, secrets)
}

func redact(s string, show bool) string {
	if s == "" || show {
		return s
	}
	return "***REDACTED***"
}

func fieldValue(c connectionOut, field string) (string, bool) {
	fmtTime := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	v, ok := map[string]string{
		"provider": c.Provider, "connection": c.Connection, "connection_name": c.Connection, "profile": c.Profile, "status": c.Status,
		"auth_type": c.AuthType, "flow": c.Flow, "cloud": c.Cloud, "tenant": c.Tenant, "client_id": c.ClientID,
		"username": c.Account.Username, "object_id": c.Account.ObjectID, "account": c.Account.Username,
		"name": c.Account.Name, "tenant_id": c.Account.TenantID, "scopes": strings.Join(c.Scopes, " "),
		"expires_at": fmtTime(c.ExpiresAt), "obtained_at": fmtTime(c.ObtainedAt), "last_refresh_at": fmtTime(c.LastRefreshAt),
		"default": fmt.Sprint(c.Default), "is_default": fmt.Sprint(c.Default),
	}[field]
	return v, ok
}

func isDefaultConn(ctx context.Context, b *broker.Broker, c *vault.Connection) (bool, error) {
	d, err := b.Connection(ctx, c.Provider, "")
	if err != nil {
		return false, nil
	}
	return d.Name == c.Name, nil
}

// logoutOut is logout --json (authsome's {"status": "logged_out", ...}). Revoked is false when
// the provider has no revocation endpoint or revoking failed; SessionsRevoked is set with
// --revoke-sessions.
type logoutOut struct {
	Status          string `json:"status"`
	Provider        string `json:"provider"`
	Connection      string `json:"connection"`
	Revoked         bool   `json:"revoked"`
	SessionsRevoked bool   `json:"sessions_revoked,omitempty"`
}

type logoutOptions struct {
	f              *Factory
	Provider       string
	Connection     string
	RevokeSessions bool
}

func newLogoutCmd(f *Factory, runF func(*logoutOptions) error) *cobra.Command {
	opts := &logoutOptions{f: f}
	cmd := &cobra.Command{
		Use:   "logout PROVIDER",
		Short: "Delete a connection (revoking it where the provider supports it)",
		Long: `Delete a connection, revoking its tokens first where the provider has a revocation
endpoint. Microsoft has none: its access token stays valid until it expires (logout says so).
--revoke-sessions (Microsoft only) first calls Graph's POST /me/revokeSignInSessions with the
connection's token, which ends the refresh tokens Microsoft issued to the user before (on every
device and app; it needs the delegated permission User.RevokeSessions.All); if that fails,
nothing is deleted.`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runLogout(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Connection, "connection", "", "connection name (default: the provider's default)")
	cmd.Flags().BoolVar(&opts.RevokeSessions, "revoke-sessions", false, "Microsoft: end the user's sign-in sessions (refresh tokens) at Microsoft first")
	registerConnectionFlag(cmd, f)
	return cmd
}

func runLogout(ctx context.Context, opts *logoutOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	c, err := b.Connection(ctx, opts.Provider, opts.Connection)
	if err != nil {
		return err
	}
	if opts.RevokeSessions {
		if err := revokeSignInSessions(ctx, f, c); err != nil {
			return err
		}
	}
	revokeErr, err := b.Logout(ctx, c.Provider, c.Name)
	if err != nil {
		return err
	}
	if revokeErr != nil {
		f.warnf("remote revocation failed (the local connection was deleted): %s", message(revokeErr))
	}
	def, _, _ := b.Catalog().Get(c.Provider)
	if !f.JSON {
		f.notef("Logged out of %s/%s.\n", c.Provider, c.Name)
	}
	noteTokenStaysValid(f, def, c)
	if f.JSON {
		revoked := revokeErr == nil && broker.RevokesTokens(def, c)
		return writeJSON(f.IO.Out, logoutOut{Status: "logged_out", Provider: c.Provider, Connection: c.Name, Revoked: revoked, SessionsRevoked: opts.RevokeSessions})
	}
	return nil
}

type setDefaultOptions struct {
	f          *Factory
	Provider   string
	Connection string
}

func newSetDefaultCmd(f *Factory, runF func(*setDefaultOptions) error) *cobra.Command {
	opts := &setDefaultOptions{f: f}
	return &cobra.Command{
		Use:   "set-default PROVIDER CONNECTION",
		Short: "Make a connection the provider's default",
		Args:  exactArgs(2, "a provider and a connection name"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			switch len(args) {
			case 0:
				return completeProviders(cmd.Context(), f)
			case 1:
				return completeConnections(cmd.Context(), f, args[0])
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider, opts.Connection = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return runSetDefault(cmd.Context(), opts)
		},
	}
}

func runSetDefault(ctx context.Context, opts *setDefaultOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	if err := b.SetDefault(ctx, opts.Provider, opts.Connection); err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"provider": opts.Provider, "default_connection": opts.Connection})
	}
	f.notef("Default %s connection is now %q.\n", opts.Provider, opts.Connection)
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
