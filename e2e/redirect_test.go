package e2e

import (
	"net/url"
	"strings"
	"testing"
)

// `login --redirect-uri http://127.0.0.1/auth/callback/oauth` signs in to the sandbox through
// the original authsome's callback path: the loopback takes any port, the path is the one sent.
func TestLoginPKCERedirectURICallbackPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	u := e.sb.Info().Users[0]
	args := []string{"login", "microsoft", "--cloud", "sandbox", "--flow", "pkce", "--no-browser", "--port", "0",
		"--redirect-uri", "http://127.0.0.1/auth/callback/oauth"}
	p := e.start(args...)
	line := p.waitLine(t, func(l string) bool { return urlLineRE.MatchString(l) })
	authorize := urlLineRE.FindString(line)
	au, err := url.Parse(authorize)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := url.Parse(au.Query().Get("redirect_uri"))
	if err != nil || ru.Hostname() != "127.0.0.1" || ru.Port() == "" || ru.Path != "/auth/callback/oauth" {
		t.Errorf("redirect_uri = %q, want http://127.0.0.1:PORT/auth/callback/oauth", au.Query().Get("redirect_uri"))
	}
	page := playBrowser(t, e.sb.Client(), authorize, u.UserPrincipalName, u.Password)
	if !strings.Contains(page, "Signed in") {
		t.Errorf("final page does not say Signed in:\n%s", page)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("login exited %d; stderr:\n%s", code, p.errb.String())
	}
	if !strings.Contains(p.errb.String(), "/auth/callback/oauth") {
		t.Errorf("the login did not say which redirect URI it sent:\n%s", p.errb.String())
	}
	claims := jwtClaims(t, e.ok("get", "microsoft", "--field", "access_token").stdout)
	if claims["upn"] != u.UserPrincipalName {
		t.Errorf("token for %v, want %s", claims["upn"], u.UserPrincipalName)
	}
}
