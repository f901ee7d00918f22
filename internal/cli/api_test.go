package cli

import (
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox"
)

func TestSplitGraphPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/me":                "v1.0 me",
		"me/messages?$top=5": "v1.0 me/messages?$top=5",
		"/v1.0/users":        "v1.0 users",
		"beta/me":            "beta me",
		"//beta/me/events":   "beta me/events",
		"v1.0x/me":           "v1.0 v1.0x/me",
		"https://GRAPH.microsoft.us/beta/me?$skiptoken=x": "v1.0 https://GRAPH.microsoft.us/beta/me?$skiptoken=x",
	} {
		v, rel, err := splitGraphPath(in)
		if err != nil || v+" "+rel != want {
			t.Errorf("splitGraphPath(%q) = %q %q, %v; want %q", in, v, rel, err, want)
		}
	}
	for _, bad := range []string{"", "/", "v1.0", "/beta/", "beta?x=1", "https://[::1/x"} {
		if v, rel, err := splitGraphPath(bad); err == nil {
			t.Errorf("splitGraphPath(%q) = %q %q, want an error", bad, v, rel)
		}
	}
}

// TestAPIRedirectKeepsToken: when Graph answers with a redirect to another host, as it does
// for file contents (/drive/items/{id}/content) and reports, `authsome api` follows it without
// the token and prints what that host answers.
func TestAPIRedirectKeepsToken(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var auth []string // Authorization of each request: "graph ..." or "download ..."
	record := func(who string, r *http.Request) {
		mu.Lock()
		auth = append(auth, who+" "+r.Header.Get("Authorization"))
		mu.Unlock()
	}
	download := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("download", r)
		io.WriteString(w, "file bytes")
	}))
	t.Cleanup(download.Close)
	home := apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("graph", r)
		http.Redirect(w, r, download.URL+"/download.aspx?tempauth=x", http.StatusFound)
	}))

	r := runHome(t, home, "api", "/me/drive/items/01ABC/content")
	wantCode(t, r, 0)
	if r.stdout != "file bytes" {
		t.Errorf("stdout %q, want the downloaded bytes", r.stdout)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) != 2 || !strings.HasPrefix(auth[0], "graph Bearer ") || auth[1] != "download " {
		t.Errorf("%d requests; want Graph's with the token, then the download host's without any (got Graph's: %v, the download's: %v)",
			len(auth), len(auth) > 0 && strings.HasPrefix(auth[0], "graph Bearer "), len(auth) > 1 && auth[1] == "download ")
	}
}

// startSandbox starts a sandbox (opts.Dir is a temporary folder) and writes its sandbox.json
// into home.
func startSandbox(t *testing.T, home string, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	opts.Dir = t.TempDir()
	if opts.SigningKey == nil {
		opts.SigningKey = testkey.RSA(t)
	}
	sb, err := sandbox.New(opts)
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
	return sb
}

// apiHome returns a home with a sandbox connection whose Graph is a TLS test server run by
// graph: `authsome api` there sends its requests, with the connection's token, to graph.
func apiHome(t *testing.T, graph http.Handler) string {
	t.Helper()
	home := testEnv(t)
	info := startSandbox(t, home, sandbox.Options{}).Info()
	infoFile := filepath.Join(home, broker.SandboxInfoFile)
	login := run(t, info.ConfidentialClientSecret+"\n", "--home", home, "login", "microsoft", "--cloud", "sandbox",
		"--flow", "client_credentials", "--client-id", info.ConfidentialClientID, "--client-secret-stdin")
	wantCode(t, login, 0)

	srv := httptest.NewTLSServer(graph)
	t.Cleanup(srv.Close)
	info.URL, info.CAFile = srv.URL, filepath.Join(t.TempDir(), "ca.pem")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(info.CAFile, ca, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.WriteInfo(infoFile, info); err != nil {
		t.Fatal(err)
	}
	return home
}
