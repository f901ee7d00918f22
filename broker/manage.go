package broker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// ProviderStatus is one provider with its connections, as `list` shows it.
type ProviderStatus struct {
	Def         *provider.Definition
	Source      provider.Source
	Default     string
	Connections []*vault.Connection // sorted by name
}

// List returns every known provider with its connections in this profile.
func (b *Broker) List(ctx context.Context) ([]ProviderStatus, error) {
	entries, err := b.catalog.List()
	if err != nil {
		return nil, err
	}
	data, err := b.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProviderStatus, 0, len(entries))
	for _, e := range entries {
		st := ProviderStatus{Def: e.Def, Source: e.Source}
		if ps := data.Providers[e.Def.Name]; ps != nil {
			st.Default = ps.Default
			for _, c := range ps.Connections {
				st.Connections = append(st.Connections, c)
			}
			sort.Slice(st.Connections, func(i, j int) bool { return st.Connections[i].Name < st.Connections[j].Name })
		}
		out = append(out, st)
	}
	return out, nil
}

// SetDefault makes name the provider's default connection.
func (b *Broker) SetDefault(ctx context.Context, prov, name string) error {
	def, err := b.definition(prov)
	if err != nil {
		return err
	}
	return b.store.Update(ctx, func(d *vault.Data) error {
		if _, err := findConnection(d, def.Name, name); err != nil {
			return err
		}
		d.Providers[def.Name].Default = name
		return nil
	})
}

// Logout deletes a connection (the default one when name is empty). Where the provider has a
// revocation endpoint, the refresh and access tokens are revoked first; a failed revocation is
// returned as revokeErr but does not keep the local record.
func (b *Broker) Logout(ctx context.Context, prov, name string) (revokeErr error, err error) {
	def, err := b.definition(prov)
	if err != nil {
		return nil, err
	}
	c, err := b.Connection(ctx, def.Name, name)
	if err != nil {
		return nil, err
	}
	if rdef, err := ResolveFor(def, c); err != nil {
		revokeErr = err
	} else if RevokesTokens(rdef, c) {
		revokeErr = b.revoke(ctx, rdef, c)
	}
	err = b.store.Update(ctx, func(d *vault.Data) error {
		ps := d.Providers[def.Name]
		if ps == nil || ps.Connections[c.Name] == nil {
			return fmt.Errorf("%w: %s/%s", ErrConnectionNotFound, def.Name, c.Name)
		}
		delete(ps.Connections, c.Name)
		if ps.Default == c.Name {
			ps.Default = ""
			if names := sortedNames(ps.Connections); len(names) > 0 {
				ps.Default = names[0]
			}
		}
		return nil
	})
	b.recordLogout(def.Name, c.Name, revokeErr, err)
	return revokeErr, err
}

// Revocable reports whether the provider has a token revocation endpoint (RFC 7009), which
// Logout and Revoke call before deleting a connection.
func Revocable(def *provider.Definition) bool {
	return def != nil && def.OAuth != nil && def.OAuth.RevocationURL != ""
}

// RevokesTokens reports whether Logout and Revoke send c's tokens to the provider's revocation
// endpoint: the provider has one and c holds a token. Only then can a connection be reported
// as revoked.
func RevokesTokens(def *provider.Definition, c *vault.Connection) bool {
	return Revocable(def) && c != nil && (c.AccessToken != "" || c.RefreshToken != "")
}

// RevokedConnection is what Revoke did with one connection: it was deleted in any case;
// Revoked says the provider's revocation endpoint accepted its tokens, RevokeErr why it did
// not (nil when the provider has no such endpoint).
type RevokedConnection struct {
	Name      string
	Revoked   bool
	RevokeErr error
}

// RevokeResult is what Revoke removed from the profile.
type RevokeResult struct {
	Provider    string
	Connections []RevokedConnection // sorted by name
	Client      bool                // a stored OAuth client (id and secret) was deleted
}

// Revoke forgets a provider in this profile: every connection is revoked remotely where the
// provider has a revocation endpoint and deleted, and so is the OAuth client (id and secret)
// stored for the provider. A failed remote revocation is reported in the result and does not
// keep anything. A provider whose definition is gone (a removed user file) can still be
// revoked by name; its connections are then only deleted.
func (b *Broker) Revoke(ctx context.Context, prov string) (*RevokeResult, error) {
	def, _, err := b.catalog.Get(prov)
	name := strings.ToLower(strings.TrimSpace(prov))
	switch {
	case err == nil:
		name = def.Name
	case !errors.Is(err, provider.ErrNotFound):
		return nil, err
	}
	data, lerr := b.store.Load(ctx)
	if lerr != nil {
		return nil, lerr
	}
	ps := data.Providers[name]
	if def == nil && ps == nil {
		return nil, err // unknown provider, nothing stored under the name
	}
	res := &RevokeResult{Provider: name, Connections: []RevokedConnection{}}
	if ps != nil {
		for _, n := range sortedNames(ps.Connections) {
			rc := RevokedConnection{Name: n}
			if RevokesTokens(def, ps.Connections[n]) { // def is nil when the definition is gone
				rdef, err := ResolveFor(def, ps.Connections[n])
				if err == nil {
					err = b.revoke(ctx, rdef, ps.Connections[n])
				}
				rc.RevokeErr, rc.Revoked = err, err == nil
			}
			res.Connections = append(res.Connections, rc)
		}
	}
	err = b.store.Update(ctx, func(d *vault.Data) error {
		if st := d.Providers[name]; st != nil {
			res.Client = st.Client != nil
			delete(d.Providers, name)
		}
		return nil
	})
	if err != nil {
		b.Record(Event{Kind: EventRevoke, Provider: name, Outcome: OutcomeFailed, Error: EventError(err)})
		return nil, err
	}
	for _, rc := range res.Connections {
		e := Event{Kind: EventRevoke, Provider: name, Connection: rc.Name}
		if rc.RevokeErr != nil {
			e.Error = "remote revocation failed: " + EventError(rc.RevokeErr)
		}
		b.Record(e)
	}
	if len(res.Connections) == 0 {
		b.Record(Event{Kind: EventRevoke, Provider: name})
	}
	return res, nil
}

// sortedNames returns the connection names in order.
func sortedNames(m map[string]*vault.Connection) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (b *Broker) revoke(ctx context.Context, def *provider.Definition, c *vault.Connection) error {
	t, err := b.resolve(def, c.Cloud, c.Tenant)
	if err != nil {
		return err
	}
	cfg := &oauth.Config{ClientID: c.ClientID, ClientSecret: b.storedSecret(ctx, def.Name, c.ClientID), Endpoint: t.endpoint, HTTPClient: t.hc, Now: b.now}
	if c.RefreshToken != "" {
		if err := oauth.Revoke(ctx, cfg, c.RefreshToken, "refresh_token"); err != nil {
			return err
		}
	}
	if c.AccessToken != "" {
		return oauth.Revoke(ctx, cfg, c.AccessToken, "access_token")
	}
	return nil
}

// storedSecret is the secret of the OAuth client stored for the provider when its id is
// clientID (a confidential client authenticates its revocation requests too), else "".
func (b *Broker) storedSecret(ctx context.Context, prov, clientID string) string {
	data, err := b.store.Load(ctx)
	if err != nil {
		return ""
	}
	if ps := data.Providers[prov]; ps != nil && ps.Client != nil && ps.Client.ClientID == clientID {
		return ps.Client.ClientSecret
	}
	return ""
}

// Export returns the provider's export variables for a connection, with a valid (refreshed if
// needed) token. The refresh token is included only when includeRefresh is set.
func (b *Broker) Export(ctx context.Context, prov, name string, includeRefresh bool) (map[string]string, error) {
	def, err := b.definition(prov)
	if err != nil {
		return nil, err
	}
	c, err := b.Token(ctx, def.Name, name)
	if err != nil {
		return nil, err
	}
	if def, err = ResolveFor(def, c); err != nil {
		return nil, err
	}
	b.Record(Event{Kind: EventExport, Provider: def.Name, Connection: c.Name})
	out := map[string]string{}
	for env, src := range def.Export {
		switch src {
		case provider.ExportAccessToken:
			out[env] = c.AccessToken
		case provider.ExportRefreshToken:
			if includeRefresh && c.RefreshToken != "" {
				out[env] = c.RefreshToken
			}
		case provider.ExportAPIKey:
			out[env] = c.APIKey
		case provider.ExportAPIURL:
			out[env] = apiBaseURL(def, c)
		case provider.ExportBaseURL:
			if v := c.Metadata[MetadataBaseURL]; v != "" {
				out[env] = v
			} else if def.OAuth != nil && def.OAuth.BaseURL != "" {
				out[env] = def.OAuth.BaseURL
			}
		}
	}
	return out, nil
}

// ExportAll returns the export variables of every connection of every provider in the profile,
// as Export gives them for one. Names are unique: providers are taken in name order and each
// provider's default connection before the others (in name order); a name that an earlier
// connection already uses becomes NAME_<PROVIDER>_<CONNECTION>, upper-cased with every other
// character than A-Z and 0-9 replaced by _, as authsome does.
func (b *Broker) ExportAll(ctx context.Context, includeRefresh bool) (map[string]string, error) {
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range list {
		for _, c := range defaultFirst(p) {
			vars, err := b.Export(ctx, p.Def.Name, c.Name, includeRefresh)
			if err != nil {
				return nil, err
			}
			for _, k := range slices.Sorted(maps.Keys(vars)) {
				name := k
				if _, taken := out[name]; taken {
					name = envName(k + "_" + p.Def.Name + "_" + c.Name)
				}
				for i := 2; ; i++ { // a clash of the long names too: never drop a value
					if _, taken := out[name]; !taken {
						break
					}
					name = envName(k+"_"+p.Def.Name+"_"+c.Name) + "_" + strconv.Itoa(i)
				}
				out[name] = vars[k]
			}
		}
	}
	return out, nil
}

// defaultFirst returns the provider's connections, the default one first.
func defaultFirst(p ProviderStatus) []*vault.Connection {
	out := make([]*vault.Connection, 0, len(p.Connections))
	for _, c := range p.Connections {
		if c.Name == p.Default {
			out = append(out, c)
		}
	}
	for _, c := range p.Connections {
		if c.Name != p.Default {
			out = append(out, c)
		}
	}
	return out
}

// envName upper-cases s and replaces every character other than A-Z, 0-9 and _ with _.
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			return r
		}
		return '_'
	}, s)
}

// apiBaseURL is the API's base URL for a connection (the sandbox or national cloud for Microsoft).
func apiBaseURL(def *provider.Definition, c *vault.Connection) string {
	if def.IsMicrosoft() && c.GraphURL != "" {
		return c.GraphURL
	}
	if strings.HasPrefix(def.APIURL, "https://") || strings.HasPrefix(def.APIURL, "http://") {
		return def.APIURL
	}
	if strings.HasPrefix(def.APIURL, "regex:") {
		return ""
	}
	return "https://" + def.APIURL
}
