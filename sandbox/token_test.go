package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {ConfidentialClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}
	st, tr, eb := e.token(TenantID, good)
	if st != 200 {
		t.Fatalf("client credentials: %d %+v", st, eb)
	}
	if tr.RefreshToken != "" || tr.IDToken != "" || tr.AccessToken == "" || tr.ExpiresIn != 3600 {
		t.Fatalf("response: %+v", tr)
	}
	c, err := e.s.VerifyAccessToken(tr.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.IDType != "app" || c.Scp != "" || !slices.Contains(c.Roles, "User.Read.All") || !slices.Contains(c.Roles, "Mail.Read") ||
		c.AppID != ConfidentialClientID || c.Oid != ConfidentialServicePrincipalID || c.Tid != TenantID || c.Aud != GraphResource {
		t.Fatalf("claims: %+v", c)
	}

	// The sandbox URL is accepted as the Graph resource, and HTTP Basic works.
	basic := url.Values{"grant_type": {"client_credentials"}, "scope": {e.base + "/.default"}}
	var raw json.RawMessage
	resp := e.do("POST", "/organizations/oauth2/v2.0/token", strings.NewReader(basic.Encode()), map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded",
		"Authorization": "Basic " + b64std(url.QueryEscape(ConfidentialClientID)+":"+url.QueryEscape(ConfidentialClientSecret)),
	}, &raw)
	if resp.StatusCode != 200 {
		t.Fatalf("basic auth: %d %s", resp.StatusCode, raw)
	}

	cases := []struct {
		name, tenant string
		mod          func(url.Values)
		status       int
		code         string
		aadsts       int
	}{
		{"common", "common", func(url.Values) {}, 400, "invalid_request", 9001023},
		{"consumers", "consumers", func(url.Values) {}, 400, "invalid_request", 9001023},
		{"bad secret", TenantID, func(v url.Values) { v.Set("client_secret", "nope") }, 401, "invalid_client", 7000215},
		{"no secret", TenantID, func(v url.Values) { v.Del("client_secret") }, 401, "invalid_client", 7000218},
		{"public client", TenantID, func(v url.Values) { v.Set("client_id", PublicClientID); v.Del("client_secret") }, 401, "invalid_client", 7000218},
		{"public with secret", TenantID, func(v url.Values) { v.Set("client_id", PublicClientID) }, 401, "invalid_client", 700025},
		{"not default", TenantID, func(v url.Values) { v.Set("scope", "User.Read") }, 400, "invalid_scope", 1002012},
		{"other resource", TenantID, func(v url.Values) { v.Set("scope", "https://vault.azure.net/.default") }, 400, "invalid_resource", 500011},
		{"unknown app", TenantID, func(v url.Values) { v.Set("client_id", "11111111-2222-3333-4444-555555555555") }, 400, "unauthorized_client", 700016},
		{"unknown tenant", "11111111-2222-3333-4444-555555555555", func(url.Values) {}, 400, "invalid_request", 90002},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range good {
				v[k] = append([]string(nil), vs...)
			}
			c.mod(v)
			st, _, eb := e.token(c.tenant, v)
			if st != c.status || eb.Error != c.code || len(eb.ErrorCodes) != 1 || eb.ErrorCodes[0] != c.aadsts {
				t.Fatalf("got %d %s %v: %s", st, eb.Error, eb.ErrorCodes, eb.ErrorDescription)
			}
		})
	}
}

func b64std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestErrorBodyShape(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	var raw map[string]json.RawMessage
	resp := e.do("POST", "/common/oauth2/v2.0/token", strings.NewReader("grant_type=magic&client_id="+PublicClientID),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "client-request-id": "my-correlation-id"}, &raw)
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var eb errorBody
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &eb)
	for _, k := range []string{"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id", "error_uri"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	if eb.Error != "unsupported_grant_type" || eb.ErrorCodes[0] != 70003 || eb.CorrelationID != "my-correlation-id" {
		t.Errorf("body: %+v", eb)
	}
	re := regexp.MustCompile(`^AADSTS70003: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: my-correlation-id\r\nTimestamp: 2025-06-02 09:00:00Z$`)
	if !re.MatchString(eb.ErrorDescription) {
		t.Errorf("description %q", eb.ErrorDescription)
	}
	if eb.Timestamp != "2025-06-02 09:00:00Z" || !strings.HasSuffix(eb.ErrorURI, "/error?code=70003") {
		t.Errorf("timestamp %q uri %q", eb.Timestamp, eb.ErrorURI)
	}
	if resp.Header.Get("client-request-id") != "my-correlation-id" {
		t.Errorf("client-request-id header not echoed")
	}

	// Other malformed requests.
	for body, code := range map[string]int{
		"client_id=" + PublicClientID:                                             900144,
		"grant_type=password&grant_type=password&client_id=" + PublicClientID:     9002313,
		"grant_type=refresh_token&client_id=" + PublicClientID:                    900144,
		"grant_type=refresh_token&refresh_token=nope&client_id=" + PublicClientID: 9002313,
	} {
		var eb errorBody
		resp := e.do("POST", "/common/oauth2/v2.0/token", strings.NewReader(body),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, &eb)
		if resp.StatusCode != 400 || eb.ErrorCodes[0] != code {
			t.Errorf("%s: %d %v", body, resp.StatusCode, eb.ErrorCodes)
		}
	}
	var eb2 errorBody
	resp = e.do("POST", "/common/oauth2/v2.0/token", strings.NewReader(`{"grant_type":"password"}`),
		map[string]string{"Content-Type": "application/json"}, &eb2)
	if resp.StatusCode != 400 || eb2.Error != "invalid_request" {
		t.Errorf("json body: %d %+v", resp.StatusCode, eb2)
	}
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	v := url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {"AlexW@" + TenantDomain},
		"password": {"Sandbox-Alex-2!"}, "scope": {"User.Read offline_access openid"}}
	st, tr, eb := e.token("organizations", v)
	if st != 200 || tr.RefreshToken == "" || tr.IDToken == "" {
		t.Fatalf("password: %d %+v %+v", st, tr, eb)
	}
	c, err := e.s.VerifyAccessToken(tr.AccessToken)
	if err != nil || c.UPN != "AlexW@"+TenantDomain || c.Oid != AlexWilberID || c.IDType != "user" {
		t.Fatalf("claims %+v %v", c, err)
	}
	for name, tc := range map[string]struct {
		tenant string
		mod    func(url.Values)
		code   int
	}{
		"wrong password":  {TenantID, func(v url.Values) { v.Set("password", "x") }, 50126},
		"unknown user":    {TenantID, func(v url.Values) { v.Set("username", "nobody@"+TenantDomain) }, 50034},
		"common":          {"common", func(url.Values) {}, 9001023},
		"no public flows": {TenantID, func(v url.Values) { v.Set("client_id", NoPublicFlowsClientID) }, 7000218},
	} {
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		tc.mod(w)
		if st, _, eb := e.token(tc.tenant, w); st == 200 || eb.ErrorCodes[0] != tc.code {
			t.Errorf("%s: %d %v %s", name, st, eb.ErrorCodes, eb.ErrorDescription)
		}
	}
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	login := url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {adele().UserPrincipalName},
		"password": {adele().Password}, "scope": {"Mail.Read offline_access"}}
	_, first, _ := e.token(TenantID, login)
	refresh := func(rt, scope string) (int, tokenResponse, errorBody) {
		v := url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}}
		if scope != "" {
			v.Set("scope", scope)
		}
		return e.token("common", v)
	}
	st, second, eb := refresh(first.RefreshToken, "")
	if st != 200 || second.RefreshToken == "" || second.RefreshToken == first.RefreshToken || second.Scope != "Mail.Read" {
		t.Fatalf("refresh: %d %+v %+v", st, second, eb)
	}
	// Microsoft keeps the old refresh token valid.
	if st, _, eb := refresh(first.RefreshToken, "User.Read Mail.Read openid profile offline_access"); st != 200 {
		t.Fatalf("old refresh token: %d %+v", st, eb)
	}
	// Scopes never consented need interaction.
	st, _, eb = refresh(second.RefreshToken, "Mail.Send offline_access")
	if st != 400 || eb.Error != "invalid_grant" || eb.ErrorCodes[0] != 65001 || eb.SubError != "consent_required" {
		t.Fatalf("unconsented: %d %+v", st, eb)
	}
	// Other clients cannot use it.
	if st, _, eb := e.token("common", url.Values{"grant_type": {"refresh_token"}, "client_id": {NoPublicFlowsClientID},
		"refresh_token": {second.RefreshToken}}); st != 400 || eb.ErrorCodes[0] != 70000 {
		t.Fatalf("other client: %d %+v", st, eb)
	}

	// Strict rotation: a redeemed refresh token stops working.
	st0 := e.s.Settings()
	st0.StrictRefreshRotation = true
	e.s.SetSettings(st0)
	st, third, _ := refresh(second.RefreshToken, "")
	if st != 200 {
		t.Fatalf("first use under strict rotation: %d", st)
	}
	if st, _, eb := refresh(second.RefreshToken, ""); st != 400 || eb.Error != "invalid_grant" || eb.ErrorCodes[0] != 70008 {
		t.Fatalf("reuse under strict rotation: %d %+v", st, eb)
	}
	if st, _, _ := refresh(third.RefreshToken, ""); st != 200 {
		t.Fatalf("newest token: %d", st)
	}

	// Revocation and inactivity.
	_, fourth, _ := e.token(TenantID, login)
	if n, err := e.s.RevokeRefreshTokens(adele().UserPrincipalName); err != nil || n == 0 {
		t.Fatalf("revoke: %d %v", n, err)
	}
	if st, _, eb := refresh(fourth.RefreshToken, ""); st != 400 || eb.ErrorCodes[0] != 50173 {
		t.Fatalf("revoked: %d %+v", st, eb)
	}
	_, fifth, _ := e.token(TenantID, login)
	e.clock.Advance(91 * 24 * time.Hour)
	if st, _, eb := refresh(fifth.RefreshToken, ""); st != 400 || eb.ErrorCodes[0] != 700082 {
		t.Fatalf("inactive: %d %+v", st, eb)
	}
}

func TestNoRefreshTokenWithoutOfflineAccess(t *testing.T) {
	t.Parallel()
	e := start(t, Options{TokenLifetime: 10 * time.Minute})
	_, tr, _ := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read"}})
	if tr.RefreshToken != "" || tr.IDToken != "" || tr.ExpiresIn != 600 || tr.Scope != "User.Read" {
		t.Fatalf("response %+v", tr)
	}
	// .default expands to the app's configured permissions.
	_, tr, _ = e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"https://graph.microsoft.com/.default"}})
	if tr.Scope != "User.Read" {
		t.Fatalf(".default scope %q", tr.Scope)
	}
}

// TestEveryGraphPermissionIsKnown: a scope Microsoft lists is granted in
// its canonical spelling, whichever the letter case it was asked in (the
// sandbox knew a few dozen by hand and refused the rest with AADSTS70011);
// one Microsoft does not list is still refused.
func TestEveryGraphPermissionIsKnown(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	for _, c := range []struct{ ask, want string }{
		{"group.readwrite.all", "Group.ReadWrite.All"}, {"Notes.Create", "Notes.Create"}, {"BOOKINGS.READ.ALL", "Bookings.Read.All"},
	} {
		st, tr, eb := e.token("organizations", url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
			"username": {u.UserPrincipalName}, "password": {u.Password}, "scope": {"User.Read " + c.ask}})
		if st != 200 || !strings.Contains(" "+tr.Scope+" ", " "+c.want+" ") {
			t.Errorf("%s: %d, scope %q (%+v), want %s granted", c.ask, st, tr.Scope, eb, c.want)
		}
	}
	st, _, eb := e.token("organizations", url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {u.UserPrincipalName}, "password": {u.Password}, "scope": {"Mail.Teleport"}})
	if st != 400 || !strings.Contains(eb.ErrorDescription, "AADSTS70011") {
		t.Errorf("Mail.Teleport: %d %+v, want AADSTS70011", st, eb)
	}
}
