package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/oauth"
)

// newCertCredential returns a certificate credential and its certificate as PEM.
func newCertCredential(t *testing.T) (*oauth.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	c, err := oauth.ParseCertificatePEM(append(certPEM, keyPEM...))
	if err != nil {
		t.Fatal(err)
	}
	return c, certPEM
}

func assertionForm(assertion string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_assertion_type": {oauth.ClientAssertionType}, "client_assertion": {assertion},
		"scope": {"https://graph.microsoft.com/.default"}}
}

func TestCertificateAssertion(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	cert, certPEM := newCertCredential(t)
	var reg map[string]string
	if resp := e.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/certificates", strings.NewReader(string(certPEM)), nil, &reg); resp.StatusCode != 201 || reg["x5t#S256"] != cert.Thumbprint() {
		t.Fatalf("register: %d %v", resp.StatusCode, reg)
	}
	if resp := e.do("POST", "/_sandbox/apps/"+PublicClientID+"/certificates", strings.NewReader(string(certPEM)), nil, nil); resp.StatusCode != 404 {
		t.Fatalf("certificate for a public client: %d, want 404", resp.StatusCode)
	}
	aud := e.base + "/" + TenantID + "/oauth2/v2.0/token"
	sign := func(c *oauth.Certificate, aud string, at time.Time) string {
		a, err := c.Assertion(t.Context(), ConfidentialClientID, aud, at)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	st, tr, eb := e.token(TenantID, assertionForm(sign(cert, aud, e.clock.Now())))
	if st != 200 {
		t.Fatalf("good assertion: %d %+v", st, eb)
	}
	c, err := e.s.VerifyAccessToken(tr.AccessToken)
	if err != nil || c.IDType != "app" || !slices.Contains(c.Roles, "User.Read.All") {
		t.Fatalf("token: %v %+v", err, c)
	}

	other, _ := newCertCredential(t)
	cases := []struct {
		name   string
		form   url.Values
		aadsts int
	}{
		{"unregistered certificate", assertionForm(sign(other, aud, e.clock.Now())), 700027},
		{"wrong audience", assertionForm(sign(cert, "https://login.microsoftonline.com/"+TenantID+"/oauth2/v2.0/token", e.clock.Now())), 700023},
		{"expired", assertionForm(sign(cert, aud, e.clock.Now().Add(-11*time.Minute))), 700024},
		{"not a JWT", assertionForm("abc.def"), 50027},
		{"secret and assertion", func() url.Values {
			v := assertionForm(sign(cert, aud, e.clock.Now()))
			v.Set("client_secret", ConfidentialClientSecret)
			return v
		}(), 9002313},
	}
	for _, tc := range cases {
		st, _, eb := e.token(TenantID, tc.form)
		if st == 200 || !slices.Contains(eb.ErrorCodes, tc.aadsts) {
			t.Errorf("%s: %d %v, want AADSTS%d", tc.name, st, eb.ErrorCodes, tc.aadsts)
		}
	}
	if st, _, eb := e.token(TenantID, assertionForm(sign(cert, aud, e.clock.Now().Add(-11*time.Minute)))); !strings.Contains(eb.ErrorDescription, "Client assertion is not within its valid time range") {
		t.Errorf("expired text: %d %q", st, eb.ErrorDescription)
	}
}

func TestFederatedAssertion(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const iss, sub = "https://token.actions.example/", "repo:org/app:ref:refs/heads/main"
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "k1", "n": b64.EncodeToString(key.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}})
	body, _ := json.Marshal(map[string]any{"issuer": iss, "subject": sub, "jwks": json.RawMessage(jwks)})
	if resp := e.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(string(body)), nil, nil); resp.StatusCode != 201 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	if resp := e.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(`{"issuer":"x","subject":"y"}`), nil, nil); resp.StatusCode != 400 {
		t.Fatalf("register without keys: %d, want 400", resp.StatusCode)
	}
	mint := func(k *rsa.PrivateKey, iss, sub, aud string) string {
		now := e.clock.Now()
		h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1"})
		c, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "aud": aud, "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()})
		signing := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
		sum := sha256.Sum256([]byte(signing))
		sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return signing + "." + b64.EncodeToString(sig)
	}
	if st, _, eb := e.token(TenantID, assertionForm(mint(key, iss, sub, DefaultFederatedAudience))); st != 200 {
		t.Fatalf("good federated assertion: %d %+v", st, eb)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		assertion string
		aadsts    int
	}{
		{"unknown issuer", mint(key, "https://elsewhere.example/", sub, DefaultFederatedAudience), 700211},
		{"unknown subject", mint(key, iss, "repo:org/other", DefaultFederatedAudience), 70021},
		{"wrong audience", mint(key, iss, sub, "api://other"), 700212},
		{"wrong key", mint(other, iss, sub, DefaultFederatedAudience), 700027},
	} {
		st, _, eb := e.token(TenantID, assertionForm(tc.assertion))
		if st == 200 || !slices.Contains(eb.ErrorCodes, tc.aadsts) {
			t.Errorf("%s: %d %v, want AADSTS%d", tc.name, st, eb.ErrorCodes, tc.aadsts)
		}
	}
}
