package broker_test

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/sandbox"
)

func TestGraphEndpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.loginDevice(t, "work", f.user(0))
	ep, err := f.b.Graph(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if ep.URL != f.sb.URL() || ep.Connection != "work" || ep.UserPrincipalName != f.user(0) {
		t.Errorf("endpoint %+v, sandbox at %s", ep, f.sb.URL())
	}
	resp, err := ep.Client.Get(ep.URL + "/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ UserPrincipalName string }
	json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if resp.StatusCode != 200 || me.UserPrincipalName != f.user(0) {
		t.Errorf("GET /me with the client: %d %q", resp.StatusCode, me.UserPrincipalName)
	}
	resp, err = ep.PreAuth.Get(ep.URL + "/v1.0/me")
	if err != nil {
		t.Fatal(err) // the pre-auth client must trust the sandbox's CA too
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("the pre-auth client sent a token: %d", resp.StatusCode)
	}
	if _, err := f.b.Graph(t.Context(), "nope"); err == nil {
		t.Error("unknown connection accepted")
	}
}

// redirector is a stand-in Graph on 127.0.0.1 that answers every request with a redirect to
// a second server, another host (port) with the same certificate, which records the
// Authorization header of what reaches it. Its CA file trusts both.
type redirector struct {
	graph, other *httptest.Server
	caFile       string
	mu           sync.Mutex
	graphAuth    []string // Authorization of each request Graph got
	otherAuth    []string // and the other host
}

func newRedirector(t *testing.T) *redirector {
	r := &redirector{}
	r.other = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.otherAuth = append(r.otherAuth, req.Header.Get("Authorization"))
		r.mu.Unlock()
		io.WriteString(w, "file bytes")
	}))
	t.Cleanup(r.other.Close)
	r.graph = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.graphAuth = append(r.graphAuth, req.Header.Get("Authorization"))
		r.mu.Unlock()
		http.Redirect(w, req, r.other.URL+"/download.aspx?tempauth=x", http.StatusFound)
	}))
	t.Cleanup(r.graph.Close)
	r.caFile = filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.graph.Certificate().Raw})
	if err := os.WriteFile(r.caFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *redirector) seen() (graph, other []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.graphAuth), slices.Clone(r.otherAuth)
}

// TestGraphTokenStaysOnGraph: the Graph client's token goes to the Graph host only, also when
// Graph redirects (file contents and reports are 302s to download hosts); the redirect is
// still followed.
func TestGraphTokenStaysOnGraph(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.loginDevice(t, "work", f.user(0))
	tok := f.stored(t, "microsoft", "work").AccessToken
	r := newRedirector(t)
	info := f.sb.Info()
	info.URL, info.CAFile = r.graph.URL, r.caFile
	if err := sandbox.WriteInfo(filepath.Join(f.home, broker.SandboxInfoFile), info); err != nil {
		t.Fatal(err)
	}
	ep, err := f.b.Graph(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{ep.URL + "/v1.0/me/drive/items/01ABC/content", r.other.URL + "/direct"} {
		resp, err := ep.Client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "file bytes" {
			t.Errorf("GET %s: %d %q", u, resp.StatusCode, body)
		}
	}
	graph, other := r.seen()
	leaked := 0
	for _, a := range other {
		if a != "" {
			leaked++
		}
	}
	if withToken := len(graph) == 1 && graph[0] == "Bearer "+tok; !withToken || len(other) != 2 || leaked != 0 {
		t.Errorf("Graph got %d requests (the token: %v), the other host %d, %d of them with Authorization; "+
			"want 1 with the token, 2 without", len(graph), withToken, len(other), leaked)
	}
}

// TestTransportRedirect: a client of HTTPClient adds the credential to the host the caller
// addressed, and not to the one it is redirected to.
func TestTransportRedirect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loginKey(t, f.b, "", testKey)
	var mu sync.Mutex
	var keys []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, "other "+r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	t.Cleanup(other.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, "api "+r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path == "/back" {
			return
		}
		if r.URL.Path == "/here" {
			http.Redirect(w, r, "/back", http.StatusFound)
			return
		}
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	}))
	t.Cleanup(api.Close)
	hc := f.b.HTTPClient(t.Context(), "openai", "")
	for _, p := range []string{"/away", "/here"} {
		resp, err := hc.Get(api.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"api Bearer " + testKey, "other ", "api Bearer " + testKey, "api Bearer " + testKey}
	if !slices.Equal(keys, want) {
		t.Errorf("requests %q, want %q", keys, want)
	}
}
