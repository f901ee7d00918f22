package workbook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	b := fixture(t)
	want := []NamedItem{{Name: "TaxRate", Scope: "Workbook", Type: "Range", Value: "=Notes!$B$2", Visible: true}}
	if d := cmp.Diff(want, b.Names()); d != "" {
		t.Fatalf("names (-want +got):\n%s", d)
	}
	r, err := b.NameRange("taxrate")
	if err != nil || r.Address != "Notes!B2" || r.Values[0][0] != 42.0 {
		t.Fatalf("TaxRate's range = %+v, %v", r, err)
	}
	for _, tc := range []struct {
		name, ref, typ string
	}{
		{"Items", "=Sales!$A$2:$A$4", "Range"},
		{"Discount", "=0.1", "Double"},
		{"Greeting", `="hello"`, "String"},
		{"Flag", "=TRUE", "Boolean"},
	} {
		n, err := b.AddName(tc.name, tc.ref, "note")
		if err != nil || n.Type != tc.typ || n.Value != tc.ref || n.Comment != "note" {
			t.Errorf("add %s = %+v, %v", tc.name, n, err)
		}
	}
	if got := reopen(t, b).Names(); len(got) != 5 {
		t.Fatalf("after reopen: %+v", got)
	}
	// A formula can use a name.
	if r, err := b.SetRange("Notes", "C5", RangePatch{Formulas: [][]any{{"=TaxRate*2"}}}); err != nil || r.Values[0][0] != 84.0 {
		t.Fatalf("=TaxRate*2 = %+v, %v", r, err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want *Error
	}{
		{"a taken name", func() error { _, err := b.AddName("TAXRATE", "=1", ""); return err }(), ErrItemAlreadyExists},
		{"a table's name", func() error { _, err := b.AddName("SalesTable", "=1", ""); return err }(), ErrItemAlreadyExists},
		{"no reference", func() error { _, err := b.AddName("Empty", "", ""); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"a bad name", func() error { _, err := b.AddName("1abc", "=1", ""); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"a missing sheet", func() error { _, err := b.AddName("Lost", "=Nope!$A$1", ""); return err }(), ErrItemNotFound},
		{"a missing name", func() error { _, err := b.Name("Nope"); return err }(), ErrItemNotFound},
		{"a constant has no range", func() error { _, err := b.NameRange("Discount"); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.want) })
	}
}
