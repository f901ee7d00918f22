package sandbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRefreshStats: successful refresh grants and the reuse of a redeemed refresh token are
// counted, strict rotation or not, on the Server and at GET /_sandbox/refresh-stats; a reset
// zeroes them.
func TestRefreshStats(t *testing.T) {
	e := start(t, Options{})
	login := url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {adele().UserPrincipalName},
		"password": {adele().Password}, "scope": {"Mail.Read offline_access"}}
	_, first, _ := e.token(TenantID, login)
	refresh := func(rt string) int {
		st, _, _ := e.token("common", url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}})
		return st
	}
	check := func(want RefreshStats) {
		t.Helper()
		if got := e.s.RefreshStats(); got != want {
			t.Fatalf("RefreshStats() = %+v, want %+v", got, want)
		}
		var got RefreshStats
		if resp := e.do("GET", "/_sandbox/refresh-stats", nil, nil, &got); resp.StatusCode != 200 || got != want {
			t.Fatalf("GET /_sandbox/refresh-stats: %d %+v, want %+v", resp.StatusCode, got, want)
		}
	}
	check(RefreshStats{})
	if st := refresh(first.RefreshToken); st != 200 {
		t.Fatalf("refresh: %d", st)
	}
	check(RefreshStats{Grants: 1})
	if st := refresh(first.RefreshToken); st != 200 { // accepted without strict rotation, but a reuse
		t.Fatalf("reuse without strict rotation: %d", st)
	}
	check(RefreshStats{Grants: 2, Reuses: 1})
	st := e.s.Settings()
	st.StrictRefreshRotation = true
	e.s.SetSettings(st)
	if st := refresh(first.RefreshToken); st != 400 {
		t.Fatalf("reuse under strict rotation: %d", st)
	}
	check(RefreshStats{Grants: 2, Reuses: 2})
	if st := refresh("not-a-token"); st != 400 {
		t.Fatalf("unknown token: %d", st)
	}
	check(RefreshStats{Grants: 2, Reuses: 2})
	e.s.Reset()
	check(RefreshStats{})
}

// TestFaultHold: a hold_ms fault lets the endpoint do its work and holds the answer back; a
// client that gives up meanwhile has had its refresh token redeemed without learning the new
// one, so presenting it again is a reuse.
func TestFaultHold(t *testing.T) {
	e := start(t, Options{})
	st := e.s.Settings()
	st.StrictRefreshRotation = true
	e.s.SetSettings(st)
	login := url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {adele().UserPrincipalName},
		"password": {adele().Password}, "scope": {"Mail.Read offline_access"}}
	_, first, _ := e.token(TenantID, login)
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {first.RefreshToken}}

	if _, err := e.s.AddFault(Fault{Path: "/oauth2/v2.0/token$", Count: 1, HoldMS: 600_000}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", e.base+"/common/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	done := make(chan error, 1)
	go func() {
		resp, err := e.c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for e.s.RefreshStats().Grants == 0 { // redeemed, the answer held back
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the held answer arrived")
	}
	code, _, eb := e.token("common", form)
	if code != 400 || eb.ErrorCodes[0] != 70008 {
		t.Fatalf("the refresh token after the held answer was missed: %d %+v", code, eb)
	}
	if got := e.s.RefreshStats(); got != (RefreshStats{Grants: 1, Reuses: 1}) {
		t.Fatalf("RefreshStats() = %+v", got)
	}

	if _, err := e.s.AddFault(Fault{Path: "/oauth2/v2.0/token$", Count: 1, HoldMS: 1}); err != nil {
		t.Fatal(err)
	}
	if code, tr, _ := e.token(TenantID, login); code != 200 || tr.AccessToken == "" {
		t.Fatalf("a short hold: %d", code)
	}
	if _, err := e.s.AddFault(Fault{Path: "x", HoldMS: -1}); err == nil {
		t.Fatal("a negative hold was accepted")
	}
}
