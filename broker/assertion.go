package broker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// appCredential is a login's certificate or federated credential: the client authenticates
// with a client assertion instead of a secret.
type appCredential struct {
	assertion oauth.ClientAssertion
	pem       string // certificate and key, for the vault
	file      string // federated token file path
}

// newAppCredential reads the certificate or federated token file of a login request; nil when
// the request has neither.
func newAppCredential(req LoginRequest) (*appCredential, error) {
	switch {
	case len(req.ClientCertificate) > 0 && req.FederatedTokenFile != "":
		return nil, errors.New("use a client certificate or a federated token file, not both")
	case len(req.ClientCertificate) > 0:
		if req.ClientSecret != "" {
			return nil, errors.New("use a client certificate or a client secret, not both")
		}
		cert, err := oauth.ParseCertificatePEM(req.ClientCertificate)
		if err != nil {
			return nil, err
		}
		return &appCredential{assertion: cert, pem: string(cert.PEM())}, nil
	case req.FederatedTokenFile != "":
		if req.ClientSecret != "" {
			return nil, errors.New("use a federated token file or a client secret, not both")
		}
		if _, err := os.Stat(req.FederatedTokenFile); err != nil {
			return nil, fmt.Errorf("federated token file: %w", err)
		}
		return &appCredential{assertion: oauth.FederatedTokenFile(req.FederatedTokenFile), file: req.FederatedTokenFile}, nil
	}
	return nil, nil
}

// store records the credential on the connection (nil: nothing to record).
func (c *appCredential) store(conn *vault.Connection) {
	if c != nil {
		conn.ClientCertificate, conn.FederatedTokenFile = c.pem, c.file
	}
}

// connAssertion is the client assertion a stored connection authenticates with; nil when it
// uses a secret or none.
func connAssertion(c *vault.Connection) (oauth.ClientAssertion, error) {
	switch {
	case c.ClientCertificate != "":
		return oauth.ParseCertificatePEM([]byte(c.ClientCertificate))
	case c.FederatedTokenFile != "":
		return oauth.FederatedTokenFile(c.FederatedTokenFile), nil
	}
	return nil, nil
}

// assertionClient is the client a certificate or federated login signs in as: --client-id,
// else the stored client's id, else (sandbox) the seeded confidential client.
func (b *Broker) assertionClient(ctx context.Context, def *provider.Definition, t *target, req LoginRequest) (vault.Client, error) {
	if id := strings.TrimSpace(req.ClientID); id != "" {
		return vault.Client{ClientID: id}, nil
	}
	if t.sandbox != nil {
		return vault.Client{ClientID: t.sandbox.ConfidentialClientID}, nil
	}
	data, err := b.store.Load(ctx)
	if err != nil {
		return vault.Client{}, err
	}
	if ps := data.Providers[def.Name]; ps != nil && ps.Client != nil && ps.Client.ClientID != "" {
		return vault.Client{ClientID: ps.Client.ClientID}, nil
	}
	return vault.Client{}, fmt.Errorf("no OAuth client id is stored for %s: pass --client-id (the application id the certificate or federated credential belongs to)", def.Name)
}
