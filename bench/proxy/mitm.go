package main

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mitmAddon injects the token for graph.microsoft.com and sends those requests to the local
// upstream, keeping the Host header: the same job authsome's proxy does for a sandbox route.
// Other hosts pass unchanged.
const mitmAddon = `# authsome bench/proxy: token-injecting addon for mitmdump (mitmproxy 8 API).
TOKEN = %q
UPSTREAM_HOST = %q
UPSTREAM_PORT = %d
ROUTED_HOST = %q


def request(flow):
    if flow.request.host.lower() != ROUTED_HOST:
        return
    flow.request.headers["Authorization"] = "Bearer " + TOKEN
    flow.request.scheme = "https"
    flow.request.host = UPSTREAM_HOST
    flow.request.port = UPSTREAM_PORT
    flow.request.headers["Host"] = ROUTED_HOST
`

// mitmdump is a running mitmdump process configured as the anchor proxy.
type mitmdump struct {
	URL     *url.URL       // proxy URL with its credentials
	Roots   *x509.CertPool // mitmproxy's CA, generated into the temporary confdir
	Version string
	cmd     *exec.Cmd
	exited  chan struct{}
	out     *syncBuffer
}

// startMitmdump starts mitmdump on 127.0.0.1 with an ephemeral port, proxy authentication, a
// fresh confdir under dir, upstream certificate verification against the upstream's CA, and
// the token-injecting addon; it returns once the port accepts connections.
func startMitmdump(bin, dir string, up *upstream, upstreamCAFile, user, pass string) (*mitmdump, error) {
	version := mitmVersion(bin)
	addon := filepath.Join(dir, "inject_token.py")
	upHost, upPortS, _ := net.SplitHostPort(up.URL.Host)
	upPort, _ := strconv.Atoi(upPortS)
	if err := os.WriteFile(addon, fmt.Appendf(nil, mitmAddon, up.token, upHost, upPort, graphHost), 0o600); err != nil {
		return nil, err
	}
	confdir := filepath.Join(dir, "mitmproxy")
	if err := os.Mkdir(confdir, 0o700); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	m := &mitmdump{Version: version, exited: make(chan struct{}), out: &syncBuffer{}}
	m.cmd = exec.Command(bin,
		"--listen-host", "127.0.0.1",
		"--listen-port", strconv.Itoa(port),
		"--set", "confdir="+confdir,
		"--set", "proxyauth="+user+":"+pass,
		// Connect upstream only once the addon has rewritten the request: graph.microsoft.com
		// is never resolved, and the leaf for the client is minted from the SNI alone.
		"--set", "connection_strategy=lazy",
		"--set", "upstream_cert=false",
		"--set", "ssl_verify_upstream_trusted_ca="+upstreamCAFile,
		"--set", "termlog_verbosity=warn",
		"--set", "flow_detail=0",
		"-s", addon,
	)
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = m.cmd.Wait(); close(m.exited) }()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-m.exited:
			return nil, fmt.Errorf("mitmdump exited before listening on %s:\n%s", addr, m.out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("mitmdump did not listen on %s within a minute:\n%s", addr, m.out.String())
		}
	}
	caPEM, err := os.ReadFile(filepath.Join(confdir, "mitmproxy-ca-cert.pem"))
	if err != nil {
		m.Stop()
		return nil, fmt.Errorf("mitmproxy CA: %w", err)
	}
	m.Roots = x509.NewCertPool()
	if !m.Roots.AppendCertsFromPEM(caPEM) {
		m.Stop()
		return nil, errors.New("mitmproxy CA: no PEM certificate")
	}
	m.URL = &url.URL{Scheme: "http", User: url.UserPassword(user, pass), Host: addr}
	return m, nil
}

// Stop interrupts mitmdump and waits for it, killing it if it lingers.
func (m *mitmdump) Stop() {
	select {
	case <-m.exited:
		return
	default:
	}
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

var mitmVersionRE = regexp.MustCompile(`(?m)^Mitmproxy:\s*(\S+)`)

func mitmVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "unknown"
	}
	if m := mitmVersionRE.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return strings.TrimSpace(string(out))
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects a child's output, keeping the first 64 KiB.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if room := 64<<10 - s.b.Len(); room > 0 {
		s.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
