package e2e

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loopbackCert writes a self-signed certificate for 127.0.0.1 and its key into dir, for a
// gateway that agents reach by address; it returns the two files.
func loopbackCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, der, err := selfSigned(&x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gateway on loopback"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "gw.pem"), filepath.Join(dir, "gw-key.pem")
	if err := writeCertPEM(certFile, der); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestRunThroughGateway: `authsome run --gateway` on an agent's side runs a child that reads
// /v1.0/me through the gateway (which holds the sign-in), sees only placeholders, never the
// agent credential, and gets the gateway's 403 for requests outside the grant.
func TestRunThroughGateway(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("needs curl")
	}
	e, tok := attackSignedIn(t)
	cred := e.addAgent(t, "runner", "--grant", "microsoft:default", "--allow", "GET /v1.0/me", "--allow", "GET /v1.0/me/messages*")
	dir := t.TempDir()
	certFile, keyFile := loopbackCert(t, dir)

	serve := e.cmd(t.Context(), "serve", "--listen", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile, "--json")
	var logs safeBuffer
	serve.Stderr = &logs
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	var info struct {
		Listen string `json:"listen"`
		URL    string `json:"url"`
		CAFile string `json:"ca_file"`
	}
	if err := json.NewDecoder(stdout).Decode(&info); err != nil {
		t.Fatalf("serve: %v; stderr:\n%s", err, logs.String())
	}
	if info.URL != "https://"+info.Listen { // no --hostname: the name of --tls-cert, 127.0.0.1
		t.Errorf("serve printed %s, want the URL of its certificate's address %s", info.URL, info.Listen)
	}
	// The agent trusts the listener's certificate and the gateway's CA (the intercepted host),
	// which serve names even with --tls-cert.
	if want := filepath.Join(e.home, "profiles", "default", "gateway-ca", "ca.pem"); info.CAFile != want {
		t.Errorf("serve --tls-cert printed ca_file %q, want %q (agents need it for graph.microsoft.com)", info.CAFile, want)
	}
	gwCA, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	listenerCert, _ := os.ReadFile(certFile)
	caFile := filepath.Join(dir, "trust.pem")
	if err := os.WriteFile(caFile, append(gwCA, listenerCert...), 0o600); err != nil {
		t.Fatal(err)
	}
	credFile := filepath.Join(dir, "agent-credential")
	if err := os.WriteFile(credFile, []byte(cred+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.sb.ClearRequests()

	child := `code() { curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $MICROSOFT_ACCESS_TOKEN" "https://graph.microsoft.com$1"; echo; }
echo "me=$(code /v1.0/me)"
echo "messages=$(code '/v1.0/me/messages?$top=1')"
echo "contacts=$(code /v1.0/me/contacts)"
echo "baseurl=$(curl -sS -o /dev/null -w '%{http_code}' "$MICROSOFT_GRAPH_URL/v1.0/me")"
curl -sS -H "Authorization: Bearer $MICROSOFT_ACCESS_TOKEN" https://graph.microsoft.com/v1.0/me/contacts; echo
echo "token=$MICROSOFT_ACCESS_TOKEN"
if cat "$1" >/dev/null 2>&1; then echo credfile=readable; else echo credfile=unreadable; fi
env; cat /proc/self/cmdline; echo`
	r := e.ok("run", "--gateway", "https://"+info.Listen, "--agent-credential-file", credFile, "--gateway-ca", caFile,
		"--", "sh", "-c", child, "child", credFile)
	for _, want := range []string{"me=200", "messages=200", "contacts=403", "baseurl=200", "authsome_outside_grant", "token=authsome-proxy-managed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("child's output lacks %q:\n%s\nstderr: %s\ngateway: %s", want, r.stdout, r.stderr, logs.String())
		}
	}
	for name, secret := range map[string]string{"agent credential": cred, "agent secret": cred[strings.LastIndex(cred, ".")+1:], "access token": tok} {
		if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
			t.Errorf("the child or run's output holds the %s", name)
		}
	}
	if strings.Contains(r.stderr, "runs without isolation") {
		t.Log("no isolation layer on this system: the credential file's confinement is not checked")
	} else if !strings.Contains(r.stdout, "credfile=unreadable") {
		t.Errorf("the child could read the agent credential file:\n%s", r.stdout)
	}
	if !e.sandboxSaw("/v1.0/me") {
		t.Error("the sandbox did not see GET /v1.0/me")
	}
	if e.sandboxSaw("/v1.0/me/contacts") {
		t.Error("a request outside the grant reached the sandbox")
	}
	if !strings.Contains(logs.String(), `"agent":"runner"`) {
		t.Errorf("the gateway's logs do not name the agent:\n%s", logs.String())
	}

	// A revoked agent: run refuses to start, saying why.
	e.ok("agent", "revoke", "runner")
	if r := e.run("", "run", "--gateway", "https://"+info.Listen, "--agent-credential-file", credFile, "--gateway-ca", caFile, "--", "true"); r.code == 0 || !strings.Contains(r.stderr, "refused the agent credential") {
		t.Errorf("run with a revoked agent: exit %d, %s", r.code, r.stderr)
	}
}
