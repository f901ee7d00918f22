package identity

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	grantAuthCode     = "authorization_code"
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
	grantDeviceShort  = "device_code" // accepted by Microsoft; MSAL sends it
	grantClientCreds  = "client_credentials"
	grantPassword     = "password"
	grantRefreshToken = "refresh_token"

	refreshInactivity = 90 * 24 * time.Hour
)

// TokenResponse is a successful token response, fields in Microsoft's order.
type TokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

// parseForm reads an application/x-www-form-urlencoded body. Parameters sent
// more than once are rejected (RFC 6749 section 3.2).
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, *aadError) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil, errMalformed("The request body must be application/x-www-form-urlencoded.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err != nil {
		return nil, errMalformed("The request body is too large.")
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errMalformed("The request body is not a valid form.")
	}
	for k, vs := range v {
		if len(vs) > 1 {
			if len(k) > 64 {
				k = k[:64]
			}
			return nil, errMalformed("The parameter '" + url.QueryEscape(k) + "' was sent more than once.")
		}
	}
	return v, nil
}

// handleToken serves POST /{tenant}/oauth2/v2.0/token.
func (s *Platform) handleToken(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	kind := resolveTenant(seg)
	if kind == tenantUnknown {
		s.writeAAD(w, r, errUnknownTenant(seg))
		return
	}
	form, e := parseForm(w, r)
	if e != nil {
		s.writeAAD(w, r, e)
		return
	}
	s.noteForm(r, form)
	grant := form.Get("grant_type")
	if grant == grantDeviceShort {
		grant = grantDeviceCode
	}
	switch grant {
	case "":
		s.writeAAD(w, r, errMissingParam("grant_type"))
		return
	case grantAuthCode, grantDeviceCode, grantClientCreds, grantPassword, grantRefreshToken:
	default:
		s.writeAAD(w, r, newAAD(400, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '%s'.", truncate(grant, 100)))
		return
	}
	a, e := s.authClient(r, form, seg, grant)
	if e == nil && (kind == tenantCommon || kind == tenantConsumers) && (grant == grantClientCreds || grant == grantPassword) {
		e = errCommonNotSupported()
	}
	if e != nil {
		s.writeAAD(w, r, e)
		return
	}
	switch grant {
	case grantAuthCode:
		e = s.grantAuthCode(w, r, a, form)
	case grantDeviceCode:
		e = s.grantDevice(w, r, a, form)
	case grantClientCreds:
		e = s.grantClientCredentials(w, r, a, form)
	case grantPassword:
		e = s.grantPassword(w, r, a, form)
	case grantRefreshToken:
		e = s.grantRefresh(w, r, a, form)
	}
	if e != nil {
		s.writeAAD(w, r, e)
	}
}

func truncate(v string, n int) string {
	if len(v) > n {
		return v[:n]
	}
	return v
}

// authClient identifies and authenticates the client (form or HTTP Basic).
func (s *Platform) authClient(r *http.Request, form url.Values, seg, grant string) (*app, *aadError) {
	id := form.Get("client_id")
	bu, bp, basic := r.BasicAuth()
	if basic {
		if v, err := url.QueryUnescape(bu); err == nil {
			bu = v
		}
		if v, err := url.QueryUnescape(bp); err == nil {
			bp = v
		}
		if id != "" && !strings.EqualFold(id, bu) {
			return nil, errMalformed("The client_id in the body and in the Authorization header differ.")
		}
		id = bu
	}
	if id == "" {
		return nil, errMissingParam("client_id")
	}
	a := findApp(id)
	if a == nil {
		return nil, errUnknownApp(truncate(id, 100), seg)
	}
	secret := form.Get("client_secret")
	if secret == "" && basic {
		secret = bp
	}
	assertion := form.Get("client_assertion")
	if a.Public {
		if secret != "" || assertion != "" {
			return nil, newAAD(401, "invalid_client", 700025,
				"Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
		}
		if grant == grantClientCreds {
			return nil, errSecretRequired()
		}
		return a, nil
	}
	if assertion != "" {
		if secret != "" {
			return nil, errMalformed("Send either 'client_assertion' or 'client_secret', not both.")
		}
		if e := s.checkAssertion(r, a, form); e != nil {
			return nil, e
		}
		return a, nil
	}
	if secret == "" {
		return nil, errSecretRequired()
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(a.Secret)) != 1 {
		return nil, newAAD(401, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", a.ID)
	}
	return a, nil
}

func (s *Platform) grantAuthCode(w http.ResponseWriter, r *http.Request, a *app, form url.Values) *aadError {
	code, redirect := form.Get("code"), form.Get("redirect_uri")
	if code == "" {
		return errMissingParam("code")
	}
	if redirect == "" {
		return errMissingParam("redirect_uri")
	}
	now := s.now()
	s.mu.Lock()
	key := HashSecret(code)
	c := s.st.Codes[key]
	var e *aadError
	switch {
	case c == nil:
		e = newAAD(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
	case !strings.EqualFold(c.ClientID, a.ID):
		e = newAAD(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid: it was issued to another application.")
	case c.Redeemed:
		e = newAAD(400, "invalid_grant", 54005,
			"OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !now.Before(c.ExpiresAt):
		e = newAAD(400, "invalid_grant", 70008,
			"The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	case c.RedirectURI != redirect:
		e = newAAD(400, "invalid_grant", 500112,
			"The reply address '%s' does not match the reply address '%s' provided when requesting Authorization code.",
			truncate(redirect, 200), c.RedirectURI)
	case c.Challenge != "" && !pkceMatches(form.Get("code_verifier"), c.Challenge):
		e = newAAD(400, "invalid_grant", 501481,
			"The Code_Verifier does not match the code_challenge supplied in the authorization request.")
	}
	if e != nil {
		s.mu.Unlock()
		return e
	}
	c.Redeemed = true
	touch(r.Context(), preCode+key)
	userID, nonce := c.UserID, c.Nonce
	ss := scopeSetFrom(c.Scopes)
	s.mu.Unlock()
	// OpenID scopes sent at redemption are honoured too (MSAL adds them there).
	if req, e := parseScopes(form.Get("scope"), graphkit.BaseURL(r), a); e == nil {
		for o := range req.OIDC {
			ss.OIDC[o] = true
		}
	}
	return s.issueUser(w, r, a, s.dir.Find(userID), ss, nonce, form)
}

// pkceMatches checks an S256 verifier against its challenge.
func pkceMatches(verifier, challenge string) bool {
	if verifier == "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(ids.B64.EncodeToString(sum[:])), []byte(challenge)) == 1
}

func (s *Platform) grantClientCredentials(w http.ResponseWriter, r *http.Request, a *app, form url.Values) *aadError {
	if e := checkAppScope(form.Get("scope"), graphkit.BaseURL(r)); e != nil {
		return e
	}
	now := s.now()
	life := s.Settings().AccessTokenLifetime
	claims := token.AccessClaims{
		Aud: token.GraphResource, Iss: graphkit.BaseURL(r) + "/" + directory.TenantID + "/",
		Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(life).Unix(),
		AppDisplayName: a.Name, AppID: a.ID, AppIDACR: "1", Azp: a.ID, IDType: "app",
		Oid: ConfidentialServicePrincipalID, Roles: append([]string(nil), a.Roles...),
		Sub: ConfidentialServicePrincipalID, Tid: directory.TenantID, Uti: ids.Random("", 16), Ver: "1.0",
	}
	at, err := s.signer.Sign(claims)
	if err != nil {
		return newAAD(500, "server_error", 90033, "A transient error has occurred. Please try again.")
	}
	secs := int64(life / time.Second)
	s.writeToken(w, r, TokenResponse{TokenType: "Bearer", ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: at})
	return nil
}

func (s *Platform) grantPassword(w http.ResponseWriter, r *http.Request, a *app, form url.Values) *aadError {
	if a.Public && !a.PublicFlows {
		return errSecretRequired()
	}
	name, pw := form.Get("username"), form.Get("password")
	if name == "" {
		return errMissingParam("username")
	}
	if pw == "" {
		return errMissingParam("password")
	}
	ss, e := parseScopes(form.Get("scope"), graphkit.BaseURL(r), a)
	if e != nil {
		return e
	}
	u := s.dir.Find(name)
	if u == nil {
		return newAAD(400, "invalid_grant", 50034,
			"The user account {EmailHidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", directory.TenantID)
	}
	if subtle.ConstantTimeCompare([]byte(u.Password), []byte(pw)) != 1 {
		return newAAD(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.")
	}
	if u.Disabled {
		return errDisabled()
	}
	s.mu.Lock()
	s.grantConsent(r.Context(), a, u.ID, ss.Graph)
	s.mu.Unlock()
	return s.issueUser(w, r, a, u, ss, "", form)
}

func (s *Platform) grantRefresh(w http.ResponseWriter, r *http.Request, a *app, form url.Values) *aadError {
	rt := form.Get("refresh_token")
	if rt == "" {
		return errMissingParam("refresh_token")
	}
	var req *scopeSet
	if raw := form.Get("scope"); strings.TrimSpace(raw) != "" {
		ss, e := parseScopes(raw, graphkit.BaseURL(r), a)
		if e != nil {
			return e
		}
		req = &ss
	}
	now := s.now()
	strict := s.Settings().StrictRefreshRotation
	s.mu.Lock()
	key := HashSecret(rt)
	rec := s.st.RefreshTokens[key]
	if rec != nil && rec.Redeemed {
		s.refreshReuses.Add(1) // strict or not: the client presented a token it had already redeemed
	}
	var e *aadError
	switch {
	case rec == nil:
		e = newAAD(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
	case !strings.EqualFold(rec.ClientID, a.ID):
		e = newAAD(400, "invalid_grant", 70000, "The provided value for the 'refresh_token' parameter is not valid: it was issued to another application.")
	case rec.Revoked:
		e = newAAD(400, "invalid_grant", 50173,
			"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '%s'.",
			rec.IssuedAt.UTC().Format("2006-01-02T15:04:05.0000000Z"))
	case now.Sub(rec.IssuedAt) > refreshInactivity:
		e = newAAD(400, "invalid_grant", 700082,
			"The refresh token has expired due to inactivity. The token was issued on %s and was inactive for 90.00:00:00.",
			rec.IssuedAt.UTC().Format("2006-01-02T15:04:05.0000000Z"))
	case rec.Redeemed && strict:
		e = newAAD(400, "invalid_grant", 70008,
			"The refresh token has expired or has been revoked because it was already redeemed (strict rotation is on). Send a new interactive authorization request for this user and resource.")
	}
	if e != nil {
		s.mu.Unlock()
		return e
	}
	ss := scopeSetFrom(rec.Scopes)
	if req != nil {
		have := s.consented(a, rec.UserID)
		for _, p := range req.Graph {
			if !slices.Contains(have, p) {
				s.mu.Unlock()
				e = newAAD(400, "invalid_grant", 65001,
					"The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", a.ID, a.Name)
				e.SubError = "consent_required"
				return e
			}
		}
		ss = *req
		ss.OIDC["offline_access"] = true
	}
	rec.Redeemed = true
	touch(r.Context(), preRefresh+key)
	userID := rec.UserID
	s.mu.Unlock()
	if e := s.issueUser(w, r, a, s.dir.Find(userID), ss, "", form); e != nil {
		return e
	}
	s.refreshGrants.Add(1)
	return nil
}

// issueUser writes a token response for a delegated grant.
func (s *Platform) issueUser(w http.ResponseWriter, r *http.Request, a *app, u *directory.User, ss scopeSet, nonce string, form url.Values) *aadError {
	if u == nil {
		return newAAD(400, "invalid_grant", 50034, "The user account {EmailHidden} does not exist in the %s directory.", directory.TenantID)
	}
	now := s.now()
	life := s.Settings().AccessTokenLifetime
	base := graphkit.BaseURL(r)
	acr := "0"
	if !a.Public {
		acr = "1"
	}
	sub := pairwiseSub(a.ID, u.ID)
	at, err := s.signer.Sign(token.AccessClaims{
		Aud: token.GraphResource, Iss: base + "/" + directory.TenantID + "/",
		Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(life).Unix(),
		AppDisplayName: a.Name, AppID: a.ID, AppIDACR: acr, Azp: a.ID,
		FamilyName: u.Surname, GivenName: u.GivenName, IDType: "user", Name: u.DisplayName, Oid: u.ID,
		PreferredUsername: u.UserPrincipalName, Scp: ss.scp(), Sub: sub, Tid: directory.TenantID,
		UniqueName: u.UserPrincipalName, UPN: u.UserPrincipalName, Uti: ids.Random("", 16), Ver: "1.0",
	})
	if err != nil {
		return newAAD(500, "server_error", 90033, "A transient error has occurred. Please try again.")
	}
	secs := int64(life / time.Second)
	resp := TokenResponse{
		TokenType: "Bearer", Scope: ss.responseScope(), ExpiresIn: secs, ExtExpiresIn: secs, AccessToken: at,
	}
	if ss.has("openid") {
		id := token.IDClaims{
			Aud: a.ID, Iss: base + "/" + directory.TenantID + "/v2.0",
			Iat: now.Unix(), Nbf: now.Unix(), Exp: now.Add(time.Hour).Unix(),
			Name: u.DisplayName, Nonce: nonce, Oid: u.ID, PreferredUsername: u.UserPrincipalName,
			Sub: sub, Tid: directory.TenantID, Uti: ids.Random("", 16), Ver: "2.0",
		}
		if ss.has("email") {
			id.Email = u.Mail
		}
		if resp.IDToken, err = s.signer.Sign(id); err != nil {
			return newAAD(500, "server_error", 90033, "A transient error has occurred. Please try again.")
		}
	}
	if ss.has("offline_access") {
		rt := ids.Random("1.AS", 96)
		s.mu.Lock()
		key := HashSecret(rt)
		touch(r.Context(), preRefresh+key)
		s.st.RefreshTokens[key] = &RefreshToken{
			ClientID: a.ID, UserID: u.ID, Scopes: ss.list(), IssuedAt: now,
		}
		s.mu.Unlock()
		resp.RefreshToken = rt
	}
	if form.Get("client_info") == "1" {
		ci, _ := json.Marshal(map[string]string{"uid": u.ID, "utid": directory.TenantID})
		resp.ClientInfo = ids.B64.EncodeToString(ci)
	}
	s.writeToken(w, r, resp)
	return nil
}

func (s *Platform) writeToken(w http.ResponseWriter, r *http.Request, resp TokenResponse) {
	trace, corr := s.ids(r)
	w.Header().Set("x-ms-request-id", trace)
	w.Header().Set("client-request-id", corr)
	graphkit.WriteJSONStatus(w, http.StatusOK, resp)
}
