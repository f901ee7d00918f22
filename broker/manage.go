package broker

import (
	"context"
	"fmt"
	"sort"
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
	} else if rdef.OAuth != nil && rdef.OAuth.RevocationURL != "" {
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
			names := make([]string, 0, len(ps.Connections))
			for n := range ps.Connections {
				names = append(names, n)
			}
			sort.Strings(names)
			if len(names) > 0 {
				ps.Default = names[0]
			}
		}
		return nil
	})
	return revokeErr, err
}

func (b *Broker) revoke(ctx context.Context, def *provider.Definition, c *vault.Connection) error {
	t, err := b.resolve(def, c.Cloud, c.Tenant)
	if err != nil {
		return err
	}
	cfg := &oauth.Config{ClientID: c.ClientID, Endpoint: t.endpoint, HTTPClient: t.hc, Now: b.now}
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
