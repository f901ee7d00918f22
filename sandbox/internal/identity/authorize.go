package identity

import (
	"crypto/subtle"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	codeLifetime    = 10 * time.Minute
	pendingLifetime = 30 * time.Minute
	maxFormBytes    = 64 << 10
)

// pendingAuth is a sign-in in progress, referenced from the page by a random
// id; the page's hidden field carries nothing else.
type pendingAuth struct {
	ID              string
	Device          bool   // device code approval rather than an authorize request
	DeviceKey       string // hash of the device code
	App             *app
	TenantSeg       string
	Scopes          scopeSet
	RedirectURI     string
	ResponseMode    string
	State           string
	Nonce           string
	Challenge       string
	ChallengeMethod string
	LoginHint       string
	ExpiresAt       time.Time
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// redirectAllowed applies Microsoft's redirect URI matching: exact match, or
// for http://localhost and http://127.0.0.1 any port with the same path (an
// empty path equals "/"). [::1] is not a valid loopback redirect.
func redirectAllowed(a *app, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Fragment != "" || u.User != nil || u.Host == "" {
		return false
	}
	for _, reg := range a.RedirectURIs {
		if raw == reg {
			return true
		}
		ru, err := url.Parse(reg)
		if err != nil {
			continue
		}
		host := strings.ToLower(ru.Hostname())
		if ru.Scheme != "http" || (host != "localhost" && host != "127.0.0.1") {
			continue
		}
		if u.Scheme == "http" && strings.EqualFold(u.Hostname(), host) && u.RawQuery == "" &&
			normPath(u.Path) == normPath(ru.Path) {
			return true
		}
	}
	return false
}

func normPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// handleAuthorize serves GET /{tenant}/oauth2/v2.0/authorize.
func (s *Platform) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	seg := r.PathValue("tenant")
	if resolveTenant(seg) == tenantUnknown {
		s.renderAADPage(w, r, errUnknownTenant(seg))
		return
	}
	clientID := q.Get("client_id")
	if clientID == "" {
		s.renderAADPage(w, r, errMissingParam("client_id"))
		return
	}
	a := findApp(clientID)
	if a == nil {
		s.renderAADPage(w, r, errUnknownApp(clientID, seg))
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		s.renderAADPage(w, r, errMissingParam("redirect_uri"))
		return
	}
	if !redirectAllowed(a, redirect) {
		s.renderAADPage(w, r, newAAD(400, "invalid_request", 50011,
			"The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
			redirect, a.ID))
		return
	}
	p := &pendingAuth{
		App: a, TenantSeg: seg, RedirectURI: redirect, ResponseMode: q.Get("response_mode"),
		State: q.Get("state"), Nonce: q.Get("nonce"), LoginHint: q.Get("login_hint"),
		Challenge: q.Get("code_challenge"), ChallengeMethod: q.Get("code_challenge_method"),
	}
	switch p.ResponseMode {
	case "":
		p.ResponseMode = "query"
	case "query", "fragment", "form_post":
	default:
		mode := p.ResponseMode
		p.ResponseMode = "query"
		s.redirectError(w, r, p, errMalformed("The response_mode '"+mode+"' is not supported."))
		return
	}
	if e := s.checkAuthorize(q, p, graphkit.BaseURL(r)); e != nil {
		s.redirectError(w, r, p, e)
		return
	}
	if s.Settings().AutoApprove {
		s.approveAuthorize(w, r, p, s.firstUser())
		return
	}
	if q.Get("prompt") == "none" {
		s.redirectError(w, r, p, newAAD(400, "interaction_required", 50058,
			"A silent sign-in request was sent but no user is signed in."))
		return
	}
	p.ID = ids.Random("", 24)
	p.ExpiresAt = s.now().Add(pendingLifetime)
	s.mu.Lock()
	s.prunePending()
	s.pending[p.ID] = p
	s.mu.Unlock()
	s.renderSignin(w, http.StatusOK, p, "")
}

// checkAuthorize validates the parameters that are reported to the redirect URI.
func (s *Platform) checkAuthorize(q url.Values, p *pendingAuth, base string) *aadError {
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		return errMissingParam("response_type")
	default:
		return newAAD(400, "unsupported_response_type", 700054, "response_type '%s' is not enabled for the application.", rt)
	}
	if p.Challenge != "" || p.ChallengeMethod != "" {
		switch {
		case p.Challenge == "":
			return errMissingParam("code_challenge")
		case p.ChallengeMethod != "S256":
			return errMalformed("The code_challenge_method '" + p.ChallengeMethod + "' is not accepted by the sandbox; use S256.")
		case len(p.Challenge) != 43 || !isBase64URL(p.Challenge):
			return newAAD(400, "invalid_request", 501491, "Invalid size of Code_Challenge parameter.")
		}
	}
	switch q.Get("prompt") {
	case "", "login", "none", "consent", "select_account", "create":
	default:
		return errMalformed("Invalid value for the 'prompt' parameter.")
	}
	ss, e := parseScopes(q.Get("scope"), base, p.App)
	if e != nil {
		return e
	}
	p.Scopes = ss
	return nil
}

func isBase64URL(v string) bool {
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// prunePending drops expired sign-ins; call with s.mu held.
func (s *Platform) prunePending() {
	now := s.now()
	for k, p := range s.pending {
		if now.After(p.ExpiresAt) {
			delete(s.pending, k)
		}
	}
}

// handleLogin serves POST /{tenant}/login, the sign-in and consent form.
func (s *Platform) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.renderMessage(w, http.StatusBadRequest, "Bad request", "", "The form could not be read.")
		return
	}
	id := r.PostForm.Get("ctx")
	s.mu.Lock()
	s.prunePending()
	p := s.pending[id]
	if p != nil {
		cp := *p
		p = &cp
	}
	s.mu.Unlock()
	if id == "" || p == nil {
		s.renderMessage(w, http.StatusBadRequest, "Sign-in request not found", "",
			"This sign-in request has expired or is not valid. Start again from your app or device.")
		return
	}
	switch r.PostForm.Get("action") {
	case "cancel":
		s.mu.Lock()
		delete(s.pending, id)
		s.mu.Unlock()
		if p.Device {
			s.finishDevice(r.Context(), p.DeviceKey, "", true)
			s.renderMessage(w, http.StatusOK, "Sign-in canceled", "",
				"You declined to sign in to "+p.App.Name+" on your device. You may now close this window.")
			return
		}
		s.redirectError(w, r, p, newAAD(400, "access_denied", 65004, "User declined to consent to access the app."))
		return
	case "accept":
	default:
		s.renderSignin(w, http.StatusBadRequest, p, "Choose Accept or Cancel.")
		return
	}
	u := s.dir.Find(r.PostForm.Get("login"))
	if u == nil || subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
		p.LoginHint = r.PostForm.Get("login")
		s.renderSignin(w, http.StatusOK, p,
			"AADSTS50126: Error validating credentials due to invalid username or password.")
		return
	}
	if u.Disabled {
		p.LoginHint = r.PostForm.Get("login")
		s.renderSignin(w, http.StatusOK, p, "AADSTS50057: "+disabledText)
		return
	}
	s.mu.Lock()
	_, still := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if !still {
		s.renderMessage(w, http.StatusBadRequest, "Sign-in request not found", "", "This sign-in request was already completed.")
		return
	}
	if p.Device {
		if err := s.finishDevice(r.Context(), p.DeviceKey, u.ID, false); err != nil {
			s.renderMessage(w, http.StatusBadRequest, "Code expired", "", err.Error())
			return
		}
		s.renderMessage(w, http.StatusOK, "You're signed in", "",
			"You have signed in to the "+p.App.Name+" application on your device. You may now close this window.")
		return
	}
	s.approveAuthorize(w, r, p, u)
}

// approveAuthorize records consent, issues a code and sends it to the redirect URI.
func (s *Platform) approveAuthorize(w http.ResponseWriter, r *http.Request, p *pendingAuth, u *directory.User) {
	code := ids.Random("1.AQ", 64)
	now := s.now()
	s.mu.Lock()
	s.prune(r.Context(), now)
	s.grantConsent(r.Context(), p.App, u.ID, p.Scopes.Graph)
	key := HashSecret(code)
	touch(r.Context(), preCode+key)
	s.st.Codes[key] = &AuthCode{
		ClientID: p.App.ID, RedirectURI: p.RedirectURI, Challenge: p.Challenge, ChallengeMethod: p.ChallengeMethod,
		UserID: u.ID, Nonce: p.Nonce, Tenant: p.TenantSeg, Scopes: p.Scopes.list(),
		IssuedAt: now, ExpiresAt: now.Add(codeLifetime),
	}
	s.mu.Unlock()
	v := url.Values{"code": {code}}
	if p.State != "" {
		v.Set("state", p.State)
	}
	v.Set("session_state", ids.GUID())
	s.redirectResponse(w, p, v)
}

// redirectError sends an OAuth error to the redirect URI.
func (s *Platform) redirectError(w http.ResponseWriter, r *http.Request, p *pendingAuth, e *aadError) {
	b := s.errorBody(r, e)
	v := url.Values{"error": {b.Error}, "error_description": {b.ErrorDescription}, "error_uri": {b.ErrorURI}}
	if p.State != "" {
		v.Set("state", p.State)
	}
	s.redirectResponse(w, p, v)
}

// redirectResponse delivers v to the redirect URI in the requested response mode.
func (s *Platform) redirectResponse(w http.ResponseWriter, p *pendingAuth, v url.Values) {
	u, err := url.Parse(p.RedirectURI)
	if err != nil {
		http.Error(w, "bad redirect URI", http.StatusBadRequest)
		return
	}
	if u.Path == "" {
		u.Path = "/"
	}
	switch p.ResponseMode {
	case "form_post":
		var fields []formField
		for _, k := range []string{"code", "error", "error_description", "error_uri", "state", "session_state"} {
			if val := v.Get(k); val != "" {
				fields = append(fields, formField{k, val})
			}
		}
		render(w, http.StatusOK, "formpost", struct {
			Action string
			Fields []formField
		}{u.String(), fields})
	case "fragment":
		u.Fragment = ""
		w.Header().Set("Location", u.String()+"#"+v.Encode())
		w.WriteHeader(http.StatusFound)
	default:
		u.RawQuery = v.Encode()
		w.Header().Set("Location", u.String())
		w.WriteHeader(http.StatusFound)
	}
}

// handleLogout serves the end-session endpoint.
func (s *Platform) handleLogout(w http.ResponseWriter, r *http.Request) {
	if target := r.URL.Query().Get("post_logout_redirect_uri"); target != "" {
		for i := range seedApps {
			if redirectAllowed(&seedApps[i], target) {
				http.Redirect(w, r, target, http.StatusFound)
				return
			}
		}
	}
	s.renderMessage(w, http.StatusOK, "You signed out of your account", "",
		"It's a good idea to close all browser windows.")
}
