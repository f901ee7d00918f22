package sandbox

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
)

// Errors returned by VerifyAccessToken.
var (
	ErrTokenMalformed = errors.New("sandbox: access token is malformed")
	ErrTokenSignature = errors.New("sandbox: access token signature is invalid")
	ErrTokenExpired   = errors.New("sandbox: access token is expired")
	ErrTokenNotYet    = errors.New("sandbox: access token is not yet valid")
	ErrTokenAudience  = errors.New("sandbox: access token audience is not Microsoft Graph")
)

var b64 = base64.RawURLEncoding

// signer holds the RSA token-signing key and its self-signed certificate.
type signer struct {
	key     *rsa.PrivateKey
	certDER []byte
	kid     string // also the x5t: base64url SHA-1 thumbprint of certDER
}

func newSigningKey() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }

// newSigner wraps key with a certificate built deterministically from the key
// (fixed dates, serial from the key hash, PKCS#1 v1.5 signature), so kid
// stays stable when the key is reloaded from a state file.
func newSigner(key *rsa.PrivateKey) (*signer, error) {
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
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
	thumb := sha1.Sum(der) // #nosec G401 -- certificate thumbprint, not a security hash.
	return &signer{key: key, certDER: der, kid: b64.EncodeToString(thumb[:])}, nil
}

type jwtHeader struct {
	Typ string `json:"typ"`
	Alg string `json:"alg"`
	X5t string `json:"x5t,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// sign returns a compact RS256 JWS of claims.
func (k *signer) sign(claims any) (string, error) {
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

// verify checks the header and signature of raw and decodes its payload into out.
func (k *signer) verify(raw string, out any) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ErrTokenMalformed
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return ErrTokenMalformed
	}
	var hdr jwtHeader
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return ErrTokenMalformed
	}
	if hdr.Alg != "RS256" || hdr.Kid != k.kid {
		return ErrTokenSignature
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return ErrTokenMalformed
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&k.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return ErrTokenSignature
	}
	body, err := b64.DecodeString(parts[1])
	if err != nil {
		return ErrTokenMalformed
	}
	if err := json.Unmarshal(body, out); err != nil {
		return ErrTokenMalformed
	}
	return nil
}

// jwk is one key of the JWKS document, shaped like Microsoft's.
type jwk struct {
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

func (k *signer) jwks(issuer string) map[string][]jwk {
	pub := k.key.PublicKey
	return map[string][]jwk{"keys": {{
		Kty: "RSA", Use: "sig", Kid: k.kid, X5t: k.kid, Alg: "RS256",
		N:      b64.EncodeToString(pub.N.Bytes()),
		E:      b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		X5c:    []string{base64.StdEncoding.EncodeToString(k.certDER)},
		Issuer: issuer,
	}}}
}

// AccessTokenClaims are the claims of an access token issued by the sandbox
// for Microsoft Graph (shaped like Graph's v1.0 tokens).
type AccessTokenClaims struct {
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
func (c *AccessTokenClaims) Scopes() []string { return strings.Fields(c.Scp) }

// IsApp reports whether the token is an app-only token.
func (c *AccessTokenClaims) IsApp() bool { return c.IDType == "app" }

// HasAny reports whether the token carries any of perms, as a delegated scope
// or (for app-only tokens) as an application role. Comparison ignores case.
func (c *AccessTokenClaims) HasAny(perms ...string) bool {
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

// idTokenClaims are the claims of a v2.0 ID token.
type idTokenClaims struct {
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

// VerifyAccessToken checks an access token issued by this server: signature
// and key id, audience (Microsoft Graph), not-before and expiry against the
// server clock. It returns the token's claims.
func (s *Server) VerifyAccessToken(raw string) (*AccessTokenClaims, error) {
	var c AccessTokenClaims
	if err := s.signer.verify(raw, &c); err != nil {
		return nil, err
	}
	now := s.now().Unix()
	if c.Aud != GraphResource && c.Aud != GraphAppID && c.Aud != GraphResource+"/" {
		return &c, ErrTokenAudience
	}
	if c.Nbf > now+300 { // five minutes of clock skew, like Microsoft's validators
		return &c, ErrTokenNotYet
	}
	if now >= c.Exp {
		return &c, ErrTokenExpired
	}
	return &c, nil
}

// pairwiseSub derives the per-application subject identifier, like Microsoft's
// pairwise "sub" claim.
func pairwiseSub(clientID, oid string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(clientID) + "|" + oid))
	return b64.EncodeToString(sum[:])[:43]
}
