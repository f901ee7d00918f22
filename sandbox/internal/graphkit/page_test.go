package graphkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// list serves a collection of n numbers in the given style.
func list(k *Kit, style PageStyle, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		top, skip, ok := k.Paging(w, r, 3, 10)
		if !ok {
			return
		}
		var items []any
		for i := skip; i < n && i < skip+top; i++ {
			items = append(items, i)
		}
		k.WritePageStyle(w, r, style, "#numbers", items, top, skip, n, -1)
	}
}

// TestPagingFollowsNextLinks: following @odata.nextLink visits every item
// once, in both styles; the $skiptoken style never shows $skip; a token that
// is not the sandbox's gets Graph's 400.
func TestPagingFollowsNextLinks(t *testing.T) {
	k := &Kit{Now: time.Now}
	for _, style := range []PageStyle{SkipPages, TokenPages} {
		h := list(k, style, 10)
		next, seen := "http://example.test/v1.0/numbers?$filter=x", 0
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("nextLink does not end")
			}
			u, _ := url.Parse(next)
			if style == TokenPages && u.Query().Has("$skip") || style == SkipPages && u.Query().Has("$skiptoken") {
				t.Errorf("style %d: nextLink %s", style, next)
			}
			if u.Query().Get("$filter") != "x" {
				t.Errorf("nextLink lost the query: %s", next)
			}
			rec := httptest.NewRecorder()
			h(rec, httptest.NewRequest("GET", next, nil))
			var page struct {
				Value []int
				Next  string `json:"@odata.nextLink"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			for _, v := range page.Value {
				if v != seen {
					t.Fatalf("style %d: got %d, want %d", style, v, seen)
				}
				seen++
			}
			next = page.Next
		}
		if seen != 10 {
			t.Errorf("style %d: %d items seen, want 10", style, seen)
		}
	}
	rec := httptest.NewRecorder()
	list(k, TokenPages, 10)(rec, httptest.NewRequest("GET", "http://example.test/v1.0/numbers?$skiptoken=forged", nil))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "$skiptoken") {
		t.Errorf("forged token: %d %s", rec.Code, rec.Body)
	}
}
