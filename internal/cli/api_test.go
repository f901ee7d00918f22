package cli

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestGraphURL(t *testing.T) {
	base, _ := url.Parse("https://graph.microsoft.us")
	for in, want := range map[string]string{
		"/me":                "https://graph.microsoft.us/v1.0/me",
		"me/messages?$top=5": "https://graph.microsoft.us/v1.0/me/messages?$top=5",
		"/v1.0/users":        "https://graph.microsoft.us/v1.0/users",
		"beta/me":            "https://graph.microsoft.us/beta/me",
		"https://GRAPH.microsoft.us/v1.0/me?$skiptoken=x": "https://GRAPH.microsoft.us/v1.0/me?$skiptoken=x",
	} {
		if got, err := graphURL(base, in); err != nil || got != want {
			t.Errorf("graphURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "/", "https://graph.microsoft.com/v1.0/me", "http://graph.microsoft.us/v1.0/me",
		"https://user@graph.microsoft.us/v1.0/me", "https://graph.microsoft.us.evil.test/v1.0/me"} {
		if got, err := graphURL(base, bad); err == nil {
			t.Errorf("graphURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		status int
		header string
		wait   time.Duration
		retry  bool
	}{
		{200, "", 0, false},
		{404, "5", 0, false},
		{429, "3", 3 * time.Second, true},
		{503, "", time.Second, true},
		{504, "junk", time.Second, true},
		{429, "100000", apiMaxWait, true},
		{429, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0, true},
	} {
		resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
		if tc.header != "" {
			resp.Header.Set("Retry-After", tc.header)
		}
		if wait, retry := retryAfter(resp); wait != tc.wait || retry != tc.retry {
			t.Errorf("%d Retry-After %q: %v %v, want %v %v", tc.status, tc.header, wait, retry, tc.wait, tc.retry)
		}
	}
}
