package proxy

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRewriteJSONLinks(t *testing.T) {
	const base = "http://127.0.0.1:9/s"
	for _, tc := range []struct{ in, want string }{
		{`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=10"}`,
			`{"@odata.nextLink":"http://127.0.0.1:9/s/graph.microsoft.com/v1.0/me/messages?$skip=10"}`},
		{`{"value":[],"@odata.deltaLink" : "https://graph.microsoft.com/v1.0/delta?token=x"}`,
			`{"value":[],"@odata.deltaLink" : "http://127.0.0.1:9/s/graph.microsoft.com/v1.0/delta?token=x"}`},
		// Not a *link member, another host, a look-alike host, text inside a string, an array.
		{`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users"}`, ""},
		{`{"@odata.nextLink":"https://graph.microsoft.com.evil.test/v1.0/x"}`, ""},
		{`{"webLink":"https://outlook.office.com/mail/x"}`, ""},
		{`{"body":"see \"https://graph.microsoft.com/v1.0/me\" and \"nextLink\":\"https://graph.microsoft.com/x\""}`, ""},
		{`{"links":["https://graph.microsoft.com/v1.0/a"]}`, ""},
	} {
		want := tc.want
		if want == "" {
			want = tc.in
		}
		if got := string(rewriteJSONLinks([]byte(tc.in), graphHost, base)); got != want {
			t.Errorf("rewrite(%s)\n got %s\nwant %s", tc.in, got, want)
		}
	}
}

func TestNarrowAcceptEncoding(t *testing.T) {
	for in, want := range map[string]string{
		"gzip, deflate, br": "gzip",
		"br;q=1, gzip;q=0":  "",
		"br":                "",
		"GZIP;q=0.5":        "gzip",
		"identity":          "",
	} {
		h := http.Header{"Accept-Encoding": {in}}
		narrowAcceptEncoding(h)
		if got := h.Get("Accept-Encoding"); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

// TestBaseURLFollowsNextLink: a client on the base URL pages through Graph by following
// @odata.nextLink as it comes, compressed or not, and every page is fetched through the proxy
// with the token. A body too large to rewrite passes through unchanged.
func TestBaseURLFollowsNextLink(t *testing.T) {
	h := newHarness(t, setup{})
	page := func(n int) []byte {
		b, _ := json.Marshal(map[string]any{"value": []int{n}, "@odata.nextLink": "https://graph.microsoft.com/v1.0/items?page=" + string(rune('0'+n+1))})
		return b
	}
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		n := 0
		if p := r.URL.Query().Get("page"); p != "" {
			n = int(p[0] - '0')
		}
		if r.URL.Query().Get("big") != "" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"@odata.nextLink":"https://graph.microsoft.com/v1.0/x","pad":"`+strings.Repeat("a", 200)+`"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") && n%2 == 1 {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write(page(n))
			zw.Close()
			return
		}
		w.Write(page(n))
	})
	client := &http.Client{Transport: &http.Transport{}} // sends Accept-Encoding: gzip and decodes
	next := h.baseURL + "/graph.microsoft.com/v1.0/items"
	for n := range 4 {
		req, _ := http.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+Placeholder)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Value []int  `json:"value"`
			Next  string `json:"@odata.nextLink"`
		}
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || len(got.Value) != 1 || got.Value[0] != n {
			t.Fatalf("page %d: %s %+v %v", n, resp.Status, got, err)
		}
		if !strings.HasPrefix(got.Next, h.baseURL+"/graph.microsoft.com/v1.0/items?page=") {
			t.Fatalf("page %d: nextLink %q not on the base URL", n, got.Next)
		}
		next = got.Next
	}
	for _, r := range h.graph.requests() {
		if !strings.HasPrefix(r.Auth, "Bearer "+tokenPrefix) {
			t.Errorf("page request without the token: %+v", r)
		}
	}

	old := maxLinkRewrite
	maxLinkRewrite = 64
	t.Cleanup(func() { maxLinkRewrite = old })
	_, body, err := h.get(http.DefaultClient, "GET", h.baseURL+"/graph.microsoft.com/v1.0/x?big=1")
	if err != nil || !strings.Contains(body, `"https://graph.microsoft.com/v1.0/x"`) || !bytes.HasSuffix([]byte(body), []byte(`a"}`)) {
		t.Fatalf("large body: %v %.120q", err, body)
	}
}

// FuzzRewriteJSONLinks: rewriting keeps valid JSON valid, and the only strings it changes are
// values of *link members that pointed at the routed host, which now point at the base URL.
func FuzzRewriteJSONLinks(f *testing.F) {
	f.Add([]byte(`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=10","value":[{"body":"\"https://graph.microsoft.com/\""}]}`))
	f.Add([]byte(`{"a":{"deltaLink" : "https://graph.microsoft.com/x"},"b":["https://graph.microsoft.com/y"]}`))
	f.Add([]byte(`{"x\"Link":"https://graph.microsoft.com/z"}`))
	const base = "http://127.0.0.1:9/s"
	f.Fuzz(func(t *testing.T, in []byte) {
		out := rewriteJSONLinks(in, graphHost, base)
		if !json.Valid(in) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("valid JSON became invalid:\n in %s\nout %s", in, out)
		}
		var a, b any
		json.Unmarshal(in, &a)
		json.Unmarshal(out, &b)
		compareLinks(t, "", a, b, base)
	})
}

func compareLinks(t *testing.T, key string, a, b any, base string) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			t.Fatalf("object changed shape: %v → %v", a, b)
		}
		for k, v := range av {
			compareLinks(t, k, v, bv[k], base)
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			t.Fatalf("array changed shape: %v → %v", a, b)
		}
		for i := range av {
			compareLinks(t, "", av[i], bv[i], base)
		}
	case string:
		bs, _ := b.(string)
		if av == bs {
			return
		}
		if !strings.HasSuffix(strings.ToLower(key), "link") || !strings.HasPrefix(av, "https://"+graphHost+"/") ||
			bs != base+"/"+strings.TrimPrefix(av, "https://") {
			t.Fatalf("member %q: %q rewritten to %q", key, av, bs)
		}
	default:
		if a != b {
			t.Fatalf("value changed: %v → %v", a, b)
		}
	}
}
