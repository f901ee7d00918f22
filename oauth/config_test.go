package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorded is one request seen by a fake server.
type recorded struct {
	Method, Path, ContentType, Accept, Auth, RequestID, Body string
}

// fakeServer answers every request with the next reply (the last one repeats)
// and records what it received.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	replies []reply
}

type reply struct {
	status int
	body   string
}

func newFakeServer(t *testing.T, replies ...reply) *fakeServer {
	t.Helper()
	f := &fakeServer{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{
			Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
			Accept: r.Header.Get("Accept"), Auth: r.Header.Get("Authorization"),
			RequestID: r.Header.Get("client-request-id"), Body: string(b),
		})
		rp := f.replies[min(len(f.reqs), len(f.replies))-1]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

const okToken = `{"token_type":"Bearer","scope":"Mail.Read User.Read","expires_in":3599,"ext_expires_in":"7199","access_token":"AT-1","refresh_token":"RT-2","id_token":"ID-3"}`

var fixedNow = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func testConfig(f *fakeServer, secret string) *Config {
	return &Config{
		ClientID:     "cid",
		ClientSecret: secret,
		Endpoint: Endpoint{
			AuthURL:       f.URL + "/authorize",
			TokenURL:      f.URL + "/token",
			DeviceAuthURL: f.URL + "/devicecode",
			RevocationURL: f.URL + "/revoke",
		},
		Scopes:     []string{"offline_access", "Mail.Read"},
		HTTPClient: f.Client(),
		Now:        func() time.Time { return fixedNow },
	}
}

func TestGrantWireBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		secret string
		call   func(*Config) (*Token, error)
		want   string
	}{
		{"exchange public", "", func(c *Config) (*Token, error) {
			return c.Exchange(t.Context(), "the-code", "http://127.0.0.1:5000", "the-verifier")
		}, "client_id=cid&code=the-code&code_verifier=the-verifier&grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000&scope=offline_access+Mail.Read"},
		{"exchange confidential", "s3cret", func(c *Config) (*Token, error) {
			return c.Exchange(t.Context(), "the-code", "http://127.0.0.1:5000", "the-verifier")
		}, "client_id=cid&client_secret=s3cret&code=the-code&code_verifier=the-verifier&grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000&scope=offline_access+Mail.Read"},
		{"refresh public", "", func(c *Config) (*Token, error) {
			return c.Refresh(t.Context(), "old-rt")
		}, "client_id=cid&grant_type=refresh_token&refresh_token=old-rt&scope=offline_access+Mail.Read"},
		{"refresh confidential", "s3cret", func(c *Config) (*Token, error) {
			return c.Refresh(t.Context(), "old-rt")
		}, "client_id=cid&client_secret=s3cret&grant_type=refresh_token&refresh_token=old-rt&scope=offline_access+Mail.Read"},
		{"client credentials", "s3cret", func(c *Config) (*Token, error) {
			c.Scopes = []string{"https://graph.microsoft.com/.default"}
			return c.ClientCredentials(t.Context())
		}, "client_id=cid&client_secret=s3cret&grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"},
		{"password public", "", func(c *Config) (*Token, error) {
			return c.Password(t.Context(), "adele@contoso.com", "p&ss=word")
		}, "client_id=cid&grant_type=password&password=p%26ss%3Dword&scope=offline_access+Mail.Read&username=adele%40contoso.com"},
		{"device public", "", func(c *Config) (*Token, error) {
			c.sleep = noSleep
			return c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "dev-code", Interval: time.Second})
		}, "client_id=cid&device_code=dev-code&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeServer(t, reply{200, okToken})
			c := testConfig(f, tt.secret)
			tok, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != "AT-1" {
				t.Errorf("AccessToken = %q", tok.AccessToken)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Body != tt.want {
				t.Errorf("body\n got %s\nwant %s", r.Body, tt.want)
			}
			if r.Method != "POST" || r.Path != "/token" || r.ContentType != "application/x-www-form-urlencoded" || r.Accept != "application/json" {
				t.Errorf("request = %+v", r)
			}
			if r.Auth != "" {
				t.Errorf("Authorization header sent: %q", r.Auth)
			}
			if len(r.RequestID) != 36 {
				t.Errorf("client-request-id = %q", r.RequestID)
			}
			if tt.secret == "" && strings.Contains(r.Body, "client_secret") {
				t.Errorf("public client sent a secret: %s", r.Body)
			}
		})
	}
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func TestHeadersAndRequestID(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{200, okToken})
	c := testConfig(f, "")
	c.Header = http.Header{"Client-Request-Id": {"fixed-id"}, "Authorization": {"Basic leak"}}
	if _, err := c.Refresh(t.Context(), "rt"); err != nil {
		t.Fatal(err)
	}
	c.Header = nil
	if _, err := c.Refresh(t.Context(), "rt"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(t.Context(), "rt"); err != nil {
		t.Fatal(err)
	}
	r := f.requests()
	if r[0].RequestID != "fixed-id" || r[0].Auth != "" {
		t.Errorf("first request = %+v", r[0])
	}
	if r[1].RequestID == r[2].RequestID {
		t.Errorf("client-request-id reused: %q", r[1].RequestID)
	}
}

func TestRefreshKeepsOldRefreshToken(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{200, `{"access_token":"new","token_type":"Bearer","expires_in":60}`}, reply{200, okToken})
	c := testConfig(f, "")
	tok, err := c.Refresh(t.Context(), "old-rt")
	if err != nil {
		t.Fatal(err)
	}
	want := &Token{AccessToken: "new", TokenType: "Bearer", RefreshToken: "old-rt", Expiry: fixedNow.Add(time.Minute)}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	tok, err = c.Refresh(t.Context(), "old-rt")
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "RT-2" {
		t.Errorf("rotated refresh token = %q, want RT-2", tok.RefreshToken)
	}
}

func TestClientCredentialsNeedsSecret(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{200, okToken})
	_, err := testConfig(f, "").ClientCredentials(t.Context())
	if !errors.Is(err, ErrNoClientSecret) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestTokenErrorIsTyped(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{400, msBody})
	_, err := testConfig(f, "").Refresh(t.Context(), "rt")
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("err = %T %v", err, err)
	}
	if oe.StatusCode != 400 || oe.AADSTS() != 70008 || !oe.NeedsLogin() {
		t.Errorf("err = %+v", oe)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var hits int
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		io.WriteString(w, okToken)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := &Config{ClientID: "cid", ClientSecret: "s3cret", Endpoint: Endpoint{TokenURL: srv.URL}}
	_, err := c.Exchange(t.Context(), "code", "http://127.0.0.1:1", "v")
	var me *MalformedResponseError
	if !errors.As(err, &me) || me.StatusCode != 307 {
		t.Fatalf("err = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 0 {
		t.Errorf("redirect followed %d times", hits)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	huge := `{"access_token":"` + strings.Repeat("a", 2<<20) + `","token_type":"Bearer"}`
	f := newFakeServer(t, reply{200, huge})
	_, err := testConfig(f, "").Refresh(t.Context(), "rt")
	var me *MalformedResponseError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "aaaaaaaaaa") {
		t.Errorf("error quotes the body: %.200s", err)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{200, ""}, reply{400, `{"error":"unsupported_token_type"}`}, reply{503, "<html>busy</html>"})
	c := testConfig(f, "")
	if err := Revoke(t.Context(), c, "the-rt", "refresh_token"); err != nil {
		t.Fatal(err)
	}
	if got, want := f.requests()[0].Body, "client_id=cid&token=the-rt&token_type_hint=refresh_token"; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if f.requests()[0].Path != "/revoke" {
		t.Errorf("path = %s", f.requests()[0].Path)
	}
	var oe *Error
	if err := Revoke(t.Context(), c, "t", ""); !errors.As(err, &oe) || oe.Code != "unsupported_token_type" {
		t.Errorf("err = %v", err)
	}
	if err := Revoke(t.Context(), c, "t", ""); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v", err)
	}
	c.ClientSecret = "s3cret"
	if err := Revoke(t.Context(), c, "t", ""); err == nil {
		t.Error("want error")
	}
	if got := f.requests()[3].Body; got != "client_id=cid&client_secret=s3cret&token=t" {
		t.Errorf("confidential body = %s", got)
	}
	c.Endpoint.RevocationURL = ""
	if err := Revoke(t.Context(), c, "t", ""); !errors.Is(err, ErrNoRevocation) {
		t.Errorf("err = %v", err)
	}
}

func TestConfigFormattingHidesSecret(t *testing.T) {
	t.Parallel()
	c := Config{ClientID: "cid", ClientSecret: "top-secret-value"}
	for _, s := range formatAll(c, &c) {
		if strings.Contains(s, "top-secret-value") {
			t.Errorf("secret printed: %s", s)
		}
	}
}
