package oauth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/guid"
)

// ClientAssertionType is the client_assertion_type of a JWT client assertion
// (RFC 7523): Microsoft's certificate and federated credentials.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AssertionLifetime is how long a certificate assertion is valid. Microsoft
// accepts at most ten minutes.
const AssertionLifetime = 10 * time.Minute

// ClientAssertion authenticates a confidential client with a signed JWT
// instead of a client secret.
type ClientAssertion interface {
	// Assertion returns the client_assertion for one token request by
	// clientID to the token endpoint audience, at time now.
	Assertion(ctx context.Context, clientID, audience string, now time.Time) (string, error)
}

// Certificate is an app's certificate credential: an X.509 certificate and
// its RSA private key. It signs client assertions as Microsoft documents for
// certificate credentials (RS256, x5t#S256 header). Its String, Format and
// GoString never print the key.
type Certificate struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

// ParseCertificatePEM reads a certificate and its unencrypted RSA private key
// (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY") from PEM data, in any
// order, possibly from one file. Encrypted keys and PKCS#12 files are refused
// with a message saying how to convert them.
func ParseCertificatePEM(data []byte) (*Certificate, error) {
	var certs []*x509.Certificate
	var key *rsa.PrivateKey
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("certificate file: %v", err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY":
			if key != nil {
				return nil, errors.New("certificate file: more than one private key")
			}
			if b.Headers["Proc-Type"] != "" || b.Headers["DEK-Info"] != "" { // legacy OpenSSL encryption
				return nil, errEncryptedKey
			}
			k, err := parseRSAKey(b)
			if err != nil {
				return nil, err
			}
			key = k
		case "ENCRYPTED PRIVATE KEY":
			return nil, errEncryptedKey
		case "EC PRIVATE KEY":
			return nil, errors.New("certificate file: the key is an EC key; Microsoft certificate credentials need an RSA key")
		}
	}
	if len(certs) == 0 {
		if !strings.Contains(string(data), "-----BEGIN") {
			return nil, errors.New("certificate file: no PEM data found (a PKCS#12 .pfx/.p12 file converts with: openssl pkcs12 -in app.pfx -nodes -out app.pem)")
		}
		return nil, errors.New("certificate file: no CERTIFICATE block")
	}
	if key == nil {
		return nil, errors.New("certificate file: no private key (put the certificate and its unencrypted key in one PEM file)")
	}
	for _, c := range certs {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&key.PublicKey) {
			return &Certificate{cert: c, key: key}, nil
		}
	}
	return nil, errors.New("certificate file: the private key does not belong to the certificate")
}

var errEncryptedKey = errors.New("certificate file: the private key is encrypted; authsome keeps it encrypted in its vault, so give it the decrypted key: openssl pkey -in key.pem -out plain.pem (or openssl pkcs12 -in app.pfx -nodes -out app.pem)")

func parseRSAKey(b *pem.Block) (*rsa.PrivateKey, error) {
	if b.Type == "RSA PRIVATE KEY" {
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, errors.New("certificate file: the RSA private key is not valid PKCS#1")
		}
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, errors.New("certificate file: the private key is not valid PKCS#8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("certificate file: the key is %T; Microsoft certificate credentials need an RSA key", k)
	}
	return rk, nil
}

// PEM returns the certificate and its key (PKCS#8) as PEM, for storage in
// the encrypted vault only.
func (c *Certificate) PEM() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(c.key) // an RSA key always marshals
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
}

// Thumbprint is the base64url SHA-256 hash of the DER certificate (the
// x5t#S256 header of the assertions).
func (c *Certificate) Thumbprint() string {
	sum := sha256.Sum256(c.cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NotAfter is when the certificate expires.
func (c *Certificate) NotAfter() time.Time { return c.cert.NotAfter }

// Assertion signs a client assertion: iss and sub are clientID, aud is the
// token endpoint, a random jti, and nbf/iat now with exp AssertionLifetime
// later. The header names the certificate by its SHA-256 thumbprint
// (x5t#S256) and, for authorities that only know SHA-1 (AD FS, older
// clouds), by x5t.
func (c *Certificate) Assertion(_ context.Context, clientID, audience string, now time.Time) (string, error) {
	s1 := sha1.Sum(c.cert.Raw)
	hdr := map[string]string{"alg": "RS256", "typ": "JWT", "x5t#S256": c.Thumbprint(), "x5t": base64.RawURLEncoding.EncodeToString(s1[:])}
	claims := map[string]any{
		"aud": audience, "iss": clientID, "sub": clientID, "jti": guid.New(),
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(AssertionLifetime).Unix(),
	}
	hb, err := json.Marshal(hdr)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("oauth: signing the client assertion: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// String names the certificate by subject and thumbprint, never the key.
func (c *Certificate) String() string {
	return fmt.Sprintf("certificate %q (x5t#S256 %s, key %s)", c.cert.Subject.String(), c.Thumbprint(), redacted)
}

// GoString is String.
func (c *Certificate) GoString() string { return c.String() }

// Format prints String for every verb.
func (c *Certificate) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// FederatedTokenFile is a federated credential: the path of a file holding a
// JWT issued by an identity provider the app trusts (Kubernetes workload
// identity writes one to AZURE_FEDERATED_TOKEN_FILE and rotates it). The
// file is read again for every token request.
type FederatedTokenFile string

// maxAssertion is the most read from a federated token file.
const maxAssertion = 64 << 10

// Assertion reads the file and returns its content, trimmed.
func (f FederatedTokenFile) Assertion(context.Context, string, string, time.Time) (string, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return "", fmt.Errorf("federated token file: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxAssertion+1))
	if err != nil {
		return "", fmt.Errorf("federated token file: %w", err)
	}
	if len(b) > maxAssertion {
		return "", fmt.Errorf("federated token file %s: larger than %d bytes", string(f), maxAssertion)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("federated token file %s is empty", string(f))
	}
	return tok, nil
}

// authenticate adds the client assertion to a token request body, when the
// Config has one.
func (c *Config) authenticate(ctx context.Context, v url.Values, now time.Time) error {
	if c.Assertion == nil {
		return nil
	}
	a, err := c.Assertion.Assertion(ctx, c.ClientID, c.Endpoint.TokenURL, now)
	if err != nil {
		return err
	}
	v.Set("client_assertion_type", ClientAssertionType)
	v.Set("client_assertion", a)
	return nil
}
