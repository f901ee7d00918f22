package account

import (
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/testkey"
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
	sb := startSandbox(t)
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
			da.Interval = time.Millisecond // approved already: the first poll gets the token
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

	// Graph redirecting elsewhere: the request is followed, without the token.
	graph, other := redirectingGraph(t, true)
	info := sb.Info()
	info.URL = graph.URL
	info.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: graph.Certificate().Raw})
	if err := os.WriteFile(info.CAFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), info); err != nil {
		t.Fatal(err)
	}
	acct, err = Open(t.Context(), Options{Home: home, Profile: "default"})
	if err != nil {
		t.Fatal(err)
	}
	meThroughRedirect(t, acct.Client, other)
}

// startSandbox starts a TLS sandbox on a free loopback port.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), DeviceInterval: time.Second, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// authLog records the Authorization header of each request a server got.
type authLog struct {
	mu   sync.Mutex
	seen []string
}

func (l *authLog) auth() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

// meThroughRedirect gets /me, which the stand-in Graph redirects to other: the request is
// followed, and other gets no Authorization.
func meThroughRedirect(t *testing.T, c *msgraph.Client, other *authLog) {
	t.Helper()
	if me, _, err := c.Users.Me(t.Context(), nil); err != nil || me.ID != "u1" {
		t.Errorf("Me through a redirect: %+v %v", me, err)
	}
	got, with := other.auth(), 0
	for _, v := range got {
		if v != "" {
			with++
		}
	}
	if len(got) != 1 || with != 0 {
		t.Errorf("the host Graph redirected to got %d requests, %d with Authorization; want 1 without", len(got), with)
	}
}

// redirectingGraph starts a stand-in Graph that redirects every request to a second server
// (another port: another host) answering a user object, which records what reaches it.
// Both use httptest's certificate when tlsOn.
func redirectingGraph(t *testing.T, tlsOn bool) (graph *httptest.Server, other *authLog) {
	other = &authLog{}
	start := httptest.NewServer
	if tlsOn {
		start = httptest.NewTLSServer
	}
	o := start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.mu.Lock()
		other.seen = append(other.seen, r.Header.Get("Authorization"))
		other.mu.Unlock()
		w.Write([]byte(`{"id":"u1"}`))
	}))
	t.Cleanup(o.Close)
	graph = start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, o.URL+"/elsewhere"+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(graph.Close)
	return graph, other
}

// TestFromEnvironmentRedirect: an exported token is sent to Graph only, also when Graph
// redirects.
func TestFromEnvironmentRedirect(t *testing.T) {
	graph, other := redirectingGraph(t, false)
	t.Setenv("MICROSOFT_GRAPH_URL", "")
	t.Setenv("MICROSOFT_ACCESS_TOKEN", "eyJ.real.token")
	c, err := FromEnvironment(msgraph.WithBaseURL(graph.URL))
	if err != nil {
		t.Fatal(err)
	}
	meThroughRedirect(t, c, other)
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
