package proxy

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCAConstraints(t *testing.T) {
	ca, err := NewCA([]string{"Graph.Microsoft.com", "api.example.test", "graph.microsoft.com"}, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(ca.CertPEM())
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || !cert.BasicConstraintsValid || cert.MaxPathLen != 0 || !cert.MaxPathLenZero || cert.KeyUsage != x509.KeyUsageCertSign {
		t.Errorf("basic constraints: IsCA %v MaxPathLen %d zero %v usage %v", cert.IsCA, cert.MaxPathLen, cert.MaxPathLenZero, cert.KeyUsage)
	}
	if _, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || cert.PublicKey.(*ecdsa.PublicKey).Curve != elliptic.P256() {
		t.Errorf("key %T", cert.PublicKey)
	}
	if !cert.PermittedDNSDomainsCritical || !slices.Equal(cert.PermittedDNSDomains, []string{"api.example.test", "graph.microsoft.com"}) {
		t.Errorf("permitted %v critical %v", cert.PermittedDNSDomains, cert.PermittedDNSDomainsCritical)
	}
	var ex []string
	for _, n := range cert.ExcludedIPRanges {
		ex = append(ex, n.String())
	}
	if !slices.Equal(ex, []string{"0.0.0.0/0", "::/0"}) {
		t.Errorf("excluded IPs %v", ex)
	}
	nameConstraints := asn1.ObjectIdentifier{2, 5, 29, 30}
	for _, e := range cert.Extensions {
		if e.Id.Equal(nameConstraints) && !e.Critical {
			t.Error("name constraints extension not critical")
		}
	}
	if cert.SerialNumber.BitLen() < 64 {
		t.Errorf("serial %v too short", cert.SerialNumber)
	}
	if d := time.Until(cert.NotBefore); d > 0 || d < -2*time.Minute {
		t.Errorf("NotBefore %v", cert.NotBefore)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d < 24*time.Hour || d > 24*time.Hour+2*time.Minute {
		t.Errorf("validity %v", d)
	}

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	verify := func(c *x509.Certificate, name string) error {
		_, err := c.Verify(x509.VerifyOptions{Roots: roots, DNSName: name})
		return err
	}
	// The proxy's own leaves verify.
	leaf, err := ca.leaf("graph.microsoft.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := verify(leaf.Leaf, "graph.microsoft.com"); err != nil {
		t.Errorf("routed leaf: %v", err)
	}
	if again, _ := ca.leaf("graph.microsoft.com"); again != leaf {
		t.Error("leaf not cached")
	}
	if _, err := ca.leaf("evil.test"); err == nil {
		t.Error("CA minted a leaf for a host it was not created for")
	}
	// A leaked key still cannot produce a certificate that verifies for other names.
	for _, tc := range []struct {
		name string
		dns  []string
		ips  []net.IP
	}{
		{"evil.test", []string{"evil.test"}, nil},
		{"login.microsoftonline.com", []string{"login.microsoftonline.com"}, nil},
		{"evilgraph.microsoft.com", []string{"evilgraph.microsoft.com"}, nil},
		{"graph.microsoft.com.evil.test", []string{"graph.microsoft.com.evil.test"}, nil},
		{"127.0.0.1", nil, []net.IP{net.IPv4(127, 0, 0, 1)}},
		{"::1", nil, []net.IP{net.IPv6loopback}},
	} {
		forged := forgeLeaf(t, ca, tc.dns, tc.ips)
		if err := verify(forged, tc.name); err == nil {
			t.Errorf("forged leaf for %s verifies", tc.name)
		}
	}
	// An intermediate CA signed by it is refused (path length zero).
	inter := forgeCA(t, ca)
	pool := x509.NewCertPool()
	pool.AddCert(inter.cert)
	l := forgeLeafWith(t, inter.cert, inter.key, []string{"graph.microsoft.com"}, nil)
	if _, err := l.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, DNSName: "graph.microsoft.com"}); err == nil {
		t.Error("chain through an intermediate verifies")
	}
}

func TestNewCARejects(t *testing.T) {
	for _, h := range []string{`regex:^[a-z]+\.googleapis\.com$`, "*.example.test", "127.0.0.1", "example.test:443", "example.test.", "localhost", "", "a_b.example.test", "exa mple.test"} {
		if _, err := NewCA([]string{h}, time.Hour); err == nil {
			t.Errorf("%q accepted", h)
		} else if strings.HasPrefix(h, "regex:") && !strings.Contains(err.Error(), "regex") {
			t.Errorf("regex error unclear: %v", err)
		}
	}
	// No hosts: a CA that permits nothing real (an empty list would permit everything).
	ca, err := NewCA(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := ca.Certificate(); !slices.Equal(c.PermittedDNSDomains, []string{"invalid"}) || len(ca.Hosts()) != 0 {
		t.Errorf("empty CA permits %v", c.PermittedDNSDomains)
	}
	if d := ca.Certificate().NotAfter.Sub(time.Now()); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("default validity %v", d)
	}
}

type signer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func forgeLeaf(t *testing.T, ca *CA, dns []string, ips []net.IP) *x509.Certificate {
	return forgeLeafWith(t, ca.cert, ca.key.(*ecdsa.PrivateKey), dns, ips)
}

func forgeLeafWith(t *testing.T, parent *x509.Certificate, key *ecdsa.PrivateKey, dns []string, ips []net.IP) *x509.Certificate {
	t.Helper()
	lk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "forged"}, DNSNames: dns, IPAddresses: ips,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, lk.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func forgeCA(t *testing.T, ca *CA) signer {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: "intermediate"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, k.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return signer{c, k}
}

func TestLoadOrCreateCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "proxy-ca")
	hosts := []string{"graph.microsoft.com"}
	a, err := LoadOrCreateCA(dir, hosts)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "ca-key.pem"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", fi, err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", di.Mode())
	}
	certFile, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if !bytes.Equal(certFile, a.CertPEM()) || bytes.Contains(certFile, []byte("PRIVATE")) {
		t.Error("ca.pem is not the bare certificate")
	}
	if d := time.Until(a.Certificate().NotAfter); d < 29*24*time.Hour {
		t.Errorf("persistent validity %v", d)
	}
	b, err := LoadOrCreateCA(dir, []string{"GRAPH.microsoft.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.CertPEM(), b.CertPEM()) {
		t.Error("same hosts: CA re-created")
	}
	if _, err := b.leaf("graph.microsoft.com"); err != nil {
		t.Errorf("loaded CA cannot sign: %v", err)
	}
	c, err := LoadOrCreateCA(dir, []string{"graph.microsoft.com", "api.example.test"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.CertPEM(), c.CertPEM()) || !slices.Equal(c.Hosts(), []string{"api.example.test", "graph.microsoft.com"}) {
		t.Error("changed hosts: CA not re-created")
	}
	// A corrupt or loosened key file is replaced, not trusted.
	os.WriteFile(filepath.Join(dir, "ca-key.pem"), []byte("garbage"), 0o644)
	d, err := LoadOrCreateCA(dir, hosts)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "ca-key.pem")); fi.Mode().Perm() != 0o600 || bytes.Equal(d.CertPEM(), a.CertPEM()) {
		t.Error("corrupt key file not replaced")
	}
	// A CA near its end is replaced.
	old, _ := NewCA(hosts, 3*24*time.Hour)
	der, _ := x509.MarshalPKCS8PrivateKey(old.key)
	os.WriteFile(filepath.Join(dir, "ca-key.pem"), append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), old.CertPEM()...), 0o600)
	e, err := LoadOrCreateCA(dir, hosts)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(e.CertPEM(), old.CertPEM()) {
		t.Error("CA expiring in 3 days kept")
	}
	if _, err := LoadOrCreateCA(dir, []string{"regex:.*"}); err == nil {
		t.Error("regex host accepted")
	}
}

func TestWriteTrustBundle(t *testing.T) {
	ca, _ := NewCA([]string{"graph.microsoft.com"}, time.Hour)
	dir := t.TempDir()
	sys := filepath.Join(dir, "system.pem")
	other, _ := NewCA([]string{"example.test"}, time.Hour)
	os.WriteFile(sys, other.CertPEM(), 0o644)
	t.Setenv("SSL_CERT_FILE", sys)
	out := filepath.Join(dir, "bundle.pem")
	if err := WriteTrustBundle(out, ca); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(out)
	data, _ := os.ReadFile(out)
	if fi.Mode().Perm() != 0o600 || !bytes.Contains(data, other.CertPEM()) || !bytes.HasSuffix(data, ca.CertPEM()) {
		t.Fatalf("bundle mode %v:\n%s", fi.Mode(), data)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		t.Fatal("bundle does not parse")
	}
	// Without SSL_CERT_FILE the usual system bundle is used when present.
	t.Setenv("SSL_CERT_FILE", "")
	if err := WriteTrustBundle(out, ca); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(out)
	for _, f := range systemBundles {
		if sysData, err := os.ReadFile(f); err == nil && bytes.Contains(sysData, []byte("BEGIN CERTIFICATE")) {
			if !bytes.HasPrefix(data, sysData) {
				t.Errorf("system bundle %s not included", f)
			}
			break
		}
	}
	if !bytes.HasSuffix(data, ca.CertPEM()) {
		t.Error("CA missing")
	}
}
