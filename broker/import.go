package broker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/broker/msalcache"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// Import sources, as [ImportRequest.Source] and the connections' [MetadataImportedFrom].
const (
	ImportMSALCache = "msal-cache" // a token cache serialised by an MSAL library
	ImportO365      = "o365"       // python-o365's token file (an MSAL for Python cache)
)

// MetadataImportedFrom is the connection metadata key naming the import source of a connection
// that was not signed in by authsome.
const MetadataImportedFrom = "imported_from"

// ImportRequest says what [Broker.ImportMSAL] imports.
type ImportRequest struct {
	// Cache is the content of the MSAL token cache or python-o365 token file.
	Cache []byte
	// Source is ImportMSALCache or ImportO365 ("" → ImportMSALCache).
	Source string
	// Connection names the connection of a cache holding one sign-in ("" → "default"). When
	// the cache holds several, pick one with Account, or leave Connection empty: each is then
	// named after its username.
	Connection string
	// Account picks the sign-in of this username (case-insensitive).
	Account string
	// Cloud replaces the cloud read from the cache's authority host (global, usgov,
	// usgov-dod, china, sandbox); needed for usgov-dod, which shares usgov's host.
	Cloud string
	// Force replaces connections of the same names; without it an existing one is an error
	// wrapping ErrAlreadyExists and nothing is imported.
	Force bool
}

// ImportMSAL turns the sign-ins of an MSAL token cache (one per refresh token) into microsoft
// connections: cloud from the authority host, tenant from the realm, the application's client
// id, scopes from the cached access tokens, the account's username and object id. Their
// access tokens are refreshed on first use, through the refresh token, as for any connection.
// It stores all of them in one update or none, and returns them.
func (b *Broker) ImportMSAL(ctx context.Context, req ImportRequest) ([]*vault.Connection, error) {
	if req.Source == "" {
		req.Source = ImportMSALCache
	}
	cache, err := msalcache.Parse(req.Cache)
	if err != nil {
		return nil, err
	}
	signIns, err := pickSignIns(cache.SignIns(), req)
	if err != nil {
		return nil, err
	}
	def, err := b.definition("microsoft")
	if err != nil {
		return nil, err
	}
	conns := make([]*vault.Connection, len(signIns))
	for i, s := range signIns {
		if conns[i], err = b.importedConnection(def, s, req); err != nil {
			return nil, fmt.Errorf("importing the sign-in of %s: %w", s, err)
		}
	}
	if len(signIns) == 1 {
		conns[0].Name = req.Connection
		if conns[0].Name == "" {
			conns[0].Name = DefaultConnection
		}
	} else {
		nameAfterAccounts(conns)
	}
	for _, c := range conns {
		if err := ValidateConnectionName(c.Name); err != nil {
			return nil, err
		}
	}
	err = b.store.Update(ctx, func(d *vault.Data) error {
		for _, c := range conns {
			if _, exists := d.Connection(c.Provider, c.Name); exists && !req.Force {
				return fmt.Errorf("%w: %s/%s (use --force to replace it, or --connection NAME)", ErrAlreadyExists, c.Provider, c.Name)
			}
			stored := *c
			if err := d.Put(&stored); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		b.Record(Event{Kind: EventImport, Provider: c.Provider, Connection: c.Name, Flow: req.Source, Scopes: c.Scopes})
	}
	return conns, nil
}

// pickSignIns returns the sign-ins req asks for.
func pickSignIns(all []msalcache.SignIn, req ImportRequest) ([]msalcache.SignIn, error) {
	if len(all) == 0 {
		return nil, errors.New("the token cache holds no refresh token: nothing to import (sign in with `authsome login microsoft`)")
	}
	if req.Account != "" {
		var out []msalcache.SignIn
		for _, s := range all {
			if strings.EqualFold(s.Username, req.Account) {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the token cache has no sign-in of %s (it has: %s)", req.Account, usernames(all))
		}
		all = out
	}
	if len(all) > 1 && req.Connection != "" {
		return nil, fmt.Errorf("the token cache holds %d sign-ins (%s): pick one with --account, or leave out --connection to import each under a name of its own", len(all), usernames(all))
	}
	return all, nil
}

func usernames(signIns []msalcache.SignIn) string {
	names := make([]string, len(signIns))
	for i, s := range signIns {
		names[i] = s.String()
	}
	return strings.Join(names, "; ")
}

// importedConnection builds the connection of one sign-in, as a sign-in by authsome would
// have stored it. Its name is set by the caller.
func (b *Broker) importedConnection(def *provider.Definition, s msalcache.SignIn, req ImportRequest) (*vault.Connection, error) {
	cloud := req.Cloud
	if cloud == "" {
		var err error
		if cloud, err = b.cloudOfHost(s.Environment); err != nil {
			return nil, err
		}
	}
	t, err := b.resolve(def, cloud, s.Tenant)
	if err != nil {
		return nil, err
	}
	c := &vault.Connection{
		Provider: def.Name, AuthType: string(provider.AuthOAuth2),
		AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: s.TokenType, IDToken: s.IDToken,
		Expiry: s.Expiry, ExtExpiry: s.ExtExpiry, ObtainedAt: b.now(),
		Scopes: appendMissing(s.Scopes, RefreshScope(def), "openid", "profile"),
		Cloud:  t.cloud, AuthorityURL: t.authority, GraphURL: t.graph,
		Tenant: s.Tenant, ClientID: s.ClientID,
		Account:  vault.Account{Username: s.Username, ObjectID: s.ObjectID, Name: s.Name, TenantID: s.Tenant},
		Status:   StatusConnected,
		Metadata: map[string]string{MetadataImportedFrom: req.Source},
	}
	if id, err := oauth.ParseIDTokenClaims(s.IDToken); err == nil {
		c.Account.Username = cmp.Or(c.Account.Username, id.Username)
		c.Account.ObjectID = cmp.Or(c.Account.ObjectID, id.ObjectID)
		c.Account.Name = cmp.Or(c.Account.Name, id.Name)
	}
	if c.Tenant == "" {
		c.Tenant = "common"
	}
	return c, nil
}

// cloudOfHost maps an MSAL environment (the authority's host) to a cloud name: the running
// sandbox's host, a cloud's authority host, or one of Microsoft's other names for it.
func (b *Broker) cloudOfHost(host string) (string, error) {
	if info, err := b.Sandbox(); err == nil {
		if u, err := url.Parse(info.URL); err == nil && strings.EqualFold(u.Host, host) {
			return CloudSandbox, nil
		}
	}
	for _, name := range oauth.CloudNames() {
		c, err := oauth.LookupCloud(name)
		if err == nil && strings.EqualFold(strings.TrimPrefix(c.AuthorityHost, "https://"), host) {
			return name, nil
		}
	}
	if name, ok := authorityAliases[strings.ToLower(host)]; ok {
		return name, nil
	}
	return "", fmt.Errorf("unknown authority host %q: pass --cloud (%s or %s)", host, strings.Join(oauth.CloudNames(), ", "), CloudSandbox)
}

// authorityAliases are the other host names under which MSAL records Microsoft's clouds.
var authorityAliases = map[string]string{
	"login.windows.net":                "global",
	"login.microsoft.com":              "global",
	"sts.windows.net":                  "global",
	"login.partner.microsoftonline.cn": "china",
	"login.usgovcloudapi.net":          "usgov",
}

// nameAfterAccounts names each connection after the local part of its username (the first
// one of a name keeps it, later ones get -2, -3, …).
func nameAfterAccounts(conns []*vault.Connection) {
	used := map[string]int{}
	for _, c := range conns {
		local, _, _ := strings.Cut(c.Account.Username, "@")
		base := strings.Trim(strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
				return r
			}
			return '-'
		}, strings.ToLower(local)), "-._")
		if base == "" {
			base = "imported"
		}
		if len(base) > 56 {
			base = base[:56]
		}
		used[base]++
		c.Name = base
		if n := used[base]; n > 1 {
			c.Name = base + "-" + strconv.Itoa(n)
		}
	}
}
