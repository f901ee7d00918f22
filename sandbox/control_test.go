package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bytes"
	"github.com/authsome-go/authsome/sandbox/internal/identity"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	var created map[string]int
	resp := e.do("POST", "/_sandbox/faults", strings.NewReader(`{"path":"/oauth2/v2.0/token$","method":"POST","status":429,"retry_after":7,"count":2}`), nil, &created)
	if resp.StatusCode != 201 || created["id"] == 0 {
		t.Fatalf("add fault: %d %v", resp.StatusCode, created)
	}
	cc := url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {ConfidentialClientSecret}, "scope": {GraphResource + "/.default"}}
	for i := 0; i < 2; i++ {
		var eb errorBody
		resp := e.form("/"+TenantID+"/oauth2/v2.0/token", cc, &eb)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || eb.Error != "temporarily_unavailable" {
			t.Fatalf("fault %d: %d %q %+v", i, resp.StatusCode, resp.Header.Get("Retry-After"), eb)
		}
	}
	if st, _, _ := e.token(TenantID, cc); st != 200 {
		t.Fatalf("fault should be used up: %d", st)
	}

	// Graph faults use Graph's error body; DELETE removes them.
	e.do("POST", "/_sandbox/faults", strings.NewReader(`{"path":"^/v1\\.0/me$","status":503}`), nil, nil)
	var ge graphErr
	if resp := e.do("GET", "/v1.0/me", nil, nil, &ge); resp.StatusCode != 503 || ge.Error.Code != "ServiceUnavailable" {
		t.Fatalf("graph fault: %d %+v", resp.StatusCode, ge)
	}
	if resp := e.do("DELETE", "/_sandbox/faults", nil, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("delete faults: %d", resp.StatusCode)
	}
	if resp := e.do("GET", "/v1.0/me", nil, nil, nil); resp.StatusCode != 401 {
		t.Fatalf("after delete: %d", resp.StatusCode)
	}

	// Delay only.
	e.do("POST", "/_sandbox/faults", strings.NewReader(`{"path":"keys","delay_ms":150,"count":1}`), nil, nil)
	start := time.Now()
	if resp := e.do("GET", "/common/discovery/v2.0/keys", nil, nil, nil); resp.StatusCode != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("delay: %d after %v", resp.StatusCode, time.Since(start))
	}

	// Connection reset, over HTTP/2 and HTTP/1.1.
	e.do("POST", "/_sandbox/faults", strings.NewReader(`{"path":"openid-configuration","reset":true,"count":2}`), nil, nil)
	if _, err := e.c.Get(e.base + "/common/v2.0/.well-known/openid-configuration"); err == nil {
		t.Fatal("reset over HTTP/2: no error")
	}
	h1 := e.s.Client()
	h1.Transport.(*http.Transport).ForceAttemptHTTP2 = false
	h1.Transport.(*http.Transport).TLSClientConfig.NextProtos = []string{"http/1.1"}
	if _, err := h1.Get(e.base + "/common/v2.0/.well-known/openid-configuration"); err == nil {
		t.Fatal("reset over HTTP/1.1: no error")
	}
	h1.CloseIdleConnections()

	for _, bad := range []string{`{"path":"(","status":500}`, `{"path":"x"}`, `{"path":"x","status":99}`, `not json`} {
		if resp := e.do("POST", "/_sandbox/faults", strings.NewReader(bad), nil, nil); resp.StatusCode != 400 {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read offline_access")
	e.do("GET", "/v1.0/me?$select=id", nil, map[string]string{"Authorization": "Bearer " + tok}, nil)
	e.token(TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {ConfidentialClientSecret}, "scope": {GraphResource + "/.default"}})
	e.do("GET", "/_sandbox/settings", nil, nil, nil)

	var entries []RequestLogEntry
	resp := e.do("GET", "/_sandbox/requests", nil, nil, &entries)
	if resp.StatusCode != 200 || len(entries) != 3 {
		t.Fatalf("log: %d %d entries", resp.StatusCode, len(entries))
	}
	pw, me, cc := entries[0], entries[1], entries[2]
	if pw.Form["grant_type"] != "password" || pw.Form["client_id"] != PublicClientID || pw.Form["scope"] != "User.Read offline_access" || pw.Status != 200 {
		t.Errorf("password entry %+v", pw)
	}
	if me.Path != "/v1.0/me" || len(me.Query) != 1 || me.Query[0] != "$select" || me.Method != "GET" {
		t.Errorf("me entry %+v", me)
	}
	if got := me.Headers["Authorization"]; len(got) != 1 || got[0] != hashHeader("Bearer "+tok) || !strings.HasPrefix(got[0], "sha256:") {
		t.Errorf("authorization header %v", got)
	}
	if cc.Form["grant_type"] != "client_credentials" {
		t.Errorf("client credentials entry %+v", cc)
	}
	raw, _ := json.Marshal(entries)
	for _, secret := range []string{ConfidentialClientSecret, adele().Password, tok} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("request log contains a secret")
		}
	}
	if len(e.s.Requests()) != 3 {
		t.Errorf("Requests() = %d", len(e.s.Requests()))
	}
	if resp := e.do("DELETE", "/_sandbox/requests", nil, nil, nil); resp.StatusCode != 204 || len(e.s.Requests()) != 0 {
		t.Fatalf("clear: %d", resp.StatusCode)
	}
}

func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	e := start(t, Options{DeviceInterval: 250 * time.Millisecond})
	var st map[string]any
	e.do("GET", "/_sandbox/settings", nil, nil, &st)
	want := map[string]any{"strict_refresh_rotation": false, "access_token_lifetime_seconds": 3600.0,
		"device_interval_seconds": 0.0, "device_interval_ms": 250.0, "auto_approve": false}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("%s = %v, want %v", k, st[k], v)
		}
	}
	if err := patchSettings(e, `{"strict_refresh_rotation":true,"access_token_lifetime_seconds":120,"device_interval_seconds":3}`); err != nil {
		t.Fatal(err)
	}
	got := e.s.Settings()
	if !got.StrictRefreshRotation || got.AccessTokenLifetime != 2*time.Minute || got.DeviceInterval != 3*time.Second {
		t.Fatalf("settings %+v", got)
	}
	for _, bad := range []string{`{"bogus":1}`, `{"access_token_lifetime_seconds":0}`, `[`} {
		if err := patchSettings(e, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	_, tr, _ := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read"}})
	if tr.ExpiresIn != 120 {
		t.Errorf("expires_in %d", tr.ExpiresIn)
	}
	if resp := e.do("POST", "/_sandbox/reset", nil, nil, nil); resp.StatusCode != 204 || e.s.Settings().StrictRefreshRotation {
		t.Fatalf("reset: %d %+v", resp.StatusCode, e.s.Settings())
	}
	if resp := e.do("GET", "/_sandbox/nothing", nil, nil, nil); resp.StatusCode != 404 {
		t.Errorf("unknown control path: %d", resp.StatusCode)
	}
	var info Info
	e.do("GET", "/_sandbox/info", nil, nil, &info)
	if info.TenantID != TenantID || info.URL != e.base {
		t.Errorf("info %+v", info)
	}
}

func TestStateRoundTripAndFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.json")
	e := start(t, Options{Dir: dir, StateFile: stateFile})
	login := url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {adele().UserPrincipalName},
		"password": {adele().Password}, "scope": {"User.Read offline_access"}}
	_, tr, _ := e.token(TenantID, login)

	var state json.RawMessage
	e.do("GET", "/_sandbox/state", nil, nil, &state)
	if strings.Contains(string(state), tr.RefreshToken) || !strings.Contains(string(state), identity.HashSecret(tr.RefreshToken)) {
		t.Fatal("state should hold the refresh token's hash only")
	}
	e.do("POST", "/_sandbox/reset", nil, nil, nil)
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {tr.RefreshToken}}
	if st, _, _ := e.token(TenantID, refresh); st != 400 {
		t.Fatalf("refresh after reset: %d", st)
	}
	if resp := e.do("PUT", "/_sandbox/state", strings.NewReader(string(state)), nil, nil); resp.StatusCode != 204 {
		t.Fatalf("put state: %d %s", resp.StatusCode, body(resp))
	}
	st, tr2, _ := e.token(TenantID, refresh)
	if st != 200 {
		t.Fatalf("refresh after PUT state: %d", st)
	}

	// Close saves the state file; a new server loads it and keeps the signing key.
	e.c.CloseIdleConnections()
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := New(Options{Dir: dir, StateFile: stateFile, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.VerifyAccessToken(tr2.AccessToken); err != nil {
		t.Fatalf("old access token after restart: %v", err)
	}
	if err := s2.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e2 := &env{t: t, s: s2, clock: e.clock, c: s2.Client(), base: s2.URL()}
	defer func() { e2.c.CloseIdleConnections(); _ = s2.Close() }()
	refresh.Set("refresh_token", tr2.RefreshToken)
	if st, _, eb := e2.token(TenantID, refresh); st != 200 {
		t.Fatalf("refresh after restart: %d %+v", st, eb)
	}
}

// TestRequestLogBounded: a busy sandbox keeps the newest maxLogEntries requests
// without copying or allocating the whole log on every request.
func TestRequestLogBounded(t *testing.T) {
	s := &Server{}
	n := 0
	add := func() {
		n++
		s.reqLog = appendLog(s.reqLog, RequestLogEntry{Status: n})
	}
	for range 3*maxLogEntries + 7 {
		add()
	}
	got := s.Requests()
	if len(got) != maxLogEntries || got[0].Status != n-maxLogEntries+1 || got[len(got)-1].Status != n {
		t.Fatalf("log holds %d entries, %d..%d; want the newest %d ending at %d",
			len(got), got[0].Status, got[len(got)-1].Status, maxLogEntries, n)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Status != got[i-1].Status+1 {
			t.Fatalf("entries out of order at %d", i)
		}
	}
	if allocs := testing.AllocsPerRun(maxLogEntries, add); allocs > 0 {
		t.Errorf("a logged request allocates %.2f times once the log is full; want 0", allocs)
	}
	if len(s.reqLog) > 2*maxLogEntries {
		t.Errorf("log grew to %d entries", len(s.reqLog))
	}
}

// TestControlToken: with RequireControlToken the control API answers 401 unless the request
// carries the token Info reports; without it (loopback use) the control API stays open and
// Info has no token.
func TestControlToken(t *testing.T) {
	t.Parallel()
	e := start(t, Options{RequireControlToken: true})
	tok := e.s.Info().ControlToken
	if len(tok) < 32 {
		t.Fatalf("ControlToken = %q", tok)
	}
	for _, hdr := range []map[string]string{nil, {"Authorization": "Bearer nope"}, {"Authorization": tok}} {
		resp := e.do("GET", "/_sandbox/settings", nil, hdr, nil)
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET /_sandbox/settings with %v: %d %q", hdr, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if resp := e.do("POST", "/_sandbox/reset", nil, nil, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /_sandbox/reset without the token: %d", resp.StatusCode)
	}
	var info Info
	if resp := e.do("GET", "/_sandbox/info", nil, map[string]string{"Authorization": "Bearer " + tok}, &info); resp.StatusCode != 200 || info.ControlToken != tok {
		t.Errorf("GET /_sandbox/info with the token: %d %+v", resp.StatusCode, info)
	}

	open := start(t, Options{})
	if open.s.Info().ControlToken != "" {
		t.Error("a sandbox without RequireControlToken has a control token")
	}
	if resp := open.do("GET", "/_sandbox/settings", nil, nil, nil); resp.StatusCode != 200 {
		t.Errorf("open control API: %d", resp.StatusCode)
	}
}

// TestStateFileBeforeIdentityStore: a state file written before the identity
// platform kept its own snapshot (codes, tokens, consents and settings in the
// "state" member, next to the faults) is still read, and is written back in
// the current layout without losing anything.
func TestStateFileBeforeIdentityStore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.json")
	rt := "1.AS-refresh-token-from-an-older-sandbox"
	issued := newClock().Now().Add(-time.Hour).Format(time.RFC3339)
	old := `{"version": 1, "state": {
		"settings": {"strict_refresh_rotation": true, "access_token_lifetime_seconds": 600, "device_interval_ms": 5000},
		"codes": {}, "device_codes": {},
		"refresh_tokens": {"` + identity.HashSecret(rt) + `": {"client_id": "` + PublicClientID + `", "user_id": "` + AdeleVanceID + `",
			"scopes": ["User.Read", "offline_access"], "issued_at": "` + issued + `"}},
		"consents": {"` + PublicClientID + `|` + AdeleVanceID + `": ["Mail.Read"]},
		"faults": [{"id": 3, "path": "^/nowhere$", "status": 503}], "next_fault_id": 4}}`
	if err := os.WriteFile(stateFile, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	e := start(t, Options{Dir: dir, StateFile: stateFile})
	if st := e.s.Settings(); !st.StrictRefreshRotation || st.AccessTokenLifetime != 10*time.Minute {
		t.Fatalf("settings from the old state file: %+v", st)
	}
	var faults []Fault
	e.do("GET", "/_sandbox/faults", nil, nil, &faults)
	if len(faults) != 1 || faults[0].ID != 3 {
		t.Fatalf("faults from the old state file: %+v", faults)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt},
		"scope": {"Mail.Read offline_access"}} // consented in the old file
	st, tr, eb := e.token(TenantID, refresh)
	if st != 200 || tr.ExpiresIn != 600 {
		t.Fatalf("refresh with the old file's token: %d %+v %+v", st, tr, eb)
	}

	// Saved in the current layout, read back: the rotated token works, the
	// redeemed one does not (strict rotation), the fault is still there.
	e.c.CloseIdleConnections()
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	var saved map[string]json.RawMessage // the state is now a folder; its snapshot follows a header line
	data, err := os.ReadFile(filepath.Join(stateFile, "snapshot.json"))
	if _, snap, ok := bytes.Cut(data, []byte("\n")); err != nil || !ok || json.Unmarshal(snap, &saved) != nil {
		t.Fatalf("read the saved snapshot: %v", err)
	}
	if !strings.Contains(string(saved["workloads"]), `"identity"`) || strings.Contains(string(saved["state"]), "refresh_tokens") {
		t.Fatalf("saved layout: state %s", saved["state"])
	}
	e2 := start(t, Options{Dir: dir, StateFile: stateFile})
	if st, _, eb := e2.token(TenantID, refresh); st != 400 || eb.ErrorCodes[0] != 70008 {
		t.Fatalf("redeemed token after restart: %d %+v", st, eb)
	}
	refresh.Set("refresh_token", tr.RefreshToken)
	if st, _, eb := e2.token(TenantID, refresh); st != 200 {
		t.Fatalf("rotated token after restart: %d %+v", st, eb)
	}
	if id, err := e2.s.AddFault(Fault{Path: "^/x$", Status: 500}); err != nil || id != 4 {
		t.Fatalf("next fault id after restart: %d %v", id, err)
	}
}
