package workbook

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func TestRangeReadsTheFixtureAsGraphDoes(t *testing.T) {
	b := fixture(t)
	r, err := b.Range("Sales", "A1:G3")
	if err != nil {
		t.Fatal(err)
	}
	want := &Range{
		Address: "Sales!A1:G3", AddressLocal: "Sales!A1:G3", CellCount: 21, RowCount: 3, ColumnCount: 7,
		Values: [][]any{
			{"Item", "Qty", "Price", "Total", "", "Sum", 13.0},
			{"Apples", 3.0, 1.5, 4.5, "", "Paid", true},
			{"Pears", 2.0, 2.25, 4.5, "", "", ""},
		},
		Text: [][]string{
			{"Item", "Qty", "Price", "Total", "", "Sum", "13"},
			{"Apples", "3", "1.50", "4.5", "", "Paid", "TRUE"},
			{"Pears", "2", "2.25", "4.5", "", "", ""},
		},
		Formulas: [][]any{
			{"Item", "Qty", "Price", "Total", "", "Sum", "=SUM(D2:D4)"},
			{"Apples", 3.0, 1.5, "=B2*C2", "", "Paid", true},
			{"Pears", 2.0, 2.25, "=B3*C3", "", "", ""},
		},
		FormulasLocal: [][]any{
			{"Item", "Qty", "Price", "Total", "", "Sum", "=SUM(D2:D4)"},
			{"Apples", 3.0, 1.5, "=B2*C2", "", "Paid", true},
			{"Pears", 2.0, 2.25, "=B3*C3", "", "", ""},
		},
		NumberFormat: [][]any{
			{"General", "General", "General", "General", "General", "General", "General"},
			{"General", "General", "0.00", "General", "General", "General", "General"},
			{"General", "General", "0.00", "General", "General", "General", "General"},
		},
		ValueTypes: [][]string{
			{"String", "String", "String", "String", "Empty", "String", "Double"},
			{"String", "Double", "Double", "Double", "Empty", "String", "Boolean"},
			{"String", "Double", "Double", "Double", "Empty", "Empty", "Empty"},
		},
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Fatalf("range (-want +got):\n%s", d)
	}
}

func TestRangeAddresses(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		sheet, address string
		want           string
		rowIndex, col  int
		rows, cols     int
	}{
		{"Sales", "B2", "Sales!B2", 1, 1, 1, 1},
		{"Sales", "$B$2:$C$3", "Sales!B2:C3", 1, 1, 2, 2},
		{"Sales", "C3:B2", "Sales!B2:C3", 1, 1, 2, 2},
		{"", "Notes!B2", "Notes!B2", 1, 1, 1, 1},
		{"", "'Notes'!A1:B2", "Notes!A1:B2", 0, 0, 2, 2},
		{"{00000000-0001-0000-0100-000000000000}", "A1", "Notes!A1", 0, 0, 1, 1},
		{"Notes", "notes!A1", "Notes!A1", 0, 0, 1, 1},
	} {
		r, err := b.Range(tc.sheet, tc.address)
		if err != nil {
			t.Errorf("%s %s: %v", tc.sheet, tc.address, err)
			continue
		}
		if r.Address != tc.want || r.RowIndex != tc.rowIndex || r.ColumnIndex != tc.col || r.RowCount != tc.rows || r.ColumnCount != tc.cols {
			t.Errorf("%s %s = %s (%d,%d) %dx%d", tc.sheet, tc.address, r.Address, r.RowIndex, r.ColumnIndex, r.RowCount, r.ColumnCount)
		}
	}
	if _, err := b.AddWorksheet("My sheet"); err != nil {
		t.Fatal(err)
	}
	if r, err := b.Range("", "'My sheet'!A1"); err != nil || r.Address != "'My sheet'!A1" {
		t.Errorf("quoted sheet: %+v, %v", r, err)
	}
	for _, tc := range []struct{ sheet, address string }{
		{"Sales", "A0"}, {"Sales", "ZZZZ1"}, {"", "A1"}, {"Sales", "Notes!A1"}, {"Sales", ""},
	} {
		_, err := b.Range(tc.sheet, tc.address)
		wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	}
	_, err := b.Range("", "Nope!A1")
	wantErr(t, err, ErrItemNotFound)
}

func TestSetRange(t *testing.T) {
	for _, tc := range []struct {
		name     string
		address  string
		patch    string // JSON, as a handler decodes it
		values   [][]any
		formulas [][]any
		formats  [][]any
		text     [][]string
	}{
		{
			name: "numbers, text, booleans and typed strings", address: "Notes!C1:F1",
			patch:    `{"values":[[7,"seven","TRUE","12.5"]]}`,
			values:   [][]any{{7.0, "seven", true, 12.5}},
			formulas: [][]any{{7.0, "seven", true, 12.5}},
		},
		{
			name: "only what Excel reads as a number becomes one", address: "Notes!C1:G1",
			patch:  `{"values":[[" -1.5e2 ",".5","0x10","NaN","12 apples"]]}`,
			values: [][]any{{-150.0, 0.5, "0x10", "NaN", "12 apples"}},
		},
		{
			name: "a leading apostrophe keeps a number as text", address: "Notes!C1",
			patch:  `{"values":[["'0012"]]}`,
			values: [][]any{{"0012"}},
		},
		{
			name: "a value starting with = is a formula", address: "Notes!C1:D1",
			patch:    `{"values":[["=B2*2","=Sales!G1+1"]]}`,
			values:   [][]any{{84.0, 14.0}},
			formulas: [][]any{{"=B2*2", "=Sales!G1+1"}},
		},
		{
			name: "formulas and constants through formulas", address: "Notes!C1:D1",
			patch:    `{"formulas":[["=SUM(B2,8)",5]]}`,
			values:   [][]any{{50.0, 5.0}},
			formulas: [][]any{{"=SUM(B2,8)", 5.0}},
		},
		{
			name: "null leaves a cell, empty clears it", address: "Notes!A1:B2",
			patch:  `{"values":[[null,""],["",null]]}`,
			values: [][]any{{"Plain text", ""}, {"", 42.0}},
		},
		{
			name: "empty clears a formula", address: "Sales!G1",
			patch:    `{"values":[[""]]}`,
			values:   [][]any{{""}},
			formulas: [][]any{{""}},
		},
		{
			name: "number formats", address: "Notes!B2:C2",
			patch:   `{"numberFormat":[["0.00%","#,##0.000"]],"values":[[null,1234.5]]}`,
			formats: [][]any{{"0.00%", "#,##0.000"}},
			text:    [][]string{{"4200.00%", "1,234.500"}},
		},
		{
			name: "formulasLocal", address: "Notes!C1",
			patch:    `{"formulasLocal":[["=B2+1"]]}`,
			formulas: [][]any{{"=B2+1"}},
			values:   [][]any{{43.0}},
		},
		{
			name: "a formula's error value", address: "Notes!C1",
			patch:    `{"values":[["=1/0"]]}`,
			formulas: [][]any{{"=1/0"}},
			values:   [][]any{{"#DIV/0!"}},
			text:     [][]string{{"#DIV/0!"}},
		},
		{
			name: "a formula through an unsupported function keeps its place", address: "Notes!C1",
			patch:    `{"formulas":[["=NOSUCHFUNC(1)"]]}`,
			formulas: [][]any{{"=NOSUCHFUNC(1)"}},
			values:   [][]any{{"#NAME?"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := fixture(t)
			var p RangePatch
			if err := json.Unmarshal([]byte(tc.patch), &p); err != nil {
				t.Fatal(err)
			}
			got, err := b.SetRange("", tc.address, p)
			if err != nil {
				t.Fatal(err)
			}
			check := func(stage string, r *Range) {
				t.Helper()
				for _, c := range []struct {
					what      string
					want, got any
					set       bool
				}{
					{"values", tc.values, r.Values, tc.values != nil},
					{"formulas", tc.formulas, r.Formulas, tc.formulas != nil},
					{"numberFormat", tc.formats, r.NumberFormat, tc.formats != nil},
					{"text", tc.text, r.Text, tc.text != nil},
				} {
					if d := cmp.Diff(c.want, c.got); c.set && d != "" {
						t.Errorf("%s %s (-want +got):\n%s", stage, c.what, d)
					}
				}
			}
			check("answer", got)
			again, err := reopen(t, b).Range("", tc.address)
			if err != nil {
				t.Fatal(err)
			}
			check("after reopen", again)
		})
	}
}

func TestSetRangeShapeMustMatch(t *testing.T) {
	b := fixture(t)
	for _, p := range []RangePatch{
		{Values: [][]any{{1, 2}}},
		{Values: [][]any{{1, 2, 3}, {1, 2}}},
		{Formulas: [][]any{{1, 2, 3}}},
		{NumberFormat: [][]any{{"0"}, {"0"}}},
	} {
		_, err := b.SetRange("Sales", "A1:C2", p)
		wantErr(t, err, ErrDimensions)
		if err.Error() != "InvalidArgument: The number of rows or columns in the input array doesn't match the size or dimensions of the range." {
			t.Errorf("message: %v", err)
		}
	}
	r, _ := b.Range("Sales", "A1")
	if r.Values[0][0] != "Item" {
		t.Fatalf("a refused PATCH changed the sheet: %v", r.Values)
	}
	_, err := b.SetRange("Sales", "A1:B1", RangePatch{Values: [][]any{{"changed", []int{1}}}})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	if r, _ := b.Range("Sales", "A1"); r.Values[0][0] != "Item" {
		t.Fatalf("a PATCH refused for its second cell changed the first: %v", r.Values)
	}
	_, err = b.SetRange("Sales", "A1", RangePatch{NumberFormat: [][]any{{3}}})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
}

func TestUsedRange(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		sheet      string
		valuesOnly bool
		want       string
	}{
		{"Sales", false, "Sales!A1:G4"},
		{"Notes", true, "Notes!A1:B2"},
		{"Hidden", false, "Hidden!A1"},
	} {
		r, err := b.UsedRange(tc.sheet, tc.valuesOnly)
		if err != nil || r.Address != tc.want {
			t.Errorf("usedRange(%s) = %v, %v; want %s", tc.sheet, r, err, tc.want)
		}
	}
	ws, _ := b.AddWorksheet("Empty")
	if r, err := b.UsedRange(ws.Name, false); err != nil || r.Address != "Empty!A1" || r.Values[0][0] != "" {
		t.Errorf("empty sheet: %+v, %v", r, err)
	}
	// A formatted cell counts unless valuesOnly; a formula without a stored value counts.
	if _, err := b.SetRange("Empty", "E9", RangePatch{NumberFormat: [][]any{{"0.0"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetRange("Empty", "B3", RangePatch{Formulas: [][]any{{"=1+1"}}}); err != nil {
		t.Fatal(err)
	}
	for _, bk := range []*Book{b, reopen(t, b)} {
		if r, _ := bk.UsedRange("Empty", false); r.Address != "Empty!B3:E9" {
			t.Errorf("with formats: %s", r.Address)
		}
		if r, _ := bk.UsedRange("Empty", true); r.Address != "Empty!B3" || r.Values[0][0] != 2.0 {
			t.Errorf("values only: %s %v", r.Address, r.Values)
		}
	}
	_, err := b.UsedRange("Nope", false)
	wantErr(t, err, ErrItemNotFound)
}

// A formula the engine cannot compute shows the value stored with it in the
// file (what the writing application calculated).
func TestStoredValueWhereTheEngineCannot(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetCellValue("Sheet1", "A1", 7); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula("Sheet1", "A1", "NOSUCHFUNC(1)"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Range("Sheet1", "A1")
	if err != nil || r.Values[0][0] != 7.0 || r.Formulas[0][0] != "=NOSUCHFUNC(1)" {
		t.Fatalf("A1 = %+v, %v", r, err)
	}
}

// A formula read, then an input it depends on changed, reads the new result
// (excelize's calculation cache is dropped on writes).
func TestDependentFormulaFollowsItsInputs(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		set  RangePatch
		at   string
		want float64
	}{
		{RangePatch{Values: [][]any{{10}}}, "B2", 15},
		{RangePatch{Formulas: [][]any{{"=2*3"}}}, "B2", 9},
		{RangePatch{Values: [][]any{{""}}}, "B2", 0},
	} {
		if _, err := b.Range("Sales", "D2"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.SetRange("Sales", tc.at, tc.set); err != nil {
			t.Fatal(err)
		}
		if r, _ := b.Range("Sales", "D2"); r.Values[0][0] != tc.want {
			t.Errorf("after %s = %v: D2 (=B2*C2) = %v, want %v", tc.at, tc.set, r.Values[0][0], tc.want)
		}
	}
}
