package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// browserDriver returns the command that drives headless Chromium (test/browser/drive.mjs).
// Where Chromium or the driver is missing the test is skipped, except in CI, where that is a
// failure: CI installs both.
func browserDriver(t *testing.T) string {
	t.Helper()
	driver, err := filepath.Abs("../test/browser/drive.mjs")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	if _, err := exec.LookPath("chromium"); err != nil {
		missing = append(missing, "chromium (apt-get install chromium)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(driver), "node_modules", "playwright-core")); err != nil {
		missing = append(missing, "playwright-core (cd test/browser && npm ci)")
	}
	if len(missing) > 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser test prerequisites missing in CI: %s", strings.Join(missing, ", "))
		}
		t.Skipf("browser test needs %s", strings.Join(missing, ", "))
	}
	return driver
}

// TestBrowserPages signs in with a provider that has no stored client, in real headless
// Chromium: authsome's client-id page is filled and submitted, then the sandbox's sign-in and
// consent page, then authsome's loopback callback page.
func TestBrowserPages(t *testing.T) {
	skipShort(t)
	t.Parallel()
	driver := browserDriver(t)
	e := newEnv(t, envOptions{plainHTTP: true})
	info := e.sb.Info()
	user := info.Users[2]

	// A generic OAuth provider on the sandbox's endpoints: nothing fills its client id for us.
	def := fmt.Sprintf(`{"name":"contoso","display_name":"Contoso Graph","auth_type":"oauth2","flow":"pkce","api_url":"graph.contoso.test",
	 "oauth":{"authorization_url":"%[1]s/%[2]s/oauth2/v2.0/authorize","token_url":"%[1]s/%[2]s/oauth2/v2.0/token",
	          "scopes":["User.Read","offline_access","openid","profile"],"pkce":true},
	 "export":{"CONTOSO_TOKEN":"access_token"}}`, info.URL, info.TenantID)
	e.ok("providers", "add", bad(t, def))

	dir := t.TempDir()
	logFile := filepath.Join(dir, "drive.log")
	opener := filepath.Join(dir, "open-browser")
	script := fmt.Sprintf("#!/bin/sh\nexec node %q \"$1\" >>%q 2>&1\n", driver, logFile)
	if err := os.WriteFile(opener, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join(dir, "shots")
	os.MkdirAll(shots, 0o700)
	e.vars = append(e.vars, "BROWSER="+opener, "DRIVE_LOG="+logFile, "DRIVE_SHOTS="+shots,
		"DRIVE_CLIENT_ID="+info.PublicClientID, "DRIVE_USER="+user.UserPrincipalName, "DRIVE_PASSWORD="+user.Password)

	r := e.run("", "login", "contoso", "--port", "0")
	trace := waitTrace(t, logFile, 2)
	if r.code != 0 {
		t.Fatalf("login: exit %d\nstderr: %s\nbrowser trace:\n%s", r.code, r.stderr, trace)
	}
	for _, want := range []string{"client form submitted", "consent accepted", "final page: Signed in"} {
		if !strings.Contains(string(trace), want) {
			t.Errorf("browser trace lacks %q:\n%s", want, trace)
		}
	}
	claims := jwtClaims(t, e.ok("get", "contoso", "--field", "access_token").stdout)
	if claims["upn"] != user.UserPrincipalName {
		t.Errorf("token upn = %v, want %s", claims["upn"], user.UserPrincipalName)
	}

	// The client id was stored: signing in again shows no client page.
	os.WriteFile(logFile, nil, 0o600)
	e.vars = append(e.vars, "DRIVE_CLIENT_ID=")
	if r := e.run("", "login", "contoso", "--port", "0", "--force"); r.code != 0 {
		trace, _ := os.ReadFile(logFile)
		t.Fatalf("second login: exit %d\n%s\n%s", r.code, r.stderr, trace)
	}
	if trace := waitTrace(t, logFile, 1); strings.Contains(string(trace), "client form") {
		t.Errorf("the client page was shown again although the client id is stored:\n%s", trace)
	}
	if os.Getenv("AUTHSOME_KEEP_SHOTS") != "" {
		t.Logf("screenshots in %s", shots)
		os.Rename(shots, os.Getenv("AUTHSOME_KEEP_SHOTS"))
	}
}

// waitTrace waits until n browser sessions have logged their final page (the driver runs on
// after authsome exits) and returns the trace.
func waitTrace(t *testing.T, path string, n int) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if strings.Count(string(b), "final page:")+strings.Count(string(b), "error:") >= n || time.Now().After(deadline) {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserSandboxStatusPage opens the sandbox's URL in real headless Chromium, as a person
// would after `authsome sandbox`: the page that renders is the tenant's status page (not a raw
// JSON error), and its screenshot is taken.
func TestBrowserSandboxStatusPage(t *testing.T) {
	skipShort(t)
	t.Parallel()
	driver := browserDriver(t)
	e := newEnv(t, envOptions{})
	dir := t.TempDir()
	logFile, shots := filepath.Join(dir, "drive.log"), filepath.Join(dir, "shots")
	if err := os.MkdirAll(shots, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", driver, e.sb.Info().URL+"/")
	cmd.Env = append(os.Environ(), "DRIVE_LOG="+logFile, "DRIVE_SHOTS="+shots)
	if out, err := cmd.CombinedOutput(); err != nil {
		trace, _ := os.ReadFile(logFile)
		t.Fatalf("browser: %v\n%s\n%s", err, out, trace)
	}
	trace, _ := os.ReadFile(logFile)
	if !strings.Contains(string(trace), "final page: authsome sandbox — ") {
		t.Errorf("the page a browser shows is not the status page:\n%s", trace)
	}
	pngs, _ := filepath.Glob(filepath.Join(shots, "*.png"))
	if len(pngs) != 1 {
		t.Fatalf("%d screenshots, want 1", len(pngs))
	}
	if fi, err := os.Stat(pngs[0]); err != nil || fi.Size() < 10<<10 {
		t.Errorf("screenshot %s: %v (a rendered page is more than 10 KiB)", pngs[0], err)
	}
	if os.Getenv("AUTHSOME_KEEP_SHOTS") != "" {
		os.Rename(pngs[0], filepath.Join(os.Getenv("AUTHSOME_KEEP_SHOTS"), "sandbox-status.png"))
	}
}
