package sandbox

import (
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStatusPage: a browser opening the sandbox's URL gets a page that
// says which tenant it is, how to sign in and how to trust the CA (not a
// JSON 404), and /ca.pem is the CA certificate; the control token is not
// on it.
func TestStatusPage(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Dir: t.TempDir(), RequireControlToken: true})
	resp := e.do("GET", "/", nil, nil, nil)
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	info := e.s.Info()
	for _, want := range []string{TenantName, info.URL + "/v1.0", PublicClientID, info.Users[0].UserPrincipalName, "/ca.pem", "update-ca-certificates", "certutil"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if info.ControlToken == "" || strings.Contains(string(page), info.ControlToken) {
		t.Error("the control token is on the page (or there is none to check)")
	}
	resp = e.do("GET", "/ca.pem", nil, nil, nil)
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(got) != string(e.s.tls.caPEM) {
		t.Errorf("GET /ca.pem: %d, %d bytes", resp.StatusCode, len(got))
	}
	if resp := e.do("GET", "/nothing-here", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("GET /nothing-here: %d, want 404", resp.StatusCode)
	}
}

// TestCANameConstraints: the CA vouches only for the names the sandbox
// serves; a certificate it signed for another name does not verify.
func TestCANameConstraints(t *testing.T) {
	t.Parallel()
	now := time.Now()
	ca, key, err := newCA(now)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	for _, c := range []struct {
		dns  string
		ip   net.IP
		good bool
	}{
		{"localhost", net.ParseIP("127.0.0.1"), true},
		{"graph.microsoft.com", nil, false},
		{"localhost.evil.test", nil, false},
		{"localhost", net.ParseIP("10.0.0.1"), false},
	} {
		var ips []net.IP
		if c.ip != nil {
			ips = []net.IP{c.ip}
		}
		leaf, _, err := issueLeaf(ca, key, now, []string{c.dns}, ips)
		if err != nil {
			t.Fatal(err)
		}
		_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: c.dns})
		if (err == nil) != c.good {
			t.Errorf("a certificate for %s %v: verify error %v, want ok=%v", c.dns, c.ip, err, c.good)
		}
	}
}

// TestCAKeptAcrossRestarts: a sandbox started again on the same folder
// serves with the CA it made the first time (a person trusts it once); its
// key is readable by the owner only; an unusable CA is replaced.
func TestCAKeptAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := loadTLSMaterial(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	second, err := loadTLSMaterial(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if string(first.caPEM) != string(second.caPEM) {
		t.Error("a restart made a new CA")
	}
	if fi, err := os.Stat(filepath.Join(dir, caKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", caKeyFile, err, fi)
	}
	if err := os.WriteFile(filepath.Join(dir, caKeyFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := loadTLSMaterial(dir, time.Now())
	if err != nil || string(third.caPEM) == string(first.caPEM) {
		t.Errorf("an unusable CA key was not replaced: %v", err)
	}
	// Near its end (within 30 days) the CA is replaced too.
	later, err := loadTLSMaterial(dir, time.Now().AddDate(9, 11, 10))
	if err != nil || string(later.caPEM) == string(third.caPEM) {
		t.Errorf("an expiring CA was kept: %v", err)
	}
}
