package cli

import "testing"

func TestSplitGraphPath(t *testing.T) {
	for in, want := range map[string]string{
		"/me":                "v1.0 me",
		"me/messages?$top=5": "v1.0 me/messages?$top=5",
		"/v1.0/users":        "v1.0 users",
		"beta/me":            "beta me",
		"//beta/me/events":   "beta me/events",
		"v1.0x/me":           "v1.0 v1.0x/me",
		"https://GRAPH.microsoft.us/beta/me?$skiptoken=x": "v1.0 https://GRAPH.microsoft.us/beta/me?$skiptoken=x",
	} {
		v, rel, err := splitGraphPath(in)
		if err != nil || v+" "+rel != want {
			t.Errorf("splitGraphPath(%q) = %q %q, %v; want %q", in, v, rel, err, want)
		}
	}
	for _, bad := range []string{"", "/", "v1.0", "/beta/", "beta?x=1", "https://[::1/x"} {
		if v, rel, err := splitGraphPath(bad); err == nil {
			t.Errorf("splitGraphPath(%q) = %q %q, want an error", bad, v, rel)
		}
	}
}
