package msgraph

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxExcel: the workbook of an uploaded .xlsx, without a session and
// in persistent and non-persistent sessions: worksheets, ranges (values
// and formulas), the used range and table rows; the item's content
// afterwards is a workbook with the written values.
func TestSandboxExcel(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	ctx := t.Context()
	data, err := os.ReadFile("../sandbox/internal/workbook/testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	item, _, err := c.Drive.Upload(ctx, MyDrive, "", "sales.xlsx", bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}

	wb := c.Excel.Workbook(MyDrive, item.ID)
	sheets, err := wb.ListWorksheets(ctx)
	if err != nil || len(sheets) != 3 || sheets[0].Name != "Sales" {
		t.Fatalf("ListWorksheets: %+v %v", sheets, err)
	}
	r, err := wb.Range(ctx, "Sales", "A2:D2")
	if err != nil || r.Address != "Sales!A2:D2" || r.Formulas[0][3] != "=B2*C2" {
		t.Fatalf("Range: %+v %v", r, err)
	}
	r, err = wb.SetValues(ctx, "Sales", "B2:D2", [][]any{{5, 2, "=B2*C2+1"}})
	if err != nil || r.Values[0][2] != 11.0 {
		t.Fatalf("SetValues: %+v %v", r, err)
	}
	if u, err := wb.UsedRange(ctx, "Sales"); err != nil || u.RowCount < 4 {
		t.Errorf("UsedRange: %+v %v", u, err)
	}
	if _, err := wb.Range(ctx, "Nope", "A1"); !IsNotFound(err) {
		t.Errorf("Range of a missing sheet: %v", err)
	}

	persistent, err := c.Excel.Open(ctx, MyDrive, item.ID, true)
	if err != nil || persistent.Session() == "" {
		t.Fatalf("Open(persist): %v", err)
	}
	if _, err := persistent.AddWorksheet(ctx, "Q3"); err != nil {
		t.Fatalf("AddWorksheet: %v", err)
	}
	tables, err := persistent.ListTables(ctx)
	if err != nil || len(tables) != 1 || tables[0].Name != "SalesTable" {
		t.Fatalf("ListTables: %+v %v", tables, err)
	}
	rows, err := persistent.TableRows(ctx, "SalesTable")
	if err != nil {
		t.Fatal(err)
	}
	row, err := persistent.AddTableRows(ctx, "SalesTable", [][]any{{"Kiwis", 4, 2, "=B5*C5"}})
	if err != nil || row.Index != len(rows) {
		t.Errorf("AddTableRows: %+v %v after %d rows", row, err, len(rows))
	}
	if err := persistent.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}

	scratch, err := c.Excel.Open(ctx, MyDrive, item.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scratch.SetValues(ctx, "Sales", "B2", [][]any{{99}}); err != nil {
		t.Fatal(err)
	}
	if err := scratch.Close(ctx); err != nil {
		t.Fatal(err)
	}

	saved, err := wb.Range(ctx, "Sales", "B2:D2")
	if err != nil || saved.Values[0][0] != 5.0 || saved.Formulas[0][2] != "=B2*C2+1" {
		t.Errorf("saved B2:D2: %+v %v (the non-persistent session's 99 must not be there)", saved, err)
	}
	sheets, err = wb.ListWorksheets(ctx)
	if err != nil || !slices.ContainsFunc(sheets, func(ws *Worksheet) bool { return ws.Name == "Q3" }) {
		t.Errorf("sheets %+v %v: want Q3 added in the persistent session", sheets, err)
	}
	var got bytes.Buffer
	if _, _, err := c.Drive.Download(ctx, MyDrive, item.ID, &got, nil); err != nil || bytes.Equal(got.Bytes(), data) || !bytes.HasPrefix(got.Bytes(), []byte("PK")) {
		t.Errorf("Download: %d bytes, %v: want the saved workbook, not the upload", got.Len(), err)
	}
}
