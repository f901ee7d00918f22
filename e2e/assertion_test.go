package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestLoginClientCertificate signs in app-only through the binary with --client-certificate,
// calls Graph with the token, and checks that the private key shows up in no output.
func TestLoginClientCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "e2e app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	file := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(file, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}

	// Not registered yet: Microsoft's error for an unknown key.
	r := e.run("", "login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--client-certificate", file, "--connection", "app")
	if r.code == 0 || !strings.Contains(r.stderr, "AADSTS700027") {
		t.Fatalf("unregistered certificate: exit %d, stderr %s", r.code, r.stderr)
	}
	if _, err := e.sb.AddCertificate(sandbox.ConfidentialClientID, certPEM); err != nil {
		t.Fatal(err)
	}
	outs := []string{e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--client-certificate", file, "--connection", "app").stderr}
	users := e.ok("api", "--connection", "app", "/v1.0/users")
	if !strings.Contains(users.stdout, "userPrincipalName") {
		t.Fatalf("GET /v1.0/users: %.300s", users.stdout)
	}
	outs = append(outs, users.stderr,
		e.ok("get", "microsoft", "--connection", "app", "--show-secret").stdout,
		e.ok("list", "--json").stdout,
		e.ok("export", "microsoft", "--connection", "app", "--format", "json").stdout)
	keyBody := strings.Split(string(keyPEM), "\n")[2] // a line of the key's base64
	vaultFile, err := os.ReadFile(filepath.Join(e.home, "profiles", "default", "vault.json"))
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, map[string]string{"private key": keyBody}, append(outs, string(vaultFile))...)
}
