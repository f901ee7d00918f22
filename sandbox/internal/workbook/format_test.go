package workbook

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormatOfAFreshRange(t *testing.T) {
	b := fixture(t)
	f, err := b.Format("Notes", "A1:B2")
	if err != nil {
		t.Fatal(err)
	}
	want := &RangeFormat{
		ColumnWidth: ptr(48.0), RowHeight: ptr(15.0), HorizontalAlignment: ptr("General"), VerticalAlignment: ptr("Bottom"),
		WrapText: ptr(false),
		Font:     &RangeFont{Bold: ptr(false), Italic: ptr(false), Color: ptr("#000000"), Name: ptr("Calibri"), Size: ptr(11.0), Underline: ptr("None")},
		Fill:     &RangeFill{},
	}
	if d := cmp.Diff(want, f); d != "" {
		t.Fatalf("format (-want +got):\n%s", d)
	}
}

func TestSetFormat(t *testing.T) {
	b := fixture(t)
	u := RangeFormat{
		ColumnWidth: ptr(96.0), RowHeight: ptr(30.0), HorizontalAlignment: ptr("center"), VerticalAlignment: ptr("Top"),
		WrapText: ptr(true),
		Font:     &RangeFont{Bold: ptr(true), Color: ptr("#ff0000"), Name: ptr("Arial"), Size: ptr(14.0), Underline: ptr("Double")},
		Fill:     &RangeFill{Color: ptr("#FFFF00")},
	}
	if _, err := b.SetFormat("Sales", "A1:B2", u); err != nil {
		t.Fatal(err)
	}
	want := &RangeFormat{
		ColumnWidth: ptr(96.0), RowHeight: ptr(30.0), HorizontalAlignment: ptr("Center"), VerticalAlignment: ptr("Top"),
		WrapText: ptr(true),
		Font:     &RangeFont{Bold: ptr(true), Italic: ptr(false), Color: ptr("#FF0000"), Name: ptr("Arial"), Size: ptr(14.0), Underline: ptr("Double")},
		Fill:     &RangeFill{Color: ptr("#FFFF00")},
	}
	for _, bk := range []*Book{b, reopen(t, b)} {
		got, err := bk.Format("Sales", "A1:B2")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("format (-want +got):\n%s", d)
		}
		// The values and number formats stay.
		r, _ := bk.Range("Sales", "C2")
		if r.NumberFormat[0][0] != "0.00" {
			t.Fatalf("C2's number format: %v", r.NumberFormat)
		}
	}
	// Over cells that differ, a member is null.
	mixed, err := b.Format("Sales", "B2:C2")
	if err != nil {
		t.Fatal(err)
	}
	if mixed.Font.Bold != nil || mixed.Fill.Color != nil || mixed.ColumnWidth != nil || *mixed.RowHeight != 30 {
		t.Fatalf("mixed: %+v %+v %+v", mixed, mixed.Font, mixed.Fill)
	}
	// A fill without a colour clears it.
	cleared, err := b.SetFormat("Sales", "A1:B2", RangeFormat{Fill: &RangeFill{}})
	if err != nil || cleared.Fill.Color != nil || !*cleared.Font.Bold {
		t.Fatalf("cleared: %+v, %v", cleared, err)
	}
	for _, bad := range []RangeFormat{
		{HorizontalAlignment: ptr("Middle")},
		{VerticalAlignment: ptr("Left")},
		{Font: &RangeFont{Color: ptr("red")}},
		{Font: &RangeFont{Underline: ptr("Wavy")}},
		{Font: &RangeFont{Size: ptr(0.0)}},
		{Fill: &RangeFill{Color: ptr("#12")}},
		{RowHeight: ptr(-1.0)},
	} {
		_, err := b.SetFormat("Sales", "A1", bad)
		wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	}
}
