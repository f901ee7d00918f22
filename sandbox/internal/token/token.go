// Package token signs and verifies the sandbox's JWTs (RS256, with a
// certificate whose thumbprint is the key id, as Microsoft's keys are) and
// defines the claims of its access and ID tokens.
package token

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" // #nosec G505 -- x5t is defined as the SHA-1 thumbprint of the certificate.
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Errors of Verify and of the access-token checks built on it.
// Microsoft Graph as a token audience.
const (
	// GraphAppID is the well-known application id of Microsoft Graph; it is
	// accepted as a resource identifier in scopes and as a token audience.
	GraphAppID = "00000003-0000-0000-c000-000000000000"
	// GraphResource is the audience of access tokens issued for Graph.
	GraphResource = "https://graph.microsoft.com"
)

var (
	ErrMalformed = errors.New("sandbox: access token is malformed")
	ErrSignature = errors.New("sandbox: access token signature is invalid")
	ErrExpired   = errors.New("sandbox: access token is expired")
	ErrNotYet    = errors.New("sandbox: access token is not yet valid")
	ErrAudience  = errors.New("sandbox: access token audience is not Microsoft Graph")
)

var b64 = ids.B64

// Signer holds the RSA token-signing key and its self-signed certificate.
type Signer struct {
	key     *rsa.PrivateKey
	certDER []byte
	kid     string // also the x5t: base64url SHA-1 thumbprint of certDER
	checked verifiedSet
}

// NewSigningKey generates a 2048-bit RSA token-signing key.
func NewSigningKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }

// NewSigner wraps key with a certificate built deterministically from the key
// (fixed dates, serial from the key hash, PKCS#1 v1.5 signature), so kid
// stays stable when the key is reloaded from a state file.
func NewSigner(key *rsa.PrivateKey) (*Signer, error) {
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	if der, ok := certificates.Load(string(pub)); ok {
		return newSigner(key, der.([]byte)), nil
	}
	sum := sha256.Sum256(pub)
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetBytes(sum[:16]),
		Subject:      pkix.Name{CommonName: "authsome sandbox token signing"},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	certificates.Store(string(pub), der)
	return newSigner(key, der), nil
}

func newSigner(key *rsa.PrivateKey, der []byte) *Signer {
	thumb := sha1.Sum(der) // #nosec G401 -- certificate thumbprint, not a security hash.
	return &Signer{key: key, certDER: der, kid: b64.EncodeToString(thumb[:])}
}

type jwtHeader struct {
	Typ string `json:"typ"`
	Alg string `json:"alg"`
	X5t string `json:"x5t,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// Sign returns a compact RS256 JWS of claims.
func (k *Signer) Sign(claims any) (string, error) {
	hdr, err := json.Marshal(jwtHeader{Typ: "JWT", Alg: "RS256", X5t: k.kid, Kid: k.kid})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(hdr) + "." + b64.EncodeToString(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64.EncodeToString(sig), nil
}

// Verify checks the header and signature of raw and decodes its payload into out.
func (k *Signer) Verify(raw string, out any) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ErrMalformed
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return ErrMalformed
	}
	var hdr jwtHeader
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return ErrMalformed
	}
	if hdr.Alg != "RS256" || hdr.Kid != k.kid {
		return ErrSignature
	}
	if !k.checked.has(raw) {
		sig, err := b64.DecodeString(parts[2])
		if err != nil {
			return ErrMalformed
		}
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if rsa.VerifyPKCS1v15(&k.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
			return ErrSignature
		}
		k.checked.add(raw)
	}
	body, err := b64.DecodeString(parts[1])
	if err != nil {
		return ErrMalformed
	}
	if err := json.Unmarshal(body, out); err != nil {
		return ErrMalformed
	}
	return nil
}

// JWK is one key of the JWKS document, shaped like Microsoft's.
type JWK struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Kid    string   `json:"kid"`
	X5t    string   `json:"x5t"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	X5c    []string `json:"x5c"`
	Alg    string   `json:"alg"`
	Issuer string   `json:"issuer"`
}

// JWKS is the key set document for issuer.
func (k *Signer) JWKS(issuer string) map[string][]JWK {
	pub := k.key.PublicKey
	return map[string][]JWK{"keys": {{
		Kty: "RSA", Use: "sig", Kid: k.kid, X5t: k.kid, Alg: "RS256",
		N:      b64.EncodeToString(pub.N.Bytes()),
		E:      b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		X5c:    []string{base64.StdEncoding.EncodeToString(k.certDER)},
		Issuer: issuer,
	}}}
}

// AccessClaims are the claims of an access token issued by the sandbox
// for Microsoft Graph (shaped like Graph's v1.0 tokens).
type AccessClaims struct {
	Aud               string   `json:"aud"`
	Iss               string   `json:"iss"`
	Iat               int64    `json:"iat"`
	Nbf               int64    `json:"nbf"`
	Exp               int64    `json:"exp"`
	AppDisplayName    string   `json:"app_displayname,omitempty"`
	AppID             string   `json:"appid"`
	AppIDACR          string   `json:"appidacr"`
	Azp               string   `json:"azp"`
	FamilyName        string   `json:"family_name,omitempty"`
	GivenName         string   `json:"given_name,omitempty"`
	IDType            string   `json:"idtyp"` // "user" or "app"
	Name              string   `json:"name,omitempty"`
	Oid               string   `json:"oid"`
	PreferredUsername string   `json:"preferred_username,omitempty"`
	Roles             []string `json:"roles,omitempty"`
	Scp               string   `json:"scp,omitempty"`
	Sub               string   `json:"sub"`
	Tid               string   `json:"tid"`
	UniqueName        string   `json:"unique_name,omitempty"`
	UPN               string   `json:"upn,omitempty"`
	Uti               string   `json:"uti"`
	Ver               string   `json:"ver"`
}

// Scopes returns the delegated scopes of the token (the scp claim split on spaces).
func (c *AccessClaims) Scopes() []string { return strings.Fields(c.Scp) }

// IsApp reports whether the token is an app-only token.
func (c *AccessClaims) IsApp() bool { return c.IDType == "app" }

// HasAny reports whether the token carries any of perms, as a delegated scope
// or (for app-only tokens) as an application role. Comparison ignores case.
func (c *AccessClaims) HasAny(perms ...string) bool {
	have := c.Roles
	if !c.IsApp() {
		have = c.Scopes()
	}
	for _, h := range have {
		for _, p := range perms {
			if strings.EqualFold(h, p) {
				return true
			}
		}
	}
	return false
}

// IDClaims are the claims of a v2.0 ID token.
type IDClaims struct {
	Aud               string `json:"aud"`
	Iss               string `json:"iss"`
	Iat               int64  `json:"iat"`
	Nbf               int64  `json:"nbf"`
	Exp               int64  `json:"exp"`
	Email             string `json:"email,omitempty"`
	Name              string `json:"name,omitempty"`
	Nonce             string `json:"nonce,omitempty"`
	Oid               string `json:"oid"`
	PreferredUsername string `json:"preferred_username,omitempty"`
	Sub               string `json:"sub"`
	Tid               string `json:"tid"`
	Uti               string `json:"uti"`
	Ver               string `json:"ver"`
}

// Key returns the private signing key (for the state file).
func (k *Signer) Key() *rsa.PrivateKey { return k.key }

// VerifyAccess checks an access token signed by k: signature and key id,
// audience (Microsoft Graph), not-before (with Microsoft's five minutes of
// skew) and expiry at now. The claims come back with the audience and
// lifetime errors too.
func (k *Signer) VerifyAccess(raw string, now time.Time) (*AccessClaims, error) {
	var c AccessClaims
	if err := k.Verify(raw, &c); err != nil {
		return nil, err
	}
	t := now.Unix()
	if c.Aud != GraphResource && c.Aud != GraphAppID && c.Aud != GraphResource+"/" {
		return &c, ErrAudience
	}
	if c.Nbf > t+300 {
		return &c, ErrNotYet
	}
	if t >= c.Exp {
		return &c, ErrExpired
	}
	return &c, nil
}
