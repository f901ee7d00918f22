package workbook

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func values(t *testing.T, b *Book, sheet, address string) [][]any {
	t.Helper()
	r, err := b.Range(sheet, address)
	if err != nil {
		t.Fatal(err)
	}
	return r.Values
}

func TestCellClearDeleteInsert(t *testing.T) {
	b := fixture(t)
	c, err := b.Cell("Sales", "", 1, 3)
	if err != nil || c.Address != "Sales!D2" || c.Formulas[0][0] != "=B2*C2" {
		t.Fatalf("Cell(1,3) = %+v, %v", c, err)
	}
	if c, err := b.Cell("Sales", "B2:C3", 1, 1); err != nil || c.Address != "Sales!C3" {
		t.Fatalf("range cell(1,1) = %+v, %v", c, err)
	}
	if _, err := b.SetFormat("Sales", "A3", RangeFormat{Font: &RangeFont{Bold: ptr(true)}}); err != nil {
		t.Fatal(err)
	}
	if err := b.ClearRange("Sales", "A3", "Formats"); err != nil {
		t.Fatal(err)
	}
	if f, _ := b.Format("Sales", "A3"); *f.Font.Bold || values(t, b, "Sales", "A3")[0][0] != "Pears" {
		t.Fatalf("clear Formats: bold %v, value %v", *f.Font.Bold, values(t, b, "Sales", "A3"))
	}
	if err := b.ClearRange("Sales", "A3", "Contents"); err != nil {
		t.Fatal(err)
	}
	if v := values(t, b, "Sales", "A3"); v[0][0] != "" {
		t.Fatalf("clear Contents left %v", v)
	}
	wantErr(t, b.ClearRange("Sales", "A3", "Everything"), &Error{Status: 400, Code: "InvalidArgument"})

	b = fixture(t)
	if _, err := b.InsertRange("Sales", "A2:B2", "Down"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]any{{"", ""}, {"Apples", 3.0}}, values(t, b, "Sales", "A2:B3")); d != "" {
		t.Fatalf("after insert Down (-want +got):\n%s", d)
	}
	if err := b.DeleteRange("Sales", "A2:B2", "Up"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([][]any{{"Apples", 3.0}, {"Pears", 2.0}}, values(t, b, "Sales", "A2:B3")); d != "" {
		t.Fatalf("after delete Up (-want +got):\n%s", d)
	}
	if err := b.DeleteRange("Sales", "A2", "Left"); err != nil {
		t.Fatal(err)
	}
	if v := values(t, b, "Sales", "A2:B2"); v[0][0] != 3.0 {
		t.Fatalf("after delete Left: %v", v)
	}
	wantErr(t, b.DeleteRange("Sales", "A2", "Down"), &Error{Status: 400, Code: "InvalidArgument"})
	if err := b.MergeRange("Sales", "F5:G6", true); err != nil {
		t.Fatal(err)
	}
	if err := b.UnmergeRange("Sales", "F5:G6"); err != nil {
		t.Fatal(err)
	}
	reopen(t, b)
}

func TestUpdateTableAndDeleteName(t *testing.T) {
	b := fixture(t)
	tb, err := b.UpdateTable("SalesTable", TableUpdate{Name: ptr("Fruit"), Style: ptr("TableStyleLight9"), ShowTotals: ptr(true)})
	if err != nil || tb.Name != "Fruit" || tb.Style != "TableStyleLight9" || !tb.ShowTotals {
		t.Fatalf("UpdateTable = %+v, %v", tb, err)
	}
	if r, err := b.TableRange("Fruit", "totalRowRange"); err != nil || r.Address != "Sales!A5:D5" {
		t.Fatalf("totals row = %+v, %v", r, err)
	}
	_, err = b.UpdateTable("Fruit", TableUpdate{Name: ptr("A1")})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	// Excel's names are at most 255 characters, counted as characters.
	_, err = b.UpdateTable("Fruit", TableUpdate{Name: ptr("É" + strings.Repeat("x", 255))})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	long := "É" + strings.Repeat("x", 254)
	if tb, err := b.UpdateTable("Fruit", TableUpdate{Name: &long}); err != nil || tb.Name != long {
		t.Fatalf("a name of 255 characters: %+v, %v", tb, err)
	}
	if _, err := b.UpdateTable(long, TableUpdate{Name: ptr("Fruit")}); err != nil {
		t.Fatal(err)
	}
	b = reopen(t, b)
	if tb, err := b.Table("Fruit"); err != nil || !tb.ShowTotals {
		t.Fatalf("after reopen: %+v, %v", tb, err)
	}
	if _, err := b.AddName("", "Rate", "=0.2", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.DeleteName("", "rate"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, b.DeleteName("", "Rate"), ErrItemNotFound)
}

func TestCallFunction(t *testing.T) {
	b := fixture(t)
	for _, tc := range []struct {
		name, args string
		want       FunctionResult
	}{
		{"sum", `{"values": [1, 2, {"address": "Sales!B2:B3"}]}`, FunctionResult{Value: 8.0}},
		{"pmt", `{"rate": 0.01, "nper": 12, "pv": -1200}`, FunctionResult{Value: 106.61854641401}},
		{"concatenate", `{"values": ["a", "b"]}`, FunctionResult{Value: "ab"}},
		{"vlookup", `{"lookupValue": "Pears", "tableArray": {"address": "Sales!A2:B4"}, "colIndexNum": 2, "rangeLookup": false}`, FunctionResult{Value: 2.0}},
		{"sqrt", `{"number": -1}`, FunctionResult{Error: ptr("#NUM!")}},
	} {
		var args map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tc.args), &args); err != nil {
			t.Fatal(err)
		}
		got, err := b.CallFunction(tc.name, args)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	_, err := b.CallFunction("nope", nil)
	wantErr(t, err, ErrItemNotFound)
	if len(b.Worksheets()) != 3 {
		t.Errorf("a function call left a sheet behind: %v", b.Worksheets())
	}
	if app := b.Application(); app.CalculationMode != "Automatic" {
		t.Errorf("Application = %+v", app)
	}
}

func TestBorders(t *testing.T) {
	b := fixture(t)
	all, err := b.Borders("Sales", "A1:B2")
	if err != nil || len(all) != 8 || *all[0].Style != "None" || all[0].ID != "EdgeTop" {
		t.Fatalf("Borders: %+v %v", all, err)
	}
	got, err := b.SetBorder("Sales", "A1:B2", "edgeBottom", RangeBorder{Style: ptr("Dash"), Weight: ptr("Medium"), Color: ptr("#FF0000")})
	if err != nil || *got.Style != "Dash" || *got.Weight != "Medium" || *got.Color != "#FF0000" {
		t.Fatalf("SetBorder: %+v %v", got, err)
	}
	if _, err := b.SetBorder("Sales", "A1:B2", "InsideVertical", RangeBorder{Style: ptr("Continuous")}); err != nil {
		t.Fatal(err)
	}
	b = reopen(t, b)
	if got, _ := b.Border("Sales", "A2:B2", "EdgeBottom"); *got.Style != "Dash" || *got.Weight != "Medium" {
		t.Errorf("bottom after reopen: %+v", got)
	}
	if got, _ := b.Border("Sales", "A1:A2", "EdgeRight"); *got.Style != "Continuous" || *got.Weight != "Thin" {
		t.Errorf("inside vertical as A's right edge: %+v", got)
	}
	if got, _ := b.Border("Sales", "A1:B1", "EdgeBottom"); got.Style == nil || *got.Style != "None" {
		t.Errorf("A1:B1's bottom is none: %+v", got)
	}
	if got, _ := b.Border("Sales", "A1:A3", "EdgeRight"); got.Style != nil {
		t.Errorf("A1:A3's right edge differs (A3 has none): %+v", got)
	}
	if got, _ := b.SetBorder("Sales", "A1:B2", "EdgeBottom", RangeBorder{Style: ptr("None")}); *got.Style != "None" {
		t.Errorf("removed bottom: %+v", got)
	}
	_, err = b.SetBorder("Sales", "A1", "EdgeTop", RangeBorder{Weight: ptr("Heavy")})
	wantErr(t, err, &Error{Status: 400, Code: "InvalidArgument"})
	_, err = b.Border("Sales", "A1", "Middle")
	wantErr(t, err, ErrItemNotFound)
}
