package workbook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	b := fixture(t)
	want := []NamedItem{{Name: "TaxRate", Scope: "Workbook", Type: "Range", Value: "=Notes!$B$2", Visible: true}}
	if d := cmp.Diff(want, mustNames(t, b, "")); d != "" {
		t.Fatalf("names (-want +got):\n%s", d)
	}
	r, err := b.NameRange("", "taxrate")
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
		n, err := b.AddName("", tc.name, tc.ref, "note")
		if err != nil || n.Type != tc.typ || n.Value != tc.ref || n.Comment != "note" {
			t.Errorf("add %s = %+v, %v", tc.name, n, err)
		}
	}
	if got := mustNames(t, reopen(t, b), ""); len(got) != 5 {
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
		{"a taken name", func() error { _, err := b.AddName("", "TAXRATE", "=1", ""); return err }(), ErrItemAlreadyExists},
		{"a table's name", func() error { _, err := b.AddName("", "SalesTable", "=1", ""); return err }(), ErrItemAlreadyExists},
		{"no reference", func() error { _, err := b.AddName("", "Empty", "", ""); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"a bad name", func() error { _, err := b.AddName("", "1abc", "=1", ""); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"a missing sheet", func() error { _, err := b.AddName("", "Lost", "=Nope!$A$1", ""); return err }(), ErrItemNotFound},
		{"a missing name", func() error { _, err := b.Name("", "Nope"); return err }(), ErrItemNotFound},
		{"a constant has no range", func() error { _, err := b.NameRange("", "Discount"); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.want) })
	}
}

func mustNames(t *testing.T, b *Book, sheet string) []NamedItem {
	t.Helper()
	names, err := b.Names(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// A sheet's names are its own, keep their sheet when sheets move, and may
// repeat a workbook name.
func TestSheetNames(t *testing.T) {
	b := fixture(t)
	n, err := b.AddName("Notes", "TaxRate", "=Notes!$A$1", "")
	if err != nil || n.Scope != "Notes" {
		t.Fatalf("add = %+v, %v", n, err)
	}
	_, err = b.AddName("notes", "taxrate", "=1", "")
	wantErr(t, err, ErrItemAlreadyExists)
	if _, err := b.UpdateWorksheet("Notes", WorksheetUpdate{Position: ptr(0)}); err != nil {
		t.Fatal(err)
	}
	for _, bk := range []*Book{b, reopen(t, b)} {
		if got := mustNames(t, bk, "Notes"); len(got) != 1 || got[0].Value != "=Notes!$A$1" {
			t.Fatalf("Notes' names: %+v", got)
		}
		if got := mustNames(t, bk, "Sales"); len(got) != 0 {
			t.Fatalf("Sales' names: %+v", got)
		}
		if got := mustNames(t, bk, ""); len(got) != 1 || got[0].Value != "=Notes!$B$2" {
			t.Fatalf("the workbook's names: %+v", got)
		}
		if r, err := bk.NameRange("Notes", "TaxRate"); err != nil || r.Values[0][0] != "Plain text" {
			t.Fatalf("Notes' TaxRate: %+v, %v", r, err)
		}
	}
	_, err = b.Names("Nope")
	wantErr(t, err, ErrItemNotFound)
}
