package sandbox

import (
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUse exercises the server from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
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
