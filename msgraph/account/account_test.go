package account

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

// TestOpen signs in to a TLS sandbox with the broker, as `authsome login`
// would, then opens an Account on that home and uses Graph with it.
func TestOpen(t *testing.T) {
	home := t.TempDir()
	t.Setenv("AUTHSOME_MASTER_KEY", "")
	t.Setenv("AUTHSOME_KEYRING", "off")
	sb, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), DeviceInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), sb.Info()); err != nil {
		t.Fatal(err)
	}
	upn := sb.Info().Users[0].UserPrincipalName
	b, err := broker.Open(t.Context(), broker.Options{Home: home, Profile: "default",
		Keys: vault.FileKey(filepath.Join(home, "profiles", "default", vault.KeyFileName))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Login(t.Context(), broker.LoginRequest{Provider: "microsoft", Connection: "work", Cloud: broker.CloudSandbox,
		Flow: provider.FlowDeviceCode, OnDeviceCode: func(da *oauth.DeviceAuth) {
			if err := sb.ApproveDeviceCode(da.UserCode, upn); err != nil {
				t.Error(err)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}

	acct, err := Open(t.Context(), Options{Home: home, Profile: "default",
		Client: []msgraph.Option{msgraph.WithRetryPolicy(msgraph.RetryPolicy{MaxRetries: -1})}})
	if err != nil {
		t.Fatal(err)
	}
	if acct.Connection != "work" || acct.UserPrincipalName != upn || acct.BaseURL().String() != sb.URL()+"/v1.0/" {
		t.Errorf("account %q %q %s", acct.Connection, acct.UserPrincipalName, acct.BaseURL())
	}
	me, _, err := acct.Users.Me(t.Context(), nil)
	if err != nil || me.UserPrincipalName != upn {
		t.Fatalf("Me: %+v %v", me, err)
	}
	if _, err := Open(t.Context(), Options{Home: home, Profile: "default", Connection: "nope"}); err == nil {
		t.Error("unknown connection accepted")
	}
}

func TestFromEnvironment(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path+" "+r.Header.Get("Authorization"))
		w.Write([]byte(`{"id":"u1"}`))
	}))
	defer srv.Close()

	t.Setenv("MICROSOFT_ACCESS_TOKEN", ProxyManaged)
	t.Setenv("MICROSOFT_GRAPH_URL", srv.URL+"/k3y/graph.microsoft.com")
	c, err := FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Users.Me(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MICROSOFT_GRAPH_URL", "")
	t.Setenv("MICROSOFT_ACCESS_TOKEN", "eyJ.real.token")
	c, err = FromEnvironment(msgraph.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Users.Me(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "/k3y/graph.microsoft.com/v1.0/me " || got[1] != "/v1.0/me Bearer eyJ.real.token" {
		t.Errorf("requests %q", got)
	}
	t.Setenv("MICROSOFT_ACCESS_TOKEN", ProxyManaged)
	if c, err := FromEnvironment(); err != nil || c.BaseURL().String() != "https://graph.microsoft.com/v1.0/" {
		t.Errorf("proxy-managed without base URL: %v %v", c, err)
	}
	t.Setenv("MICROSOFT_ACCESS_TOKEN", "")
	if _, err := FromEnvironment(); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("empty environment: %v", err)
	}
}
