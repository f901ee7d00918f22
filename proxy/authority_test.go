package proxy

import (
	"strings"
	"testing"
)

func TestParseAuthority(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in       string
		needPort bool
		want     authority
		bad      bool
	}{
		{in: "graph.microsoft.com:443", needPort: true, want: authority{host: "graph.microsoft.com", port: "443"}},
		{in: "GRAPH.Microsoft.COM:443", needPort: true, want: authority{host: "graph.microsoft.com", port: "443"}},
		{in: "graph.microsoft.com.:443", needPort: true, want: authority{host: "graph.microsoft.com.", port: "443"}},
		{in: "graph.microsoft.com", want: authority{host: "graph.microsoft.com"}},
		{in: "127.0.0.1:443", needPort: true, want: authority{host: "127.0.0.1", port: "443", ip: true}},
		{in: "[::1]:443", needPort: true, want: authority{host: "::1", port: "443", ip: true}},
		{in: "[0:0::1]", want: authority{host: "::1", ip: true}},
		{in: "xn--grph-63d.microsoft.com:443", needPort: true, want: authority{host: "xn--grph-63d.microsoft.com", port: "443"}},
		{in: "graph.microsoft.com", needPort: true, bad: true},
		{in: "graph.microsoft.com:", bad: true},
		{in: "graph.microsoft.com:0443", bad: true},
		{in: "graph.microsoft.com:0", bad: true},
		{in: "graph.microsoft.com:65536", bad: true},
		{in: "graph.microsoft.com:+443", bad: true},
		{in: "user@graph.microsoft.com:443", bad: true},
		{in: "graph.microsoft.com:443@evil.test:443", bad: true},
		{in: "graph%2emicrosoft.com:443", bad: true},
		{in: "gr\u0430ph.microsoft.com:443", bad: true},
		{in: "graph.microsoft.com/x:443", bad: true},
		{in: "graph.microsoft.com :443", bad: true},
		{in: "::1:443", bad: true},
		{in: "[::1", bad: true},
		{in: "[::1]x", bad: true},
		{in: "[fe80::1%25eth0]:443", bad: true},
		{in: "[127.0.0.1]:443", bad: true},
		{in: ":443", bad: true},
		{in: "", bad: true},
	} {
		got, err := parseAuthority(tc.in, tc.needPort)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: accepted as %+v", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestHasDotSegment(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/v1.0/me": false, "/v1.0/../beta": true, "/v1.0/./me": true, "/v1.0/%2e%2E/beta": true, "/v1.0/%2E/me": true,
		"/v1.0/..": true, "/v1.0/a%2fb": true, "/v1.0/a\\..\\b": true, "/v1.0/..x/me": false, "/v1.0/file.txt": false,
	} {
		if got := hasDotSegment(p); got != want {
			t.Errorf("%q: %v, want %v", p, got, want)
		}
	}
}

// FuzzParseAuthority checks that whatever a client puts in a CONNECT line, a parsed
// authority is canonical and only the exact spelling of a host yields that host.
func FuzzParseAuthority(f *testing.F) {
	for _, s := range []string{"graph.microsoft.com:443", "GRAPH.MICROSOFT.COM:443", "graph.microsoft.com.:443", "user@graph.microsoft.com:443",
		"[::1]:443", "127.0.0.1:443", "xn--grph-63d.microsoft.com:443", "graph.microsoft.com:0443", "gr\u0430ph.microsoft.com:443", "[fe80::1%eth0]:1"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, needPort bool) {
		a, err := parseAuthority(s, needPort)
		if err != nil {
			return
		}
		if needPort && a.port == "" {
			t.Fatalf("%q: no port", s)
		}
		if a.port != "" && !validPort(a.port) {
			t.Fatalf("%q: port %q", s, a.port)
		}
		if strings.ContainsAny(a.host, "@/%?# \t\r\n") || a.host != strings.ToLower(a.host) {
			t.Fatalf("%q: host %q not canonical", s, a.host)
		}
		for i := 0; i < len(a.host); i++ {
			if a.host[i] >= 0x80 {
				t.Fatalf("%q: non-ASCII host %q", s, a.host)
			}
		}
		if a.host == "graph.microsoft.com" && !strings.EqualFold(s, "graph.microsoft.com:"+a.port) && !strings.EqualFold(s, "graph.microsoft.com") {
			t.Fatalf("%q parsed as the routed host", s)
		}
		// Parsing the canonical form again gives the same authority.
		canon := a.host
		if a.ip && strings.Contains(a.host, ":") {
			canon = "[" + a.host + "]"
		}
		if a.port != "" {
			canon += ":" + a.port
		}
		b, err := parseAuthority(canon, needPort)
		if err != nil || b != a {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, a, canon, b, err)
		}
	})
}
