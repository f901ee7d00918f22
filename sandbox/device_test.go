package sandbox

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func (e *env) deviceCode(clientID, scope string) deviceCodeResponse {
	e.t.Helper()
	var dc deviceCodeResponse
	resp := e.form("/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {clientID}, "scope": {scope}}, &dc)
	if resp.StatusCode != 200 {
		e.t.Fatalf("devicecode: %d %s", resp.StatusCode, body(resp))
	}
	return dc
}

func (e *env) poll(clientID, deviceCode string) (int, tokenResponse, errorBody) {
	e.t.Helper()
	return e.token("organizations", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
		"client_id": {clientID}, "device_code": {deviceCode}, "client_info": {"1"}})
}

func TestDeviceCodeFlow(t *testing.T) {
	t.Parallel()
	e := start(t, Options{DeviceInterval: 2 * time.Second})
	dc := e.deviceCode(PublicClientID, "User.Read offline_access openid profile")
	if !regexp.MustCompile(`^[A-Z0-9]{9}$`).MatchString(dc.UserCode) {
		t.Errorf("user code %q", dc.UserCode)
	}
	if dc.VerificationURI != e.base+"/devicelogin" || dc.ExpiresIn != 900 || dc.Interval != 2 {
		t.Errorf("response %+v", dc)
	}
	want := "To sign in, use a web browser to open the page " + e.base + "/devicelogin and enter the code " + dc.UserCode + " to authenticate."
	if dc.Message != want {
		t.Errorf("message %q", dc.Message)
	}
	st, _, eb := e.poll(PublicClientID, dc.DeviceCode)
	if st != 400 || eb.Error != "authorization_pending" || eb.ErrorCodes[0] != 70016 {
		t.Fatalf("pending: %d %+v", st, eb)
	}
	// Polling again at once (faster than half the interval) asks to slow down.
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "slow_down" {
		t.Fatalf("fast poll: %+v", eb)
	}
	e.clock.Advance(2 * time.Second)
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "authorization_pending" {
		t.Fatalf("honest poll: %+v", eb)
	}
	if _, _, eb := e.poll(PublicClientID, "nonsense"); eb.Error != "bad_verification_code" || eb.ErrorCodes[0] != 70018 {
		t.Fatalf("bad code: %+v", eb)
	}

	// Approve through the control API.
	var out map[string]string
	resp := e.do("POST", "/_sandbox/devicecode/approve", strings.NewReader(`{"user_code":"`+strings.ToLower(dc.UserCode)+`","user":"MeganB@`+TenantDomain+`"}`), nil, &out)
	if resp.StatusCode != 200 || out["status"] != "approved" {
		t.Fatalf("approve: %d %v", resp.StatusCode, out)
	}
	e.clock.Advance(2 * time.Second)
	st, tr, eb := e.poll(PublicClientID, dc.DeviceCode)
	if st != 200 || tr.RefreshToken == "" || tr.IDToken == "" || tr.ClientInfo == "" {
		t.Fatalf("token: %d %+v", st, eb)
	}
	c, err := e.s.VerifyAccessToken(tr.AccessToken)
	if err != nil || c.Oid != MeganBowenID {
		t.Fatalf("claims %+v %v", c, err)
	}
	if st, _, eb := e.poll(PublicClientID, dc.DeviceCode); st != 400 || eb.ErrorCodes[0] != 90120 {
		t.Fatalf("second redemption: %d %+v", st, eb)
	}
	if err := e.s.ApproveDeviceCode(dc.UserCode, ""); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("approve twice: %v", err)
	}
}

func TestDeviceCodeDeclineExpireAndRestrictedApp(t *testing.T) {
	t.Parallel()
	e := start(t, Options{DeviceInterval: 100 * time.Millisecond})
	dc := e.deviceCode(PublicClientID, "User.Read")
	if dc.Interval != 0 {
		t.Errorf("sub-second interval announced as %d", dc.Interval)
	}
	resp := e.do("POST", "/_sandbox/devicecode/approve", strings.NewReader(`{"user_code":"`+dc.UserCode+`","decline":true}`), nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("decline: %d", resp.StatusCode)
	}
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "authorization_declined" {
		t.Fatalf("declined: %+v", eb)
	}

	dc = e.deviceCode(PublicClientID, "User.Read")
	e.clock.Advance(16 * time.Minute)
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "expired_token" || eb.ErrorCodes[0] != 70019 {
		t.Fatalf("expired: %+v", eb)
	}
	if err := e.s.ApproveDeviceCode(dc.UserCode, ""); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("approve expired: %v", err)
	}
	resp = e.do("POST", "/_sandbox/devicecode/approve", strings.NewReader(`{"user_code":"ZZZZZZZZZ"}`), nil, nil)
	if resp.StatusCode != 404 {
		t.Fatalf("unknown user code: %d", resp.StatusCode)
	}

	// Public client flows disabled: pending until approved, then AADSTS7000218.
	dc = e.deviceCode(NoPublicFlowsClientID, "User.Read")
	if _, _, eb := e.poll(NoPublicFlowsClientID, dc.DeviceCode); eb.Error != "authorization_pending" {
		t.Fatalf("pending: %+v", eb)
	}
	if err := e.s.ApproveDeviceCode(dc.UserCode, AlexWilberID); err != nil {
		t.Fatal(err)
	}
	st, _, eb := e.poll(NoPublicFlowsClientID, dc.DeviceCode)
	if st != 401 || eb.Error != "invalid_client" || eb.ErrorCodes[0] != 7000218 {
		t.Fatalf("restricted app: %d %+v", st, eb)
	}

	var eb2 errorBody
	resp = e.form("/organizations/oauth2/v2.0/devicecode", url.Values{"client_id": {"0badc0de-0000-0000-0000-000000000000"}, "scope": {"User.Read"}}, &eb2)
	if resp.StatusCode != 400 || eb2.ErrorCodes[0] != 700016 {
		t.Fatalf("unknown client: %d %+v", resp.StatusCode, eb2)
	}
}

func TestDeviceLoginPages(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	dc := e.deviceCode(PublicClientID, "Mail.Read offline_access")
	page := body(e.do("GET", "/devicelogin", nil, nil, nil))
	if !strings.Contains(page, `<input name="otc" id="otc"`) || !strings.Contains(page, `id="next"`) {
		t.Fatalf("code page:\n%s", page)
	}
	page = body(e.form("/devicelogin", url.Values{"otc": {"WRONGCODE"}}, nil))
	if !strings.Contains(page, "wasn&#39;t recognized") {
		t.Fatalf("wrong code page:\n%s", page)
	}
	// Typed with a dash and in lower case.
	typed := strings.ToLower(dc.UserCode[:4] + "-" + dc.UserCode[4:])
	page = body(e.form("/devicelogin", url.Values{"otc": {typed}}, nil))
	ctx := pageCtx(t, page)
	if !strings.Contains(page, `id="accept"`) || !strings.Contains(page, "Mail.Read") {
		t.Fatalf("sign-in page:\n%s", page)
	}
	page = body(e.form("/organizations/login", url.Values{"ctx": {ctx}, "login": {"PattiF@" + TenantDomain},
		"password": {"Sandbox-Patti-5!"}, "action": {"accept"}}, nil))
	if !strings.Contains(page, "You have signed in") || !strings.Contains(page, "close this window") {
		t.Fatalf("done page:\n%s", page)
	}
	st, tr, eb := e.poll(PublicClientID, dc.DeviceCode)
	if st != 200 || tr.Scope != "Mail.Read" {
		t.Fatalf("token: %d %+v %+v", st, tr, eb)
	}
	if c, _ := e.s.VerifyAccessToken(tr.AccessToken); c.Oid != PattiFernandezID {
		t.Fatalf("user %s", c.Oid)
	}

	// Cancel on the page declines the code.
	dc = e.deviceCode(PublicClientID, "User.Read")
	ctx = pageCtx(t, body(e.form("/devicelogin", url.Values{"otc": {dc.UserCode}}, nil)))
	e.form("/organizations/login", url.Values{"ctx": {ctx}, "action": {"cancel"}}, nil)
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "authorization_declined" {
		t.Fatalf("declined on page: %+v", eb)
	}
}

func TestDeviceAutoApprove(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	if err := patchSettings(e, `{"auto_approve":true}`); err != nil {
		t.Fatal(err)
	}
	dc := e.deviceCode(PublicClientID, "User.Read")
	st, tr, eb := e.poll(PublicClientID, dc.DeviceCode)
	if st != 200 {
		t.Fatalf("auto-approved: %d %+v", st, eb)
	}
	if c, _ := e.s.VerifyAccessToken(tr.AccessToken); c.Oid != seedUsers[0].ID {
		t.Fatalf("user %s", c.Oid)
	}
}

func patchSettings(e *env, js string) error {
	var st map[string]any
	resp := e.do("PATCH", "/_sandbox/settings", strings.NewReader(js), nil, &st)
	if resp.StatusCode != 200 {
		return errors.New(body(resp))
	}
	return nil
}

// MSAL sends grant_type=device_code and appends the OpenID scopes; both are
// accepted, as by Microsoft.
func TestDeviceCodeShortGrantName(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	dc := e.deviceCode(PublicClientID, "User.Read openid offline_access profile")
	if err := e.s.ApproveDeviceCode(dc.UserCode, ""); err != nil {
		t.Fatal(err)
	}
	st, tr, eb := e.token(TenantID, url.Values{"grant_type": {"device_code"}, "client_id": {PublicClientID},
		"device_code": {dc.DeviceCode}, "scope": {"User.Read openid offline_access profile"}, "client_info": {"1"}})
	if st != 200 || tr.ClientInfo == "" {
		t.Fatalf("%d %+v", st, eb)
	}
	ci, _ := b64.DecodeString(tr.ClientInfo)
	if string(ci) != `{"uid":"`+seedUsers[0].ID+`","utid":"`+TenantID+`"}` {
		t.Fatalf("client_info %s", ci)
	}
	st, _, eb = e.token(TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {ConfidentialClientSecret}, "scope": {"https://graph.microsoft.com/.default openid offline_access profile"}})
	if st != 200 {
		t.Fatalf("client credentials with OpenID scopes: %d %+v", st, eb)
	}
}
