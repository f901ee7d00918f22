package cli

import (
	"strings"
	"testing"
	"time"
)

func TestParseLifetime(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "12h": 12 * time.Hour, "90m": 90 * time.Minute} {
		if got, err := parseLifetime(in); err != nil || got != want {
			t.Errorf("%q: %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"0d", "-1d", "d", "30", "-5h", "1y"} {
		if _, err := parseLifetime(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestParseGrant(t *testing.T) {
	t.Parallel()
	g, err := parseGrant([]string{"microsoft:work", "github:default"}, []string{"GET /v1.0/me/messages/**"})
	if err != nil || len(g.Connections) != 2 || g.Allow[0].String() != "GET /v1.0/me/messages/**" {
		t.Fatalf("%+v %v", g, err)
	}
	for _, tc := range []struct {
		grants, allow []string
		want          string
	}{
		{nil, nil, "--grant PROVIDER:CONNECTION is required"},
		{[]string{"microsoft"}, nil, "--grant"},
		{[]string{"microsoft:work"}, []string{"/v1.0/me"}, "--allow"},
		{[]string{"microsoft:work"}, []string{"GET /*/me"}, "version prefix"},
	} {
		if _, err := parseGrant(tc.grants, tc.allow); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want %q", tc.grants, tc.allow, err, tc.want)
		} else if code, _ := classify(err); code != exitUsage {
			t.Errorf("%v %v: not a usage error", tc.grants, tc.allow)
		}
	}
}
