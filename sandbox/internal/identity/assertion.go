package identity

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Client assertions (RFC 7523) as Microsoft accepts them: certificate
// credentials (a JWT the app signs with its certificate's key) and federated
// credentials (a JWT from a trusted issuer such as a Kubernetes cluster),
// checked against the credentials registered for the app (credentials.go).

const (
	assertionTypeJWT = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// DefaultFederatedAudience is the audience Microsoft expects in federated
	// assertions unless the credential names others.
	DefaultFederatedAudience = "api://AzureADTokenExchange"
	certDocs                 = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
	federatedDocs            = "Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
)

// jwtParts is a decoded compact JWS.
type jwtParts struct {
	Header struct {
		Alg     string `json:"alg"`
		Kid     string `json:"kid"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}
	Claims struct {
		Aud audience `json:"aud"`
		Iss string   `json:"iss"`
		Sub string   `json:"sub"`
		Exp int64    `json:"exp"`
		Nbf int64    `json:"nbf"`
	}
	signed, sig []byte
}

// audience is a JWT aud claim: one string or an array of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

func parseJWT(raw string) (*jwtParts, bool) {
	p := strings.Split(raw, ".")
	if len(p) != 3 {
		return nil, false
	}
	var j jwtParts
	hb, err1 := ids.B64.DecodeString(p[0])
	cb, err2 := ids.B64.DecodeString(p[1])
	sig, err3 := ids.B64.DecodeString(p[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &j.Header) != nil || json.Unmarshal(cb, &j.Claims) != nil {
		return nil, false
	}
	j.signed, j.sig = []byte(p[0]+"."+p[1]), sig
	return &j, true
}

// verify checks the RS256 or PS256 signature with key.
func (j *jwtParts) verify(key *rsa.PublicKey) bool {
	sum := sha256.Sum256(j.signed)
	switch j.Header.Alg {
	case "RS256":
		return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], j.sig) == nil
	case "PS256":
		return rsa.VerifyPSS(key, crypto.SHA256, sum[:], j.sig, nil) == nil
	}
	return false
}

// checkAssertion authenticates a confidential client by its client_assertion.
func (s *Platform) checkAssertion(r *http.Request, a *app, form url.Values) *aadError {
	if t := form.Get("client_assertion_type"); t != assertionTypeJWT {
		if t == "" {
			return errMissingParam("client_assertion_type")
		}
		return newAAD(400, "invalid_request", 9002313,
			"Invalid request. Request is malformed or invalid. The client_assertion_type '%s' is not supported.", truncate(t, 100))
	}
	j, ok := parseJWT(form.Get("client_assertion"))
	if !ok {
		return newAAD(401, "invalid_client", 50027, "JWT token is invalid or malformed.")
	}
	if j.Header.Alg != "RS256" && j.Header.Alg != "PS256" {
		return newAAD(401, "invalid_client", 50027, "JWT token is invalid or malformed. The signing algorithm '%s' is not supported: use RS256 or PS256.", truncate(j.Header.Alg, 20))
	}
	s.mu.Lock()
	certs, feds := s.credentials(a.ID)
	s.mu.Unlock()
	if j.Claims.Iss == a.ID || strings.EqualFold(j.Claims.Iss, a.ID) {
		return s.checkCertAssertion(r, a, j, certs)
	}
	return s.checkFederated(j, feds)
}

func (s *Platform) checkCertAssertion(r *http.Request, a *app, j *jwtParts, certs []*CertificateCredential) *aadError {
	if !strings.EqualFold(j.Claims.Sub, a.ID) {
		return newAAD(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. %s", certDocs)
	}
	thumb := j.Header.X5tS256
	if thumb == "" {
		thumb = j.Header.X5t
	}
	var key *rsa.PublicKey
	for _, c := range certs {
		if thumb != "" && (j.Header.X5tS256 != "" && c.X5tS256 == thumb || j.Header.X5tS256 == "" && c.X5t == thumb) {
			key = c.publicKey()
			break
		}
	}
	if key == nil {
		return newAAD(401, "invalid_client", 700027,
			"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]",
			truncate(thumb, 64), a.ID)
	}
	if !j.verify(key) {
		return newAAD(401, "invalid_client", 700027,
			"Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s']", truncate(thumb, 64))
	}
	if !slices.ContainsFunc(j.Claims.Aud, func(aud string) bool { return s.isTokenEndpoint(r, aud) }) {
		return newAAD(401, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer. %s", certDocs)
	}
	return s.checkValidity(j, certDocs)
}

// isTokenEndpoint reports whether aud names this tenant's token endpoint
// (by any tenant segment that resolves to it, v2.0 or v1).
func (s *Platform) isTokenEndpoint(r *http.Request, aud string) bool {
	u, err := url.Parse(aud)
	if err != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, graphkit.BaseURL(r)) {
		return false
	}
	seg, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	return (rest == "oauth2/v2.0/token" || rest == "oauth2/token") && (resolveTenant(seg) == tenantSpecific || resolveTenant(seg) == tenantOrganizations)
}

// checkValidity checks nbf and exp against the sandbox clock (five minutes of skew allowed on nbf).
func (s *Platform) checkValidity(j *jwtParts, docs string) *aadError {
	now := s.now()
	nbf, exp := time.Unix(j.Claims.Nbf, 0), time.Unix(j.Claims.Exp, 0)
	if j.Claims.Exp == 0 || !now.Before(exp) || now.Add(5*time.Minute).Before(nbf) {
		const f = "2006-01-02T15:04:05.0000000Z"
		return newAAD(401, "invalid_client", 700024,
			"Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. %s",
			now.UTC().Format(f), nbf.UTC().Format(f), exp.UTC().Format(f), docs)
	}
	return nil
}

func (s *Platform) checkFederated(j *jwtParts, feds []*FederatedCredential) *aadError {
	var byIssuer []*FederatedCredential
	for _, f := range feds {
		if f.Issuer == j.Claims.Iss {
			byIssuer = append(byIssuer, f)
		}
	}
	aud := strings.Join(j.Claims.Aud, ",")
	if len(byIssuer) == 0 {
		return newAAD(400, "invalid_client", 700211,
			"No matching federated identity record found for presented assertion issuer '%s'. Please note that the matching is done using a case-sensitive comparison. %s", truncate(j.Claims.Iss, 200), federatedDocs)
	}
	var f *FederatedCredential
	for _, c := range byIssuer {
		if c.Subject == j.Claims.Sub {
			f = c
			break
		}
	}
	if f == nil {
		return newAAD(400, "invalid_client", 70021,
			"No matching federated identity record found for presented assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'. %s",
			truncate(j.Claims.Iss, 200), truncate(j.Claims.Sub, 200), truncate(aud, 200), federatedDocs)
	}
	if !slices.ContainsFunc(j.Claims.Aud, func(a string) bool { return slices.Contains(f.Audiences, a) }) {
		return newAAD(400, "invalid_client", 700212,
			"No matching federated identity record found for presented assertion audience '%s'. %s", truncate(aud, 200), federatedDocs)
	}
	keys, _ := issuerKeys(f.JWKS, f.PublicKey) // checked when registered; a bad one (PUT /_sandbox/state) verifies nothing
	key := keys[j.Header.Kid]
	if key == nil {
		key = keys[""]
	}
	if key == nil || !j.verify(key) {
		return newAAD(401, "invalid_client", 700027, "Client assertion failed signature validation. Trace: the key of issuer '%s' did not verify the signature.", truncate(j.Claims.Iss, 200))
	}
	return s.checkValidity(j, federatedDocs)
}
