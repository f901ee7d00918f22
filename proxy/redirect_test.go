package proxy

import (
	"net/http"
	"testing"
)

// TestRedirectElsewhereGetsNoToken: a routed host's redirect to another host (Graph's file
// downloads) reaches the child as it is: the proxy does not follow it, and when the child
// does, even sending its Authorization header again, the other host gets no credential.
func TestRedirectElsewhereGetsNoToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	const dl = "https://files.example.test/download.aspx?tempauth=x"
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, dl, http.StatusFound)
	})
	const content = "https://" + graphHost + "/v1.0/me/drive/items/01ABC/content"

	// Not followed by the proxy, in either mode; base-URL mode leaves a foreign Location alone.
	noFollow := func(c *http.Client) *http.Client {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return c
	}
	for u, c := range map[string]*http.Client{
		content: noFollow(h.client(false)),
		h.baseURL + "/" + graphHost + "/v1.0/me/drive/items/01ABC/content": noFollow(&http.Client{}),
	} {
		resp, _, err := h.get(c, "GET", u)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != dl {
			t.Errorf("GET %s: %d Location %q, want the upstream's 302 as it is", u, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if n := len(h.other.requests()); n != 0 {
		t.Errorf("the other host got %d requests before the child followed the redirect", n)
	}

	// A child that follows it with the same headers (curl --location-trusted).
	follow := h.client(false)
	follow.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		req.Header.Set("Authorization", via[0].Header.Get("Authorization"))
		return nil
	}
	resp, body, err := h.get(follow, "GET", content)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || body != "ok" {
		t.Errorf("following the redirect: %d %q", resp.StatusCode, body)
	}
	if reqs := h.other.requests(); len(reqs) != 1 || h.other.sawToken() {
		t.Errorf("the other host got %d requests, a credential: %v; want 1 without", len(reqs), h.other.sawToken())
	}
	if !h.graph.sawToken() {
		t.Error("the routed host got no credential")
	}
}
