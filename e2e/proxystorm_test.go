package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestProxyRefreshStorm: 1,000 concurrent requests through `authsome proxy` when the token is
// due cause exactly one refresh at the identity platform (strict rotation on), and every
// request reaches Graph with the new token. Under -short the storm is 100 requests, as many
// as the client's connections: each still races the others for the refresh.
func TestProxyRefreshStorm(t *testing.T) {
	t.Parallel()
	e, _ := signedIn(t)
	var info struct {
		ProxyURL string `json:"proxy_url"`
		CAFile   string `json:"ca_file"`
	}
	proc := e.startJSON(t, &info, "proxy", "--json")
	caPEM, err := os.ReadFile(info.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	pu, _ := url.Parse(info.ProxyURL)
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		Proxy:               http.ProxyURL(pu),
		TLSClientConfig:     &tls.Config{RootCAs: roots},
		MaxIdleConnsPerHost: 100,
		MaxConnsPerHost:     100,
	}}

	// Make the token due, as time passing would, and spend refresh tokens strictly.
	e.makeDue(t)
	st := e.sb.Settings()
	st.StrictRefreshRotation = true
	e.sb.SetSettings(st)
	e.sb.ClearRequests()

	n := 1000
	if testing.Short() {
		n = 100
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := client.Get("https://graph.microsoft.com/v1.0/me")
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed++; failed <= 3 {
			t.Error(err)
		}
	}
	if n := e.refreshCount(); n != 1 {
		t.Errorf("%d refresh requests, want exactly 1", n)
	}
	newTok := strings.TrimSpace(e.ok("get", "microsoft", "--field", "access_token").stdout)
	auth := e.graphAuth("/v1.0/me")
	if len(auth) != n {
		t.Errorf("%d requests reached Graph, want %d", len(auth), n)
	}
	for _, a := range auth {
		if a != tokenHash(newTok) {
			t.Errorf("a request carried another token than the refreshed one")
			break
		}
	}

	// SIGTERM stops the proxy cleanly.
	proc.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- proc.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("proxy exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("proxy did not stop on SIGTERM")
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	// A private TMPDIR: other test processes may create authsome-* entries in the shared one.
	tmp := t.TempDir()
	e.vars = append(e.vars, "TMPDIR="+tmp)
	r := e.ok("demo")
	for _, want := range []string{"MICROSOFT_ACCESS_TOKEN=authsome-proxy-managed", "Adele Vance", "carrying the real token: true",
		"the audit log has 2 entries (authsome log), e.g. GET graph.microsoft.com/v1.0/me injected=true"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		var names []string
		for _, d := range left {
			names = append(names, d.Name())
		}
		t.Errorf("demo left files behind in TMPDIR: %v", names)
	}
}
