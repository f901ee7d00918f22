package sandbox

import (
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUse exercises the server from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	_, first, _ := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read Mail.Read offline_access"}})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				st, tr, eb := e.token("common", url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID},
					"refresh_token": {first.RefreshToken}})
				if st != 200 {
					t.Errorf("refresh: %d %+v", st, eb)
					return
				}
				if resp := e.do("GET", "/v1.0/me/messages?$top=3", nil, map[string]string{"Authorization": "Bearer " + tr.AccessToken}, nil); resp.StatusCode != 200 {
					t.Errorf("messages: %d", resp.StatusCode)
				}
				dc := e.deviceCode(PublicClientID, "User.Read")
				if err := e.s.ApproveDeviceCode(dc.UserCode, ""); err != nil {
					t.Error(err)
				}
				switch i % 4 {
				case 0:
					e.s.Requests()
				case 1:
					e.do("GET", "/_sandbox/state", nil, nil, nil)
				case 2:
					_ = patchSettings(e, `{"device_interval_seconds":1}`)
				case 3:
					e.do("POST", "/_sandbox/faults", strings.NewReader(`{"path":"^/never$","status":500,"count":1}`), nil, nil)
				}
			}
		}(i)
	}
	wg.Wait()
}

// TestConcurrentMail sends, reads, updates and batches from many goroutines
// (run with -race); every send is delivered exactly once.
func TestConcurrentMail(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele, megan := e.as(0, rw), e.as(2, "Mail.Read")
	target := stableID(AdeleVanceID, "message", "1")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				msg := map[string]any{"message": map[string]any{"subject": "Concurrent", "toRecipients": []any{
					map[string]any{"emailAddress": map[string]any{"address": "MeganB@" + TenantDomain}}}}}
				if resp := e.call("POST", "/v1.0/me/sendMail", adele, msg, nil); resp.StatusCode != 202 {
					t.Errorf("sendMail: %d", resp.StatusCode)
				}
				if resp := e.call("PATCH", "/v1.0/me/messages/"+target, adele, map[string]any{"isRead": j%2 == 0}, nil); resp.StatusCode != 200 {
					t.Errorf("PATCH: %d", resp.StatusCode)
				}
				if resp := e.call("GET", "/v1.0/me/mailFolders/inbox/messages?$top=5&$filter=isRead%20eq%20false", megan, nil, nil); resp.StatusCode != 200 {
					t.Errorf("list: %d", resp.StatusCode)
				}
				if resp := e.call("POST", "/v1.0/$batch", adele, map[string]any{"requests": []any{
					map[string]any{"id": "1", "method": "GET", "url": "/me/mailFolders/sentitems"},
					map[string]any{"id": "2", "method": "GET", "url": "/me/messages/" + target}}}, nil); resp.StatusCode != 200 {
					t.Errorf("batch: %d", resp.StatusCode)
				}
			}
		}(i)
	}
	wg.Wait()
	if n := len(e.inboxWith(megan, "inbox", "Concurrent")); n != 40 {
		t.Errorf("Megan got %d messages, want 40", n)
	}
	if n := len(e.inboxWith(adele, "sentitems", "Concurrent")); n != 40 {
		t.Errorf("Adele's Sent Items has %d, want 40", n)
	}
}
