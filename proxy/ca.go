package proxy

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// DefaultCAValidity is the lifetime of a per-run CA when NewCA is given no validity.
const DefaultCAValidity = 24 * time.Hour

// Lifetime of a CA kept on disk by [LoadOrCreateCA], and how close to its end it is replaced.
const (
	persistentCAValidity = 30 * 24 * time.Hour
	persistentCARenew    = 7 * 24 * time.Hour
)

// noHosts is the permitted name of a CA created for no host at all: an empty permitted list
// would mean "no constraint", and the reserved .invalid name (RFC 6761) matches nothing real.
const noHosts = "invalid"

// CA is a certificate authority that signs leaf certificates for the hosts the proxy
// intercepts, and nothing else: its certificate carries critical X.509 name constraints that
// permit exactly those DNS names (and, as RFC 5280 defines DNS constraints, their subdomains),
// exclude every IPv4 and IPv6 address, and restrict e-mail and URI names to the reserved
// .invalid domain. It cannot sign intermediate CAs (path length zero). A regex route cannot be
// written as a name constraint, so its hosts are not covered; the proxy tunnels them blind.
//
// The private key lives only in memory, except for a CA from [LoadOrCreateCA]. A CA is safe
// for concurrent use; its zero value is not usable.
type CA struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	hosts   map[string]bool

	leafKey *ecdsa.PrivateKey // one key for every leaf: leaves are per host, the key is per CA
	mu      sync.Mutex
	leaves  map[string]*tls.Certificate
}

// NewCA creates a CA for hosts (exact DNS names such as "graph.microsoft.com"): ECDSA P-256,
// a 128-bit random serial, valid from one minute ago for validity (DefaultCAValidity when
// zero or negative). A host that is not a plain DNS name (a "regex:" route, a wildcard, an IP
// address, a name with a port or a trailing dot) is refused with an error.
func NewCA(hosts []string, validity time.Duration) (*CA, error) {
	hs, err := checkHosts(hosts)
	if err != nil {
		return nil, err
	}
	if validity <= 0 {
		validity = DefaultCAValidity
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	permitted := hs
	if len(permitted) == 0 {
		permitted = []string{noHosts}
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Organization:       []string{"authsome"},
			OrganizationalUnit: []string{"per-run proxy CA"},
			CommonName:         "authsome proxy CA " + serial.Text(16)[:8],
		},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,

		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         permitted,
		ExcludedIPRanges: []*net.IPNet{
			{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)},
			{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)},
		},
		PermittedEmailAddresses: []string{noHosts},
		PermittedURIDomains:     []string{noHosts},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return newCA(der, key)
}

func newCA(der []byte, key crypto.Signer) (*CA, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	if !cert.IsCA || !cert.PermittedDNSDomainsCritical || len(cert.PermittedDNSDomains) == 0 {
		return nil, errors.New("proxy: CA certificate lacks critical name constraints")
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	c := &CA{
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:     key,
		hosts:   map[string]bool{},
		leafKey: leafKey,
		leaves:  map[string]*tls.Certificate{},
	}
	for _, h := range cert.PermittedDNSDomains {
		if h != noHosts {
			c.hosts[h] = true
		}
	}
	return c, nil
}

// checkHosts validates, lower-cases, sorts and de-duplicates hosts.
func checkHosts(hosts []string) ([]string, error) {
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if strings.HasPrefix(h, "regex:") {
			return nil, fmt.Errorf("proxy: %q: a regex route cannot be expressed as a name constraint; pass only exact host names to the CA (regex routes are tunnelled, not intercepted)", h)
		}
		a, err := parseAuthority(h, false)
		if err != nil || a.ip || a.port != "" || !isDNSName(a.host) {
			return nil, fmt.Errorf("proxy: %q is not a DNS host name (no wildcard, IP address, port or trailing dot)", h)
		}
		out = append(out, a.host)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// isDNSName reports whether h is a multi-label host name of letters, digits and hyphens.
func isDNSName(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 || len(h) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.IndexByte(l, '_') >= 0 {
			return false
		}
	}
	return true
}

func randomSerial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

// CertPEM returns the CA certificate in PEM form, for the child's trust settings.
func (c *CA) CertPEM() []byte { return bytes.Clone(c.certPEM) }

// Certificate returns the parsed CA certificate. The caller must not modify it.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

// Hosts returns the host names the CA may sign for, sorted.
func (c *CA) Hosts() []string {
	out := make([]string, 0, len(c.hosts))
	for h := range c.hosts {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// Permits reports whether host (normalised) is one of the CA's hosts.
func (c *CA) Permits(host string) bool { return c.hosts[host] }

// leafRenew is how long before its end a cached leaf is replaced.
const leafRenew = time.Hour

// leaf returns a certificate for host, minting it on first use and caching it per host.
func (c *CA) leaf(host string) (*tls.Certificate, error) {
	if !c.hosts[host] {
		return nil, fmt.Errorf("proxy: the CA may not sign for %q", host)
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.leaves[host]; l != nil && (now.Add(leafRenew).Before(l.Leaf.NotAfter) || !l.Leaf.NotAfter.Before(c.cert.NotAfter)) && now.Before(l.Leaf.NotAfter) {
		return l, nil
	}
	if !now.Before(c.cert.NotAfter) {
		return nil, errors.New("proxy: the CA has expired; restart the proxy")
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	notAfter := now.Add(7 * 24 * time.Hour)
	if notAfter.After(c.cert.NotAfter) {
		notAfter = c.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"authsome"}, CommonName: host},
		DNSNames:              []string{host},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, c.leafKey.Public(), c.key)
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	l := &tls.Certificate{Certificate: [][]byte{der, c.cert.Raw}, PrivateKey: c.leafKey, Leaf: parsed}
	c.leaves[host] = l
	return l, nil
}

// LoadOrCreateCA returns the CA kept in dir (for the long-running `authsome proxy`, whose
// clients are configured once): ca-key.pem (mode 0600, the key and the certificate) and
// ca.pem (the certificate, for clients to trust). It creates a new CA, valid 30 days, when
// there is none, when it was made for another set of hosts, when it expires within 7 days or
// when the files do not parse. dir is created with mode 0700 if missing.
func LoadOrCreateCA(dir string, hosts []string) (*CA, error) {
	hs, err := checkHosts(hosts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	keyPath, certPath := filepath.Join(dir, "ca-key.pem"), filepath.Join(dir, "ca.pem")
	if ca, err := loadCA(keyPath); err == nil && slices.Equal(ca.Hosts(), hs) &&
		time.Until(ca.cert.NotAfter) > persistentCARenew && time.Now().After(ca.cert.NotBefore) {
		if err := os.Chmod(keyPath, 0o600); err != nil {
			return nil, err
		}
		if cur, err := os.ReadFile(certPath); err != nil || !bytes.Equal(cur, ca.certPEM) {
			if err := atomicfile.Write(certPath, ca.certPEM, 0o644); err != nil {
				return nil, err
			}
		}
		return ca, nil
	}
	ca, err := NewCA(hs, persistentCAValidity)
	if err != nil {
		return nil, err
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		return nil, err
	}
	keyFile := append(keyPEM, ca.certPEM...)
	if err := atomicfile.Write(keyPath, keyFile, 0o600); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(certPath, ca.certPEM, 0o644); err != nil {
		return nil, err
	}
	return ca, nil
}

// loadCA reads a key file holding a PKCS#8 key and its certificate, in either order.
func loadCA(path string) (*CA, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseCA(data)
}

// KeyPEM returns the CA's private key, PEM-encoded (PKCS#8), to keep the CA somewhere of the
// caller's choosing, as [LoadOrCreateCA] keeps it in a folder. It is a secret: seal it before
// it leaves the process, and never log it.
func (c *CA) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParseCA returns the CA of certPEM ([CA.CertPEM]) and keyPEM ([CA.KeyPEM]), for a CA kept
// elsewhere than in a folder, such as the database that gateway replicas share. The key must
// match the certificate, which must carry the critical name constraints of [NewCA].
func ParseCA(certPEM, keyPEM []byte) (*CA, error) {
	return parseCA(append(bytes.Clone(keyPEM), certPEM...))
}

// parseCA reads a PKCS#8 key and its certificate, PEM, in either order.
func parseCA(data []byte) (*CA, error) {
	var key crypto.Signer
	var der []byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		switch b.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			s, ok := k.(*ecdsa.PrivateKey)
			if !ok {
				return nil, errors.New("proxy: CA key is not ECDSA")
			}
			key = s
		case "CERTIFICATE":
			der = b.Bytes
		}
	}
	if key == nil || der == nil {
		return nil, errors.New("proxy: CA file lacks a key or a certificate")
	}
	ca, err := newCA(der, key)
	if err != nil {
		return nil, err
	}
	if pub, ok := ca.cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(key.Public()) {
		return nil, errors.New("proxy: CA key does not match its certificate")
	}
	return ca, nil
}

// systemBundles are the usual locations of the system's PEM root bundle: Debian/Ubuntu,
// Fedora/RHEL, openSUSE, older RHEL, CentOS/RHEL 7+, Alpine and macOS.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// WriteTrustBundle writes a PEM bundle for the child's CA variables (SSL_CERT_FILE and the
// like, which replace rather than extend a tool's roots): the system roots, then ca. The
// system roots come from $SSL_CERT_FILE when set, else from the first readable bundle among
// the usual Linux and macOS locations (Go's x509.SystemCertPool cannot be enumerated). With no
// system bundle found, the file holds ca alone. The file is written atomically, mode 0600.
func WriteTrustBundle(path string, ca *CA) error {
	var buf bytes.Buffer
	candidates := systemBundles
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		candidates = append([]string{f}, candidates...)
	}
	for _, f := range candidates {
		data, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(data, []byte("-----BEGIN CERTIFICATE-----")) {
			continue
		}
		buf.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			buf.WriteByte('\n')
		}
		break
	}
	buf.WriteString("# authsome proxy CA\n")
	buf.Write(ca.certPEM)
	return atomicfile.Write(path, buf.Bytes(), 0o600)
}
