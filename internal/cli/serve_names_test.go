package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// writeServerCert writes a self-signed certificate for names (DNS names, or IP addresses) and
// its key, and returns their files.
func writeServerCert(t *testing.T, names ...string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

// TestServeNames: with --tls-cert no --hostname is needed (the URL's name is the certificate's
// first usable one), and one given must be a name of the certificate.
func TestServeNames(t *testing.T) {
	f, _ := testFactory(t)
	cert, key := writeServerCert(t, "*.example.com", "gw.example.com", "127.0.0.1")
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--tls-cert", cert, "--tls-key", key}, []string{"gw.example.com"}},
		{[]string{"--tls-cert", cert, "--tls-key", key, "--hostname", "a.example.com"}, []string{"a.example.com"}},
		{[]string{"--hostname", "gw.other.test"}, []string{"gw.other.test"}},
	} {
		var got *serveOptions
		if err := parse(t, newServeCmd(f, capture(&got)), tc.args...); err != nil || got == nil || !slices.Equal(got.hostnames, tc.want) {
			t.Errorf("serve %v: %v, hostnames %v; want %v", tc.args, err, got, tc.want)
		}
		if got != nil && (got.certFile != "") != (got.tlsCert != nil) {
			t.Errorf("serve %v: the certificate was not loaded", tc.args)
		}
	}
	wantUsage(t, parse(t, newServeCmd(f, noRun[serveOptions](t)), "--tls-cert", cert, "--tls-key", key, "--hostname", "gw.other.test"),
		"--hostname gw.other.test is not a name of --tls-cert")
	wantUsage(t, parse(t, newServeCmd(f, noRun[serveOptions](t)), "--tls-cert", cert), "go together")
	ipOnly, ipKey := writeServerCert(t, "127.0.0.1")
	var got *serveOptions
	if err := parse(t, newServeCmd(f, capture(&got)), "--tls-cert", ipOnly, "--tls-key", ipKey); err != nil || got.hostnames[0] != "127.0.0.1" {
		t.Errorf("an IP-only certificate: %v %v", err, got)
	}
	wild, wildKey := writeServerCert(t, "*.example.com")
	wantUsage(t, parse(t, newServeCmd(f, noRun[serveOptions](t)), "--tls-cert", wild, "--tls-key", wildKey), "give --hostname NAME")
}

// TestStoreCACmd: `store ca` needs a store and refuses a --hostname a CA cannot cover.
func TestStoreCACmd(t *testing.T) {
	f, _ := testFactory(t)
	t.Setenv(envStoreURL, "")
	wantUsage(t, parse(t, newStoreCACmd(f, noRun[storeCAOptions](t))), "--store is needed")
	wantUsage(t, parse(t, newStoreCACmd(f, noRun[storeCAOptions](t)), "--store", "postgres://x/y", "--hostname", "10.0.0.1"), "--hostname")
	var got *storeCAOptions
	err := parse(t, newStoreCACmd(f, capture(&got)), "--store", "postgres://x/y", "--hostname", "gw2.example.com", "--out", "ca.pem", "--reissue")
	if err != nil || got == nil || !got.reissue || got.out != "ca.pem" || !slices.Equal(got.hostnames, []string{"gw2.example.com"}) {
		t.Errorf("store ca: %v %+v", err, got)
	}
}
