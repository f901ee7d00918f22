package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// CAName is the subject common name of the sandbox certificate authority.
const CAName = "authsome sandbox CA"

// loopbackRanges are the addresses the sandbox's certificates may name.
var loopbackRanges = []*net.IPNet{
	{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
	{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
}

// tlsMaterial is the CA and a server certificate it signed.
type tlsMaterial struct {
	caPEM []byte
	pool  *x509.CertPool
	cert  tls.Certificate
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
}

// loadTLSMaterial returns the CA kept in dir (ca.pem and its key,
// ca-key.pem, 0600), or makes and keeps a new one when there is none (or it
// is unusable: expiring within 30 days, or without the name constraints),
// and a fresh leaf for 127.0.0.1, ::1 and localhost signed by it: a person
// who trusted the CA once keeps trusting it across restarts.
func loadTLSMaterial(dir string, now time.Time) (*tlsMaterial, error) {
	ca, key := readCA(dir, now)
	if ca == nil {
		var err error
		if ca, key, err = newCA(now); err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox: create %s: %w", dir, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, caKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
		if _, err := writeCA(dir, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})); err != nil {
			return nil, err
		}
	}
	return newTLSMaterial(ca, key, now)
}

// caKeyFile is the CA's private key in the sandbox's folder.
const caKeyFile = "ca-key.pem"

// readCA returns the usable CA kept in dir, or nils.
func readCA(dir string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey) {
	certPEM, err1 := os.ReadFile(filepath.Join(dir, "ca.pem"))
	keyPEM, err2 := os.ReadFile(filepath.Join(dir, caKeyFile))
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil
	}
	ca, err := x509.ParseCertificate(cb.Bytes)
	if err != nil || !ca.IsCA || !ca.PermittedDNSDomainsCritical || now.Add(30*24*time.Hour).After(ca.NotAfter) {
		return nil, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	key, ok := k.(*ecdsa.PrivateKey)
	if err != nil || !ok || !key.PublicKey.Equal(ca.PublicKey) {
		return nil, nil
	}
	return ca, key
}

// newTLSMaterial issues a leaf for 127.0.0.1, ::1 and localhost signed by ca.
func newTLSMaterial(ca *x509.Certificate, caKey *ecdsa.PrivateKey, now time.Time) (*tlsMaterial, error) {
	leaf, leafKey, err := issueLeaf(ca, caKey, now, []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")})
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tlsMaterial{
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		pool:  pool,
		cert:  tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Raw}, PrivateKey: leafKey},
	}, nil
}

// newCA makes the certificate authority: valid ten years, limited by name
// constraints to the names the sandbox serves, so that whoever trusts it (a
// browser, the OS store) trusts it for nothing else.
func newCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:                sn,
		Subject:                     pkix.Name{CommonName: CAName, Organization: []string{"authsome sandbox"}},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.AddDate(10, 0, 0),
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost"},
		PermittedIPRanges:           loopbackRanges,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// issueLeaf makes a server certificate for dns and ips, signed by ca.
func issueLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, now time.Time, dns []string, ips []net.IP) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: dns[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(0, 0, 397),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// writeCA writes the CA certificate as dir/ca.pem and returns its path.
func writeCA(dir string, caPEM []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("sandbox: create %s: %w", dir, err)
	}
	path := filepath.Join(dir, "ca.pem")
	if err := writeFileAtomic(path, caPEM, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// writeFileAtomic replaces path with data ([atomicfile.Write]), naming the file in an error.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := atomicfile.Write(path, data, mode); err != nil {
		return fmt.Errorf("sandbox: write %s: %w", path, err)
	}
	return nil
}

// EnsureCA makes the CA a sandbox with Options.Dir dir would serve with,
// when there is none yet, and returns the path of its certificate: what a
// person adds to a trust store before the sandbox first runs.
func EnsureCA(dir string) (string, error) {
	if _, err := loadTLSMaterial(dir, time.Now()); err != nil {
		return "", err
	}
	return filepath.Join(dir, "ca.pem"), nil
}
