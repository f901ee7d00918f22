package workbook

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// snapshot is every sheet's used range as Graph would return it.
func snapshot(t *testing.T, b *Book) map[string]*Range {
	t.Helper()
	out := map[string]*Range{}
	for _, ws := range b.Worksheets() {
		r, err := b.UsedRange(ws.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		out[ws.Name] = r
	}
	return out
}

// A workbook written by openpyxl, changed through the model, written and
// read back (twice) has the same values, formulas and number formats.
func TestChangedWorkbookRoundTrips(t *testing.T) {
	b := fixture(t)
	steps := []func() error{
		func() error {
			_, err := b.SetRange("Sales", "B2:C3", RangePatch{Values: [][]any{{6, 1.25}, {"7", nil}}})
			return err
		},
		func() error {
			_, err := b.SetRange("Sales", "G3:G4", RangePatch{
				Formulas:     [][]any{{"=AVERAGE(D2:D4)"}, {"=IF(G1>20,\"big\",\"small\")"}},
				NumberFormat: [][]any{{"0.0"}, {nil}},
			})
			return err
		},
		func() error {
			_, err := b.AddWorksheet("Summary")
			return err
		},
		func() error {
			_, err := b.SetRange("", "Summary!A1:B2", RangePatch{Values: [][]any{
				{"Total", "=Sales!G1*(1+TaxRate/100)"},
				{"Checked", false},
			}})
			return err
		},
		func() error {
			_, err := b.AddTableRows("SalesTable", nil, [][]any{{"Figs", 4, 3, "=B5*C5"}})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	before := snapshot(t, b)
	// SUM(D2:D4) did not grow with a row added below it, as in Excel.
	if got, ok := before["Summary"].Values[0][1].(float64); !ok || math.Abs(got-(6*1.25+7*2.25+4)*1.42) > 1e-9 {
		t.Errorf("Summary!B1 = %v", got)
	}
	if got := before["Sales"].Values[3][6]; got != "big" {
		t.Errorf("Sales!G4 = %v", got)
	}
	once := reopen(t, b)
	if d := cmp.Diff(before, snapshot(t, once)); d != "" {
		t.Fatalf("after one write (-before +after):\n%s", d)
	}
	if d := cmp.Diff(before, snapshot(t, reopen(t, once))); d != "" {
		t.Fatalf("after two writes (-before +after):\n%s", d)
	}
}
