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
	"path/filepath"
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
	body, _ := json.Marshal(map[string]any{"issuer": iss, "subject": sub, "jwks": jwksOf(key)})
	if resp := e.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(string(body)), nil, nil); resp.StatusCode != 201 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	if resp := e.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(`{"issuer":"x","subject":"y"}`), nil, nil); resp.StatusCode != 400 {
		t.Fatalf("register without keys: %d, want 400", resp.StatusCode)
	}
	mint := func(k *rsa.PrivateKey, iss, sub, aud string) string {
		return mintFederated(t, k, iss, sub, aud, e.clock.Now())
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

// jwksOf is a JWKS document with key's public half under kid k1.
func jwksOf(key *rsa.PrivateKey) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "k1", "n": b64.EncodeToString(key.N.Bytes()), "e": b64.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}})
	return b
}

// mintFederated is a federated assertion (RS256, kid k1) from iss about sub
// for aud, valid for an hour from now.
func mintFederated(t *testing.T, k *rsa.PrivateKey, iss, sub, aud string, now time.Time) string {
	t.Helper()
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

// TestCredentialsSurviveRestart: certificates and federated credentials
// registered for an app are part of the durable state. Another sandbox
// opened on the state folder while the first still runs (so it has only the
// journal, as after kill -9) and one opened after both closed (from the
// snapshot) accept assertions signed with each of them; a federated
// credential registered again under its name replaces the old one there too.
func TestCredentialsSurviveRestart(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	e1 := start(t, Options{StateDir: dir})
	cert, certPEM := newCertCredential(t)
	fedA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	fedB, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const issA, issB, sub = "https://token.actions.example/", "https://oidc.cluster.example/", "system:serviceaccount:apps:agent"

	// A federated credential through the control API (a snapshot follows), a
	// certificate and another federated credential through the Go API
	// (journaled only).
	body, _ := json.Marshal(map[string]any{"name": "github-main", "issuer": issA, "subject": sub, "jwks": jwksOf(fedA)})
	var reg map[string]string
	if resp := e1.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(string(body)), nil, &reg); resp.StatusCode != 201 || reg["name"] != "github-main" {
		t.Fatalf("register federated: %d %v", resp.StatusCode, reg)
	}
	if thumb, err := e1.s.AddCertificate(ConfidentialClientID, certPEM); err != nil || thumb != cert.Thumbprint() {
		t.Fatalf("AddCertificate: %q %v", thumb, err)
	}
	if err := e1.s.AddFederated(ConfidentialClientID, FederatedCredential{Issuer: issB, Subject: sub, JWKS: jwksOf(fedB)}); err != nil {
		t.Fatal(err)
	}
	if err := e1.s.AddFederated(ConfidentialClientID, FederatedCredential{Name: "other", Issuer: issB, Subject: sub, JWKS: jwksOf(fedB)}); err == nil {
		t.Error("a second credential with the same issuer and subject was accepted")
	}

	accepts := func(e *env, name, assertion string) {
		t.Helper()
		if st, tr, eb := e.token(TenantID, assertionForm(assertion)); st != 200 || tr.AccessToken == "" {
			t.Errorf("%s: %d %+v", name, st, eb)
		}
	}
	certAssertion := func(e *env) string {
		t.Helper()
		a, err := cert.Assertion(t.Context(), ConfidentialClientID, e.base+"/"+TenantID+"/oauth2/v2.0/token", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	all := func(e *env) {
		t.Helper()
		accepts(e, "certificate", certAssertion(e))
		accepts(e, "federated (control API)", mintFederated(t, fedA, issA, sub, DefaultFederatedAudience, e.clock.Now()))
		accepts(e, "federated (Go API)", mintFederated(t, fedB, issB, sub, DefaultFederatedAudience, e.clock.Now()))
	}
	all(e1)

	e2 := start(t, Options{StateDir: dir}) // the first one has not closed: only its journal is read
	all(e2)

	// Registered again under its name with another key, the credential is replaced.
	body, _ = json.Marshal(map[string]any{"name": "github-main", "issuer": issA, "subject": sub, "jwks": jwksOf(fedB)})
	if resp := e2.do("POST", "/_sandbox/apps/"+ConfidentialClientID+"/federated", strings.NewReader(string(body)), nil, nil); resp.StatusCode != 201 {
		t.Fatalf("register again: %d", resp.StatusCode)
	}
	if err := e1.s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e2.s.Close(); err != nil { // the last snapshot is e2's
		t.Fatal(err)
	}
	e3 := start(t, Options{StateDir: dir})
	accepts(e3, "certificate after Close", certAssertion(e3))
	accepts(e3, "federated (Go API) after Close", mintFederated(t, fedB, issB, sub, DefaultFederatedAudience, e3.clock.Now()))
	accepts(e3, "replaced federated after Close", mintFederated(t, fedB, issA, sub, DefaultFederatedAudience, e3.clock.Now()))
	if st, _, eb := e3.token(TenantID, assertionForm(mintFederated(t, fedA, issA, sub, DefaultFederatedAudience, e3.clock.Now()))); st == 200 || !slices.Contains(eb.ErrorCodes, 700027) {
		t.Errorf("the replaced key after Close: %d %v, want AADSTS700027", st, eb.ErrorCodes)
	}

	// Reset clears them, and a restart does not bring them back.
	e3.s.Reset()
	if err := e3.s.Close(); err != nil {
		t.Fatal(err)
	}
	e4 := start(t, Options{StateDir: dir})
	if st, _, eb := e4.token(TenantID, assertionForm(mintFederated(t, fedB, issB, sub, DefaultFederatedAudience, e4.clock.Now()))); st == 200 || !slices.Contains(eb.ErrorCodes, 700211) {
		t.Errorf("after Reset and a restart: %d %v, want AADSTS700211", st, eb.ErrorCodes)
	}
}
