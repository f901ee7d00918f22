package sandbox

import (
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// clockState is the answer of GET and POST /_sandbox/clock.
type clockState struct {
	Now           string  `json:"now"`
	OffsetSeconds float64 `json:"offset_seconds"`
}

// advance moves the sandbox's clock through the control API.
func (e *env) advance(d time.Duration) clockState {
	e.t.Helper()
	var cs clockState
	resp := e.do("POST", "/_sandbox/clock", strings.NewReader(`{"advance_seconds":`+strconv.FormatFloat(d.Seconds(), 'f', -1, 64)+`}`), nil, &cs)
	if resp.StatusCode != 200 {
		e.t.Fatalf("advance %s: %d %+v", d, resp.StatusCode, cs)
	}
	return cs
}

// On the real clock (no Options.Now), advancing the sandbox's clock past an
// access token's lifetime makes Graph refuse it at once; tokens issued after
// the advance carry the advanced iat/nbf/exp and work.
func TestClockExpiresAccessTokenWithoutSleeping(t *testing.T) {
	t.Parallel()
	e := start(t, Options{Now: time.Now, TokenLifetime: 10 * time.Minute})
	tok := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read")
	me := func(tok string) (int, graphErr) {
		var ge graphErr
		resp := e.do("GET", "/v1.0/me", nil, map[string]string{"Authorization": "Bearer " + tok}, &ge)
		return resp.StatusCode, ge
	}
	if st, ge := me(tok); st != 200 {
		t.Fatalf("fresh token: %d %+v", st, ge)
	}
	cs := e.advance(11 * time.Minute)
	if cs.OffsetSeconds != 660 {
		t.Errorf("offset %v, want 660", cs.OffsetSeconds)
	}
	now, err := time.Parse(time.RFC3339Nano, cs.Now)
	if err != nil || now.Before(time.Now().Add(10*time.Minute)) {
		t.Errorf("clock says %q (%v), want about 11 minutes ahead", cs.Now, err)
	}
	if st, ge := me(tok); st != 401 || ge.Error.Code != "InvalidAuthenticationToken" || !strings.Contains(ge.Error.Message, "expired") {
		t.Fatalf("token past its lifetime: %d %+v", st, ge)
	}
	if _, err := e.s.VerifyAccessToken(tok); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("VerifyAccessToken: %v", err)
	}

	fresh := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read")
	if st, ge := me(fresh); st != 200 {
		t.Fatalf("token issued after the advance: %d %+v", st, ge)
	}
	c, err := e.s.VerifyAccessToken(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if iat := time.Unix(c.Iat, 0); iat.Before(time.Now().Add(10*time.Minute)) || c.Exp-c.Iat != 600 {
		t.Errorf("iat %v exp-iat %d: want the advanced time and the 10 minute lifetime", iat, c.Exp-c.Iat)
	}
}

func TestClockExpiresDeviceCode(t *testing.T) {
	t.Parallel()
	e := start(t, Options{DeviceInterval: time.Second})
	dc := e.deviceCode(PublicClientID, "User.Read")
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "authorization_pending" {
		t.Fatalf("pending: %+v", eb)
	}
	if _, err := e.s.AdvanceClock(14 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "authorization_pending" {
		t.Fatalf("before its 15 minutes: %+v", eb)
	}
	e.advance(61 * time.Second)
	if _, _, eb := e.poll(PublicClientID, dc.DeviceCode); eb.Error != "expired_token" || eb.ErrorCodes[0] != 70019 {
		t.Fatalf("after 15 minutes: %+v", eb)
	}
	if err := e.s.ApproveDeviceCode(dc.UserCode, ""); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("approve expired: %v", err)
	}
}

// A refresh token outlives many access tokens: it works until 90 days of
// inactivity, each redemption starting a new one.
func TestClockRefreshTokenLifetime(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	_, first, _ := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read offline_access"}})
	refresh := func(rt string) (int, tokenResponse, errorBody) {
		return e.token("common", url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}})
	}
	e.advance(89 * 24 * time.Hour) // the access token is long expired; the refresh token is not
	if _, err := e.s.VerifyAccessToken(first.AccessToken); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("access token after 89 days: %v", err)
	}
	st, second, eb := refresh(first.RefreshToken)
	if st != 200 {
		t.Fatalf("refresh after 89 days: %d %+v", st, eb)
	}
	if _, err := e.s.VerifyAccessToken(second.AccessToken); err != nil {
		t.Errorf("access token from the refresh: %v", err)
	}
	e.advance(2 * 24 * time.Hour)
	if st, _, eb := refresh(first.RefreshToken); st != 400 || eb.ErrorCodes[0] != 700082 {
		t.Fatalf("first refresh token after 91 days: %d %+v", st, eb)
	}
	if st, _, eb := refresh(second.RefreshToken); st != 200 {
		t.Fatalf("second refresh token after 2 days: %d %+v", st, eb)
	}
}

// Mail sent after an advance is sent and received at the advanced time, and
// the answers' Date header follows the clock.
func TestClockStampsSentMail(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	e.advance(30 * 24 * time.Hour)
	adele, megan := e.as(0, rw), e.as(2, rw)
	want := newClock().Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	resp := e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{
		"subject": "From the future", "toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "meganb@" + TenantDomain}}},
	}}, nil)
	if d, err := time.Parse(time.RFC1123, resp.Header.Get("Date")); err != nil || d.Format(time.RFC3339) != want {
		t.Errorf("Date header %q, want %s", resp.Header.Get("Date"), want)
	}
	for _, m := range append(e.inboxWith(adele, "sentitems", "From the future"), e.inboxWith(megan, "inbox", "From the future")...) {
		for _, p := range []string{"receivedDateTime", "sentDateTime", "createdDateTime", "lastModifiedDateTime"} {
			if m[p] != want {
				t.Errorf("%s of %s: %v, want %s", p, m["parentFolderId"], m[p], want)
			}
		}
	}
	if got := e.s.Requests(); got[len(got)-1].Time.Format(time.RFC3339) != want {
		t.Errorf("request log time %v, want %s", got[len(got)-1].Time, want)
	}
}

func TestClockControlAPI(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	base := newClock().Now()
	var cs clockState
	if resp := e.do("GET", "/_sandbox/clock", nil, nil, &cs); resp.StatusCode != 200 || cs.Now != base.Format(time.RFC3339Nano) || cs.OffsetSeconds != 0 {
		t.Fatalf("GET: %d %+v", resp.StatusCode, cs)
	}
	for _, bad := range []string{
		``, `not json`, `{}`, `[]`, `{"advance_seconds":-1}`, `{"advance_seconds":"60"}`, `{"advance_seconds":1e300}`,
		`{"advance_seconds":60,"set":"2030-01-01T00:00:00Z"}`, `{"set":"tomorrow"}`, `{"set":"2025-06-02"}`,
		`{"set":"2025-06-01T00:00:00Z"}`, `{"set":"9999-01-01T00:00:00Z"}`, `{"advance":60}`, `{"advance_seconds":1}{}`,
	} {
		var out map[string]string
		resp := e.do("POST", "/_sandbox/clock", strings.NewReader(bad), nil, &out)
		if resp.StatusCode != 400 || out["error"] == "" {
			t.Errorf("%s: %d %v", bad, resp.StatusCode, out)
		}
	}
	if e.s.Now() != base {
		t.Fatalf("refused changes moved the clock to %v", e.s.Now())
	}

	if resp := e.do("POST", "/_sandbox/clock", strings.NewReader(`{"advance_seconds":0.5}`), nil, &cs); resp.StatusCode != 200 || cs.OffsetSeconds != 0.5 {
		t.Errorf("fractional advance: %d %+v", resp.StatusCode, cs)
	}
	if resp := e.do("POST", "/_sandbox/clock", strings.NewReader(`{"set":"2030-01-02T03:04:05Z"}`), nil, &cs); resp.StatusCode != 200 || cs.Now != "2030-01-02T03:04:05Z" {
		t.Errorf("set: %d %+v", resp.StatusCode, cs)
	}
	// The clock keeps running from the time set.
	e.clock.Advance(time.Second)
	if got := e.s.Now().UTC().Format(time.RFC3339); got != "2030-01-02T03:04:06Z" {
		t.Errorf("a second after set: %s", got)
	}
	if _, err := e.s.AdvanceClock(-time.Second); !errors.Is(err, ErrClockBackwards) {
		t.Errorf("AdvanceClock(-1s): %v", err)
	}
	if err := e.s.SetClock(base); !errors.Is(err, ErrClockBackwards) {
		t.Errorf("SetClock to the past: %v", err)
	}

	// Reset returns to Options.Now.
	if resp := e.do("POST", "/_sandbox/reset", nil, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if got, want := e.s.Now(), e.clock.Now(); !got.Equal(want) {
		t.Errorf("after reset %v, want %v", got, want)
	}
}

// The offset is kept in the state file: a restarted sandbox does not go back
// in time behind the tokens it issued.
func TestClockKeptInStateFile(t *testing.T) {
	t.Parallel()
	stateFile := filepath.Join(t.TempDir(), "state.json")
	e := start(t, Options{StateFile: stateFile})
	e.advance(48 * time.Hour)
	tok := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read")
	e.c.CloseIdleConnections()
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := New(Options{PlainHTTP: true, StateFile: stateFile, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s2.Now(), e.clock.Now().Add(48*time.Hour); !got.Equal(want) {
		t.Errorf("after restart %v, want %v", got, want)
	}
	if _, err := s2.VerifyAccessToken(tok); err != nil {
		t.Errorf("token issued before the restart: %v", err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
}

// Reading and moving the clock while tokens are issued is race-free (-race).
func TestClockConcurrentAdvance(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if _, err := e.s.AdvanceClock(time.Minute); err != nil {
					t.Error(err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				resp, err := e.c.PostForm(e.base+"/"+TenantID+"/oauth2/v2.0/token", url.Values{"grant_type": {"password"},
					"client_id": {PublicClientID}, "username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read"}})
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("token: %d", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	if got, want := e.s.Now(), e.clock.Now().Add(80*time.Minute); !got.Equal(want) {
		t.Errorf("after 80 one-minute steps %v, want %v", got, want)
	}
}
