package sandbox

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox/internal/identity"
)

// The identity platform's answers, as the tests decode them.
type (
	tokenResponse      = identity.TokenResponse
	errorBody          = identity.ErrorBody
	deviceCodeResponse = identity.DeviceCodeResponse
	instanceMetadata   = identity.InstanceMetadata
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a started sandbox plus a client that does not follow redirects.
type env struct {
	t     *testing.T
	s     *Server
	clock *testClock
	c     *http.Client
	base  string
}

func start(t *testing.T, opts Options) *env {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.Dir == "" && !opts.PlainHTTP {
		opts.Dir = t.TempDir()
		shareTestCA(t, opts.Dir)
	}
	if opts.SigningKey == nil {
		opts.SigningKey = testkey.RSA(t)
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	t.Cleanup(func() {
		c.CloseIdleConnections()
		_ = s.Close()
	})
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &env{t: t, s: s, clock: clock, c: c, base: s.URL()}
}

// do sends a request and decodes a JSON response into out (when non-nil).
func (e *env) do(method, path string, body io.Reader, hdr map[string]string, out any) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := e.c.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body = io.NopCloser(strings.NewReader(string(data)))
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return resp
}

func (e *env) form(path string, v url.Values, out any) *http.Response {
	e.t.Helper()
	return e.do("POST", path, strings.NewReader(v.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, out)
}

func (e *env) token(tenant string, v url.Values) (int, tokenResponse, errorBody) {
	e.t.Helper()
	var raw json.RawMessage
	resp := e.form("/"+tenant+"/oauth2/v2.0/token", v, &raw)
	var tr tokenResponse
	var eb errorBody
	if resp.StatusCode == 200 {
		_ = json.Unmarshal(raw, &tr)
	} else {
		_ = json.Unmarshal(raw, &eb)
	}
	return resp.StatusCode, tr, eb
}

func body(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

var ctxRE = regexp.MustCompile(`name="ctx" id="ctx" value="([^"]+)"`)

func pageCtx(t *testing.T, html string) string {
	t.Helper()
	m := ctxRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no ctx field in page:\n%s", html)
	}
	return m[1]
}

func pkcePair() (verifier, challenge string) {
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-sandbox-test"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, b64.EncodeToString(sum[:])
}

// authorizeParams are the usual authorize parameters for the public client.
func authorizeParams(redirect, challenge string) url.Values {
	v := url.Values{
		"client_id":     {PublicClientID},
		"response_type": {"code"},
		"redirect_uri":  {redirect},
		"scope":         {"openid profile offline_access User.Read Mail.Read"},
		"state":         {"st4te"},
		"nonce":         {"n0nce"},
	}
	if challenge != "" {
		v.Set("code_challenge", challenge)
		v.Set("code_challenge_method", "S256")
	}
	return v
}

// signIn opens the authorize URL, then posts the sign-in form and returns the
// final response (a redirect or a form_post page).
func (e *env) signIn(tenant string, params url.Values, upn, password, action string) *http.Response {
	e.t.Helper()
	resp := e.do("GET", "/"+tenant+"/oauth2/v2.0/authorize?"+params.Encode(), nil, nil, nil)
	if resp.StatusCode != 200 {
		e.t.Fatalf("authorize: status %d: %s", resp.StatusCode, body(resp))
	}
	ctx := pageCtx(e.t, body(resp))
	return e.form("/"+tenant+"/login", url.Values{
		"ctx": {ctx}, "login": {upn}, "password": {password}, "action": {action},
	}, nil)
}

// codeFrom extracts code and state from a 302 redirect.
func codeFrom(t *testing.T, resp *http.Response) (code, state string) {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("want 302, got %d: %s", resp.StatusCode, body(resp))
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("error") != "" {
		t.Fatalf("redirect carries an error: %s: %s", q.Get("error"), q.Get("error_description"))
	}
	return q.Get("code"), q.Get("state")
}

func adele() User { return seedUsers[0] }

// testCA is the process's CA (ca.pem and ca-key.pem), made once: a server
// started on a folder holding it issues only its own leaf.
var testCA = sync.OnceValues(func() (map[string][]byte, error) {
	ca, key, err := newCA(time.Now())
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		"ca.pem":  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		caKeyFile: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
	}, nil
})

// shareTestCA puts the process's CA in dir, a new folder of start's: the
// tests about the CA itself give their own Dir.
func shareTestCA(t *testing.T, dir string) {
	t.Helper()
	files, err := testCA()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		mode := os.FileMode(0o644) // as the sandbox writes them: the key 0600
		if name == caKeyFile {
			mode = 0o600
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
			t.Fatal(err)
		}
	}
}
