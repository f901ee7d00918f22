package identity

import "testing"

// FuzzParseScopes checks that scope parsing never panics and that accepted
// scopes round-trip through their stored form.
func FuzzParseScopes(f *testing.F) {
	for _, s := range []string{"openid profile offline_access User.Read", "https://graph.microsoft.com/.default",
		"https://graph.microsoft.com//Mail.Read", "00000003-0000-0000-c000-000000000000/mail.read", "://", "/", "a/b/c/.default",
		"User.Read https://graph.microsoft.com/.default", "EMAIL OpenID"} {
		f.Add(s)
	}
	a := findApp(PublicClientID)
	f.Fuzz(func(t *testing.T, raw string) {
		ss, e := parseScopes(raw, "https://127.0.0.1:1", a)
		_ = checkAppScope(raw, "https://127.0.0.1:1")
		if e != nil {
			if e.AADSTS == 0 || e.Code == "" {
				t.Fatalf("error without code: %+v", e)
			}
			return
		}
		back := scopeSetFrom(ss.list())
		if back.responseScope() != ss.responseScope() || back.scp() != ss.scp() {
			t.Fatalf("round trip %q: %q vs %q", raw, back.responseScope(), ss.responseScope())
		}
	})
}
