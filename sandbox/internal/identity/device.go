package identity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	deviceLifetime = 15 * time.Minute
	userCodeChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	userCodeLen    = 9
)

// Device code errors returned by ApproveDeviceCode and DeclineDeviceCode.
var (
	ErrUnknownUserCode = errors.New("sandbox: unknown user code")
	ErrCodeExpired     = errors.New("sandbox: the code has expired")
	ErrCodeUsed        = errors.New("sandbox: the code was already approved or declined")
	ErrUnknownUser     = errors.New("sandbox: unknown user")
)

// DeviceCodeResponse is the answer of the device code endpoint.
type DeviceCodeResponse struct {
	UserCode        string `json:"user_code"`
	DeviceCode      string `json:"device_code"`
	VerificationURI string `json:"verification_uri"`
	ExpiresIn       int64  `json:"expires_in"`
	Interval        int64  `json:"interval"`
	Message         string `json:"message"`
}

func newUserCode() string {
	b := make([]byte, userCodeLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = userCodeChars[int(b[i])%len(userCodeChars)]
	}
	return string(b)
}

// normalizeUserCode uppercases a typed code and drops spaces and dashes.
func normalizeUserCode(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, v)
}

// handleDeviceCode serves POST /{tenant}/oauth2/v2.0/devicecode.
func (s *Platform) handleDeviceCode(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	if resolveTenant(seg) == tenantUnknown {
		s.writeAAD(w, r, errUnknownTenant(seg))
		return
	}
	form, e := parseForm(w, r)
	if e != nil {
		s.writeAAD(w, r, e)
		return
	}
	s.noteForm(r, form)
	clientID := form.Get("client_id")
	if clientID == "" {
		s.writeAAD(w, r, errMissingParam("client_id"))
		return
	}
	a := findApp(clientID)
	if a == nil {
		s.writeAAD(w, r, errUnknownApp(truncate(clientID, 100), seg))
		return
	}
	ss, e := parseScopes(form.Get("scope"), graphkit.BaseURL(r), a)
	if e != nil {
		s.writeAAD(w, r, e)
		return
	}
	now := s.now()
	st := s.Settings()
	device := ids.Random("DAQABIQEAAAD", 96)
	s.mu.Lock()
	s.prune(r.Context(), now)
	code := newUserCode()
	for s.userCodeKey(code) != "" {
		code = newUserCode()
	}
	d := &DeviceCode{
		ClientID: a.ID, UserCode: code, Tenant: seg, Scopes: ss.list(),
		IssuedAt: now, ExpiresAt: now.Add(deviceLifetime), Status: "pending",
	}
	if st.AutoApprove {
		d.Status, d.UserID = "approved", s.firstUser().ID
		s.grantConsent(r.Context(), a, d.UserID, ss.Graph)
	}
	key := HashSecret(device)
	s.st.DeviceCodes[key] = d
	touch(r.Context(), preDevice+key)
	s.mu.Unlock()

	verify := graphkit.BaseURL(r) + "/devicelogin"
	trace, corr := s.ids(r)
	w.Header().Set("x-ms-request-id", trace)
	w.Header().Set("client-request-id", corr)
	graphkit.WriteJSONStatus(w, http.StatusOK, DeviceCodeResponse{
		UserCode: code, DeviceCode: device, VerificationURI: verify,
		ExpiresIn: int64(deviceLifetime / time.Second), Interval: int64(st.DeviceInterval / time.Second),
		Message: fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, code),
	})
}

// userCodeKey finds the device code record for a user code; call with s.mu held.
func (s *Platform) userCodeKey(code string) string {
	for k, d := range s.st.DeviceCodes {
		if d.UserCode == code {
			return k
		}
	}
	return ""
}

// finishDevice approves (userID set) or declines the device code stored under key.
func (s *Platform) finishDevice(ctx context.Context, key, userID string, decline bool) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.st.DeviceCodes[key]
	switch {
	case d == nil:
		return ErrUnknownUserCode
	case !now.Before(d.ExpiresAt):
		return ErrCodeExpired
	case d.Status != "pending":
		return ErrCodeUsed
	}
	if decline {
		d.Status = "declined"
		touch(ctx, preDevice+key)
		return nil
	}
	d.Status, d.UserID = "approved", userID
	touch(ctx, preDevice+key)
	if a := findApp(d.ClientID); a != nil {
		s.grantConsent(ctx, a, userID, scopeSetFrom(d.Scopes).Graph)
	}
	return nil
}

// ApproveDeviceCode approves a pending device code as the user with the
// given user principal name or object id ("" means the first seeded user).
func (s *Platform) ApproveDeviceCode(ctx context.Context, userCode, upn string) error {
	u := s.firstUser()
	if upn != "" {
		if u = s.dir.Find(upn); u == nil {
			return fmt.Errorf("%w %q", ErrUnknownUser, upn)
		}
	}
	s.mu.Lock()
	key := s.userCodeKey(normalizeUserCode(userCode))
	s.mu.Unlock()
	return s.finishDevice(ctx, key, u.ID, false)
}

// DeclineDeviceCode declines a pending device code, as a user pressing Cancel.
func (s *Platform) DeclineDeviceCode(ctx context.Context, userCode string) error {
	s.mu.Lock()
	key := s.userCodeKey(normalizeUserCode(userCode))
	s.mu.Unlock()
	return s.finishDevice(ctx, key, "", true)
}

// handleDeviceLogin serves the page where a person enters the user code.
func (s *Platform) handleDeviceLogin(w http.ResponseWriter, r *http.Request) {
	type otcPage struct{ Code, Error string }
	if r.Method == http.MethodGet {
		render(w, http.StatusOK, "otc", otcPage{Code: r.URL.Query().Get("otc")})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, "otc", otcPage{Error: "The form could not be read."})
		return
	}
	typed := r.PostForm.Get("otc")
	code := normalizeUserCode(typed)
	now := s.now()
	s.mu.Lock()
	key := s.userCodeKey(code)
	var d DeviceCode
	if key != "" {
		d = *s.st.DeviceCodes[key]
	}
	s.mu.Unlock()
	var msg string
	switch {
	case code == "" || key == "":
		msg = "That code wasn't recognized. Check the code and try again."
	case !now.Before(d.ExpiresAt):
		msg = "That code has expired. Get a new code from the device you're signing in to and try again."
	case d.Status != "pending":
		msg = "That code has already been used. Get a new code from your device."
	}
	if msg != "" {
		render(w, http.StatusOK, "otc", otcPage{Code: typed, Error: msg})
		return
	}
	a := findApp(d.ClientID)
	if s.Settings().AutoApprove {
		if err := s.finishDevice(r.Context(), key, s.firstUser().ID, false); err != nil {
			render(w, http.StatusOK, "otc", otcPage{Code: typed, Error: err.Error()})
			return
		}
		s.renderMessage(w, http.StatusOK, "You're signed in", "",
			"You have signed in to the "+a.Name+" application on your device. You may now close this window.")
		return
	}
	p := &pendingAuth{
		ID: ids.Random("", 24), Device: true, DeviceKey: key, App: a, TenantSeg: url.PathEscape(d.Tenant),
		Scopes: scopeSetFrom(d.Scopes), ExpiresAt: d.ExpiresAt,
	}
	s.mu.Lock()
	s.prunePending()
	s.pending[p.ID] = p
	s.mu.Unlock()
	s.renderSignin(w, http.StatusOK, p, "")
}

// grantDevice redeems a device code at the token endpoint.
func (s *Platform) grantDevice(w http.ResponseWriter, r *http.Request, a *app, form url.Values) *aadError {
	dc := form.Get("device_code")
	if dc == "" {
		return errMissingParam("device_code")
	}
	now := s.now()
	interval := s.Settings().DeviceInterval
	s.mu.Lock()
	key := HashSecret(dc)
	d := s.st.DeviceCodes[key]
	var e *aadError
	switch {
	case d == nil || !strings.EqualFold(d.ClientID, a.ID):
		e = newAAD(400, "bad_verification_code", 70018, "Invalid verification code entered.")
	case d.Status == "redeemed":
		e = newAAD(400, "invalid_grant", 90120, "The request was already authorized or declined; this device code was already redeemed.")
	case !now.Before(d.ExpiresAt):
		e = newAAD(400, "expired_token", 70019, "Verification code expired.")
	case d.Status == "declined":
		e = newAAD(400, "authorization_declined", 65004, "User declined to consent to access the app.")
	case d.Status == "pending":
		last := d.LastPoll
		d.LastPoll = now
		touch(r.Context(), preDevice+key)
		if !last.IsZero() && now.Sub(last) < interval/2 {
			e = newAAD(400, "slow_down", 70016,
				"OAuth 2.0 device flow error. Authorization is pending. Continue polling. Poll no more often than every %d seconds.", int64(interval/time.Second))
		} else {
			e = newAAD(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
		}
	case a.Public && !a.PublicFlows:
		e = errSecretRequired()
	}
	if e != nil {
		s.mu.Unlock()
		return e
	}
	d.Status = "redeemed"
	touch(r.Context(), preDevice+key)
	userID, scopes := d.UserID, d.Scopes
	s.mu.Unlock()
	return s.issueUser(w, r, a, s.dir.Find(userID), scopeSetFrom(scopes), "", form)
}
