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

// TestIfMatchDriveTag: a drive item's tag has a comma inside its quotes.
func TestIfMatchDriveTag(t *testing.T) {
	cur := `"{01ABC},3"`
	for _, c := range []struct {
		hdr  string
		want bool
	}{
		{cur, true},
		{`"{01ABC},2"`, false},
		{`"{01ABC},2", ` + cur, true},
		{`W/"{01ABC},3"`, true},
	} {
		r := httptest.NewRequest("PATCH", "/x", nil)
		r.Header.Set("If-Match", c.hdr)
		if got := IfMatch(r, cur); got != c.want {
			t.Errorf("If-Match %q: %v, want %v", c.hdr, got, c.want)
		}
	}
}
