package broker_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
)

// appKey is the app certificates' key, one per process: not the sandbox's signing key
// (testkey.RSA), so that a check against the wrong key cannot pass.
var appKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// testAppKey returns appKey.
func testAppKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := appKey()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// testCertificate returns a self-signed certificate for key and the key in PKCS#8, as PEM.
func testCertificate(t *testing.T, key *rsa.PrivateKey) (certPEM, keyPEM []byte) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "authsome test app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
}

func (f *fixture) loginApp(t *testing.T, req broker.LoginRequest) error {
	t.Helper()
	req.Provider, req.Cloud, req.Flow, req.Force = "microsoft", broker.CloudSandbox, provider.FlowClientCredentials, true
	_, err := f.b.Login(t.Context(), req)
	return err
}

// graphUsers lists the tenant's users with the default connection's token.
func (f *fixture) graphUsers(t *testing.T) int {
	t.Helper()
	ep, err := f.b.Graph(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ep.Client.Get(ep.URL + "/v1.0/users")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestLoginClientCertificate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	certPEM, keyPEM := testCertificate(t, testAppKey(t))
	if _, err := f.sb.AddCertificate(sandbox.ConfidentialClientID, certPEM); err != nil {
		t.Fatal(err)
	}
	// Key first, then the certificate: one file, any order.
	if err := f.loginApp(t, broker.LoginRequest{ClientCertificate: append(append([]byte{}, keyPEM...), certPEM...)}); err != nil {
		t.Fatalf("certificate login: %v", err)
	}
	if st := f.graphUsers(t); st != 200 {
		t.Fatalf("GET /v1.0/users with the app-only token: %d", st)
	}
	c := f.stored(t, "microsoft", broker.DefaultConnection)
	if !strings.Contains(c.ClientCertificate, "PRIVATE KEY") || c.ClientID != sandbox.ConfidentialClientID {
		t.Fatalf("the vault does not keep the certificate credential: client %q", c.ClientID)
	}
	for _, r := range f.sb.Requests() {
		if _, ok := r.Form["client_secret"]; ok {
			t.Fatalf("a client secret was sent: %+v", r.Form)
		}
	}

	// Past the token's lifetime (both clocks): a new client_credentials request, signed again.
	f.clock.Advance(61 * time.Minute)
	if _, err := f.sb.AdvanceClock(61 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if st := f.graphUsers(t); st != 200 || grants(f.sb, "client_credentials") != 2 {
		t.Fatalf("after expiry: %d, %d client_credentials requests", st, grants(f.sb, "client_credentials"))
	}
}

func TestLoginClientCertificateRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	registered, _ := testCertificate(t, testAppKey(t))
	if _, err := f.sb.AddCertificate(sandbox.ConfidentialClientID, registered); err != nil {
		t.Fatal(err)
	}
	other, otherKey := testCertificate(t, testkey.RSA(t)) // another key: unregistered
	err := f.loginApp(t, broker.LoginRequest{ClientCertificate: append(other, otherKey...)})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700027") {
		t.Fatalf("unregistered certificate: %v, want AADSTS700027", err)
	}

	// A registered certificate whose assertion has expired on the sandbox's clock.
	certPEM, keyPEM := testCertificate(t, testAppKey(t))
	if _, err := f.sb.AddCertificate(sandbox.ConfidentialClientID, certPEM); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sb.AdvanceClock(11 * time.Minute); err != nil {
		t.Fatal(err)
	}
	err = f.loginApp(t, broker.LoginRequest{ClientCertificate: append(certPEM, keyPEM...)})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700024") {
		t.Fatalf("expired assertion: %v, want AADSTS700024", err)
	}

	// An encrypted key is refused before any request.
	enc := []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
	err = f.loginApp(t, broker.LoginRequest{ClientCertificate: append(append([]byte{}, certPEM...), enc...)})
	if err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Fatalf("encrypted key: %v", err)
	}
}

// federatedIssuer signs workload identity tokens.
type federatedIssuer struct {
	key *rsa.PrivateKey
	iss string
}

func (fi *federatedIssuer) token(t *testing.T, sub string, now time.Time) string {
	t.Helper()
	enc := base64.RawURLEncoding
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	claims, _ := json.Marshal(map[string]any{"iss": fi.iss, "sub": sub, "aud": []string{sandbox.DefaultFederatedAudience},
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	sig, err := rsa.SignPKCS1v15(rand.Reader, fi.key, cryptoSHA256, sha256Sum([]byte(signing)))
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + enc.EncodeToString(sig)
}

func TestLoginFederatedTokenFileRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	fi := &federatedIssuer{key: key, iss: "https://oidc.cluster.example/abc"}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	const subject = "system:serviceaccount:apps:worker"
	if err := f.sb.AddFederated(sandbox.ConfidentialClientID, sandbox.FederatedCredential{
		Issuer: fi.iss, Subject: subject, PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "azure-identity-token")
	write := func(tok string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(fi.token(t, subject, time.Now()))
	if err := f.loginApp(t, broker.LoginRequest{FederatedTokenFile: file}); err != nil {
		t.Fatalf("federated login: %v", err)
	}
	if st := f.graphUsers(t); st != 200 {
		t.Fatalf("GET /v1.0/users: %d", st)
	}
	if c := f.stored(t, "microsoft", broker.DefaultConnection); c.FederatedTokenFile != file || c.ClientCertificate != "" {
		t.Fatalf("vault keeps %q, want the path %q", c.FederatedTokenFile, file)
	}

	// The file rotates to a token for another subject: the next request reads it (and fails).
	write(fi.token(t, "system:serviceaccount:apps:other", time.Now()))
	f.clock.Advance(61 * time.Minute)
	if _, err := f.sb.AdvanceClock(61 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.Token(t.Context(), "microsoft", broker.DefaultConnection); err == nil || !strings.Contains(err.Error(), "AADSTS70021") {
		t.Fatalf("rotated file with another subject: %v, want AADSTS70021", err)
	}
	// Rotated again to a good token: the request after it signs in.
	write(fi.token(t, subject, time.Now().Add(61*time.Minute)))
	if _, err := f.b.Token(t.Context(), "microsoft", broker.DefaultConnection); err != nil {
		t.Fatalf("rotated file with a good token: %v", err)
	}
}

const cryptoSHA256 = crypto.SHA256

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
