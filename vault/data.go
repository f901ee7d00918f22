// Package vault is authsome's encrypted, crash-safe credential store.
//
// Each profile owns one folder holding one file, vault.json: a small JSON
// header plus the serialised [Data] sealed with XChaCha20-Poly1305 under a
// random data key, which is itself wrapped by a key-encryption key from a
// [KeySource] (environment, OS keyring, key file or passphrase). Writes go to a
// temporary file that is synced and renamed over the old one, so readers and
// crashed writers never leave a partial vault behind. Cross-process
// coordination uses advisory file locks next to the vault.
//
// The package never prints or logs, and never puts key material in errors.
package vault

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"
)

// Connection statuses.
const (
	StatusConnected  = "connected"
	StatusNeedsLogin = "needs_login"
)

// Account identifies the signed-in user of a connection.
type Account struct {
	Username string `json:"username,omitempty"`  // upn / preferred_username
	ObjectID string `json:"object_id,omitempty"` // oid
	Name     string `json:"name,omitempty"`
	TenantID string `json:"tenant_id,omitempty"` // tid
}

// Connection is one named credential for a provider. The zero value is an
// empty record; it holds secrets, so its String and LogValue methods redact
// them.
type Connection struct {
	Provider string `json:"provider"`
	Name     string `json:"name"`
	AuthType string `json:"auth_type,omitempty"`
	Flow     string `json:"flow,omitempty"`

	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	APIKey       string `json:"api_key,omitempty"`

	Expiry        time.Time `json:"expiry,omitzero"`
	ExtExpiry     time.Time `json:"ext_expiry,omitzero"`
	ObtainedAt    time.Time `json:"obtained_at,omitzero"`
	LastRefreshAt time.Time `json:"last_refresh_at,omitzero"`
	Scopes        []string  `json:"scopes,omitempty"`

	Cloud        string `json:"cloud,omitempty"`
	Tenant       string `json:"tenant,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	AuthorityURL string `json:"authority_url,omitempty"`
	GraphURL     string `json:"graph_url,omitempty"`
	// ClientCertificate is the PEM certificate and private key (a secret) of a connection that
	// authenticates its client with certificate assertions; FederatedTokenFile is the path (not
	// the token) of a federated credential's token file, read again for every token request.
	ClientCertificate  string `json:"client_certificate,omitempty"`
	FederatedTokenFile string `json:"federated_token_file,omitempty"`

	Account   Account           `json:"account,omitzero"`
	Status    string            `json:"status,omitempty"` // StatusConnected | StatusNeedsLogin
	LastError string            `json:"last_error,omitempty"`
	Metadata  map[string]string `json:"metadata,omitempty"` // provider-specific extras, not secret

	// RefreshSent is a refresh in flight: set just before the refresh token is sent to the
	// provider, cleared with the write of the new tokens. One left behind for the current
	// refresh token means its holder died after sending it.
	RefreshSent *RefreshSent `json:"refresh_sent,omitempty"`
}

// RefreshSent records that a refresh token was about to be redeemed: its fingerprint (a hash,
// never the token) and when.
type RefreshSent struct {
	Fingerprint string    `json:"fingerprint"`
	At          time.Time `json:"at"`
}

// Client is an OAuth client registration kept for a provider.
type Client struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// A client authsome registered itself (RFC 7591) records where and for which redirect
	// URI, and when its secret expires (zero: never).
	RegistrationEndpoint string    `json:"registration_endpoint,omitempty"`
	RedirectURI          string    `json:"redirect_uri,omitempty"`
	ExpiresAt            time.Time `json:"expires_at,omitzero"`
}

// ProviderState holds a provider's connections, its default connection name
// and an optional OAuth client.
type ProviderState struct {
	Default     string                 `json:"default,omitempty"`
	Connections map[string]*Connection `json:"connections"`
	Client      *Client                `json:"client,omitempty"`
}

// Data is the whole decrypted content of one profile's vault. The zero value
// is an empty vault: read helpers work on it (and on a nil *Data), write
// helpers allocate maps as needed. Data is a plain value: it is not safe for
// concurrent mutation; [Store.Load] returns a fresh copy on every call.
type Data struct {
	Providers map[string]*ProviderState `json:"providers"`
}

// Provider returns the state for provider, or nil.
func (d *Data) Provider(provider string) *ProviderState {
	if d == nil {
		return nil
	}
	return d.Providers[provider]
}

// Connection returns the named connection of provider. An empty name means
// the provider's default connection.
func (d *Data) Connection(provider, name string) (*Connection, bool) {
	p := d.Provider(provider)
	if p == nil {
		return nil, false
	}
	if name == "" {
		name = p.Default
	}
	c, ok := p.Connections[name]
	return c, ok && c != nil
}

// Put stores c under c.Provider and c.Name, replacing any connection of the
// same name. The first connection of a provider (or any connection while the
// recorded default is missing) becomes the default.
func (d *Data) Put(c *Connection) error {
	if c == nil || c.Provider == "" || c.Name == "" {
		return errors.New("vault: connection needs a provider and a name")
	}
	p := d.ensure(c.Provider)
	p.Connections[c.Name] = c
	if _, ok := p.Connections[p.Default]; !ok {
		p.Default = c.Name
	}
	return nil
}

// Delete removes a connection and reports whether it existed. When the
// default connection is removed, the alphabetically first remaining one
// becomes the default (or none). A provider left with no connections and no
// client is removed.
func (d *Data) Delete(provider, name string) bool {
	p := d.Provider(provider)
	if p == nil {
		return false
	}
	if _, ok := p.Connections[name]; !ok {
		return false
	}
	delete(p.Connections, name)
	if p.Default == name {
		p.Default = ""
		if names := slices.Sorted(maps.Keys(p.Connections)); len(names) > 0 {
			p.Default = names[0]
		}
	}
	if len(p.Connections) == 0 && p.Client == nil {
		delete(d.Providers, provider)
	}
	return true
}

// SetDefault makes name the default connection of provider; it reports false
// when no such connection exists.
func (d *Data) SetDefault(provider, name string) bool {
	if _, ok := d.Connection(provider, name); !ok || name == "" {
		return false
	}
	d.Providers[provider].Default = name
	return true
}

// SetClient records (or, with nil, removes) the OAuth client of provider.
func (d *Data) SetClient(provider string, c *Client) {
	if c == nil {
		p := d.Provider(provider)
		if p == nil {
			return
		}
		p.Client = nil
		if len(p.Connections) == 0 {
			delete(d.Providers, provider)
		}
		return
	}
	d.ensure(provider).Client = c
}

// Connections returns every connection sorted by provider, then name.
func (d *Data) Connections() []*Connection {
	if d == nil {
		return nil
	}
	var out []*Connection
	for _, pn := range slices.Sorted(maps.Keys(d.Providers)) {
		p := d.Providers[pn]
		if p == nil {
			continue
		}
		for _, cn := range slices.Sorted(maps.Keys(p.Connections)) {
			if c := p.Connections[cn]; c != nil {
				out = append(out, c)
			}
		}
	}
	return out
}

func (d *Data) ensure(provider string) *ProviderState {
	if d.Providers == nil {
		d.Providers = map[string]*ProviderState{}
	}
	p := d.Providers[provider]
	if p == nil {
		p = &ProviderState{}
		d.Providers[provider] = p
	}
	if p.Connections == nil {
		p.Connections = map[string]*Connection{}
	}
	return p
}

// Normalize repairs the shape of freshly decoded data: non-nil maps, no nil
// entries, connection keys mirrored into Provider and Name. Every store calls
// it on the data it decodes and on the data it commits.
func (d *Data) Normalize() {
	if d.Providers == nil {
		d.Providers = map[string]*ProviderState{}
	}
	for pn, p := range d.Providers {
		if p == nil {
			delete(d.Providers, pn)
			continue
		}
		if p.Connections == nil {
			p.Connections = map[string]*Connection{}
		}
		for cn, c := range p.Connections {
			if c == nil {
				delete(p.Connections, cn)
				continue
			}
			c.Provider, c.Name = pn, cn
		}
	}
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// String describes the connection without its secrets.
func (c Connection) String() string {
	return fmt.Sprintf("%s/%s (%s, %s, expires %s, access_token %s, refresh_token %s, api_key %s)",
		c.Provider, c.Name, c.Flow, c.Status, c.Expiry.Format(time.RFC3339),
		or(redact(c.AccessToken), "none"), or(redact(c.RefreshToken), "none"), or(redact(c.APIKey), "none"))
}

// LogValue implements slog.LogValuer without exposing secrets.
func (c Connection) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", c.Provider), slog.String("name", c.Name),
		slog.String("flow", c.Flow), slog.String("status", c.Status),
		slog.Time("expiry", c.Expiry), slog.String("account", c.Account.Username),
		slog.String("access_token", redact(c.AccessToken)),
		slog.String("refresh_token", redact(c.RefreshToken)),
		slog.String("api_key", redact(c.APIKey)),
	)
}

// String describes the client without its secret.
func (c Client) String() string {
	return fmt.Sprintf("client %s (secret %s)", c.ClientID, or(redact(c.ClientSecret), "none"))
}

// LogValue implements slog.LogValuer without exposing the secret.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", c.ClientID),
		slog.String("client_secret", redact(c.ClientSecret)))
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
