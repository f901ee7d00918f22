// Package azcred lets programs built on Microsoft's own Go SDKs (msgraph-sdk-go, the Azure SDK
// for Go) take their tokens from authsome: [New] returns an azcore.TokenCredential backed by a
// broker.Broker, so the tokens come from authsome's vault, and refreshing them (with the
// broker's in-process and cross-process locks, and the rotated refresh token stored before the
// token is handed out) stays the broker's job.
//
//	b, _ := broker.Open(ctx, broker.Options{})
//	cred, _ := azcred.New(b, "microsoft", "") // the default connection
//	client, _ := msgraphsdk.NewGraphServiceClientWithCredentials(cred, []string{"https://graph.microsoft.com/.default"})
//
// A connection holds the scopes it was signed in with, and a token for one resource (Microsoft
// Graph). GetToken checks each requested scope against them: "https://graph.microsoft.com/.default"
// (or "<graph app id>/.default") stands, as at Microsoft, for every permission the connection
// was granted on Graph; a named permission ("Mail.Send", "https://graph.microsoft.com/Mail.Send")
// must be among the connection's scopes or implied by one of them (Mail.ReadWrite implies
// Mail.Read). A missing one is an error that names the command adding it
// (`authsome login microsoft --scopes +Mail.Send`): authsome never widens a connection's
// consent silently.
//
// It is a module of its own, so that authsome's main module never depends on azcore.
package azcred

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/graphperm"
)

// graphAppID is Microsoft Graph's application id, which Microsoft accepts in place of its URL
// in a scope ("00000003-0000-0000-c000-000000000000/.default").
const graphAppID = "00000003-0000-0000-c000-000000000000"

// oidcScopes name no resource; Microsoft grants them with any token request.
var oidcScopes = []string{"openid", "profile", "email", "offline_access"}

// Credential is an azcore.TokenCredential that serves one authsome connection's tokens.
type Credential struct {
	b                    *broker.Broker
	provider, connection string
}

var _ azcore.TokenCredential = (*Credential)(nil)

// Option configures a Credential. None exist yet; the parameter keeps New's signature stable.
type Option func(*Credential)

// New returns a credential serving the tokens of connection ("" for the provider's default
// connection) of provider (usually "microsoft") from b.
func New(b *broker.Broker, provider, connection string, opts ...Option) (*Credential, error) {
	if b == nil {
		return nil, errors.New("azcred: no broker")
	}
	if provider == "" {
		return nil, errors.New("azcred: no provider (use \"microsoft\")")
	}
	c := &Credential{b: b, provider: provider, connection: connection}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// GetToken returns a valid access token for the connection, refreshed by the broker when it
// is about to expire, after checking that the connection was granted opts.Scopes (see the
// package documentation). Claims challenges and multi-tenant requests are refused: the
// connection's token is what it is; sign in again to change it.
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if opts.Claims != "" {
		return azcore.AccessToken{}, c.errorf("the service asked for claims the connection's token lacks (a claims challenge, often Conditional Access); sign in again: %s --force", c.loginCommand())
	}
	conn, err := c.b.Token(ctx, c.provider, c.connection)
	if err != nil {
		return azcore.AccessToken{}, fmt.Errorf("azcred: %w", err)
	}
	if opts.TenantID != "" && conn.Tenant != "" && !strings.EqualFold(opts.TenantID, conn.Tenant) &&
		!strings.EqualFold(conn.Tenant, "common") && !strings.EqualFold(conn.Tenant, "organizations") {
		return azcore.AccessToken{}, c.errorf("the request is for tenant %s, but the connection signed in to %s", opts.TenantID, conn.Tenant)
	}
	appOnly := conn.Account.Username == ""
	if err := c.check(opts.Scopes, conn.Scopes, appOnly, c.graphHosts(conn.GraphURL)); err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: conn.AccessToken, ExpiresOn: conn.Expiry}, nil
}

// check reports the first requested scope the connection was not granted.
func (c *Credential) check(requested, granted []string, appOnly bool, graphHosts []string) error {
	if len(requested) == 0 {
		return c.errorf("no scope requested (Microsoft Graph's is https://graph.microsoft.com/.default)")
	}
	defaults, named := 0, 0
	for _, s := range requested {
		if isOIDC(s) {
			continue
		}
		resource, perm := splitScope(s)
		if resource != "" && !matchesAny(resource, graphHosts) {
			return c.errorf("the scope %q is for %s, but the connection's token is for Microsoft Graph only", s, resource)
		}
		if perm == ".default" {
			defaults++
			continue
		}
		named++
		if appOnly {
			return c.errorf("the connection is app-only (client credentials), which takes only %s/.default, not %q: an app's permissions are granted to the app registration", graphHosts[0], s)
		}
		if !grantedPerm(perm, granted) {
			return c.errorf("the connection lacks %s; add it with: %s --scopes +%s", perm, c.loginCommand(), perm)
		}
	}
	if defaults > 0 && named > 0 {
		// Microsoft refuses the mix (AADSTS70011): .default already means every granted permission.
		return c.errorf("the scopes %q mix .default with named permissions of the same resource, which Microsoft refuses (AADSTS70011); ask for .default alone", requested)
	}
	return nil
}

// graphHosts are the resources a Microsoft connection's token is for: Microsoft's global Graph
// (which every Microsoft SDK asks for by default), the connection's own Graph (a national cloud,
// the sandbox) and Graph's application id.
func (c *Credential) graphHosts(graphURL string) []string {
	hosts := []string{"https://graph.microsoft.com"}
	if graphURL != "" {
		hosts = append(hosts, strings.TrimRight(graphURL, "/"))
	}
	if info, err := c.b.Sandbox(); err == nil && info.URL != "" {
		hosts = append(hosts, strings.TrimRight(info.URL, "/"))
	}
	return append(hosts, graphAppID)
}

// splitScope splits "https://graph.microsoft.com/Mail.Read" into the resource and the
// permission; a bare "Mail.Read" has no resource.
func splitScope(s string) (resource, perm string) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return "", s
	}
	return s[:i], s[i+1:]
}

// matchesAny reports whether resource is one of hosts: the same scheme and host (any case,
// default port implied, trailing slash ignored), or the same application id.
func matchesAny(resource string, hosts []string) bool {
	for _, h := range hosts {
		if strings.EqualFold(strings.TrimRight(resource, "/"), h) || sameOrigin(resource, h) {
			return true
		}
	}
	return false
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Host == "" || ub.Host == "" {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Host, ub.Host) &&
		strings.Trim(ua.Path, "/") == strings.Trim(ub.Path, "/")
}

// grantedPerm reports whether one of the granted scopes (bare or with a resource) is perm or
// implies it, as Microsoft defines its permissions.
func grantedPerm(perm string, granted []string) bool {
	for _, g := range granted {
		_, gp := splitScope(g)
		if graphperm.Implies(gp, perm) {
			return true
		}
	}
	return false
}

func isOIDC(s string) bool {
	for _, o := range oidcScopes {
		if strings.EqualFold(s, o) {
			return true
		}
	}
	return false
}

func (c *Credential) loginCommand() string {
	cmd := "authsome login " + c.provider
	if c.connection != "" && c.connection != broker.DefaultConnection {
		cmd += " --connection " + c.connection
	}
	return cmd
}

func (c *Credential) errorf(format string, args ...any) error {
	name := c.connection
	if name == "" {
		name = "default connection"
	}
	return fmt.Errorf("azcred: %s (%s): %s", c.provider, name, fmt.Sprintf(format, args...))
}
