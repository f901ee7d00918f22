package oauth

import (
	"encoding/base64"
	"errors"
	"strings"
)

// IDClaims are the ID-token claims used to label a connection.
type IDClaims struct {
	TenantID string // "tid"
	ObjectID string // "oid" (the user's id in the tenant)
	Username string // "preferred_username", else "upn", else "email"
	Name     string // "name"
}

const maxIDToken = 64 << 10

// ParseIDTokenClaims decodes the payload of an ID token (a compact JWS).
//
// It does NOT verify the signature, issuer, audience or expiry: the result is
// for display and labelling only and must never be used to make an
// authorization decision. The token came straight from the token endpoint over
// TLS, which is the trust the labels rely on.
func ParseIDTokenClaims(idToken string) (IDClaims, error) {
	if idToken == "" {
		return IDClaims{}, errors.New("oauth: no id token")
	}
	o, err := idTokenPayload(idToken)
	if err != nil {
		return IDClaims{}, err
	}
	c := IDClaims{
		TenantID: o.str("tid"),
		ObjectID: o.str("oid"),
		Username: o.str("preferred_username"),
		Name:     o.str("name"),
	}
	if c.Username == "" {
		c.Username = o.str("upn")
	}
	if c.Username == "" {
		c.Username = o.str("email")
	}
	return c, nil
}

// idTokenPayload decodes the claims of a compact JWS without verifying it.
func idTokenPayload(idToken string) (jsonObject, error) {
	if len(idToken) > maxIDToken {
		return nil, errors.New("oauth: id token too large")
	}
	parts := strings.Split(idToken, ".")
	if len(parts) != 3 {
		return nil, errors.New("oauth: id token is not a signed JWT (want 3 dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, errors.New("oauth: id token payload is not base64url")
	}
	o, ok := decodeObject(payload)
	if !ok {
		return nil, errors.New("oauth: id token payload is not a JSON object")
	}
	return o, nil
}
