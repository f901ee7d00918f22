package oauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
)

func testCert(t *testing.T) (certPEM []byte, key *rsa.PrivateKey) {
	t.Helper()
	key = testkey.RSA(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key
}

func TestParseCertificatePEM(t *testing.T) {
	certPEM, key := testCert(t)
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048) // a key that is not the certificate's
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	legacyEnc := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1}})
	other := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(otherKey)})
	cat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	c, err := ParseCertificatePEM(cat(pkcs1, certPEM))
	if err != nil {
		t.Fatal(err)
	}
	// PEM() round-trips (PKCS#8), and no verb prints the key.
	if _, err := ParseCertificatePEM(c.PEM()); err != nil || !strings.Contains(string(c.PEM()), "BEGIN PRIVATE KEY") {
		t.Fatalf("PEM round trip: %v", err)
	}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%#v", c), fmt.Sprintf("%+v", c)} {
		if strings.Contains(out, "PRIVATE") || !strings.Contains(out, c.Thumbprint()) {
			t.Fatalf("printed: %s", out)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"encrypted PKCS#8", cat(certPEM, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAQ==\n-----END ENCRYPTED PRIVATE KEY-----\n")), "encrypted"},
		{"encrypted legacy", cat(certPEM, legacyEnc), "encrypted"},
		{"PKCS#12", []byte{0x30, 0x82, 0x01, 0x00}, "openssl pkcs12"},
		{"no key", certPEM, "no private key"},
		{"no certificate", pkcs1, "no CERTIFICATE"},
		{"other key", cat(certPEM, other), "does not belong"},
	} {
		if _, err := ParseCertificatePEM(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCertificateAssertionRequest(t *testing.T) {
	certPEM, key := testCert(t)
	c, err := ParseCertificatePEM(append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	var form map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form = map[string]string{}
		for k := range r.PostForm {
			form[k] = r.PostForm.Get(k)
		}
		fmt.Fprint(w, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	cfg := &Config{ClientID: "app-id", Assertion: c, Endpoint: Endpoint{TokenURL: srv.URL + "/t/oauth2/v2.0/token"}, Now: func() time.Time { return now }}
	if _, err := cfg.ClientCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	if form["client_secret"] != "" || form["client_assertion_type"] != ClientAssertionType {
		t.Fatalf("form: %v", form)
	}
	parts := strings.Split(form["client_assertion"], ".")
	if len(parts) != 3 {
		t.Fatalf("assertion %q", form["client_assertion"])
	}
	var hdr map[string]string
	var claims map[string]any
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(cb, &claims) != nil {
		t.Fatal("undecodable assertion")
	}
	block, _ := pem.Decode(certPEM)
	sum := sha256.Sum256(block.Bytes)
	if hdr["alg"] != "RS256" || hdr["x5t#S256"] != base64.RawURLEncoding.EncodeToString(sum[:]) || hdr["x5t"] == "" {
		t.Fatalf("header: %v", hdr)
	}
	if claims["aud"] != cfg.Endpoint.TokenURL || claims["iss"] != "app-id" || claims["sub"] != "app-id" || claims["jti"] == "" ||
		claims["nbf"] != float64(now.Unix()) || claims["exp"] != float64(now.Add(10*time.Minute).Unix()) {
		t.Fatalf("claims: %v", claims)
	}
	if strings.Contains(cfg.String(), "PRIVATE") {
		t.Fatal("Config.String prints the key")
	}
}

func TestFederatedTokenFileReadEveryTime(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token")
	f := FederatedTokenFile(p)
	if _, err := f.Assertion(context.Background(), "", "", time.Time{}); err == nil {
		t.Fatal("missing file: no error")
	}
	for _, want := range []string{"first.jwt.x", "second.jwt.y"} {
		if err := os.WriteFile(p, []byte(want+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := f.Assertion(context.Background(), "", "", time.Time{}); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}
