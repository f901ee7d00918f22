package msgraph

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// hostLog records the requests a test server received: host, path and
// Authorization.
type hostLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *hostLog) add(r *http.Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r.Method+" "+r.Host+r.URL.Path+" auth="+r.Header.Get("Authorization"))
	l.mu.Unlock()
}

func (l *hostLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reqs...)
}

// redirectSetup starts a Graph stand-in on 127.0.0.1 whose answers are
// redirects, and a second server (another port: another origin) that serves
// the redirected requests. The client is made by NewClient over an HTTP
// client that adds a token to everything it sends, as broker.Transport and
// oauth2 transports do.
func redirectSetup(t *testing.T) (c *Client, graphURL, otherURL string, graph, other *hostLog) {
	t.Helper()
	graph, other = &hostLog{}, &hostLog{}
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		switch r.URL.Path {
		case "/me":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"u1","userPrincipalName":"adele@contoso.test"}`)
		default:
			io.WriteString(w, "file bytes")
		}
	}))
	t.Cleanup(o.Close)
	otherURL = o.URL
	g := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		graph.add(r)
		switch {
		case r.URL.Path == "/v1.0/moved":
			io.WriteString(w, `{"id":"moved"}`)
		case r.URL.Path == "/v1.0/same-host":
			http.Redirect(w, r, "/v1.0/moved", http.StatusFound)
		case r.URL.Path == "/v1.0/other-name":
			// The same server under another host name is another host.
			http.Redirect(w, r, strings.Replace(graphURL, "127.0.0.1", "localhost", 1)+"/v1.0/moved", http.StatusFound)
		case r.URL.Path == "/v1.0/me":
			http.Redirect(w, r, otherURL+"/me", http.StatusFound)
		default:
			http.Redirect(w, r, otherURL+"/download.aspx?tempauth=SECRET", http.StatusFound)
		}
	}))
	t.Cleanup(g.Close)
	graphURL = g.URL
	c, err := NewClient(&http.Client{Transport: bearer{http.DefaultTransport}}, WithBaseURL(graphURL),
		WithRetryPolicy(RetryPolicy{MaxRetries: -1}))
	if err != nil {
		t.Fatal(err)
	}
	return c, graphURL, otherURL, graph, other
}

// TestRedirectOffGraphWithoutToken: whatever Graph (or whoever answers for it)
// redirects a request to, the token goes to the Graph host only; GETs are
// still followed, so downloads work.
func TestRedirectOffGraphWithoutToken(t *testing.T) {
	c, graphURL, _, graph, other := redirectSetup(t)
	ctx := t.Context()

	var buf bytes.Buffer
	if resp, err := c.Drive.Download(ctx, MyDrive, "01ABC", &buf, nil); err != nil || buf.String() != "file bytes" || resp.Written != 10 {
		t.Errorf("Download: %d %q %v", written(resp), buf.String(), err)
	}
	buf.Reset()
	req, err := c.NewRequest(ctx, http.MethodGet, "me/drive/items/01ABC/content", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(req, &buf); err != nil || buf.String() != "file bytes" {
		t.Errorf("Do into a writer: %q %v", buf.String(), err)
	}
	if me, _, err := c.Users.Me(ctx, nil); err != nil || me.UserPrincipalName != "adele@contoso.test" {
		t.Errorf("Me: %+v %v", me, err)
	}
	for _, r := range other.all() {
		if !strings.HasSuffix(r, " auth=") {
			t.Errorf("the other host got a credential: %s", r)
		}
	}
	if n := len(other.all()); n != 3 {
		t.Errorf("the other host got %d requests, want 3 (the redirects were not followed?)", n)
	}

	// On the Graph host a redirect keeps the token; the same server under
	// another name does not get it.
	var moved struct{ ID string }
	for _, p := range []string{"same-host", "other-name"} {
		req, _ := c.NewRequest(ctx, http.MethodGet, p, nil)
		if _, err := c.Do(req, &moved); err != nil || moved.ID != "moved" {
			t.Errorf("GET %s: %+v %v", p, moved, err)
		}
	}
	host := strings.TrimPrefix(graphURL, "http://")
	for _, r := range graph.all() {
		onGraph := strings.Contains(r, " "+host+"/")
		if hasAuth := !strings.HasSuffix(r, " auth="); hasAuth != onGraph {
			t.Errorf("Graph stand-in: %s (on the Graph host: %v)", r, onGraph)
		}
	}

	// A redirect of another method is not followed anywhere.
	before := len(other.all())
	req, _ = c.NewRequest(ctx, http.MethodPost, "me/sendMail", map[string]any{})
	resp, err := c.Do(req, nil)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Errorf("POST redirected off Graph: %v %v", resp, err)
	}
	// A request built for another host is refused before it is sent.
	foreign, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.Replace(graphURL, "127.0.0.1", "localhost", 1)+"/v1.0/me", nil)
	if _, err := c.Do(foreign, nil); !errors.Is(err, ErrForeignURL) {
		t.Errorf("Do with another host's request: %v", err)
	}
	if n := len(other.all()); n != before {
		t.Errorf("the other host got %d more requests", n-before)
	}
}

// TestRedirectKeepsCallerPolicy: a CheckRedirect of the caller's HTTP client
// still decides on the Graph host.
func TestRedirectKeepsCallerPolicy(t *testing.T) {
	_, graphURL, _, _, _ := redirectSetup(t)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	c, err := NewClient(hc, WithBaseURL(graphURL))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := c.NewRequest(t.Context(), http.MethodGet, "same-host", nil)
	resp, err := c.Do(req, nil)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Errorf("GET same-host: %v %v", resp, err)
	}
}
