package drive

import (
	"slices"
	"testing"
)

// TestParseRest reads every address of an item Graph takes below a drive.
func TestParseRest(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		rest string
		ok   bool
		want target
	}{
		{"root", true, target{}},
		{"ROOT/Children", true, target{tail: "children"}},
		{"root:/a/b.txt:", true, target{path: []string{"a", "b.txt"}, byPath: true}},
		{"root:/a/b.txt", true, target{path: []string{"a", "b.txt"}, byPath: true}},
		{"root:/a:/children", true, target{path: []string{"a"}, byPath: true, tail: "children"}},
		{"root:/a/b.txt:/content", true, target{path: []string{"a", "b.txt"}, byPath: true, tail: "content"}},
		{"items/01AB", true, target{base: "01AB"}},
		{"items('01AB')/content", true, target{base: "01AB", tail: "content"}},
		{"items/01AB:/x/y.md:/content", true, target{base: "01AB", path: []string{"x", "y.md"}, byPath: true, tail: "content"}},
		{"items/01AB/restore", true, target{base: "01AB", tail: "restore"}},
		{"items/", false, target{}},
		{"items/01AB/copy", true, target{base: "01AB", tail: "copy"}},
		{"items/01AB/bogus", false, target{}},
		{"root:/a:/search", false, target{}},
		{"rootx", false, target{}},
		{"special/documents", true, target{special: "documents"}},
		{"Special/Music:/a.txt:/content", true, target{special: "music", path: []string{"a.txt"}, byPath: true, tail: "content"}},
		{"special/approot/children", true, target{special: "approot", tail: "children"}},
		{"special/", false, target{}},
		{"special/music/bogus", false, target{}},
		{"items/01AB/workbook", true, target{base: "01AB", tail: "workbook"}},
		{"items/01AB/Workbook/worksheets/Sales/range(address='A1:B2')", true, target{base: "01AB", tail: "workbook", book: "worksheets/Sales/range(address='A1:B2')"}},
		{"root:/a/s.xlsx:/workbook/tables", true, target{path: []string{"a", "s.xlsx"}, byPath: true, tail: "workbook", book: "tables"}},
		{"items/01AB/workbooks", false, target{}},
	} {
		got, ok := parseRest(c.rest)
		if ok != c.ok || (ok && (got.base != c.want.base || !slices.Equal(got.path, c.want.path) || got.byPath != c.want.byPath || got.tail != c.want.tail || got.special != c.want.special || got.book != c.want.book)) {
			t.Errorf("parseRest(%q) = %+v %v, want %+v %v", c.rest, got, ok, c.want, c.ok)
		}
	}
}
