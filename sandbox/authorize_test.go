package sandbox

import (
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestAuthCodePKCE(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	verifier, challenge := pkcePair()
	redirect := "http://127.0.0.1:49152"
	resp := e.signIn(TenantID, authorizeParams(redirect, challenge), adele().UserPrincipalName, adele().Password, "accept")
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, redirect+"/?") {
		t.Fatalf("redirect %q should go to %s/ (empty path gets a slash)", loc, redirect)
	}
	code, state := codeFrom(t, resp)
	if code == "" || state != "st4te" {
		t.Fatalf("code %q state %q", code, state)
	}
	redeem := url.Values{
		"grant_type": {"authorization_code"}, "client_id": {PublicClientID}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {"wrong-verifier-wrong-verifier-wrong-verifier"},
		"scope": {"User.Read Mail.Read offline_access openid profile"}, "client_info": {"1"},
	}
	st, _, eb := e.token("organizations", redeem)
	if st != 400 || eb.Error != "invalid_grant" || eb.ErrorCodes[0] != 501481 {
		t.Fatalf("bad verifier: %d %+v", st, eb)
	}
	redeem.Set("code_verifier", verifier)
	st, tr, eb := e.token("organizations", redeem)
	if st != 200 {
		t.Fatalf("redeem: %d %+v", st, eb)
	}
	if tr.TokenType != "Bearer" || tr.AccessToken == "" || tr.RefreshToken == "" || tr.IDToken == "" || tr.ClientInfo == "" {
		t.Fatalf("incomplete token response: %+v", tr)
	}
	if tr.Scope != "User.Read Mail.Read profile openid" {
		t.Errorf("scope = %q", tr.Scope)
	}
	if tr.ExpiresIn != 3600 || tr.ExtExpiresIn != 3600 {
		t.Errorf("expires_in %d ext %d", tr.ExpiresIn, tr.ExtExpiresIn)
	}
	// Reuse.
	st, _, eb = e.token("organizations", redeem)
	if st != 400 || eb.Error != "invalid_grant" || eb.ErrorCodes[0] != 54005 {
		t.Fatalf("reuse: %d %+v", st, eb)
	}
	// The id token carries the nonce.
	var id token.IDClaims
	if err := e.s.signer.Verify(tr.IDToken, &id); err != nil {
		t.Fatal(err)
	}
	if id.Nonce != "n0nce" || id.Aud != PublicClientID || id.Tid != TenantID || id.Oid != adele().ID {
		t.Errorf("id token claims: %+v", id)
	}
}

func TestAuthCodeChecks(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	verifier, challenge := pkcePair()
	code, _ := codeFrom(t, e.signIn("common", authorizeParams("http://localhost:5000/", challenge),
		adele().UserPrincipalName, adele().Password, "accept"))
	base := url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID}, "code": {code},
		"redirect_uri": {"http://localhost:5000/"}, "code_verifier": {verifier}}

	wrongRedirect := url.Values{}
	for k, v := range base {
		wrongRedirect[k] = v
	}
	wrongRedirect.Set("redirect_uri", "http://localhost:5001/")
	if st, _, eb := e.token("common", wrongRedirect); st != 400 || eb.ErrorCodes[0] != 500112 {
		t.Fatalf("redirect mismatch: %d %+v", st, eb)
	}
	other := url.Values{}
	for k, v := range base {
		other[k] = v
	}
	other.Set("client_id", NoPublicFlowsClientID)
	if st, _, eb := e.token("common", other); st != 400 || eb.ErrorCodes[0] != 70000 {
		t.Fatalf("other client: %d %+v", st, eb)
	}
	noVerifier := url.Values{}
	for k, v := range base {
		noVerifier[k] = v
	}
	noVerifier.Del("code_verifier")
	if st, _, eb := e.token("common", noVerifier); st != 400 || eb.ErrorCodes[0] != 501481 {
		t.Fatalf("missing verifier: %d %+v", st, eb)
	}
	e.clock.Advance(11 * time.Minute)
	if st, _, eb := e.token("common", base); st != 400 || eb.ErrorCodes[0] != 70008 {
		t.Fatalf("expired code: %d %+v", st, eb)
	}
	if st, _, eb := e.token("common", url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID},
		"code": {"garbage"}, "redirect_uri": {"http://localhost:5000/"}}); st != 400 || eb.Error != "invalid_grant" {
		t.Fatalf("garbage code: %d %+v", st, eb)
	}
}

func TestAuthorizeFormPost(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	_, challenge := pkcePair()
	p := authorizeParams("http://localhost:8400/callback", challenge)
	p.Set("response_mode", "form_post")
	// /callback is not registered: the path must match.
	resp := e.do("GET", "/common/oauth2/v2.0/authorize?"+p.Encode(), nil, nil, nil)
	if resp.StatusCode != 400 || !strings.Contains(body(resp), "AADSTS50011") {
		t.Fatalf("unregistered path: %d", resp.StatusCode)
	}
	p.Set("redirect_uri", "http://localhost:8400")
	resp = e.signIn("common", p, "MeganB@"+TenantDomain, "Sandbox-Megan-3!", "accept")
	html := body(resp)
	if resp.StatusCode != 200 || !strings.Contains(html, `action="http://localhost:8400/"`) ||
		!strings.Contains(html, `name="code" value="`) || !strings.Contains(html, `name="state" value="st4te"`) ||
		!strings.Contains(html, "document.forms[0].submit()") {
		t.Fatalf("form_post page: %d\n%s", resp.StatusCode, html)
	}
}

func TestAuthorizeCancelAndErrors(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	_, challenge := pkcePair()
	p := authorizeParams("http://127.0.0.1:6000", challenge)
	resp := e.signIn(TenantDomain, p, adele().UserPrincipalName, "", "cancel")
	u, _ := url.Parse(resp.Header.Get("Location"))
	q := u.Query()
	if resp.StatusCode != 302 || q.Get("error") != "access_denied" || !strings.HasPrefix(q.Get("error_description"), "AADSTS65004: User declined to consent") || q.Get("state") != "st4te" {
		t.Fatalf("cancel: %d %v", resp.StatusCode, q)
	}

	// Wrong password re-renders the page with AADSTS50126.
	resp = e.do("GET", "/common/oauth2/v2.0/authorize?"+p.Encode(), nil, nil, nil)
	ctx := pageCtx(t, body(resp))
	resp = e.form("/common/login", url.Values{"ctx": {ctx}, "login": {adele().UserPrincipalName}, "password": {"nope"}, "action": {"accept"}}, nil)
	html := body(resp)
	if resp.StatusCode != 200 || !strings.Contains(html, "AADSTS50126") || pageCtx(t, html) != ctx {
		t.Fatalf("wrong password page: %d\n%s", resp.StatusCode, html)
	}
	// A hidden field is only a reference; a forged one is rejected.
	resp = e.form("/common/login", url.Values{"ctx": {"forged"}, "login": {adele().UserPrincipalName}, "password": {adele().Password}, "action": {"accept"}}, nil)
	if resp.StatusCode != 400 {
		t.Fatalf("forged ctx: %d", resp.StatusCode)
	}

	cases := []struct {
		name   string
		tenant string
		mod    func(url.Values)
		status int
		want   string // in page body or redirect error_description
	}{
		{"unknown tenant", "fabrikam.example", func(url.Values) {}, 400, "AADSTS90002"},
		{"unknown client", "common", func(v url.Values) { v.Set("client_id", "00000000-0000-0000-0000-000000000001") }, 400, "AADSTS700016"},
		{"ipv6 loopback", "common", func(v url.Values) { v.Set("redirect_uri", "http://[::1]:6000") }, 400, "AADSTS50011"},
		{"https loopback", "common", func(v url.Values) { v.Set("redirect_uri", "https://localhost:6000") }, 400, "AADSTS50011"},
		{"plain pkce", "common", func(v url.Values) { v.Set("code_challenge_method", "plain") }, 302, "AADSTS9002313"},
		{"short challenge", "common", func(v url.Values) { v.Set("code_challenge", "abc") }, 302, "AADSTS501491"},
		{"token response type", "common", func(v url.Values) { v.Set("response_type", "token") }, 302, "AADSTS700054"},
		{"unknown scope", "common", func(v url.Values) { v.Set("scope", "openid Nope.Read") }, 302, "AADSTS70011"},
		{"other resource", "common", func(v url.Values) { v.Set("scope", "https://management.azure.com/user_impersonation") }, 302, "AADSTS500011"},
		{"prompt none", "common", func(v url.Values) { v.Set("prompt", "none") }, 302, "AADSTS50058"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := authorizeParams("http://127.0.0.1:6000", challenge)
			c.mod(v)
			resp := e.do("GET", "/"+c.tenant+"/oauth2/v2.0/authorize?"+v.Encode(), nil, nil, nil)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			got := body(resp)
			if c.status == 302 {
				u, _ := url.Parse(resp.Header.Get("Location"))
				got = u.Query().Get("error_description")
				if u.Query().Get("state") != "st4te" {
					t.Errorf("state not echoed: %v", u.Query())
				}
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("want %s in %q", c.want, got)
			}
		})
	}
}

func TestAuthorizePage(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	p := authorizeParams("http://localhost:7000", "")
	p.Set("login_hint", "NestorW@"+TenantDomain)
	resp := e.do("GET", "/common/oauth2/v2.0/authorize?"+p.Encode(), nil, nil, nil)
	html := body(resp)
	for _, want := range []string{
		`<select name="login" id="login">`, `<input type="password" name="password" id="password"`,
		`<button type="submit" id="accept" name="action" value="accept">`,
		`<button type="submit" id="cancel" name="action" value="cancel"`,
		`value="NestorW@` + TenantDomain + `" selected`, "Mail.Read", "Read your mail",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := len(regexp.MustCompile(`<option `).FindAllString(html, -1)); n != len(seedUsers) {
		t.Errorf("%d users listed", n)
	}
}

func TestAuthorizeAutoApproveFragment(t *testing.T) {
	t.Parallel()
	e := start(t, Options{AutoApprove: true, PlainHTTP: true})
	if !strings.HasPrefix(e.base, "http://") || e.s.CACertPool() != nil {
		t.Fatalf("plain HTTP base %s", e.base)
	}
	p := authorizeParams("http://localhost:7000", "")
	p.Set("response_mode", "fragment")
	resp := e.do("GET", "/common/oauth2/v2.0/authorize?"+p.Encode(), nil, nil, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "http://localhost:7000/#") || !strings.Contains(loc, "code=") {
		t.Fatalf("auto approve: %d %q", resp.StatusCode, loc)
	}
	frag, _ := url.ParseQuery(loc[strings.Index(loc, "#")+1:])
	st, tr, eb := e.token("common", url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID},
		"code": {frag.Get("code")}, "redirect_uri": {"http://localhost:7000"}})
	if st != 200 {
		t.Fatalf("redeem: %+v", eb)
	}
	c, err := e.s.VerifyAccessToken(tr.AccessToken)
	if err != nil || c.Oid != adele().ID {
		t.Fatalf("token for first user: %v %+v", err, c)
	}
}

// OpenID scopes requested only at redemption still yield an id_token and a
// refresh token (MSAL builds the authorize URL without them).
func TestAuthCodeOIDCScopesAtRedemption(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	p := authorizeParams("http://localhost:7100", "")
	p.Set("scope", "User.Read")
	code, _ := codeFrom(t, e.signIn("organizations", p, adele().UserPrincipalName, adele().Password, "accept"))
	st, tr, eb := e.token("organizations", url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID},
		"code": {code}, "redirect_uri": {"http://localhost:7100"}, "scope": {"User.Read openid offline_access profile"}})
	if st != 200 || tr.IDToken == "" || tr.RefreshToken == "" || tr.Scope != "User.Read profile openid" {
		t.Fatalf("%d %+v %+v", st, tr, eb)
	}
}
