package sandbox

import (
	"context"

	"github.com/authsome-go/authsome/sandbox/internal/identity"
)

// Device code errors returned by ApproveDeviceCode and DeclineDeviceCode.
var (
	ErrUnknownUserCode = identity.ErrUnknownUserCode
	ErrCodeExpired     = identity.ErrCodeExpired
	ErrCodeUsed        = identity.ErrCodeUsed
	ErrUnknownUser     = identity.ErrUnknownUser
)

// ApproveDeviceCode approves a pending device code as the user with the
// given user principal name or object id ("" means the first seeded user).
func (s *Server) ApproveDeviceCode(userCode, upn string) error {
	return s.changing(func(ctx context.Context) error { return s.id.ApproveDeviceCode(ctx, userCode, upn) })
}

// DeclineDeviceCode declines a pending device code, as a user pressing Cancel.
func (s *Server) DeclineDeviceCode(userCode string) error {
	return s.changing(func(ctx context.Context) error { return s.id.DeclineDeviceCode(ctx, userCode) })
}

// ErrUnknownApp is returned when a credential is registered for a client id that is not a
// confidential app of the sandbox tenant.
var ErrUnknownApp = identity.ErrUnknownApp

// FederatedCredential is a federated identity credential of an app: JWTs from Issuer about
// Subject, for one of Audiences (default api://AzureADTokenExchange), signed by a key of JWKS
// or PublicKey (PEM public key or certificate). Name (by default one derived from Issuer and
// Subject) tells the app's credentials apart: registering a name again replaces it.
type FederatedCredential = identity.FederatedCredential

// DefaultFederatedAudience is the audience of federated assertions unless a credential names others.
const DefaultFederatedAudience = identity.DefaultFederatedAudience

// AddCertificate registers a certificate credential (PEM) for an app and returns its x5t#S256
// thumbprint. Registered credentials are part of the state: with Options.StateDir they
// survive a restart; Reset clears them.
func (s *Server) AddCertificate(clientID string, pemCert []byte) (string, error) {
	var thumb string
	err := s.changing(func(ctx context.Context) (err error) {
		thumb, err = s.id.AddCertificate(ctx, clientID, pemCert)
		return err
	})
	return thumb, err
}

// AddFederated registers a federated identity credential for an app (kept as AddCertificate
// keeps a certificate).
func (s *Server) AddFederated(clientID string, fc FederatedCredential) error {
	return s.changing(func(ctx context.Context) error {
		_, err := s.id.AddFederated(ctx, clientID, fc)
		return err
	})
}
