package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// useSmallTrustStore points the tests' processes (the binary, its children, curl, Python)
// at a trust store of one unrelated root of its own, in dir, instead of the system's ~150:
// Go, OpenSSL and authsome's run bundle then each load one certificate, not the whole
// system store, in every process. No test reaches a public host, and a store that holds
// neither the sandbox's CA nor run's keeps every test proving that authsome adds those
// itself.
func useSmallTrustStore(dir string) error {
	_, der, err := selfSigned(&x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "authsome e2e unrelated root"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	})
	if err != nil {
		return err
	}
	file, certDir := filepath.Join(dir, "roots.pem"), filepath.Join(dir, "certs")
	if err := writeCertPEM(file, der); err != nil {
		return err
	}
	if err := os.Mkdir(certDir, 0o700); err != nil {
		return err
	}
	if err := os.Setenv("SSL_CERT_FILE", file); err != nil {
		return err
	}
	return os.Setenv("SSL_CERT_DIR", certDir)
}

// selfSigned makes a P-256 key and the certificate of tmpl signed by it (DER).
func selfSigned(tmpl *x509.Certificate) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	return key, der, err
}

// writeCertPEM writes the certificate der to path as PEM, mode 0600.
func writeCertPEM(path string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}
