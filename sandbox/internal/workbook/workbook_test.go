package workbook

import (
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture opens testdata/sales.xlsx, a workbook written by openpyxl.
func fixture(t *testing.T) *Book {
	t.Helper()
	data, err := os.ReadFile("testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reopen writes the book and opens the bytes again.
func reopen(t *testing.T, b *Book) *Book {
	t.Helper()
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Open(data)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	return b2
}

func wantErr(t *testing.T, err error, want *Error) {
	t.Helper()
	var we *Error
	if !errors.As(err, &we) || we.Status != want.Status || we.Code != want.Code {
		t.Fatalf("error = %v, want %d %s", err, want.Status, want.Code)
	}
}

func TestOpenRefusesWhatIsNotAWorkbook(t *testing.T) {
	_, err := Open([]byte("not a zip"))
	wantErr(t, err, &Error{Status: 400, Code: "unsupportedWorkbook"})

	data, err := os.ReadFile("testdata/sales.xlsx") // about 20 KB unzipped
	if err != nil {
		t.Fatal(err)
	}
	defer func(limit int64) { MaxUnzipped = limit }(MaxUnzipped)
	MaxUnzipped = 16 << 10
	_, err = Open(data)
	wantErr(t, err, &Error{Status: 400, Code: "unsupportedWorkbook"})
}

func TestWorksheets(t *testing.T) {
	b := fixture(t)
	want := []Worksheet{
		{ID: "{00000000-0001-0000-0000-000000000000}", Name: "Sales", Position: 0, Visibility: "Visible"},
		{ID: "{00000000-0001-0000-0100-000000000000}", Name: "Notes", Position: 1, Visibility: "Visible"},
		{ID: "{00000000-0001-0000-0200-000000000000}", Name: "Hidden", Position: 2, Visibility: "Hidden"},
	}
	if d := cmp.Diff(want, b.Worksheets()); d != "" {
		t.Fatalf("worksheets (-want +got):\n%s", d)
	}
	for _, key := range []string{"notes", "NOTES", "{00000000-0001-0000-0100-000000000000}"} {
		if ws, err := b.Worksheet(key); err != nil || ws.Name != "Notes" {
			t.Errorf("Worksheet(%q) = %+v, %v", key, ws, err)
		}
	}
	_, err := b.Worksheet("Nope")
	wantErr(t, err, ErrItemNotFound)

	added, err := b.AddWorksheet("Q1 2026")
	if err != nil || added.Position != 3 || added.ID != "{00000000-0001-0000-0300-000000000000}" {
		t.Fatalf("add = %+v, %v", added, err)
	}
	auto, err := b.AddWorksheet("")
	if err != nil || auto.Name != "Sheet5" {
		t.Fatalf("add without a name = %+v, %v", auto, err)
	}
	renamed, err := b.UpdateWorksheet("q1 2026", WorksheetUpdate{Name: ptr("Quarter")})
	if err != nil || renamed.ID != added.ID || renamed.Name != "Quarter" {
		t.Fatalf("rename = %+v, %v", renamed, err)
	}
	if ws, err := b.UpdateWorksheet("Quarter", WorksheetUpdate{Visibility: ptr("VeryHidden")}); err != nil || ws.Visibility != "VeryHidden" {
		t.Fatalf("very hidden: %+v, %v", ws, err)
	}
	if err := b.DeleteWorksheet(auto.ID); err != nil {
		t.Fatal(err)
	}

	b2 := reopen(t, b)
	got := b2.Worksheets()
	if len(got) != 4 || got[3].Name != "Quarter" || got[3].ID != added.ID || got[3].Visibility != "VeryHidden" {
		t.Fatalf("after reopen: %+v", got)
	}

	for _, tc := range []struct {
		name string
		do   func() error
		want *Error
	}{
		{"add a taken name", func() error { _, err := b.AddWorksheet("sales"); return err }, ErrItemAlreadyExists},
		{"add a bad name", func() error { _, err := b.AddWorksheet("a/b"); return err }, &Error{Status: 400, Code: "InvalidArgument"}},
		{"rename onto another", func() error { _, err := b.UpdateWorksheet("Notes", WorksheetUpdate{Name: ptr("Sales")}); return err }, ErrItemAlreadyExists},
		{"rename a missing sheet", func() error { _, err := b.UpdateWorksheet("Nope", WorksheetUpdate{Name: ptr("X")}); return err }, ErrItemNotFound},
		{"bad visibility", func() error {
			_, err := b.UpdateWorksheet("Notes", WorksheetUpdate{Visibility: ptr("Dim")})
			return err
		}, &Error{Status: 400, Code: "InvalidArgument"}},
		{"a position past the end", func() error { _, err := b.UpdateWorksheet("Notes", WorksheetUpdate{Position: ptr(9)}); return err }, &Error{Status: 400, Code: "InvalidArgument"}},
		{"delete a missing sheet", func() error { return b.DeleteWorksheet("Nope") }, ErrItemNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.do(), tc.want) })
	}
}

func TestLastVisibleSheetStays(t *testing.T) {
	b := New()
	wantErr(t, b.DeleteWorksheet("Sheet1"), &Error{Status: 400, Code: "InvalidOperation"})
}

func ptr[T any](v T) *T { return &v }

func TestMoveWorksheet(t *testing.T) {
	for _, tc := range []struct {
		sheet string
		to    int
		want  []string
	}{
		{"Sales", 2, []string{"Notes", "Hidden", "Sales"}},
		{"Sales", 1, []string{"Notes", "Sales", "Hidden"}},
		{"Hidden", 0, []string{"Hidden", "Sales", "Notes"}},
		{"Notes", 1, []string{"Sales", "Notes", "Hidden"}},
	} {
		b := fixture(t)
		ws, err := b.UpdateWorksheet(tc.sheet, WorksheetUpdate{Position: ptr(tc.to)})
		if err != nil || ws.Position != tc.to {
			t.Fatalf("move %s to %d: %+v, %v", tc.sheet, tc.to, ws, err)
		}
		var got []string
		for _, s := range reopen(t, b).Worksheets() {
			got = append(got, s.Name)
		}
		if !cmp.Equal(tc.want, got) {
			t.Errorf("move %s to %d: %v, want %v", tc.sheet, tc.to, got, tc.want)
		}
	}
}
