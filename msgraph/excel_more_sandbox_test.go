package msgraph

import (
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// budget is the workbook every seeded OneDrive holds.
func budget(t *testing.T) *Workbook {
	t.Helper()
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	item, _, err := c.Drive.GetItemByPath(t.Context(), MyDrive, "Documents/Budget 2025.xlsx", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Excel.Workbook(MyDrive, item.ID)
}

// TestSandboxExcelTableRowsAndColumns: the rows and columns of the seeded
// budget's table Costs.
func TestSandboxExcelTableRowsAndColumns(t *testing.T) {
	wb := budget(t)
	ctx := t.Context()
	rows, _, err := wb.ListTableRows(ctx, "Costs", nil)
	if err != nil || len(rows) != 4 || rows[1].Values[0][0] != "Software" {
		t.Fatalf("ListTableRows: %+v %v", rows, err)
	}
	at := 1
	if _, _, err := wb.AddTableRows(ctx, "Costs", &AddTableRowsOptions{Index: &at, Values: [][]any{{"Hardware", 1, 2, 3, 4, "=SUM(B3:E3)"}}}); err != nil {
		t.Fatal(err)
	}
	row, _, err := wb.TableRowAt(ctx, "Costs", 1)
	if err != nil || row.Values[0][0] != "Hardware" || row.Values[0][5] != 10.0 {
		t.Fatalf("TableRowAt(1): %+v %v", row, err)
	}
	if row, _, err := wb.UpdateTableRow(ctx, "Costs", 1, []any{"Hardware", 2, 2, 2, 2, nil}); err != nil || row.Values[0][5] != 8.0 {
		t.Errorf("UpdateTableRow: %+v %v", row, err)
	}
	if r, _, err := wb.Range(ctx, TableRowRange("Costs", 1)); err != nil || r.Address != "Budget!A3:F3" {
		t.Errorf("row 1's range: %+v %v", r, err)
	}
	if _, err := wb.DeleteTableRow(ctx, "Costs", 1); err != nil {
		t.Fatal(err)
	}
	if row, _, _ := wb.TableRowAt(ctx, "Costs", 1); row == nil || row.Values[0][0] != "Software" {
		t.Errorf("row 1 after the delete: %+v", row)
	}
	cols, _, err := wb.ListTableColumns(ctx, "Costs", nil)
	if err != nil || len(cols) != 6 || cols[5].Name != "Total" {
		t.Fatalf("ListTableColumns: %+v %v", cols, err)
	}
	col, _, err := wb.AddTableColumn(ctx, "Costs", &AddTableColumnOptions{Name: "Owner"})
	if err != nil || col.Name != "Owner" || col.Index != 6 {
		t.Fatalf("AddTableColumn: %+v %v", col, err)
	}
	if got, _, err := wb.GetTableColumn(ctx, "Costs", "Owner"); err != nil || got.Values[0][0] != "Owner" {
		t.Errorf("GetTableColumn: %+v %v", got, err)
	}
	if got, _, err := wb.TableColumnAt(ctx, "Costs", 6); err != nil || got.Name != "Owner" {
		t.Errorf("TableColumnAt(6): %+v %v", got, err)
	}
	if ws, _, err := wb.TableWorksheet(ctx, "Costs"); err != nil || ws.Name != "Budget" {
		t.Errorf("TableWorksheet: %+v %v", ws, err)
	}
	if _, err := wb.DeleteTableColumn(ctx, "Costs", "Owner"); err != nil {
		t.Fatal(err)
	}
}

// TestSandboxExcelTables: the seeded budget's table Costs and its ranges,
// and tables added, changed, converted and deleted.
func TestSandboxExcelTables(t *testing.T) {
	wb := budget(t)
	ctx := t.Context()
	tables, _, err := wb.ListTables(ctx, &WorkbookListOptions{Worksheet: "Budget"})
	if err != nil || len(tables) != 1 || tables[0].Name != "Costs" {
		t.Fatalf("ListTables: %+v %v", tables, err)
	}
	body, _, err := wb.Range(ctx, TableRange("Costs", TableDataBody))
	if err != nil || body.Address != "Budget!A2:F5" {
		t.Errorf("data body: %+v %v", body, err)
	}
	if q1, _, err := wb.Range(ctx, TableColumnRange("Costs", "Q1", TableDataBody)); err != nil || q1.Address != "Budget!B2:B5" {
		t.Errorf("Q1's data body: %+v %v", q1, err)
	}
	on := true
	tb, _, err := wb.UpdateTable(ctx, "Costs", &WorkbookTableUpdate{Name: "Spend", ShowTotals: &on, Style: "TableStyleLight9"})
	if err != nil || tb.Name != "Spend" || !tb.ShowTotals || tb.Style != "TableStyleLight9" {
		t.Fatalf("UpdateTable: %+v %v", tb, err)
	}
	if tb, _, err := wb.GetTable(ctx, "spend"); err != nil || tb.ID != tables[0].ID {
		t.Errorf("GetTable by another case: %+v %v", tb, err)
	}
	added, _, err := wb.AddTable(ctx, &AddTableOptions{Address: "H1:I3", Worksheet: "Budget"})
	if err != nil || added.Name == "" {
		t.Fatalf("AddTable: %+v %v", added, err)
	}
	if hdr, _, err := wb.Range(ctx, TableRange(added.Name, TableHeaderRow)); err != nil || hdr.Values[0][0] != "Column1" {
		t.Errorf("new table's header: %+v %v", hdr, err)
	}
	if _, err := wb.DeleteTable(ctx, added.Name); err != nil {
		t.Fatal(err)
	}
	if _, _, err := wb.GetTable(ctx, added.Name); !IsNotFound(err) {
		t.Errorf("a deleted table: %v", err)
	}
	kl, _, err := wb.AddTable(ctx, &AddTableOptions{Address: "Budget!K1:L2", HasHeaders: true})
	if err != nil {
		t.Fatalf("AddTable at the workbook: %v", err)
	}
	if r, _, err := wb.ConvertTableToRange(ctx, kl.Name); err != nil || r.Address != "Budget!K1:L2" {
		t.Errorf("ConvertTableToRange: %+v %v", r, err)
	}
	if all, _, _ := wb.ListTables(ctx, nil); len(all) != 1 {
		t.Errorf("tables after converting one to a range: %+v", all)
	}
}

// TestSandboxExcelNamesAndFunctions: named items, workbook functions and
// the application's calculation.
func TestSandboxExcelNamesAndFunctions(t *testing.T) {
	wb := budget(t)
	ctx := t.Context()
	names, _, err := wb.ListNames(ctx, nil)
	if err != nil || len(names) != 1 || names[0].Name != "GrandTotal" || names[0].Type != "Range" {
		t.Fatalf("ListNames: %+v %v", names, err)
	}
	if r, _, err := wb.Range(ctx, NamedRange("GrandTotal")); err != nil || r.Values[0][0] != 224500.0 {
		t.Errorf("GrandTotal's range: %+v %v", r, err)
	}
	n, _, err := wb.AddName(ctx, &AddNameOptions{Name: "Travel", Reference: "=Budget!$B$2:$E$2", Comment: "travel by quarter"}, nil)
	if err != nil || n.Type != "Range" || n.Comment != "travel by quarter" {
		t.Fatalf("AddName: %+v %v", n, err)
	}
	if got, _, err := wb.GetName(ctx, "Travel"); err != nil || got.Value != "=Budget!$B$2:$E$2" {
		t.Errorf("GetName: %+v %v", got, err)
	}
	for _, arg := range []string{"Budget!B2:E2", "Travel"} {
		res, _, err := wb.CallFunction(ctx, "sum", map[string]any{"values": []any{RangeArgument(arg), 500}})
		if err != nil || res.Value != 41000.0 || res.Error != nil {
			t.Errorf("sum of %s and 500: %+v %v", arg, res, err)
		}
	}
	res, _, err := wb.CallFunction(ctx, "sum", map[string]any{"values": []any{RangeArgument("Nope!A1")}})
	if !IsNotFound(err) {
		t.Errorf("sum of a missing sheet's cell: %+v %v", res, err)
	}
	res, _, err = wb.CallFunction(ctx, "vlookup", map[string]any{"lookupValue": "Events", "tableArray": RangeArgument("Budget!A2:F5"), "colIndexNum": 6, "rangeLookup": false})
	if err != nil || res.Value != 45000.0 {
		t.Errorf("vlookup: %+v %v", res, err)
	}
	res, _, err = wb.CallFunction(ctx, "sqrt", map[string]any{"number": -4})
	if err != nil || res.Error == nil || *res.Error != "#NUM!" {
		t.Errorf("sqrt(-4): %+v %v, want #NUM!", res, err)
	}
	if _, err := wb.DeleteName(ctx, "Travel"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := wb.GetName(ctx, "Travel"); !IsNotFound(err) {
		t.Errorf("a deleted name: %v", err)
	}
	if app, _, err := wb.Application(ctx); err != nil || app.CalculationMode != "Automatic" {
		t.Errorf("Application: %+v %v", app, err)
	}
	if _, err := wb.Calculate(ctx, CalculateFull); err != nil {
		t.Errorf("Calculate: %v", err)
	}
}

// TestSandboxExcelRangeOperations: cells, the used range, format, font,
// fill and borders, clear, insert, delete, merge and unmerge.
func TestSandboxExcelRangeOperations(t *testing.T) {
	wb := budget(t)
	ctx := t.Context()
	cell, _, err := wb.Range(ctx, SheetCell("Budget", 1, 5))
	if err != nil || cell.Address != "Budget!F2" || cell.Formulas[0][0] != "=SUM(B2:E2)" {
		t.Fatalf("SheetCell(1,5): %+v %v", cell, err)
	}
	if c, _, err := wb.Range(ctx, SheetRange("Budget", "B2:E5").Cell(2, 1)); err != nil || c.Address != "Budget!C4" {
		t.Errorf("range cell(2,1): %+v %v", c, err)
	}
	if u, _, err := wb.Range(ctx, SheetUsedRange("Budget", true)); err != nil || u.Address != "Budget!A1:F7" {
		t.Errorf("used range: %+v %v", u, err)
	}
	if f, _, err := wb.RangeFormat(ctx, SheetRange("Budget", "A1")); err != nil || f.HorizontalAlignment != "General" {
		t.Errorf("RangeFormat: %+v %v", f, err)
	}
	if f, _, err := wb.RangeFont(ctx, SheetRange("Budget", "A1")); err != nil || f.Name == "" {
		t.Errorf("RangeFont: %+v %v", f, err)
	}
	hdr := SheetRange("Budget", "A1:F1")
	if b, _, err := wb.UpdateRangeBorder(ctx, hdr, &WorkbookRangeBorder{SideIndex: "EdgeBottom", Style: "Double"}); err != nil || b.Style != "Double" || b.Weight != "Thick" {
		t.Errorf("UpdateRangeBorder: %+v %v", b, err)
	}
	if all, _, err := wb.ListRangeBorders(ctx, hdr, nil); err != nil || len(all) != 8 || all[1].SideIndex != "EdgeBottom" || all[1].Style != "Double" {
		t.Errorf("ListRangeBorders: %+v %v", all, err)
	}
	g := SheetRange("Budget", "H1:I2")
	if _, _, err := wb.UpdateRange(ctx, g, &WorkbookRangeUpdate{Values: [][]any{{1, 2}, {3, 4}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := wb.SetRangeFill(ctx, g, "#00FF00"); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.ClearRangeFill(ctx, g); err != nil {
		t.Fatal(err)
	}
	if f, _, err := wb.RangeFill(ctx, g); err != nil || f.Color != "" {
		t.Errorf("fill after clear: %+v %v", f, err)
	}
	if _, _, err := wb.InsertRange(ctx, SheetRange("Budget", "H1:I1"), ShiftDown); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := wb.Range(ctx, SheetRange("Budget", "H2")); r == nil || r.Values[0][0] != 1.0 {
		t.Errorf("H2 after insert down: %+v", r)
	}
	if _, err := wb.DeleteRange(ctx, SheetRange("Budget", "H1:I1"), ShiftUp); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.MergeRange(ctx, g, true); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.UnmergeRange(ctx, g); err != nil {
		t.Fatal(err)
	}
	if _, err := wb.ClearRange(ctx, g, ClearContents); err != nil {
		t.Fatal(err)
	}
	if r, _, _ := wb.Range(ctx, g); r == nil || r.Values[0][0] != "" || r.Values[1][1] != "" {
		t.Errorf("after clear: %+v", r)
	}
	if _, err := wb.DeleteRange(ctx, g, ShiftDown); err == nil {
		t.Error("DeleteRange shifting down: want Graph's 400")
	}
}
