package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDrivePreauthURLsThroughAProxy: a request that reaches the sandbox through authsome's
// proxy names Graph's host (Host: graph.microsoft.com, no port); the pre-authenticated
// download and upload URLs it gets back name the address and port the sandbox listens on,
// which the client can reach directly.
func TestDrivePreauthURLsThroughAProxy(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	id := d.call("PUT", "/v1.0/me/drive/root:/proxied.txt:/content", []byte("through the proxy"), 201)["id"].(string)
	base, _ := url.Parse(e.base)
	noRedirect := *e.c
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	asGraph := func(method, u, body string, hdr map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, u, strings.NewReader(body))
		req.Host = "graph.microsoft.com"
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp, string(data)
	}
	auth := map[string]string{"Authorization": d.tok, "Content-Type": "application/json"}

	resp, _ := asGraph("GET", e.base+"/v1.0/me/drive/items/"+id+"/content", "", auth)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || err != nil || loc.Host != base.Host {
		t.Fatalf("content through the proxy: %d, Location %s; want a URL on %s", resp.StatusCode, loc, base.Host)
	}
	if r, data := asGraph("GET", loc.String(), "", nil); r.StatusCode != 200 || data != "through the proxy" {
		t.Errorf("download: %d %q", r.StatusCode, data)
	}

	resp, body := asGraph("POST", e.base+"/v1.0/me/drive/root:/session.txt:/createUploadSession", `{}`, auth)
	var sess struct {
		UploadURL string `json:"uploadUrl"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &sess) != nil {
		t.Fatalf("createUploadSession through the proxy: %d %s", resp.StatusCode, body)
	}
	if u, err := url.Parse(sess.UploadURL); err != nil || u.Host != base.Host {
		t.Fatalf("uploadUrl on %v, want %s", u, base.Host)
	}
	if r, data := asGraph("PUT", sess.UploadURL, "abc", map[string]string{"Content-Range": "bytes 0-2/3"}); r.StatusCode != 201 {
		t.Errorf("the fragment to the upload URL: %d %s", r.StatusCode, data)
	}
}
