package graphkit

import (
	"net/http/httptest"
	"testing"
)

func TestIfMatch(t *testing.T) {
	cur := OutlookETag("CQAAABYAAAA3")
	for _, c := range []struct {
		hdr  []string
		want bool
	}{
		{nil, true},
		{[]string{cur}, true},
		{[]string{`"CQAAABYAAAA3"`}, true},
		{[]string{"CQAAABYAAAA3"}, true},
		{[]string{"*"}, true},
		{[]string{`W/"old", ` + cur}, true},
		{[]string{`W/"old"`, cur}, true},
		{[]string{`W/"CQAAABYAAAA2"`}, false},
		{[]string{""}, false},
	} {
		r := httptest.NewRequest("PATCH", "/x", nil)
		for _, h := range c.hdr {
			r.Header.Add("If-Match", h)
		}
		if got := IfMatch(r, cur); got != c.want {
			t.Errorf("If-Match %q: %v, want %v", c.hdr, got, c.want)
		}
	}
}
