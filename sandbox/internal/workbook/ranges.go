package workbook

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// maxCells bounds one range read or write (Graph answers rangeExceedsLimit
// past its own limit).
const maxCells = 1 << 20

// Range is Graph's workbookRange: where the range is and its cells as 2-D
// arrays, rows first.
type Range struct {
	Address      string     `json:"address"`
	AddressLocal string     `json:"addressLocal"`
	CellCount    int        `json:"cellCount"`
	RowCount     int        `json:"rowCount"`
	ColumnCount  int        `json:"columnCount"`
	RowIndex     int        `json:"rowIndex"`
	ColumnIndex  int        `json:"columnIndex"`
	Values       [][]any    `json:"values"`
	Text         [][]string `json:"text"`
	Formulas     [][]any    `json:"formulas"`
	// FormulasLocal are the formulas in the user's language: en-US here, so the same.
	FormulasLocal [][]any `json:"formulasLocal"`
	NumberFormat  [][]any `json:"numberFormat"`
	// ValueTypes are "Empty", "String", "Double", "Boolean" or "Error".
	ValueTypes [][]string `json:"valueTypes"`
}

// RangePatch is the body of a range PATCH: each array, when present, must
// have the range's shape; a null member leaves its cell as it is.
type RangePatch struct {
	Values        [][]any `json:"values,omitempty"`
	Formulas      [][]any `json:"formulas,omitempty"`
	FormulasLocal [][]any `json:"formulasLocal,omitempty"`
	NumberFormat  [][]any `json:"numberFormat,omitempty"`
}

// Range reads the range at address; sheet is the worksheet (name or id) the
// address is relative to, or "" for a workbook-level address such as
// "Sheet1!A1:C3".
func (b *Book) Range(sheet, address string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	return b.read(a)
}

// SetRange writes a PATCH into the range at address and returns the range
// as it is afterwards.
func (b *Book) SetRange(sheet, address string, p RangePatch) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	if err := b.write(a, p); err != nil {
		return nil, err
	}
	return b.read(a)
}

// UsedRange is the smallest range holding every cell with a value or a
// formula and, unless valuesOnly, every formatted cell; an empty sheet's is A1.
func (b *Book) UsedRange(sheet string, valuesOnly bool) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ws, err := b.sheet(sheet)
	if err != nil {
		return nil, err
	}
	return b.read(b.used(ws.Name, valuesOnly))
}

func (b *Book) sheetArea(sheet, address string) (area, error) {
	def := ""
	if sheet != "" {
		ws, err := b.sheet(sheet)
		if err != nil {
			return area{}, err
		}
		def = ws.Name
	}
	a, err := b.parseArea(address, def)
	if err != nil {
		return area{}, err
	}
	if a.rows()*a.cols() > maxCells {
		return area{}, &Error{400, "rangeExceedsLimit", "The cell count in range has exceeded the maximum supported number."}
	}
	return a, nil
}

// used scans the sheet's cells for the used area.
func (b *Book) used(sheet string, valuesOnly bool) area {
	maxRow, maxCol := 0, 0
	if dim, err := b.f.GetSheetDimension(sheet); err == nil && dim != "" {
		_, last, _ := strings.Cut(dim, ":")
		if last == "" {
			last = dim
		}
		if c, r, err := excelize.CellNameToCoordinates(last); err == nil {
			maxRow, maxCol = r, c
		}
	}
	if rows, err := b.f.GetRows(sheet, excelize.Options{RawCellValue: true}); err == nil {
		maxRow = max(maxRow, len(rows))
		for _, r := range rows {
			maxCol = max(maxCol, len(r))
		}
	}
	u := area{sheet: sheet, col1: math.MaxInt, row1: math.MaxInt}
	for r := 1; r <= maxRow; r++ {
		for c := 1; c <= maxCol; c++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			if !b.cellUsed(sheet, name, valuesOnly) {
				continue
			}
			u.col1, u.row1 = min(u.col1, c), min(u.row1, r)
			u.col2, u.row2 = max(u.col2, c), max(u.row2, r)
		}
	}
	if u.col2 == 0 {
		return area{sheet: sheet, col1: 1, row1: 1, col2: 1, row2: 1}
	}
	return u
}

func (b *Book) cellUsed(sheet, cell string, valuesOnly bool) bool {
	if v, _ := b.f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); v != "" {
		return true
	}
	if f, _ := b.f.GetCellFormula(sheet, cell); f != "" {
		return true
	}
	if !valuesOnly {
		if s, _ := b.f.GetCellStyle(sheet, cell); s != 0 {
			return true
		}
	}
	return false
}

func (b *Book) read(a area) (*Range, error) {
	r := &Range{
		Address: a.address(), AddressLocal: a.address(),
		CellCount: a.rows() * a.cols(), RowCount: a.rows(), ColumnCount: a.cols(),
		RowIndex: a.row1 - 1, ColumnIndex: a.col1 - 1,
	}
	for i := 0; i < a.rows(); i++ {
		vals, forms, fmts := make([]any, a.cols()), make([]any, a.cols()), make([]any, a.cols())
		texts, types := make([]string, a.cols()), make([]string, a.cols())
		for j := 0; j < a.cols(); j++ {
			c := b.cell(a.sheet, a.cell(i, j))
			vals[j], forms[j], fmts[j], texts[j], types[j] = c.value, c.formula, c.numberFormat, c.text, c.valueType
		}
		r.Values, r.Formulas, r.NumberFormat = append(r.Values, vals), append(r.Formulas, forms), append(r.NumberFormat, fmts)
		r.FormulasLocal = append(r.FormulasLocal, forms)
		r.Text, r.ValueTypes = append(r.Text, texts), append(r.ValueTypes, types)
	}
	return r, nil
}

// cellData is one cell as Graph shows it.
type cellData struct {
	value        any
	formula      any
	numberFormat string
	text         string
	valueType    string
}

// cell reads one cell; a formula's value is calculated where excelize's
// engine can, and is the value stored in the file otherwise.
func (b *Book) cell(sheet, name string) cellData {
	d := cellData{numberFormat: b.numberFormat(sheet, name)}
	raw, _ := b.f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
	text, _ := b.f.GetCellValue(sheet, name)
	if formula, _ := b.f.GetCellFormula(sheet, name); formula != "" {
		v, err := b.f.CalcCellValue(sheet, name, excelize.Options{RawCellValue: true})
		switch {
		case err == nil:
			raw = v
			text, _ = b.f.CalcCellValue(sheet, name)
		case raw != "":
			// The engine cannot compute it: the value stored in the file stands.
		case strings.Contains(err.Error(), "not support"):
			raw, text = "#NAME?", "#NAME?" // a function the engine does not know
		case isErrorValue(v):
			raw, text = v, v
		}
		d.value, d.valueType = calculated(raw)
		d.formula, d.text = "="+formula, text
		return d
	}
	typ, _ := b.f.GetCellType(sheet, name)
	switch {
	case raw == "":
		d.value, d.valueType = "", "Empty"
	case typ == excelize.CellTypeBool:
		d.value, d.valueType = raw == "1" || strings.EqualFold(raw, "true"), "Boolean"
		text = strings.ToUpper(strconv.FormatBool(d.value.(bool)))
	case typ == excelize.CellTypeError:
		d.value, d.valueType = raw, "Error"
	case typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset || typ == excelize.CellTypeDate:
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			d.value, d.valueType = f, "Double"
		} else {
			d.value, d.valueType = raw, "String"
		}
	default:
		d.value, d.valueType = raw, "String"
	}
	d.formula, d.text = d.value, text
	return d
}

// calculated types a formula's result as Graph does.
func calculated(raw string) (any, string) {
	switch {
	case raw == "":
		return "", "Empty"
	case raw == "TRUE" || raw == "FALSE":
		return raw == "TRUE", "Boolean"
	case isErrorValue(raw):
		return raw, "Error"
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		return f, "Double"
	}
	return raw, "String"
}

func isErrorValue(s string) bool {
	switch s {
	case "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!":
		return true
	}
	return false
}

// write applies a PATCH: number formats first, then values, then formulas
// (formulasLocal last).
func (b *Book) write(a area, p RangePatch) error {
	for _, grid := range [][][]any{p.NumberFormat, p.Values, p.Formulas, p.FormulasLocal} {
		if grid == nil {
			continue
		}
		if len(grid) != a.rows() {
			return ErrDimensions
		}
		for _, row := range grid {
			if len(row) != a.cols() {
				return ErrDimensions
			}
		}
	}
	// Every member is checked before any cell changes.
	for _, row := range p.NumberFormat {
		for _, v := range row {
			if _, ok := v.(string); !ok && v != nil {
				return invalidArgument("A number format must be a string, such as \"0.00\" or \"General\".")
			}
		}
	}
	for _, grid := range [][][]any{p.Values, p.Formulas, p.FormulasLocal} {
		for _, row := range grid {
			for _, v := range row {
				switch v.(type) {
				case nil, string, bool, float64, json.Number, int, int64:
				default:
					return invalidArgument("A cell value must be a number, a string, a boolean or null.")
				}
			}
		}
	}
	for i, row := range p.NumberFormat {
		for j, v := range row {
			if code, ok := v.(string); ok {
				if err := b.setNumberFormat(a.sheet, a.cell(i, j), code); err != nil {
					return err
				}
			}
		}
	}
	for _, grid := range [][][]any{p.Values, p.Formulas, p.FormulasLocal} {
		for i, row := range grid {
			for j, v := range row {
				if err := b.setCell(a.sheet, a.cell(i, j), v); err != nil {
					return err
				}
			}
		}
	}
	b.grow(a)
	return nil
}

// grow widens the sheet's recorded dimension to take in a.
func (b *Book) grow(a area) {
	u := a
	if dim, err := b.f.GetSheetDimension(a.sheet); err == nil && dim != "" {
		if d, err := b.parseArea(dim, a.sheet); err == nil {
			u.col1, u.row1 = min(u.col1, d.col1), min(u.row1, d.row1)
			u.col2, u.row2 = max(u.col2, d.col2), max(u.row2, d.row2)
		}
	}
	_ = b.f.SetSheetDimension(a.sheet, u.ref())
}

// typedNumber is text Excel reads as a number when it is typed into a cell.
var typedNumber = lazyre.New(`^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$`)

// setCell writes one value as Excel takes typed input: "=…" is a formula,
// "'…" is text, a string that reads as a number or TRUE/FALSE is one, "" clears
// the cell and null leaves it as it is.
func (b *Book) setCell(sheet, name string, v any) error {
	if v == nil {
		return nil
	}
	if err := b.f.SetCellFormula(sheet, name, ""); err != nil {
		return invalidArgument("%v", err)
	}
	var err error
	switch v := v.(type) {
	case string:
		switch {
		case v == "":
			err = b.f.SetCellValue(sheet, name, nil)
		case strings.HasPrefix(v, "=") && len(v) > 1:
			// No stale value stays cached under the new formula.
			if err = b.f.SetCellValue(sheet, name, nil); err == nil {
				err = b.f.SetCellFormula(sheet, name, v[1:])
			}
		case strings.HasPrefix(v, "'"):
			err = b.f.SetCellStr(sheet, name, v[1:])
		case strings.EqualFold(v, "true") || strings.EqualFold(v, "false"):
			err = b.f.SetCellBool(sheet, name, strings.EqualFold(v, "true"))
		default:
			if f, perr := strconv.ParseFloat(strings.TrimSpace(v), 64); perr == nil && typedNumber().MatchString(v) && !math.IsInf(f, 0) {
				err = b.f.SetCellFloat(sheet, name, f, -1, 64)
			} else {
				err = b.f.SetCellStr(sheet, name, v)
			}
		}
	case bool:
		err = b.f.SetCellBool(sheet, name, v)
	case float64:
		err = b.f.SetCellFloat(sheet, name, v, -1, 64)
	case json.Number:
		f, perr := v.Float64()
		if perr != nil {
			return invalidArgument("The value %s is not a number Excel can hold.", v)
		}
		err = b.f.SetCellFloat(sheet, name, f, -1, 64)
	case int:
		err = b.f.SetCellInt(sheet, name, int64(v))
	case int64:
		err = b.f.SetCellInt(sheet, name, v)
	default:
		return invalidArgument("A cell value must be a number, a string, a boolean or null.")
	}
	if err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}
