package msgraph

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/authsome-go/authsome/sandbox"
)

// excelOnSandbox starts a sandbox and uploads the openpyxl fixture into
// the first user's drive; it returns the client, the sandbox, the item and
// the fixture's bytes.
func excelOnSandbox(t *testing.T) (*Client, *sandbox.Server, *DriveItem, []byte) {
	t.Helper()
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	data, err := os.ReadFile("../sandbox/internal/workbook/testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	item, _, err := c.Drive.Upload(t.Context(), MyDrive, "", "sales.xlsx", bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, s, item, data
}

// TestSandboxExcelRoundTrip: a workbook written by openpyxl is uploaded,
// read through Graph, changed (values, formulas, number formats, font,
// fill, column width, a table row), downloaded and reopened by excelize:
// the values, formulas and formats are the ones written through Graph, and
// excelize calculates the formulas to the values Graph answered.
func TestSandboxExcelRoundTrip(t *testing.T) {
	c, _, item, data := excelOnSandbox(t)
	ctx := t.Context()
	wb := c.Excel.Workbook(MyDrive, item.ID)
	sheets, _, err := wb.ListWorksheets(ctx, nil)
	if err != nil || len(sheets) != 3 || sheets[0].Name != "Sales" {
		t.Fatalf("ListWorksheets: %+v %v", sheets, err)
	}
	r, resp, err := wb.Range(ctx, SheetRange("Sales", "A2:D2"))
	if err != nil || resp.StatusCode != 200 || r.Address != "Sales!A2:D2" || r.Formulas[0][3] != "=B2*C2" || r.Values[0][3] != 4.5 {
		t.Fatalf("Range: %+v %v", r, err)
	}
	r, _, err = wb.UpdateRange(ctx, SheetRange("Sales", "B2:D2"), &WorkbookRangeUpdate{Values: [][]any{{5, 2, "=B2*C2+1"}}})
	if err != nil || r.Values[0][2] != 11.0 {
		t.Fatalf("UpdateRange values: %+v %v", r, err)
	}
	r, _, err = wb.UpdateRange(ctx, SheetRange("Sales", "E2:E3"), &WorkbookRangeUpdate{
		Formulas: [][]any{{"=D2*2"}, {"=ROUND(D3/3,2)"}}, NumberFormat: [][]any{{"0.0"}, {"#,##0.00"}}})
	if err != nil || r.Values[0][0] != 22.0 || r.Text[0][0] != "22.0" || r.Values[1][0] != 1.5 {
		t.Fatalf("UpdateRange formulas: %+v %v", r, err)
	}
	bold, width := true, 90.0
	if f, _, err := wb.UpdateRangeFont(ctx, SheetRange("Sales", "A1:E1"), &WorkbookRangeFont{Bold: &bold, Color: "#C00000"}); err != nil || f.Bold == nil || !*f.Bold {
		t.Fatalf("UpdateRangeFont: %+v %v", f, err)
	}
	if f, _, err := wb.SetRangeFill(ctx, SheetRange("Sales", "A1:E1"), "#FFFF00"); err != nil || f.Color != "#FFFF00" {
		t.Fatalf("SetRangeFill: %+v %v", f, err)
	}
	if f, _, err := wb.UpdateRangeFormat(ctx, SheetRange("Sales", "A1"), &WorkbookRangeFormat{ColumnWidth: &width, HorizontalAlignment: "Center"}); err != nil || f.HorizontalAlignment != "Center" || f.ColumnWidth == nil {
		t.Fatalf("UpdateRangeFormat: %+v %v", f, err)
	}
	if _, _, err := wb.AddTableRows(ctx, "SalesTable", &AddTableRowsOptions{Values: [][]any{{"Kiwis", 4, 2, "=B5*C5"}}}); err != nil {
		t.Fatalf("AddTableRows: %v", err)
	}
	total, _, err := wb.Range(ctx, SheetRange("Sales", "G1"))
	if err != nil {
		t.Fatal(err)
	}

	var got bytes.Buffer
	if _, err := c.Drive.Download(ctx, MyDrive, item.ID, &got, nil); err != nil || bytes.Equal(got.Bytes(), data) {
		t.Fatalf("Download: %d bytes, %v: want the changed workbook", got.Len(), err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(got.Bytes()))
	if err != nil {
		t.Fatalf("excelize cannot open the downloaded workbook: %v", err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"D2": "B2*C2+1", "E2": "D2*2", "E3": "ROUND(D3/3,2)", "D5": "B5*C5", "G1": "SUM(D2:D4)"} {
		if got, err := f.GetCellFormula("Sales", cell); got != want || err != nil {
			t.Errorf("formula of %s = %q %v, want %q", cell, got, err, want)
		}
	}
	for cell, want := range map[string]string{"A5": "Kiwis", "B2": "5", "C2": "2", "D2": "11", "E2": "22", "D5": "8"} {
		if got, err := f.CalcCellValue("Sales", cell, excelize.Options{RawCellValue: true}); got != want || err != nil {
			t.Errorf("value of %s = %q %v, want %s", cell, got, err, want)
		}
	}
	if v, _ := f.CalcCellValue("Sales", "G1", excelize.Options{RawCellValue: true}); v != "19.5" || total.Values[0][0] != 19.5 {
		t.Errorf("G1 = %q by excelize, %v through Graph; want 19.5 both (11 + 4.5 + 4)", v, total.Values[0][0])
	}
	idx, _ := f.GetCellStyle("Sales", "A1")
	st, err := f.GetStyle(idx)
	if err != nil || st.Font == nil || !st.Font.Bold || len(st.Fill.Color) == 0 || !strings.EqualFold(st.Fill.Color[0], "FFFF00") ||
		st.Alignment == nil || st.Alignment.Horizontal != "center" {
		t.Errorf("A1 style = %+v %v, want bold, a yellow fill, centred", st, err)
	}
	idx, _ = f.GetCellStyle("Sales", "E2")
	if st, _ := f.GetStyle(idx); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0" {
		t.Errorf("E2 number format = %+v, want 0.0", st)
	}
}

// TestSandboxExcelSessions: two sessions on one workbook at once, as Graph
// keeps them: the non-persistent session's change is seen by no one else
// and is gone when it ends; the persistent session's is saved, and the
// non-persistent session, working on its own copy, does not see it. An
// expired session answers Graph's error, and the library opens a new one.
func TestSandboxExcelSessions(t *testing.T) {
	c, s, item, _ := excelOnSandbox(t)
	ctx := t.Context()
	scratch, _, err := c.Excel.Open(ctx, MyDrive, item.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := c.Excel.Open(ctx, MyDrive, item.ID, true)
	if err != nil || kept.Session() == scratch.Session() {
		t.Fatalf("Open(persist): %v", err)
	}
	b2 := SheetRange("Sales", "B2")
	if _, _, err := scratch.UpdateRange(ctx, b2, &WorkbookRangeUpdate{Values: [][]any{{99}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := kept.UpdateRange(ctx, SheetRange("Sales", "B3"), &WorkbookRangeUpdate{Values: [][]any{{7}}}); err != nil {
		t.Fatal(err)
	}
	value := func(w *Workbook, cell string) any {
		t.Helper()
		r, _, err := w.Range(ctx, SheetRange("Sales", cell))
		if err != nil {
			t.Fatal(err)
		}
		return r.Values[0][0]
	}
	none := c.Excel.Workbook(MyDrive, item.ID)
	if value(scratch, "B2") != 99.0 || value(kept, "B2") != 3.0 || value(none, "B2") != 3.0 {
		t.Errorf("B2: the non-persistent session's 99 is seen outside it")
	}
	if value(kept, "B3") != 7.0 || value(none, "B3") != 7.0 || value(scratch, "B3") != 2.0 {
		t.Errorf("B3: the persistent session's 7 must be saved and not reach the non-persistent copy")
	}
	if _, err := scratch.Refresh(ctx); err != nil {
		t.Errorf("Refresh: %v", err)
	}
	if _, err := scratch.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if value(none, "B2") != 3.0 {
		t.Errorf("B2 after the non-persistent session closed: want 3")
	}

	// Past the idle time, the session is gone: Graph's error, then a new session.
	old := kept.Session()
	if _, err := s.AdvanceClock(8 * time.Minute); err != nil {
		t.Fatal(err)
	}
	req, err := c.NewRequest(ctx, "GET", kept.path+"/worksheets", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("workbook-session-id", old)
	_, err = c.Do(req, nil)
	var ge *Error
	if !errors.As(err, &ge) || ge.StatusCode != 404 || !sessionExpired(ge) {
		t.Fatalf("a request in an expired session: %v, want Graph's 404 invalidSessionReCreatable", err)
	}
	if value(kept, "B3") != 7.0 || kept.Session() == old || kept.Session() == "" {
		t.Errorf("after expiry: session %q (was %q)", kept.Session(), old)
	}
	if _, err := kept.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxExcelWorksheets(t *testing.T) {
	c, _, item, _ := excelOnSandbox(t)
	ctx := t.Context()
	wb := c.Excel.Workbook(MyDrive, item.ID)
	ws, _, err := wb.AddWorksheet(ctx, "Q3")
	if err != nil || ws.Name != "Q3" {
		t.Fatalf("AddWorksheet: %+v %v", ws, err)
	}
	pos := 0
	const name = "Q3 'plan' #1" // a quote and characters a path must escape
	ws, _, err = wb.UpdateWorksheet(ctx, "Q3", &WorkbookWorksheetUpdate{Name: name, Position: &pos})
	if err != nil || ws.Name != name || ws.Position != 0 {
		t.Fatalf("UpdateWorksheet: %+v %v", ws, err)
	}
	if got, _, err := wb.GetWorksheet(ctx, ws.ID); err != nil || got.Name != name {
		t.Errorf("GetWorksheet by id: %+v %v", got, err)
	}
	r, _, err := wb.UpdateRange(ctx, SheetRange(name, "A1:B1"), &WorkbookRangeUpdate{Values: [][]any{{2, "=A1*2"}}})
	if err != nil || r.Address != "'Q3 ''plan'' #1'!A1:B1" || r.Values[0][1] != 4.0 {
		t.Errorf("UpdateRange on %s: %+v %v", name, r, err)
	}
	if _, err := wb.DeleteWorksheet(ctx, name); err != nil {
		t.Fatal(err)
	}
	sheets, _, err := wb.ListWorksheets(ctx, nil)
	if err != nil || slices.ContainsFunc(sheets, func(s *WorkbookWorksheet) bool { return s.Name == name }) {
		t.Errorf("sheets after the delete: %+v %v", sheets, err)
	}
	if _, _, err := wb.GetWorksheet(ctx, "Nope"); !IsNotFound(err) {
		t.Errorf("GetWorksheet of a missing sheet: %v", err)
	}
}
