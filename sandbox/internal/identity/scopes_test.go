package identity

import (
	"slices"
	"testing"

	"github.com/authsome-go/authsome/internal/graphperm"
)

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

// TestSeedAppPermissionsExist: the seeded apps' roles are application
// permissions and their static delegated permissions delegated ones, as
// Microsoft names them (an app registration can hold no others).
func TestSeedAppPermissionsExist(t *testing.T) {
	apps := graphperm.ApplicationNames()
	for _, a := range seedApps {
		for _, r := range a.Roles {
			if !slices.Contains(apps, r) {
				t.Errorf("%s: role %s is not an application permission", a.Name, r)
			}
		}
		for _, d := range a.DelegatedDefault {
			if p, ok := graphperm.Delegated(d); !ok || p.Name != d {
				t.Errorf("%s: %s is not a delegated permission", a.Name, d)
			}
		}
	}
}
