package sandbox

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/internal/testkey"
)

var (
	fuzzOnce   sync.Once
	fuzzServer *Server
)

func fuzzSandbox(t testing.TB) *Server {
	fuzzOnce.Do(func() {
		s, err := New(Options{PlainHTTP: true, SigningKey: testkey.RSA(t)})
		if err != nil {
			t.Fatal(err)
		}
		fuzzServer = s
	})
	return fuzzServer
}

// FuzzTokenEndpoint feeds arbitrary bodies and headers to the token endpoint:
// it must never panic and must always answer a JSON token or error body.
func FuzzTokenEndpoint(f *testing.F) {
	f.Add("common", "grant_type=client_credentials&client_id="+ConfidentialClientID+"&client_secret="+ConfidentialClientSecret+"&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", "")
	f.Add(TenantID, "grant_type=password&client_id="+PublicClientID+"&username=AdeleV%40contoso.sandbox&password=Sandbox-Adele-1%21&scope=User.Read+offline_access+openid", "")
	f.Add("organizations", "grant_type=refresh_token&refresh_token=x&client_id="+PublicClientID+"&scope=%20%20", "")
	f.Add("common", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=%ff&client_id="+PublicClientID, "")
	f.Add("common", "grant_type=authorization_code&code=;;&redirect_uri=%zz", "Basic Zm9vOmJhcg==")
	f.Add("x", "a=1&a=2", "Basic %%%")
	f.Add(TenantDomain, "grant_type=client_credentials&scope=00000003-0000-0000-c000-000000000000/.default", "Basic "+b64std(ConfidentialClientID+":"+ConfidentialClientSecret))
	f.Fuzz(func(t *testing.T, tenant, form, authz string) {
		s := fuzzSandbox(t)
		if strings.ContainsAny(tenant, "/?#%\\") || strings.Trim(tenant, ".") == "" ||
			strings.ContainsFunc(tenant, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			// Not a single clean path segment: the mux would redirect.
			tenant = "common"
		}
		req := httptest.NewRequest("POST", "/"+tenant+"/oauth2/v2.0/token", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if authz != "" && !strings.ContainsAny(authz, "\r\n\x00") {
			req.Header.Set("Authorization", authz)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d: non-JSON body %q", rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case 200:
			if out["access_token"] == nil {
				t.Fatalf("200 without access_token: %v", out)
			}
		case 400, 401, 404:
			if out["error"] == nil {
				t.Fatalf("%d without error: %v", rec.Code, out)
			}
		default:
			t.Fatalf("unexpected status %d: %v", rec.Code, out)
		}
		if strings.Contains(rec.Body.String(), ConfidentialClientSecret) && !secretOutsideSecretField(tenant, form) {
			t.Fatal("response echoes the client secret")
		}
	})
}

// secretOutsideSecretField reports whether the input itself carries the client
// secret where the endpoint may quote it back (an unsupported grant_type, a
// scope, a tenant): only a secret sent as client_secret must never be echoed.
func secretOutsideSecretField(tenant, form string) bool {
	if strings.Contains(tenant, ConfidentialClientSecret) {
		return true
	}
	vals, _ := url.ParseQuery(form)
	for k, vs := range vals {
		if k == "client_secret" {
			continue
		}
		for _, v := range append(vs, k) {
			if strings.Contains(v, ConfidentialClientSecret) {
				return true
			}
		}
	}
	return false
}
