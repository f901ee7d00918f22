package identity

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// The credentials registered for apps through the control API: certificates
// and federated identity credentials. They are part of the state (entity
// keys cert/{client id}/{x5t#S256} and federated/{client id}/{name}), so a
// sandbox restarted on its state folder still accepts the assertions; Reset
// clears them.

// ErrUnknownApp is returned when registering a credential for an app the tenant does not have.
var ErrUnknownApp = errors.New("no app registration with that client id")

// CertificateCredential is a certificate credential of an app: the
// certificate (DER) and its thumbprints, by which an assertion's x5t#S256 or
// x5t header names it.
type CertificateCredential struct {
	X5tS256     string `json:"x5t#S256"`
	X5t         string `json:"x5t"`
	Certificate []byte `json:"certificate"`
}

// publicKey is the certificate's RSA key, nil when it has none.
func (c *CertificateCredential) publicKey() *rsa.PublicKey {
	cert, err := x509.ParseCertificate(c.Certificate)
	if err != nil {
		return nil
	}
	k, _ := cert.PublicKey.(*rsa.PublicKey)
	return k
}

// FederatedCredential is a federated identity credential of an app: it
// trusts JWTs from Issuer about Subject, for one of Audiences (default
// api://AzureADTokenExchange), signed by one of the issuer's keys, given as a
// JWKS document or as a PEM public key or certificate. Name tells an app's
// credentials apart (at most 120 characters that need no escaping in a URL;
// by default one derived from Issuer and Subject); registering a name again
// replaces that credential, and no two of an app's credentials have the same
// Issuer and Subject, as at Microsoft.
type FederatedCredential struct {
	Name      string          `json:"name,omitempty"`
	Issuer    string          `json:"issuer"`
	Subject   string          `json:"subject"`
	Audiences []string        `json:"audiences,omitempty"`
	JWKS      json.RawMessage `json:"jwks,omitempty"`
	PublicKey string          `json:"public_key,omitempty"`
}

// confidentialApp is the confidential app clientID names, for a credential of kind.
func confidentialApp(clientID, kind string) (*app, error) {
	a := findApp(clientID)
	if a == nil || a.Public {
		return nil, fmt.Errorf("%w: %q (%s need a confidential client)", ErrUnknownApp, clientID, kind)
	}
	return a, nil
}

// AddCertificate registers a certificate credential (PEM; the first
// CERTIFICATE block) for an app and returns its x5t#S256 thumbprint. The
// same certificate registered again changes nothing.
func (s *Platform) AddCertificate(ctx context.Context, clientID string, pemData []byte) (string, error) {
	a, err := confidentialApp(clientID, "certificates")
	if err != nil {
		return "", err
	}
	var cert *x509.Certificate
	for rest := pemData; cert == nil; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return "", errors.New("no PEM CERTIFICATE block")
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return "", fmt.Errorf("certificate: %v", err)
			}
			cert = c
		}
	}
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return "", errors.New("the certificate's key is not RSA")
	}
	s256, s1 := sha256.Sum256(cert.Raw), sha1.Sum(cert.Raw)
	c := &CertificateCredential{X5tS256: ids.B64.EncodeToString(s256[:]), X5t: ids.B64.EncodeToString(s1[:]), Certificate: cert.Raw}
	id := a.ID + "/" + c.X5tS256
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Certificates[id] = c
	touch(ctx, preCert+id)
	return c.X5tS256, nil
}

// AddFederated registers a federated identity credential for an app and
// returns its name.
func (s *Platform) AddFederated(ctx context.Context, clientID string, fc FederatedCredential) (string, error) {
	a, err := confidentialApp(clientID, "federated credentials")
	if err != nil {
		return "", err
	}
	if fc.Issuer == "" || fc.Subject == "" {
		return "", errors.New("a federated credential needs issuer and subject")
	}
	if fc.Name == "" {
		sum := sha256.Sum256([]byte(fc.Issuer + "\n" + fc.Subject))
		fc.Name = "federated-" + hex.EncodeToString(sum[:8])
	}
	if len(fc.Name) > 120 || url.PathEscape(fc.Name) != fc.Name {
		return "", fmt.Errorf("a federated credential's name is at most 120 characters that need no escaping in a URL: %q", fc.Name)
	}
	if len(fc.Audiences) == 0 {
		fc.Audiences = []string{DefaultFederatedAudience}
	}
	if _, err := issuerKeys(fc.JWKS, fc.PublicKey); err != nil {
		return "", err
	}
	id := a.ID + "/" + fc.Name
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, f := range s.st.Federated {
		if k != id && strings.HasPrefix(k, a.ID+"/") && f.Issuer == fc.Issuer && f.Subject == fc.Subject {
			return "", fmt.Errorf("the app's federated credential %q has the same issuer and subject", f.Name)
		}
	}
	s.st.Federated[id] = &fc
	touch(ctx, preFederated+id)
	return fc.Name, nil
}

// credentials returns the certificates and federated credentials of the app
// clientID (its canonical id); call with s.mu held. Stored credentials are
// replaced, never changed, so the caller may read them after unlocking.
func (s *Platform) credentials(clientID string) (certs []*CertificateCredential, feds []*FederatedCredential) {
	prefix := clientID + "/"
	for k, c := range s.st.Certificates {
		if strings.HasPrefix(k, prefix) {
			certs = append(certs, c)
		}
	}
	for k, f := range s.st.Federated {
		if strings.HasPrefix(k, prefix) {
			feds = append(feds, f)
		}
	}
	return certs, feds
}

// issuerKeys reads the issuer's RSA keys (by kid, "" when the key has none)
// from a JWKS document or a PEM public key or certificate.
func issuerKeys(jwks json.RawMessage, pemKey string) (map[string]*rsa.PublicKey, error) {
	keys := map[string]*rsa.PublicKey{}
	if len(jwks) > 0 {
		var doc struct {
			Keys []struct{ Kty, Kid, N, E string } `json:"keys"`
		}
		if err := json.Unmarshal(jwks, &doc); err != nil {
			return nil, fmt.Errorf("jwks: %v", err)
		}
		for _, k := range doc.Keys {
			n, err1 := ids.B64.DecodeString(k.N)
			e, err2 := ids.B64.DecodeString(k.E)
			if k.Kty != "RSA" || err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
				continue
			}
			keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		}
	}
	if pemKey != "" {
		b, _ := pem.Decode([]byte(pemKey))
		if b == nil {
			return nil, errors.New("public_key: no PEM block")
		}
		var pub any
		var err error
		switch b.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(b.Bytes); err == nil {
				pub = c.PublicKey
			}
		default:
			err = fmt.Errorf("unsupported PEM block %q", b.Type)
		}
		rk, ok := pub.(*rsa.PublicKey)
		if err != nil || !ok {
			return nil, fmt.Errorf("public_key: need an RSA PUBLIC KEY or CERTIFICATE (%v)", err)
		}
		keys[""] = rk
	}
	if len(keys) == 0 {
		return nil, errors.New("a federated credential needs the issuer's RSA keys: jwks or public_key")
	}
	return keys, nil
}
