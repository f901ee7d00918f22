package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox"
)

var (
	urlLineRE  = regexp.MustCompile(`https?://\S+/oauth2/v2\.0/authorize\?\S+`)
	userCodeRE = regexp.MustCompile(`^\s+([A-Z0-9]{6,12})\s*$`) // the code, alone on its line
)

func firstUser(t *testing.T) sandbox.InfoUser {
	t.Helper()
	return sandboxInfoUsers(t)[0]
}

func sandboxInfoUsers(t *testing.T) []sandbox.InfoUser {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{PlainHTTP: true, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	return sb.Info().Users
}

// loginPKCE runs `authsome login microsoft --cloud sandbox --flow pkce` and plays the browser.
func (e *env) loginPKCE(t *testing.T, upn, password string, extra ...string) {
	t.Helper()
	args := append([]string{"login", "microsoft", "--cloud", "sandbox", "--flow", "pkce", "--no-browser", "--port", "0"}, extra...)
	p := e.start(args...)
	line := p.waitLine(t, func(l string) bool { return urlLineRE.MatchString(l) })
	page := playBrowser(t, e.sb.Client(), urlLineRE.FindString(line), upn, password)
	if !strings.Contains(page, "Signed in") {
		t.Errorf("final page does not say Signed in:\n%s", page)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("login exited %d; stderr:\n%s", code, p.errb.String())
	}
}

// loginDevice runs the device code login and approves it through the sandbox.
func (e *env) loginDevice(t *testing.T, upn string, extra ...string) {
	t.Helper()
	args := append([]string{"login", "microsoft", "--cloud", "sandbox", "--flow", "device_code"}, extra...)
	p := e.start(args...)
	line := p.waitLine(t, func(l string) bool { return userCodeRE.MatchString(l) })
	if err := e.sb.ApproveDeviceCode(userCodeRE.FindStringSubmatch(line)[1], upn); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("login exited %d; stderr:\n%s", code, p.errb.String())
	}
}

func jwtClaims(t *testing.T, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(raw), ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(b, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestLoginPKCE(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.sb.Info().Users[1]
	e.loginPKCE(t, u.UserPrincipalName, u.Password)

	tok := e.ok("get", "microsoft", "--field", "access_token").stdout
	claims := jwtClaims(t, tok)
	if claims["upn"] != u.UserPrincipalName || claims["oid"] != u.ID || claims["tid"] != e.sb.Info().TenantID {
		t.Errorf("claims = upn %v oid %v tid %v, want %s %s %s", claims["upn"], claims["oid"], claims["tid"], u.UserPrincipalName, u.ID, e.sb.Info().TenantID)
	}
	if _, err := e.sb.VerifyAccessToken(strings.TrimSpace(tok)); err != nil {
		t.Errorf("the sandbox rejects the token it issued: %v", err)
	}
	// The token request carried a PKCE verifier.
	var sawVerifier bool
	for _, r := range e.sb.Requests() {
		if r.Form["grant_type"] == "authorization_code" {
			sawVerifier = true
		}
	}
	if !sawVerifier {
		t.Error("no authorization_code token request in the sandbox log")
	}

	// A second account on another connection; the first stays the default until changed.
	u2 := e.sb.Info().Users[3]
	e.loginPKCE(t, u2.UserPrincipalName, u2.Password, "--connection", "work")
	if c := jwtClaims(t, e.ok("get", "microsoft", "--field", "access_token").stdout); c["upn"] != u.UserPrincipalName {
		t.Errorf("default connection token is for %v", c["upn"])
	}
	e.ok("set-default", "microsoft", "work")
	if c := jwtClaims(t, e.ok("get", "microsoft", "--field", "access_token").stdout); c["upn"] != u2.UserPrincipalName {
		t.Errorf("after set-default work, token is for %v", c["upn"])
	}
	if r := e.run("", "set-default", "microsoft", "nosuch"); r.code != 3 {
		t.Errorf("set-default to a missing connection: exit %d, want 3", r.code)
	}
}

func TestLoginDeviceCodeListExportLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.sb.Info().Users[0]
	e.loginDevice(t, u.UserPrincipalName)

	// list --json shows the connection with its account and no secret.
	out := e.ok("list", "--json").stdout
	var list struct {
		Profile string
		Bundled []struct { // {"v": 1, "profile", "bundled": [...], "custom": [...]}
			Name        string
			Connections []struct {
				Connection      string `json:"connection_name"`
				Status          string
				Cloud           string
				Default         bool `json:"is_default"`
				HasRefreshToken bool `json:"has_refresh_token"`
				Account         struct{ Username string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	found := false
	for _, p := range list.Bundled {
		if p.Name != "microsoft" {
			continue
		}
		for _, c := range p.Connections {
			found = true
			if c.Connection != "default" || c.Status != "connected" || c.Cloud != "sandbox" || !c.Default || !c.HasRefreshToken || c.Account.Username != u.UserPrincipalName {
				t.Errorf("connection = %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no microsoft connection in list --json:\n%s", out)
	}

	// export --format shell can be eval'd by a shell and yields the same token as get.
	tok := strings.TrimSpace(e.ok("get", "microsoft", "--field", "access_token").stdout)
	shell := e.ok("export", "microsoft", "--format", "shell").stdout
	if strings.Contains(shell, "MICROSOFT_REFRESH_TOKEN") {
		t.Error("export printed the refresh token without --include-refresh-token")
	}
	sh := exec.Command("sh", "-c", `eval "$(cat)"; printf %s "$MICROSOFT_ACCESS_TOKEN"`)
	sh.Stdin = strings.NewReader(shell)
	got, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != tok {
		t.Errorf("eval'd MICROSOFT_ACCESS_TOKEN differs from get --field access_token")
	}
	withRT := e.ok("export", "microsoft", "--format", "json", "--include-refresh-token").stdout
	var vars map[string]string
	if err := json.Unmarshal([]byte(withRT), &vars); err != nil || vars["MICROSOFT_REFRESH_TOKEN"] == "" {
		t.Errorf("export --include-refresh-token json = %v (%v)", withRT != "", err)
	}

	// A second login of the same connection is refused without --force (exit 6).
	if r := e.run("", "login", "microsoft", "--cloud", "sandbox", "--flow", "device_code"); r.code != 6 {
		t.Errorf("second login exit = %d, want 6; stderr %s", r.code, r.stderr)
	}

	e.ok("logout", "microsoft")
	if r := e.run("", "get", "microsoft", "--field", "access_token"); r.code != 3 {
		t.Errorf("get after logout: exit %d, want 3 (%s)", r.code, r.stderr)
	}
}

func TestLoginClientCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app")
	claims := jwtClaims(t, e.ok("get", "microsoft", "--connection", "app", "--field", "access_token").stdout)
	if claims["tid"] != e.sb.Info().TenantID || claims["roles"] == nil || claims["upn"] != nil {
		t.Errorf("app-only claims = %v", claims)
	}
	// Client credentials against a multi-tenant authority is refused before any request.
	r := e.run("s3cret\n", "login", "microsoft", "--flow", "client_credentials", "--client-id", "11111111-1111-1111-1111-111111111111", "--client-secret-stdin", "--connection", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "--tenant") || strings.Contains(r.stderr, "s3cret") {
		t.Errorf("client credentials on common: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestLoginErrorsAreActionable: Microsoft's refusal is reported with its AADSTS code, the
// trace and correlation ids, and what to do, and the login exits 2.
func TestLoginErrorsAreActionable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	p := e.start("login", "microsoft", "--cloud", "sandbox", "--flow", "device_code", "--client-id", sandbox.NoPublicFlowsClientID)
	line := p.waitLine(t, func(l string) bool { return userCodeRE.MatchString(l) })
	if err := e.sb.ApproveDeviceCode(userCodeRE.FindStringSubmatch(line)[1], ""); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	msg := p.errb.String()
	for _, want := range []string{"AADSTS7000218", "Allow public client flows", "trace", "correlation"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}

	// A declined device code is a cancelled sign-in (exit 2), and nothing is stored.
	p = e.start("login", "microsoft", "--cloud", "sandbox", "--flow", "device_code")
	line = p.waitLine(t, func(l string) bool { return userCodeRE.MatchString(l) })
	if err := e.sb.DeclineDeviceCode(userCodeRE.FindStringSubmatch(line)[1]); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 2 {
		t.Errorf("declined: exit %d, want 2; %s", code, p.errb.String())
	}
	if r := e.run("", "get", "microsoft"); r.code != 3 {
		t.Errorf("a declined login stored a connection (get exit %d)", r.code)
	}
}
