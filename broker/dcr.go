package broker

import (
	"context"
	"fmt"
	"time"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// registeredClient returns the OAuth client of a dcr_pkce sign-in: the stored client when it
// can be used again, else a new public client registered at the provider's registration
// endpoint (RFC 7591) for redirect. persist reports a new registration, which is stored with
// the other clients (encrypted in the vault) once the sign-in succeeds.
func (b *Broker) registeredClient(ctx context.Context, def *provider.Definition, t *target, redirect string) (vault.Client, bool, error) {
	endpoint := def.Registration.RegistrationEndpoint
	data, err := b.store.Load(ctx)
	if err != nil {
		return vault.Client{}, false, err
	}
	if ps := data.Providers[def.Name]; ps != nil && reusable(ps.Client, endpoint, redirect, b.now()) {
		b.log.Debug("reusing the registered client", "provider", def.Name, "client", ps.Client.ClientID)
		return *ps.Client, false, nil
	}
	cfg := &oauth.Config{HTTPClient: t.hc, Now: b.now}
	reg, err := oauth.RegisterClient(ctx, cfg, endpoint, oauth.ClientMetadata{RedirectURIs: []string{redirect}})
	if err != nil {
		return vault.Client{}, false, fmt.Errorf("registering a client with %s: %w", def.DisplayName, unreachable(err))
	}
	b.log.Debug("registered a client", "provider", def.Name, "registration", reg)
	return vault.Client{
		ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, ExpiresAt: reg.SecretExpiresAt,
		RegistrationEndpoint: endpoint, RedirectURI: redirect,
	}, true, nil
}

// reusable reports whether a stored client serves a dcr_pkce sign-in: one the user gave
// (--client-id), or one registered at the same endpoint for the same redirect URI whose
// secret has not expired.
func reusable(c *vault.Client, endpoint, redirect string, now time.Time) bool {
	switch {
	case c == nil || c.ClientID == "":
		return false
	case c.RegistrationEndpoint == "":
		return true
	}
	return c.RegistrationEndpoint == endpoint && c.RedirectURI == redirect && (c.ExpiresAt.IsZero() || now.Before(c.ExpiresAt))
}
