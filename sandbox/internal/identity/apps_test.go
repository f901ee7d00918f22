package identity

import "testing"

// The seeded public client follows Microsoft's loopback rule: for http://127.0.0.1 and
// http://localhost the port is ignored, the path must match one registered.
func TestRedirectAllowedLoopbackRule(t *testing.T) {
	t.Parallel()
	pub, strict := findApp(PublicClientID), findApp(NoPublicFlowsClientID)
	for uri, want := range map[string]bool{
		"http://127.0.0.1:7998":                       true,
		"http://127.0.0.1:54321/":                     true,
		"http://127.0.0.1:7998/auth/callback/oauth":   true,
		"http://127.0.0.1/auth/callback/oauth":        true,
		"http://localhost:8080/auth/callback/oauth":   true,
		"http://127.0.0.1:7998/other":                 false,
		"http://127.0.0.1:7998/auth/callback/oauth/":  false,
		"http://127.0.0.1:7998/auth/callback":         false,
		"http://127.0.0.1:7998/auth/callback/oauth?x": false,
		"https://127.0.0.1:7998/auth/callback/oauth":  false,
		"http://[::1]:7998/auth/callback/oauth":       false,
		"http://example.com/auth/callback/oauth":      false,
	} {
		if got := redirectAllowed(pub, uri); got != want {
			t.Errorf("public client, %s: allowed = %t, want %t", uri, got, want)
		}
	}
	// An app that registered only the bare loopback URIs refuses the other path.
	if redirectAllowed(strict, "http://127.0.0.1:7998/auth/callback/oauth") {
		t.Error("an app without /auth/callback/oauth accepted it")
	}
	if !redirectAllowed(strict, "http://127.0.0.1:7998") {
		t.Error("the bare loopback URI was refused")
	}
}
