package broker_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// fakeAS is a small OAuth 2.0 authorization server on 127.0.0.1 with RFC 7591 dynamic client
// registration, the authorization code grant with PKCE (it redirects at once, as if the user
// had approved), refresh, and the device code grant (approved at once).
type fakeAS struct {
	*httptest.Server
	t *testing.T

	mu        sync.Mutex
	clients   map[string]fakeClient // client_id → registration
	registers []map[string]any      // registration request bodies
	regTypes  []string              // their Content-Types
	codes     map[string]fakeCode   // code → what it was issued for
	tokens    []url.Values          // token requests (form, or JSON as values)
	tokTypes  []string              // their Content-Types
	expiresAt int64                 // client_secret_expires_at for new registrations; 0 never
	issued    int                   // counts access tokens
	refuse    string                // when set, registrations fail with this description
	noRefresh bool                  // when set, token responses carry no refresh token
}

type fakeClient struct {
	secret   string
	redirect string
}

type fakeCode struct {
	client, redirect, challenge string
}

func newFakeAS(t *testing.T) *fakeAS {
	a := &fakeAS{t: t, clients: map[string]fakeClient{}, codes: map[string]fakeCode{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /register", a.register)
	mux.HandleFunc("GET /authorize", a.authorize)
	mux.HandleFunc("POST /token", a.token)
	mux.HandleFunc("POST /devicecode", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"device_code": "DEV-CODE", "user_code": "ABCD", "verification_uri": a.URL + "/device", "interval": 1, "expires_in": 600})
	})
	a.Server = httptest.NewServer(mux)
	t.Cleanup(a.Close)
	return a
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (a *fakeAS) register(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid_client_metadata", "error_description": err.Error()})
		return
	}
	uris, _ := body["redirect_uris"].([]any)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.registers = append(a.registers, body)
	a.regTypes = append(a.regTypes, r.Header.Get("Content-Type"))
	if a.refuse != "" {
		writeJSON(w, 400, map[string]string{"error": "invalid_client_metadata", "error_description": a.refuse})
		return
	}
	if len(uris) != 1 {
		writeJSON(w, 400, map[string]string{"error": "invalid_redirect_uri", "error_description": "one redirect URI, please"})
		return
	}
	id := fmt.Sprintf("dcr-client-%d", len(a.registers))
	c := fakeClient{secret: "dcr-secret-" + id, redirect: uris[0].(string)}
	a.clients[id] = c
	writeJSON(w, 201, map[string]any{"client_id": id, "client_secret": c.secret, "client_secret_expires_at": a.expiresAt,
		"redirect_uris": uris, "token_endpoint_auth_method": body["token_endpoint_auth_method"]})
}

func (a *fakeAS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	c, ok := a.clients[q.Get("client_id")]
	code := fmt.Sprintf("code-%d", len(a.codes)+1)
	if ok {
		a.codes[code] = fakeCode{client: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
	}
	a.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "unknown client", http.StatusBadRequest)
	case c.redirect != q.Get("redirect_uri"):
		http.Error(w, "redirect_uri is not the registered one", http.StatusBadRequest)
	case q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code":
		http.Error(w, "PKCE S256 and response_type code required", http.StatusBadRequest)
	default:
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	}
}

func (a *fakeAS) token(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	form := url.Values{}
	if ct == "application/json" {
		var m map[string]string
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "bad JSON"})
			return
		}
		for k, v := range m {
			form.Set(k, v)
		}
	} else {
		_ = r.ParseForm()
		form = r.PostForm
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens = append(a.tokens, form)
	a.tokTypes = append(a.tokTypes, ct)
	fail := func(code string) { writeJSON(w, 400, map[string]string{"error": code}) }
	switch form.Get("grant_type") {
	case "authorization_code":
		c, ok := a.codes[form.Get("code")]
		cl := a.clients[c.client]
		switch {
		case !ok || c.client != form.Get("client_id") || c.redirect != form.Get("redirect_uri"):
			fail("invalid_grant")
			return
		case cl.secret != form.Get("client_secret"):
			fail("invalid_client")
			return
		case oauth2.S256ChallengeFromVerifier(form.Get("code_verifier")) != c.challenge:
			fail("invalid_grant")
			return
		}
		delete(a.codes, form.Get("code"))
	case "refresh_token", "urn:ietf:params:oauth:grant-type:device_code":
	default:
		fail("unsupported_grant_type")
		return
	}
	a.issued++
	resp := map[string]any{"access_token": fmt.Sprintf("AT-%d", a.issued), "token_type": "Bearer",
		"expires_in": 3600, "refresh_token": fmt.Sprintf("RT-%d", a.issued)}
	if a.noRefresh {
		delete(resp, "refresh_token")
	}
	writeJSON(w, 200, resp)
}

func (a *fakeAS) registrations() ([]map[string]any, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]map[string]any(nil), a.registers...), append([]string(nil), a.regTypes...)
}

func (a *fakeAS) tokenRequests() ([]url.Values, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]url.Values(nil), a.tokens...), append([]string(nil), a.tokTypes...)
}

// openWith opens a broker on a fresh home with the definitions given in code.
func openWith(t *testing.T, clk *clock, defs ...*provider.Definition) (*broker.Broker, string) {
	t.Helper()
	home := t.TempDir()
	b, err := broker.Open(t.Context(), broker.Options{
		Home: home, Profile: "default",
		Keys:      vault.FileKey(filepath.Join(home, "profiles", "default", vault.KeyFileName)),
		Now:       clk.Now,
		Providers: defs,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, home
}

// followBrowser is a LoginRequest.Open stand-in: it follows the authorize URL's redirects to
// the loopback and reports the final page on pages.
func followBrowser(pages chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			c := &http.Client{Timeout: time.Minute}
			resp, err := c.Get(u)
			if err != nil {
				pages <- "error: " + err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			pages <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		}()
		return nil
	}
}

func pageOK(t *testing.T, pages <-chan string) {
	t.Helper()
	if p := <-pages; !strings.HasPrefix(p, "200 ") || !strings.Contains(p, "Signed in") {
		t.Errorf("browser's final page: %.300s", p)
	}
}
