package workbook

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeChanged writes the fixture, changed through the model, into dir.
func writeChanged(t *testing.T, dir string) string {
	t.Helper()
	b := fixture(t)
	if _, err := b.SetRange("Sales", "B2:C3", RangePatch{Values: [][]any{{6, 1.25}, {"7", nil}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddTableRows("SalesTable", nil, [][]any{{"Figs", 4, 3, "=B5*C5"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddWorksheet("Summary"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetRange("", "Summary!A1:B1", RangePatch{Values: [][]any{{"Total", "=SUM(Sales!D2:D5)*(1+TaxRate/100)"}}}); err != nil {
		t.Fatal(err)
	}
	if r, _ := b.Range("Summary", "B1"); r.Text[0][0] != "55.735" {
		t.Fatalf("the model computes Summary!B1 = %v", r.Text)
	}
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "changed.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// LibreOffice, when installed, opens a changed workbook and calculates its
// formulas to the values the model computed.
func TestLibreOfficeOpensAChangedWorkbook(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil || testing.Short() {
		t.Skip("needs LibreOffice (soffice) and no -short")
	}
	dir := t.TempDir()
	path := writeChanged(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Every sheet as CSV (the 12th filter token, -1), comma-separated, UTF-8.
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--calc", "--convert-to",
		"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", dir, path)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for sheet, want := range map[string]string{
		"Sales":   "Figs,4,3,12",
		"Summary": "Total,55.735", // (7.5 + 15.75 + 4 + 12) × 1.42, as the model computes it
	} {
		got, err := os.ReadFile(filepath.Join(dir, "changed-"+sheet+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(got), want) {
			t.Errorf("%s as LibreOffice calculates it:\n%s\nwant a line %q", sheet, got, want)
		}
	}
}
