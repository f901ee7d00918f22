package workbook

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTablesFromTheFixture(t *testing.T) {
	b := fixture(t)
	want := []Table{{
		ID: "1", LegacyID: "1", Name: "SalesTable", Worksheet: "Sales", ShowHeaders: true, ShowFilterButton: true,
		Style: "TableStyleMedium2", ShowBandedRows: true,
	}}
	for _, sheet := range []string{"", "Sales"} {
		got, err := b.Tables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("tables(%q) (-want +got):\n%s", sheet, d)
		}
	}
	if got, _ := b.Tables("Notes"); len(got) != 0 {
		t.Fatalf("Notes has tables: %v", got)
	}
	for _, key := range []string{"SalesTable", "salestable", "1"} {
		if tb, err := b.Table(key); err != nil || tb.Name != "SalesTable" {
			t.Errorf("Table(%q) = %+v, %v", key, tb, err)
		}
	}
	_, err := b.Table("Nope")
	wantErr(t, err, ErrItemNotFound)

	for _, tc := range []struct{ part, address string }{
		{"range", "Sales!A1:D4"}, {"headerRowRange", "Sales!A1:D1"}, {"dataBodyRange", "Sales!A2:D4"},
	} {
		r, err := b.TableRange("SalesTable", tc.part)
		if err != nil || r.Address != tc.address {
			t.Errorf("%s = %v, %v", tc.part, r, err)
		}
	}
	_, err = b.TableRange("SalesTable", "totalRowRange")
	wantErr(t, err, ErrItemNotFound)

	rows, err := b.TableRows("SalesTable")
	if err != nil {
		t.Fatal(err)
	}
	wantRows := []TableRow{
		{0, [][]any{{"Apples", 3.0, 1.5, 4.5}}},
		{1, [][]any{{"Pears", 2.0, 2.25, 4.5}}},
		{2, [][]any{{"Plums", 10.0, 0.4, 4.0}}},
	}
	if d := cmp.Diff(wantRows, rows); d != "" {
		t.Fatalf("rows (-want +got):\n%s", d)
	}
	cols, err := b.TableColumns("SalesTable")
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 4 || cols[1].ID != "2" || cols[1].Name != "Qty" ||
		!cmp.Equal(cols[1].Values, [][]any{{"Qty"}, {3.0}, {2.0}, {10.0}}) {
		t.Fatalf("columns: %+v", cols)
	}
}

func TestTableRows(t *testing.T) {
	b := fixture(t)
	at := func(i int) *int { return &i }
	added, err := b.AddTableRows("SalesTable", nil, [][]any{{"Figs", 4, 3, "=B5*C5"}, {"Kiwis", 1, 0.5, "=B6*C6"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(TableRow{3, [][]any{{"Figs", 4.0, 3.0, 12.0}, {"Kiwis", 1.0, 0.5, 0.5}}}, added); d != "" {
		t.Fatalf("added (-want +got):\n%s", d)
	}
	if _, err := b.AddTableRows("SalesTable", at(0), [][]any{{"Dates", 2, 5, "=B2*C2"}}); err != nil {
		t.Fatal(err)
	}
	// Apples moved from row 2 to row 3: its formula and the SUM followed.
	if err := b.DeleteTableRow("SalesTable", 2); err != nil { // Pears
		t.Fatal(err)
	}
	for _, bk := range []*Book{b, reopen(t, b)} {
		rows, err := bk.TableRows("SalesTable")
		if err != nil {
			t.Fatal(err)
		}
		var names []any
		for _, r := range rows {
			names = append(names, r.Values[0][0])
		}
		if d := cmp.Diff([]any{"Dates", "Apples", "Plums", "Figs", "Kiwis"}, names); d != "" {
			t.Fatalf("rows (-want +got):\n%s", d)
		}
		r, _ := bk.TableRange("SalesTable", "range")
		if r.Address != "Sales!A1:D6" {
			t.Fatalf("table range = %s", r.Address)
		}
		if apples := rows[1].Values[0]; apples[3] != 4.5 {
			t.Fatalf("Apples' total = %v", apples)
		}
		g, _ := bk.Range("Sales", "G1")
		// =SUM(D2:D4) over Apples, Pears, Plums: moved down by the insert, shrunk by the delete.
		if g.Formulas[0][0] != "=SUM(D3:D4)" || g.Values[0][0] != 4.5+4.0 {
			t.Fatalf("SUM after row moves: %v = %v", g.Formulas, g.Values)
		}
	}
	if row, err := b.TableRow("SalesTable", 4); err != nil || row.Index != 4 || row.Values[0][0] != "Kiwis" {
		t.Fatalf("TableRow(4) = %+v, %v", row, err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want *Error
	}{
		{"get past the end", func() error { _, err := b.TableRow("SalesTable", 5); return err }(), ErrItemNotFound},
		{"a row of the wrong width", func() error { _, err := b.AddTableRows("SalesTable", nil, [][]any{{1, 2}}); return err }(), ErrDimensions},
		{"no rows", func() error { _, err := b.AddTableRows("SalesTable", nil, nil); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"an index past the end", func() error { _, err := b.AddTableRows("SalesTable", at(9), [][]any{{1, 2, 3, 4}}); return err }(), &Error{Status: 400, Code: "InvalidArgument"}},
		{"delete past the end", b.DeleteTableRow("SalesTable", 5), ErrItemNotFound},
		{"a missing table", b.DeleteTableRow("Nope", 0), ErrItemNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.err, tc.want) })
	}
}

func TestTableKeepsOneRow(t *testing.T) {
	b := fixture(t)
	tb, err := b.AddTable("Notes", "D1:E2", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteTableRow(tb.ID, 0); err != nil {
		t.Fatal(err)
	}
	rows, _ := b.TableRows(tb.ID)
	if len(rows) != 1 || rows[0].Values[0][0] != "" {
		t.Fatalf("rows = %v", rows)
	}
}

func TestAddTable(t *testing.T) {
	b := fixture(t)
	if _, err := b.SetRange("Notes", "D1:E3", RangePatch{Values: [][]any{{"Name", "Score"}, {"Ann", 3}, {"Bob", 4}}}); err != nil {
		t.Fatal(err)
	}
	tb, err := b.AddTable("", "Notes!D1:E3", true)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Name != "Table2" || tb.Worksheet != "Notes" || !tb.ShowHeaders || tb.Style != "TableStyleMedium2" {
		t.Fatalf("added %+v", tb)
	}
	// Without headers, a header row is put above the data.
	if _, err := b.SetRange("Notes", "H5:I6", RangePatch{Values: [][]any{{1, 2}, {3, 4}}}); err != nil {
		t.Fatal(err)
	}
	plain, err := b.AddTable("Notes", "H5:I6", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, bk := range []*Book{b, reopen(t, b)} {
		r, _ := bk.TableRange(plain.Name, "range")
		if r.Address != "Notes!H5:I7" || !cmp.Equal(r.Values, [][]any{{"Column1", "Column2"}, {1.0, 2.0}, {3.0, 4.0}}) {
			t.Fatalf("a table without headers: %s %v", r.Address, r.Values)
		}
		all, _ := bk.Tables("")
		if len(all) != 3 {
			t.Fatalf("tables: %+v", all)
		}
	}
	_, err = b.AddTable("Notes", "E2:F4", true)
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	_, err = b.AddTable("Nope", "A1:B2", true)
	wantErr(t, err, ErrItemNotFound)

	if err := b.DeleteTable(tb.Name); err != nil {
		t.Fatal(err)
	}
	wantErr(t, b.DeleteTable(tb.Name), ErrItemNotFound)
	if r, _ := b.Range("Notes", "D2"); r.Values[0][0] != "Ann" {
		t.Fatalf("deleting a table removed its cells: %v", r.Values)
	}
	if all, _ := reopen(t, b).Tables(""); len(all) != 2 {
		t.Fatalf("after delete: %+v", all)
	}
}

func TestTableColumns(t *testing.T) {
	b := fixture(t)
	col, err := b.AddTableColumn("SalesTable", nil, "", [][]any{{"Origin"}, {"ES"}, {"FR"}, {"IT"}})
	if err != nil {
		t.Fatal(err)
	}
	if col.Index != 4 || col.Name != "Origin" || col.ID != "5" {
		t.Fatalf("added %+v", col)
	}
	at := 1
	if _, err := b.AddTableColumn("SalesTable", &at, "Grade", nil); err != nil {
		t.Fatal(err)
	}
	// A renamed header renames its column in the file.
	if _, err := b.SetRange("Sales", "A1", RangePatch{Values: [][]any{{"Fruit"}}}); err != nil {
		t.Fatal(err)
	}
	b2 := reopen(t, b)
	cols, err := b2.TableColumns("SalesTable")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if d := cmp.Diff([]string{"Fruit", "Grade", "Qty", "Price", "Total", "Origin"}, names); d != "" {
		t.Fatalf("columns (-want +got):\n%s", d)
	}
	if r, _ := b2.TableRange("SalesTable", "range"); r.Address != "Sales!A1:F4" {
		t.Fatalf("range = %s", r.Address)
	}
	_, err = b.AddTableColumn("SalesTable", nil, "", [][]any{{"x"}})
	wantErr(t, err, ErrDimensions)

	for _, key := range []string{"grade", "Grade"} {
		if c, err := b.TableColumn("SalesTable", key); err != nil || c.Index != 1 || c.Name != "Grade" {
			t.Fatalf("TableColumn(%q) = %+v, %v", key, c, err)
		}
	}
	if err := b.DeleteTableColumn("SalesTable", "Grade"); err != nil {
		t.Fatal(err)
	}
	b3 := reopen(t, b)
	cols, _ = b3.TableColumns("SalesTable")
	names = nil
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if d := cmp.Diff([]string{"Fruit", "Qty", "Price", "Total", "Origin"}, names); d != "" {
		t.Fatalf("after delete (-want +got):\n%s", d)
	}
	if c, err := b3.TableColumn("SalesTable", cols[3].ID); err != nil || !cmp.Equal(c.Values, [][]any{{"Total"}, {4.5}, {4.5}, {4.0}}) {
		t.Fatalf("Total by id after the move: %+v, %v", c, err)
	}
	_, err = b.TableColumn("SalesTable", "Nope")
	wantErr(t, err, ErrItemNotFound)
	wantErr(t, b.DeleteTableColumn("SalesTable", "Nope"), ErrItemNotFound)
	one, _ := b.AddTable("Notes", "K1:K2", true)
	wantErr(t, b.DeleteTableColumn(one.ID, "1"), &Error{Status: 400, Code: "InvalidOperation"})
}

// The changed fixture opens in openpyxl, a real Office-format reader, when
// Debian's python3-openpyxl is installed.
func TestOpenpyxlReadsWhatWeWrite(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import openpyxl").Run(); err != nil {
		t.Skip("python3-openpyxl is not installed")
	}
	b := fixture(t)
	if _, err := b.AddTableRows("SalesTable", nil, [][]any{{"Figs", 4, 3, "=B5*C5"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddName("", "Fruits", "=Sales!$A$2:$A$5", ""); err != nil {
		t.Fatal(err)
	}
	// The fixture's font colour is the theme's: an RGB colour must replace it.
	if _, err := b.SetFormat("Sales", "A1", RangeFormat{Font: &RangeFont{Color: ptr("#FF0000")}, Fill: &RangeFill{Color: ptr("#FFFF00")}}); err != nil {
		t.Fatal(err)
	}
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Sales"]
print(ws["A5"].value, ws["D5"].value, ws.tables["SalesTable"].ref, [c.name for c in ws.tables["SalesTable"].tableColumns])
print(ws["A1"].font.color.type, ws["A1"].font.color.rgb, ws["A1"].fill.fgColor.rgb)`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	if want := "Figs =B5*C5 A1:D5 ['Item', 'Qty', 'Price', 'Total']\nrgb FFFF0000 FFFFFF00\n"; string(out) != want {
		t.Fatalf("openpyxl read %q, want %q", out, want)
	}
}
