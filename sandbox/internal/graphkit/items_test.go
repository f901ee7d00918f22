package graphkit

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/odata"
)

// TestWriteListRendersOnlyThePage: an unfiltered listing renders the items
// of its page only, however long the collection (a page's cost must not grow
// with it); $filter and $orderby look at every item, as Graph allows.
func TestWriteListRendersOnlyThePage(t *testing.T) {
	k := &Kit{Now: time.Now}
	typ := &odata.Type{Name: "microsoft.graph.contact", Props: []string{"id", "n"}, PropTypes: map[string]string{"id": "Edm.String", "n": "Edm.Int32"}}
	const n = 10000
	rendered := 0
	list := make([]Item, n)
	for _, c := range []struct {
		query string
		want  int // items rendered
		first int
	}{
		{query: "$top=10&$skip=5000", want: 10, first: 5000},
		{query: "$filter=n%20ge%209990&$top=5", want: n, first: 9990},
		{query: "$orderby=n%20desc&$top=5", want: n, first: n - 1},
	} {
		rendered = 0
		for i := range list { // a fresh item each time: rendering is cached per item
			list[i] = ItemFunc(func() any { rendered++; return map[string]any{"id": "x", "n": i} })
		}
		rec := httptest.NewRecorder()
		k.WriteList(rec, httptest.NewRequest("GET", "/v1.0/me/contacts?"+c.query, nil), "#contacts", list, typ, odata.Limits{DefaultTop: 10, MaxTop: 1000}, nil)
		var page struct{ Value []struct{ N int } }
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || rec.Code != 200 || len(page.Value) == 0 {
			t.Fatalf("%s: %d %s", c.query, rec.Code, rec.Body)
		}
		if page.Value[0].N != c.first {
			t.Errorf("%s: first item %d, want %d", c.query, page.Value[0].N, c.first)
		}
		if rendered != c.want {
			t.Errorf("%s: %d items rendered, want %d", c.query, rendered, c.want)
		}
	}
}
