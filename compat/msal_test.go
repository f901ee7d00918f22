package compat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"

	"github.com/authsome-go/authsome/sandbox"
)

const graphDefault = "https://graph.microsoft.com/.default"

// userScopes are the delegated scopes the public-client tests ask for;
// Mail.Read is not one of the app's static permissions, so it is granted by
// the approval.
var userScopes = []string{"User.Read", "Mail.Read"}

// fixture is a sandbox served over TLS and the HTTP client MSAL uses to reach it.
type fixture struct {
	sb   *sandbox.Server
	info sandbox.Info
	host string
	http *http.Client
}

// startSandbox starts a TLS sandbox on a loopback port. Unless opts says
// otherwise, device codes may be polled every 200ms.
func startSandbox(t *testing.T, opts sandbox.Options) *fixture {
	t.Helper()
	opts.Dir = t.TempDir()
	opts.PlainHTTP = false
	if opts.DeviceInterval == 0 {
		opts.DeviceInterval = 200 * time.Millisecond
	}
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	host, ok := strings.CutPrefix(sb.URL(), "https://")
	if !ok {
		t.Fatalf("sandbox URL %q is not https", sb.URL())
	}
	c := sb.Client()
	c.Transport = &sandboxOnly{base: c.Transport, host: host}
	t.Cleanup(c.CloseIdleConnections)
	return &fixture{sb: sb, info: sb.Info(), host: host, http: c}
}

// sandboxOnly lets requests through only to the sandbox over https and fails
// any response that did not come over TLS. MSAL calls
// login.microsoftonline.com for instance discovery unless it is disabled;
// this makes such a call fail at once, with a clear message.
type sandboxOnly struct {
	base http.RoundTripper
	host string
}

func (s *sandboxOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != "https" || !strings.EqualFold(r.URL.Host, s.host) {
		return nil, fmt.Errorf("compat: MSAL tried to reach %s, which is not the sandbox", r.URL.Redacted())
	}
	resp, err := s.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.TLS == nil || !resp.TLS.HandshakeComplete {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("compat: response from %s did not come over TLS", r.URL.Redacted())
	}
	return resp, nil
}

// tenantAuthority is the authority for the seeded tenant.
func (f *fixture) tenantAuthority() string { return f.sb.URL() + "/" + f.info.TenantID }

// organizationsAuthority is the multi-tenant work-and-school authority.
func (f *fixture) organizationsAuthority() string { return f.sb.URL() + "/organizations" }

// user returns a seeded user other than the first one, so that a test can
// tell the approving user from the sandbox's default user.
func (f *fixture) user(t *testing.T) sandbox.InfoUser {
	t.Helper()
	if len(f.info.Users) < 2 {
		t.Fatalf("the sandbox seeds %d users; want at least 2", len(f.info.Users))
	}
	return f.info.Users[1]
}

// publicClient is an MSAL public client application for the sandbox.
func (f *fixture) publicClient(t *testing.T, authority, clientID string, opts ...public.Option) public.Client {
	t.Helper()
	opts = append([]public.Option{
		public.WithAuthority(authority),
		public.WithHTTPClient(f.http),
		public.WithInstanceDiscovery(false),
	}, opts...)
	pca, err := public.New(clientID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return pca
}

// confidentialClient is an MSAL confidential client application for the sandbox.
func (f *fixture) confidentialClient(t *testing.T, secret string) confidential.Client {
	t.Helper()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	cca, err := confidential.New(f.tenantAuthority(), f.info.ConfidentialClientID, cred,
		confidential.WithHTTPClient(f.http), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	return cca
}

// tokenRequests returns the token endpoint requests with the given grant type.
func (f *fixture) tokenRequests(grants ...string) []sandbox.RequestLogEntry {
	var out []sandbox.RequestLogEntry
	for _, e := range f.sb.Requests() {
		if strings.HasSuffix(e.Path, "/oauth2/v2.0/token") && slices.Contains(grants, e.Form["grant_type"]) {
			out = append(out, e)
		}
	}
	return out
}

// deviceGrants are the grant_type values of a device code redemption (MSAL
// sends the short form).
var deviceGrants = []string{"device_code", "urn:ietf:params:oauth:grant-type:device_code"}

// countStatus counts the entries with the given status.
func countStatus(entries []sandbox.RequestLogEntry, status int) int {
	n := 0
	for _, e := range entries {
		if e.Status == status {
			n++
		}
	}
	return n
}

// approveWhenPolled approves userCode as upn once MSAL's polling has been
// answered authorization_pending at least once, so the test covers the
// pending state too. The result arrives on the returned channel.
func (f *fixture) approveWhenPolled(ctx context.Context, userCode, upn string) <-chan error {
	done := make(chan error, 1)
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for countStatus(f.tokenRequests(deviceGrants...), http.StatusBadRequest) == 0 {
			select {
			case <-ctx.Done():
				done <- fmt.Errorf("no authorization_pending poll seen: %w", ctx.Err())
				return
			case <-tick.C:
			}
		}
		done <- f.sb.ApproveDeviceCode(userCode, upn)
	}()
	return done
}

// deviceCodeSignIn runs MSAL's device code flow and approves the code as upn.
// It returns MSAL's result, or its error together with the approval's outcome.
func (f *fixture) deviceCodeSignIn(t *testing.T, pca public.Client, upn string) (public.AuthResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dc, err := pca.AcquireTokenByDeviceCode(ctx, userScopes)
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	if dc.Result.UserCode == "" {
		t.Fatal("the device code result has no user code")
	}
	if want := f.sb.URL() + "/devicelogin"; dc.Result.VerificationURL != want {
		t.Errorf("VerificationURL = %q, want %q", dc.Result.VerificationURL, want)
	}
	if !strings.Contains(dc.Result.Message, dc.Result.UserCode) {
		t.Errorf("Message %q does not contain the user code %q", dc.Result.Message, dc.Result.UserCode)
	}
	approved := f.approveWhenPolled(ctx, dc.Result.UserCode, upn)
	res, err := dc.AuthenticationResult(ctx)
	if aerr := <-approved; aerr != nil {
		t.Fatalf("approve %s as %s: %v", dc.Result.UserCode, upn, aerr)
	}
	return res, err
}

// verifyUserToken checks that the sandbox accepts raw as an access token of
// the public client for user u.
func (f *fixture) verifyUserToken(t *testing.T, raw string, u sandbox.InfoUser) *sandbox.AccessTokenClaims {
	t.Helper()
	c, err := f.sb.VerifyAccessToken(raw)
	if err != nil {
		t.Fatalf("VerifyAccessToken: %v", err)
	}
	if c.IsApp() {
		t.Error("delegated token has idtyp app")
	}
	if c.UPN != u.UserPrincipalName || c.Oid != u.ID || c.Tid != f.info.TenantID {
		t.Errorf("claims upn=%q oid=%q tid=%q, want %q %q %q",
			c.UPN, c.Oid, c.Tid, u.UserPrincipalName, u.ID, f.info.TenantID)
	}
	if c.AppID != f.info.PublicClientID {
		t.Errorf("appid = %q, want %q", c.AppID, f.info.PublicClientID)
	}
	for _, s := range userScopes {
		if !slices.Contains(c.Scopes(), s) {
			t.Errorf("scp %q lacks %s", c.Scp, s)
		}
	}
	return c
}

// checkAccount checks MSAL's account for user u signed in through the
// authority whose tenant segment is realm (MSAL for Go keeps the authority's
// segment, "organizations" included, as the account's realm; the tenant id
// is in HomeAccountID, from client_info).
func (f *fixture) checkAccount(t *testing.T, acct public.Account, u sandbox.InfoUser, realm string) {
	t.Helper()
	if acct.PreferredUsername != u.UserPrincipalName {
		t.Errorf("Account.PreferredUsername = %q, want %q", acct.PreferredUsername, u.UserPrincipalName)
	}
	if want := u.ID + "." + f.info.TenantID; acct.HomeAccountID != want {
		t.Errorf("Account.HomeAccountID = %q, want %q", acct.HomeAccountID, want)
	}
	if acct.Realm != realm {
		t.Errorf("Account.Realm = %q, want %q", acct.Realm, realm)
	}
	if !strings.EqualFold(acct.Environment, f.host) {
		t.Errorf("Account.Environment = %q, want %q", acct.Environment, f.host)
	}
}

// setLifetime changes the lifetime of access tokens issued from now on.
func setLifetime(sb *sandbox.Server, d time.Duration) {
	st := sb.Settings()
	st.AccessTokenLifetime = d
	sb.SetSettings(st)
}

// TestDeviceCode signs in with MSAL's device code flow, against the tenant
// authority and against /organizations, then gets the token back from MSAL's
// cache without another request.
func TestDeviceCode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		authority func(*fixture) string
		segment   string
	}{
		{"tenant", (*fixture).tenantAuthority, sandbox.TenantID},
		{"organizations", (*fixture).organizationsAuthority, "organizations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := startSandbox(t, sandbox.Options{})
			u := f.user(t)
			pca := f.publicClient(t, tc.authority(f), f.info.PublicClientID)

			res, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
			if err != nil {
				t.Fatalf("AuthenticationResult: %v", err)
			}
			f.verifyUserToken(t, res.AccessToken, u)
			f.checkAccount(t, res.Account, u, tc.segment)
			if res.IDToken.PreferredUsername != u.UserPrincipalName || res.IDToken.Oid != u.ID {
				t.Errorf("ID token preferred_username=%q oid=%q, want %q %q",
					res.IDToken.PreferredUsername, res.IDToken.Oid, u.UserPrincipalName, u.ID)
			}
			for _, s := range userScopes {
				if !slices.Contains(res.GrantedScopes, s) {
					t.Errorf("GrantedScopes %q lack %s", res.GrantedScopes, s)
				}
			}
			if res.Metadata.TokenSource != public.TokenSourceIdentityProvider {
				t.Errorf("TokenSource = %v, want the identity provider", res.Metadata.TokenSource)
			}
			if !res.ExpiresOn.After(time.Now().Add(30 * time.Minute)) {
				t.Errorf("ExpiresOn = %v, want about an hour from now", res.ExpiresOn)
			}

			// The flow used the authority's endpoints from its OpenID
			// configuration, and polled through authorization_pending.
			var sawConfig, sawDeviceCode, sawDiscovery bool
			for _, e := range f.sb.Requests() {
				switch e.Path {
				case "/" + tc.segment + "/v2.0/.well-known/openid-configuration":
					sawConfig = true
				case "/" + tc.segment + "/oauth2/v2.0/devicecode":
					sawDeviceCode = e.Status == http.StatusOK && e.Form["client_id"] == f.info.PublicClientID
				case "/common/discovery/instance":
					sawDiscovery = true
				}
			}
			if !sawConfig || !sawDeviceCode {
				t.Errorf("openid-configuration fetched: %v, devicecode answered 200: %v; want both", sawConfig, sawDeviceCode)
			}
			if sawDiscovery {
				t.Error("MSAL asked for instance discovery although it was disabled")
			}
			polls := f.tokenRequests(deviceGrants...)
			if countStatus(polls, http.StatusBadRequest) == 0 || countStatus(polls, http.StatusOK) != 1 {
				t.Errorf("device code polls: %d pending, %d successful; want >= 1 and 1",
					countStatus(polls, http.StatusBadRequest), countStatus(polls, http.StatusOK))
			}

			accts, err := pca.Accounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(accts) != 1 || accts[0].HomeAccountID != res.Account.HomeAccountID {
				t.Fatalf("Accounts() = %+v, want the signed-in account only", accts)
			}

			before := len(f.sb.Requests())
			again, err := pca.AcquireTokenSilent(context.Background(), userScopes, public.WithSilentAccount(accts[0]))
			if err != nil {
				t.Fatalf("AcquireTokenSilent: %v", err)
			}
			if again.AccessToken != res.AccessToken || again.Metadata.TokenSource != public.TokenSourceCache {
				t.Error("AcquireTokenSilent did not return the cached access token")
			}
			if n := len(f.sb.Requests()) - before; n != 0 {
				t.Errorf("AcquireTokenSilent sent %d requests for a valid cached token", n)
			}
		})
	}
}

// TestSilentRefresh: when the cached access token is about to expire (MSAL
// treats one that expires within five minutes as expired), AcquireTokenSilent
// redeems the refresh token, and the new token is then served from the cache.
func TestSilentRefresh(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{TokenLifetime: time.Minute})
	u := f.user(t)
	pca := f.publicClient(t, f.tenantAuthority(), f.info.PublicClientID)
	first, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	f.verifyUserToken(t, first.AccessToken, u) // valid for a minute, stale for MSAL
	if n := len(f.tokenRequests("refresh_token")); n != 0 {
		t.Fatalf("%d refresh_token requests before the silent call", n)
	}

	setLifetime(f.sb, time.Hour)
	ctx := context.Background()
	second, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account))
	if err != nil {
		t.Fatalf("AcquireTokenSilent: %v", err)
	}
	if second.AccessToken == first.AccessToken {
		t.Fatal("AcquireTokenSilent returned the stale access token")
	}
	if second.Metadata.TokenSource != public.TokenSourceIdentityProvider {
		t.Errorf("TokenSource = %v, want the identity provider", second.Metadata.TokenSource)
	}
	f.verifyUserToken(t, second.AccessToken, u)
	f.checkAccount(t, second.Account, u, f.info.TenantID)
	refreshes := f.tokenRequests("refresh_token")
	if len(refreshes) != 1 || refreshes[0].Status != http.StatusOK {
		t.Fatalf("refresh_token requests = %+v, want one answered 200", refreshes)
	}
	if got := refreshes[0].Form["client_id"]; got != f.info.PublicClientID {
		t.Errorf("refresh_token request client_id = %q, want %q", got, f.info.PublicClientID)
	}
	if want := "/" + f.info.TenantID + "/oauth2/v2.0/token"; refreshes[0].Path != want {
		t.Errorf("refresh_token request path = %q, want %q", refreshes[0].Path, want)
	}

	third, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account))
	if err != nil {
		t.Fatalf("AcquireTokenSilent: %v", err)
	}
	if third.AccessToken != second.AccessToken || third.Metadata.TokenSource != public.TokenSourceCache {
		t.Error("the refreshed token was not served from MSAL's cache")
	}
	if n := len(f.tokenRequests("refresh_token")); n != 1 {
		t.Errorf("%d refresh_token requests after a cache hit, want 1", n)
	}
}

// memCache is an MSAL cache accessor that keeps the serialized cache in memory.
type memCache struct {
	mu   sync.Mutex
	data []byte
}

func (m *memCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		return nil
	}
	return u.Unmarshal(m.data)
}

func (m *memCache) Export(_ context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	b, err := c.Marshal()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.data = b
	m.mu.Unlock()
	return nil
}

func (m *memCache) snapshot() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.data)
}

// TestSilentRefreshStrictRotation: with strict refresh rotation on, a refresh
// token works once. Two silent refreshes in a row succeed only because MSAL
// stores the rotated refresh token; a client left with the first refresh
// token (a copy of MSAL's cache taken before the refreshes) is refused with
// AADSTS70008.
func TestSilentRefreshStrictRotation(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{TokenLifetime: time.Minute})
	u := f.user(t)
	store := &memCache{}
	pca := f.publicClient(t, f.tenantAuthority(), f.info.PublicClientID, public.WithCache(store))
	first, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	stale := store.snapshot()
	if len(stale) == 0 {
		t.Fatal("MSAL exported no cache after the sign-in")
	}

	st := f.sb.Settings()
	st.StrictRefreshRotation = true
	f.sb.SetSettings(st)

	ctx := context.Background()
	seen := map[string]bool{first.AccessToken: true}
	for i := 1; i <= 2; i++ {
		res, err := pca.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(first.Account))
		if err != nil {
			t.Fatalf("silent refresh %d: %v", i, err)
		}
		if seen[res.AccessToken] || res.Metadata.TokenSource != public.TokenSourceIdentityProvider {
			t.Fatalf("silent refresh %d did not return a new token from the identity provider", i)
		}
		seen[res.AccessToken] = true
		f.verifyUserToken(t, res.AccessToken, u)
	}
	refreshes := f.tokenRequests("refresh_token")
	if len(refreshes) != 2 || countStatus(refreshes, http.StatusOK) != 2 {
		t.Fatalf("refresh_token requests = %+v, want two answered 200", refreshes)
	}

	// The same account with the pre-rotation refresh token.
	replay := f.publicClient(t, f.tenantAuthority(), f.info.PublicClientID, public.WithCache(&memCache{data: stale}))
	accts, err := replay.Accounts(ctx)
	if err != nil || len(accts) != 1 {
		t.Fatalf("Accounts() from the stale cache = %v, %v; want one account", accts, err)
	}
	_, err = replay.AcquireTokenSilent(ctx, userScopes, public.WithSilentAccount(accts[0]))
	if err == nil || !strings.Contains(err.Error(), "AADSTS70008") || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("silent refresh with a redeemed refresh token: err = %v, want invalid_grant AADSTS70008", err)
	}
}

// TestClientCredentials: a confidential client gets an app-only Graph token
// with application roles and no user, and MSAL's cache serves the second call.
func TestClientCredentials(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{})
	cca := f.confidentialClient(t, f.info.ConfidentialClientSecret)
	ctx := context.Background()
	scopes := []string{graphDefault}

	res, err := cca.AcquireTokenByCredential(ctx, scopes)
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	c, err := f.sb.VerifyAccessToken(res.AccessToken)
	if err != nil {
		t.Fatalf("VerifyAccessToken: %v", err)
	}
	if !c.IsApp() || len(c.Roles) == 0 || !c.HasAny("User.Read.All") {
		t.Errorf("claims idtyp=%q roles=%q, want an app-only token with roles including User.Read.All", c.IDType, c.Roles)
	}
	if c.UPN != "" || c.PreferredUsername != "" || c.Scp != "" {
		t.Errorf("app-only token has user claims: upn=%q preferred_username=%q scp=%q", c.UPN, c.PreferredUsername, c.Scp)
	}
	if c.AppID != f.info.ConfidentialClientID || c.Oid != sandbox.ConfidentialServicePrincipalID || c.Tid != f.info.TenantID {
		t.Errorf("claims appid=%q oid=%q tid=%q, want %q %q %q", c.AppID, c.Oid, c.Tid,
			f.info.ConfidentialClientID, sandbox.ConfidentialServicePrincipalID, f.info.TenantID)
	}
	if res.Account.HomeAccountID != "" {
		t.Errorf("app-only result has an account: %+v", res.Account)
	}
	if res.Metadata.TokenSource != confidential.TokenSourceIdentityProvider {
		t.Errorf("TokenSource = %v, want the identity provider", res.Metadata.TokenSource)
	}

	again, err := cca.AcquireTokenByCredential(ctx, scopes)
	if err != nil {
		t.Fatalf("second AcquireTokenByCredential: %v", err)
	}
	if again.AccessToken != res.AccessToken || again.Metadata.TokenSource != confidential.TokenSourceCache {
		t.Error("the second AcquireTokenByCredential was not served from MSAL's cache")
	}
	reqs := f.tokenRequests("client_credentials")
	if len(reqs) != 1 || reqs[0].Status != http.StatusOK || reqs[0].Form["client_id"] != f.info.ConfidentialClientID {
		t.Errorf("client_credentials requests = %+v, want one from the confidential client answered 200", reqs)
	}
}

// TestClientCredentialsWrongSecret: MSAL surfaces the sandbox's
// invalid_client AADSTS7000215 error for a wrong client secret.
func TestClientCredentialsWrongSecret(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{})
	cca := f.confidentialClient(t, "not-the-secret")
	res, err := cca.AcquireTokenByCredential(context.Background(), []string{graphDefault})
	if err == nil {
		t.Fatalf("AcquireTokenByCredential with a wrong secret succeeded: %+v", res)
	}
	for _, want := range []string{"invalid_client", "AADSTS7000215"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) || ce.Resp == nil || ce.Resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("error %v is not an MSAL CallErr with status 401", err)
	}
	reqs := f.tokenRequests("client_credentials")
	if len(reqs) != 1 || reqs[0].Status != http.StatusUnauthorized {
		t.Errorf("client_credentials requests = %+v, want one answered 401", reqs)
	}
}

// TestDeviceCodePublicFlowsDisabled: for an app whose "Allow public client
// flows" setting is off, the code is issued and can be approved, but
// redeeming it fails with AADSTS7000218, which MSAL reports.
func TestDeviceCodePublicFlowsDisabled(t *testing.T) {
	t.Parallel()
	f := startSandbox(t, sandbox.Options{})
	u := f.user(t)
	pca := f.publicClient(t, f.organizationsAuthority(), sandbox.NoPublicFlowsClientID)
	res, err := f.deviceCodeSignIn(t, pca, u.UserPrincipalName)
	if err == nil {
		t.Fatalf("device code sign-in for an app without public client flows succeeded: %+v", res.Account)
	}
	for _, want := range []string{"invalid_client", "AADSTS7000218"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	polls := f.tokenRequests(deviceGrants...)
	if countStatus(polls, http.StatusUnauthorized) != 1 || countStatus(polls, http.StatusOK) != 0 {
		t.Errorf("device code polls = %+v, want the last one answered 401 and none 200", polls)
	}
}
