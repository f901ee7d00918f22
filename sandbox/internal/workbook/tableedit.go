package workbook

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// TableUpdate is the body of a table PATCH: each member set is changed.
type TableUpdate struct {
	Name                 *string `json:"name,omitempty"`
	ShowTotals           *bool   `json:"showTotals,omitempty"`
	Style                *string `json:"style,omitempty"`
	ShowBandedRows       *bool   `json:"showBandedRows,omitempty"`
	ShowBandedColumns    *bool   `json:"showBandedColumns,omitempty"`
	HighlightFirstColumn *bool   `json:"highlightFirstColumn,omitempty"`
	HighlightLastColumn  *bool   `json:"highlightLastColumn,omitempty"`
}

// tableName is what Excel takes as a table's name: a letter, "_" or "\"
// first, then letters, digits, "_" and ".", and not a cell reference.
var tableName = lazyre.New(`^[\p{L}_\\][\p{L}\p{N}_.]*$`)

// maxTableName is the longest table name Excel takes, in characters (a
// bound kept out of tableName: a counted repetition of Unicode classes
// compiles to a program of megabytes).
const maxTableName = 255

// UpdateTable renames a table, shows or hides its totals row and sets its
// style (table PATCH). A totals row takes the row below the table's data.
func (b *Book) UpdateTable(key string, u TableUpdate) (Table, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return Table{}, err
	}
	if u.Name != nil {
		if err := b.checkTableName(*u.Name, t); err != nil {
			return Table{}, err
		}
	}
	v, _ := b.f.Pkg.Load(t.path)
	data, _ := v.([]byte)
	if u.Name != nil {
		name := html.EscapeString(*u.Name)
		data = setAttr(data, "table", "name", name)
		data = setAttr(data, "table", "displayName", name)
	}
	if u.ShowTotals != nil && *u.ShowTotals != (t.x.TotalsRowCount > 0) {
		a := t.a
		count := "0"
		if *u.ShowTotals {
			a.row2++
			count = "1"
		} else {
			a.row2 -= t.x.TotalsRowCount
		}
		filter := a
		if *u.ShowTotals {
			filter.row2--
		}
		data = setAttr(data, "table", "totalsRowCount", count)
		data = tableRefAttr().ReplaceAll(data, []byte("${1}"+a.ref()+"${2}"))
		data = filterRefAttr().ReplaceAll(data, []byte("${1}"+filter.ref()+"${2}"))
	}
	if !strings.Contains(string(data), "<tableStyleInfo") {
		data = []byte(strings.Replace(string(data), "</table>", `<tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>`, 1))
	}
	if u.Style != nil {
		data = setAttr(data, "tableStyleInfo", "name", html.EscapeString(*u.Style))
	}
	for attr, on := range map[string]*bool{"showRowStripes": u.ShowBandedRows, "showColumnStripes": u.ShowBandedColumns,
		"showFirstColumn": u.HighlightFirstColumn, "showLastColumn": u.HighlightLastColumn} {
		if on != nil {
			data = setAttr(data, "tableStyleInfo", attr, map[bool]string{true: "1", false: "0"}[*on])
		}
	}
	b.f.Pkg.Store(t.path, data)
	if u.Name != nil {
		key = *u.Name
	}
	t, err = b.table(key)
	if err != nil {
		return Table{}, err
	}
	return t.graph(), nil
}

// checkTableName refuses a name Excel would, or one another table or a
// workbook name has.
func (b *Book) checkTableName(name string, self *tablePart) error {
	if !tableName().MatchString(name) || utf8.RuneCountInString(name) > maxTableName || strings.EqualFold(name, "r") || strings.EqualFold(name, "c") {
		return invalidArgument("The table name %q is not valid: start with a letter or _, then letters, digits, _ or . only.", name)
	}
	if _, err := b.parseArea(name, b.f.GetSheetName(0)); err == nil {
		return invalidArgument("The table name %q is a cell reference.", name)
	}
	if other, err := b.table(name); err == nil && other.path != self.path {
		return ErrItemAlreadyExists
	}
	if _, err := b.name("Workbook", name); err == nil {
		return ErrItemAlreadyExists
	}
	return nil
}

// setAttr sets attr on the first start tag of elem in an XML part, adding
// it when the tag has none. value must be escaped already.
func setAttr(data []byte, elem, attr, value string) []byte {
	tag := regexp.MustCompile(`<` + elem + `\b[^>]*?(/?>)`)
	loc := tag.FindSubmatchIndex(data)
	if loc == nil {
		return data
	}
	start := string(data[loc[0]:loc[2]])
	re := regexp.MustCompile(`(\s` + attr + `=")[^"]*(")`)
	if re.MatchString(start) {
		start = re.ReplaceAllString(start, "${1}"+strings.ReplaceAll(value, "$", "$$")+"${2}")
	} else {
		start += " " + attr + `="` + value + `"`
	}
	out := append([]byte{}, data[:loc[0]]...)
	out = append(out, start...)
	return append(out, data[loc[2]:]...)
}

// TableColumnRange reads a part of a table's column (by id or name):
// "range", "headerRowRange", "dataBodyRange" or "totalRowRange".
func (b *Book) TableColumnRange(key, column, part string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	j, err := t.columnIndex(column)
	if err != nil {
		return nil, err
	}
	a, err := t.part(part)
	if err != nil {
		return nil, err
	}
	a.col1 += j
	a.col2 = a.col1
	return b.read(a)
}

// rowArea is the sheet row of a table's data row index.
func (t *tablePart) rowArea(index int) (area, error) {
	body := t.body()
	if index < 0 || index >= body.rows() {
		return area{}, ErrItemNotFound
	}
	body.row1 += index
	body.row2 = body.row1
	return body, nil
}

// TableRowRange reads a table's data row as a range (rows/{index}/range).
func (b *Book) TableRowRange(key string, index int) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	a, err := t.rowArea(index)
	if err != nil {
		return nil, err
	}
	return b.read(a)
}

// UpdateTableRow writes one row of values into a table's data row (row PATCH).
func (b *Book) UpdateTableRow(key string, index int, values [][]any) (TableRow, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return TableRow{}, err
	}
	a, err := t.rowArea(index)
	if err != nil {
		return TableRow{}, err
	}
	if err := b.write(a, RangePatch{Values: values}); err != nil {
		return TableRow{}, err
	}
	return b.tableRow(t, index)
}

// TableWorksheet is the sheet a table is on (table/worksheet).
func (b *Book) TableWorksheet(key string) (Worksheet, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return Worksheet{}, err
	}
	return b.sheet(t.sheet)
}

// ConvertTableToRange removes a table and returns its cells, which stay, as
// a range (table/convertToRange).
func (b *Book) ConvertTableToRange(key string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	if err := b.f.DeleteTable(t.x.Name); err != nil {
		return nil, invalidArgument("%v", err)
	}
	return b.read(t.a)
}
