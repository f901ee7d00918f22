package main

import (
	"bufio"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
)

// childEnv, when set, makes the benchmark binary run only authsome's proxy (-proxy-process):
// its value is the proxy's configuration, fields separated by childSep.
const (
	childEnv = "AUTHSOME_BENCH_PROXY_CHILD"
	childSep = "\x1f"
)

// proxyChildMain runs authsome's proxy alone in this process, the way `authsome run` hosts it
// beside the agent's process, prints its address, and returns when stdin closes.
func proxyChildMain(spec string) error {
	f := strings.Split(spec, childSep)
	if len(f) != 7 {
		return errors.New("malformed " + childEnv)
	}
	dir, upURL, upCAFile, token, user, pass, audit := f[0], f[1], f[2], f[3], f[4], f[5], f[6] == "1"
	u, err := url.Parse(upURL)
	if err != nil {
		return err
	}
	asURL, _, stop, err := startAuthsome(dir, &upstream{URL: u}, upCAFile, token, user, pass, audit)
	if err != nil {
		return err
	}
	defer stop()
	signal.Ignore(syscall.SIGINT) // the parent ends us by closing stdin
	fmt.Println(asURL.Host)
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

// proxyProcess is authsome's proxy running in a child process.
type proxyProcess struct {
	URL   *url.URL
	Roots *x509.CertPool
	cmd   *exec.Cmd
	stdin io.Closer
}

// startAuthsomeProcess starts this binary again as a proxy-only child (see proxyChildMain),
// with its files in its own folder under dir.
func startAuthsomeProcess(dir string, up *upstream, upCAFile, token, user, pass string, audit bool) (*proxyProcess, error) {
	dir = filepath.Join(dir, "process")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	a := "0"
	if audit {
		a = "1"
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{dir, up.URL.String(), upCAFile, token, user, pass, a}, childSep))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proxyProcess{cmd: cmd, stdin: in}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("proxy process did not start: %w", err)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "ca-bundle.pem"))
	if err != nil {
		p.Stop()
		return nil, err
	}
	p.Roots = x509.NewCertPool()
	p.Roots.AppendCertsFromPEM(pem)
	p.URL = &url.URL{Scheme: "http", User: url.UserPassword(user, pass), Host: strings.TrimSpace(line)}
	return p, nil
}

// Stop closes the child's stdin and waits for it to exit.
func (p *proxyProcess) Stop() {
	p.stdin.Close()
	_ = p.cmd.Wait()
}
