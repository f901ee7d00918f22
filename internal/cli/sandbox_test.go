package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxListenLoopbackOnly: `sandbox --listen` on an address other machines reach is a
// usage error naming --allow-remote (finding 10: 0.0.0.0 served the open control API).
func TestSandboxListenLoopbackOnly(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // were an address accepted, the sandbox would stop at once instead of serving
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		t.Run(addr, func(t *testing.T) {
			ios, _, _, errOut := Test()
			r := result{Run(ctx, ios, []string{"--home", home, "sandbox", "--plain-http", "--listen", addr}), "", errOut.String()}
			wantCode(t, r, exitUsage)
			if line := oneLine(t, r); !strings.Contains(line, "--allow-remote") {
				t.Errorf("message %q does not name --allow-remote", line)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, broker.SandboxInfoFile)); !os.IsNotExist(err) {
		t.Errorf("a refused sandbox wrote its info file: %v", err)
	}
}

// TestSandboxAllowRemoteControlToken: with --allow-remote the control API needs the token
// that sandbox.json (0600) holds; the identity platform and Graph stay as they are. The test
// listens on loopback: --allow-remote turns the token on whatever the address.
func TestSandboxAllowRemoteControlToken(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ios, _, _, errOut := Test()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, ios, []string{"--home", home, "sandbox", "--listen", "127.0.0.1:0", "--allow-remote", "--plain-http"})
	}()
	infoPath := filepath.Join(home, broker.SandboxInfoFile)
	info := waitSandboxInfo(t, infoPath, done, errOut)
	if len(info.ControlToken) < 32 {
		t.Fatalf("control_token = %q, want a random token", info.ControlToken)
	}
	if fi, err := os.Stat(infoPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("sandbox.json mode: %v %v", fi.Mode(), err)
	}
	get := func(path, authz string) int {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", info.URL+path, nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, authz := range []string{"", "Bearer ", "Bearer wrong", "Basic " + info.ControlToken, "Bearer " + info.ControlToken + "x"} {
		if code := get("/_sandbox/info", authz); code != http.StatusUnauthorized {
			t.Errorf("control API with Authorization %q: %d, want 401", authz, code)
		}
	}
	if code := get("/_sandbox/info", "Bearer "+info.ControlToken); code != http.StatusOK {
		t.Errorf("control API with the token: %d", code)
	}
	if code := get("/common/v2.0/.well-known/openid-configuration", ""); code != http.StatusOK {
		t.Errorf("identity platform without a token: %d", code)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("sandbox exit %d: %s", code, errOut.String())
	}
}

// TestSandboxSeedMessages: `sandbox --seed-messages N` serves the first seeded user's inbox
// with N more messages, and says so on stderr; a negative count is a usage error.
func TestSandboxSeedMessages(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	ios, _, _, errOut := Test()
	r := result{Run(t.Context(), ios, []string{"--home", home, "sandbox", "--plain-http", "--seed-messages", "-1"}), "", errOut.String()}
	wantCode(t, r, exitUsage)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ios, _, _, errOut = Test()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, ios, []string{"--home", home, "sandbox", "--plain-http", "--seed-messages", "1234"})
	}()
	info := waitSandboxInfo(t, filepath.Join(home, broker.SandboxInfoFile), done, errOut)
	resp, err := http.PostForm(info.URL+"/"+sandbox.TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {sandbox.ConfidentialClientID}, "client_secret": {sandbox.ConfidentialClientSecret}, "scope": {sandbox.GraphResource + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("app token: %d %v", resp.StatusCode, err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", info.URL+"/v1.0/users/"+sandbox.Users()[0].UserPrincipalName+"/mailFolders/inbox/messages/$count", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("sandbox exit %d: %s", code, errOut.String())
	}
	// The seeded inbox has 35 messages.
	if resp.StatusCode != 200 || string(b) != "1269" {
		t.Errorf("inbox $count: %d %q, want 1269", resp.StatusCode, b)
	}
	if !strings.Contains(errOut.String(), "Seeded 1234 messages into the inbox of "+sandbox.Users()[0].UserPrincipalName) {
		t.Errorf("stderr does not report the seeding: %q", errOut.String())
	}
}

// waitSandboxInfo waits for a sandbox started by Run (exiting into done) to write its info file.
func waitSandboxInfo(t *testing.T, infoPath string, done <-chan int, errOut *bytes.Buffer) sandbox.Info {
	t.Helper()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if info, err := sandbox.ReadInfo(infoPath); err == nil && info.URL != "" {
			return info
		}
		select {
		case code := <-done:
			t.Fatalf("sandbox exited %d: %s", code, errOut.String())
		default:
		}
		if time.Since(start) > time.Minute {
			t.Fatal("the sandbox did not write sandbox.json")
		}
	}
}

// TestSandboxResumes: `authsome sandbox` started again in the same home comes back on the same
// address with the same CA and signing keys, so a token issued before the restart still works
// and a browser that trusted the CA still does; --fresh starts the tenant over (tokens of the
// old tenant are refused) and keeps the address and the CA.
func TestSandboxResumes(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	infoPath := filepath.Join(home, broker.SandboxInfoFile)
	var errOut *bytes.Buffer // the stderr of the last sandbox served (read once it has stopped)
	serve := func(args ...string) (sandbox.Info, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(t.Context())
		var ios *IOStreams
		ios, _, _, errOut = Test()
		done := make(chan int, 1)
		go func() { done <- Run(ctx, ios, append([]string{"--home", home, "sandbox"}, args...)) }()
		info := waitSandboxInfo(t, infoPath, done, errOut)
		return info, func() {
			cancel()
			<-done
			for i := 0; i < 500; i++ { // the info file goes when the sandbox has stopped
				if _, err := os.Stat(infoPath); os.IsNotExist(err) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	client := func(info sandbox.Info) *http.Client {
		pem, err := os.ReadFile(info.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	}
	me := func(info sandbox.Info, tok string) int {
		req, _ := http.NewRequest("GET", info.URL+"/v1.0/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client(info).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	first, stop := serve()
	ca1, _ := os.ReadFile(first.CAFile)
	u := first.Users[0]
	resp, err := client(first).PostForm(first.URL+"/organizations/oauth2/v2.0/token", url.Values{"grant_type": {"password"},
		"client_id": {first.PublicClientID}, "username": {u.UserPrincipalName}, "password": {u.Password}, "scope": {"User.Read"}})
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if tr.AccessToken == "" || me(first, tr.AccessToken) != 200 {
		t.Fatalf("no working token from the first sandbox (%d)", resp.StatusCode)
	}
	stop()

	// Same address, unless another process took the port meanwhile (this machine's other
	// tests make connections all the time): then the sandbox says so and moves.
	sameAddress := func(step string, before, after sandbox.Info) {
		t.Helper()
		if after.URL == before.URL {
			return
		}
		if strings.Contains(errOut.String(), "last address "+strings.TrimPrefix(before.URL, "https://")+" is taken") {
			t.Logf("%s: the port of %s was taken meanwhile; the sandbox moved to %s and said so", step, before.URL, after.URL)
			return
		}
		t.Errorf("%s: URL %s → %s without saying the old one was taken; stderr: %q", step, before.URL, after.URL, errOut.String())
	}

	second, stop := serve()
	ca2, _ := os.ReadFile(second.CAFile)
	if string(ca2) != string(ca1) {
		t.Error("restart: the CA changed")
	}
	if st := me(second, tr.AccessToken); st != 200 {
		t.Errorf("a token from before the restart: %d, want 200", st)
	}
	stop() // its stderr is complete once it has stopped
	sameAddress("restart", first, second)

	third, stop := serve("--fresh")
	ca3, _ := os.ReadFile(third.CAFile)
	if string(ca3) != string(ca1) {
		t.Error("--fresh: the CA changed")
	}
	if st := me(third, tr.AccessToken); st != 401 {
		t.Errorf("a token of the tenant --fresh replaced: %d, want 401", st)
	}
	stop()
	sameAddress("--fresh", second, third)
}
