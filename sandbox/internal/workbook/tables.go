package workbook

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Table is Graph's workbookTable. Its id is the table's id in the file (a
// number), which survives saves.
type Table struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	ShowHeaders          bool   `json:"showHeaders"`
	ShowTotals           bool   `json:"showTotals"`
	Style                string `json:"style"`
	HighlightFirstColumn bool   `json:"highlightFirstColumn"`
	HighlightLastColumn  bool   `json:"highlightLastColumn"`
	ShowBandedRows       bool   `json:"showBandedRows"`
	ShowBandedColumns    bool   `json:"showBandedColumns"`
	ShowFilterButton     bool   `json:"showFilterButton"`
	LegacyID             string `json:"legacyId"`
	// Worksheet is the name of the sheet the table is on (not part of Graph's JSON).
	Worksheet string `json:"-"`
}

// TableRow is Graph's workbookTableRow.
type TableRow struct {
	Index  int     `json:"index"`
	Values [][]any `json:"values"`
}

// TableColumn is Graph's workbookTableColumn: values hold the header, then the data.
type TableColumn struct {
	ID     string  `json:"id"`
	Index  int     `json:"index"`
	Name   string  `json:"name"`
	Values [][]any `json:"values"`
}

// tableXML is what this package reads of a table part (xl/tables/tableN.xml).
type tableXML struct {
	ID             int    `xml:"id,attr"`
	Name           string `xml:"name,attr"`
	DisplayName    string `xml:"displayName,attr"`
	Ref            string `xml:"ref,attr"`
	HeaderRowCount *int   `xml:"headerRowCount,attr"`
	TotalsRowCount int    `xml:"totalsRowCount,attr"`
	AutoFilter     *struct {
		Ref string `xml:"ref,attr"`
	} `xml:"autoFilter"`
	Columns []struct {
		ID   int    `xml:"id,attr"`
		Name string `xml:"name,attr"`
	} `xml:"tableColumns>tableColumn"`
	Style *struct {
		Name              string `xml:"name,attr"`
		ShowFirstColumn   bool   `xml:"showFirstColumn,attr"`
		ShowLastColumn    bool   `xml:"showLastColumn,attr"`
		ShowRowStripes    bool   `xml:"showRowStripes,attr"`
		ShowColumnStripes bool   `xml:"showColumnStripes,attr"`
	} `xml:"tableStyleInfo"`
}

// tablePart is one table: where its part is, its sheet and what it says.
type tablePart struct {
	path  string
	sheet string
	x     tableXML
	a     area // the whole table, header and totals included
}

func (t *tablePart) name() string {
	if t.x.DisplayName != "" {
		return t.x.DisplayName
	}
	return t.x.Name
}

func (t *tablePart) headers() int {
	if t.x.HeaderRowCount != nil {
		return *t.x.HeaderRowCount
	}
	return 1
}

// body is the data rows' area (it may be empty: row1 > row2).
func (t *tablePart) body() area {
	b := t.a
	b.row1 += t.headers()
	b.row2 -= t.x.TotalsRowCount
	return b
}

func (t *tablePart) graph() Table {
	g := Table{
		ID: strconv.Itoa(t.x.ID), LegacyID: strconv.Itoa(t.x.ID), Name: t.name(), Worksheet: t.sheet,
		ShowHeaders: t.headers() > 0, ShowTotals: t.x.TotalsRowCount > 0, ShowFilterButton: t.x.AutoFilter != nil,
	}
	if s := t.x.Style; s != nil {
		g.Style, g.HighlightFirstColumn, g.HighlightLastColumn = s.Name, s.ShowFirstColumn, s.ShowLastColumn
		g.ShowBandedRows, g.ShowBandedColumns = s.ShowRowStripes, s.ShowColumnStripes
	}
	return g
}

// tables reads every table part, ordered by sheet position then id.
func (b *Book) tables() ([]*tablePart, error) {
	var out []*tablePart
	for _, sheet := range b.f.GetSheetList() {
		tbls, err := b.f.GetTables(sheet)
		if err != nil {
			continue // a chart sheet
		}
		for _, t := range tbls {
			p, err := b.tablePartNamed(sheet, t.Name)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// tablePartNamed finds the part of the table excelize calls name on sheet.
func (b *Book) tablePartNamed(sheet, name string) (*tablePart, error) {
	var found *tablePart
	var err error
	b.f.Pkg.Range(func(k, v any) bool {
		path, _ := k.(string)
		data, ok := v.([]byte)
		if !ok || !strings.HasPrefix(path, "xl/tables/") || !strings.HasSuffix(path, ".xml") {
			return true
		}
		var x tableXML
		if xml.Unmarshal(data, &x) != nil || x.Name != name {
			return true
		}
		p := &tablePart{path: path, sheet: sheet, x: x}
		p.a, err = b.parseArea(x.Ref, sheet)
		found = p
		return false
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, fmt.Errorf("workbook: table %s has no part", name)
	}
	return found, nil
}

// table finds a table by name (ignoring case) or id.
func (b *Book) table(key string) (*tablePart, error) {
	all, err := b.tables()
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if strings.EqualFold(t.name(), key) || strconv.Itoa(t.x.ID) == key {
			return t, nil
		}
	}
	return nil, ErrItemNotFound
}

func (b *Book) tableNamesOn(sheet string) []string {
	tbls, _ := b.f.GetTables(sheet)
	var names []string
	for _, t := range tbls {
		names = append(names, t.Name)
	}
	return names
}

// Tables lists the workbook's tables, or one sheet's when sheet is set.
func (b *Book) Tables(sheet string) ([]Table, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if sheet != "" {
		ws, err := b.sheet(sheet)
		if err != nil {
			return nil, err
		}
		sheet = ws.Name
	}
	all, err := b.tables()
	if err != nil {
		return nil, err
	}
	out := []Table{}
	for _, t := range all {
		if sheet == "" || t.sheet == sheet {
			out = append(out, t.graph())
		}
	}
	return out, nil
}

// Table returns a table by name or id.
func (b *Book) Table(key string) (Table, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return Table{}, err
	}
	return t.graph(), nil
}

// TableRange reads a part of a table: "range" (all of it),
// "headerRowRange", "dataBodyRange" or "totalRowRange".
func (b *Book) TableRange(key, part string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	a, err := t.part(part)
	if err != nil {
		return nil, err
	}
	return b.read(a)
}

// part is a table's "range", "headerRowRange", "dataBodyRange" or
// "totalRowRange"; a part the table has not is ItemNotFound.
func (t *tablePart) part(name string) (area, error) {
	a := t.a
	switch name {
	case "range":
	case "headerRowRange":
		a.row2 = a.row1 + t.headers() - 1
	case "dataBodyRange":
		a = t.body()
	case "totalRowRange":
		a.row1 = a.row2 - t.x.TotalsRowCount + 1
	default:
		return area{}, ErrItemNotFound
	}
	if a.row1 > a.row2 {
		return area{}, ErrItemNotFound
	}
	return a, nil
}

// AddTable makes a table of the range at address (tables/add). With
// hasHeaders the first row names the columns; without, a header row of
// Column1, Column2, ... is inserted above the range (whole sheet rows move down).
func (b *Book) AddTable(sheet, address string, hasHeaders bool) (Table, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return Table{}, err
	}
	all, err := b.tables()
	if err != nil {
		return Table{}, err
	}
	for _, t := range all {
		if t.sheet == a.sheet && t.a.col1 <= a.col2 && a.col1 <= t.a.col2 && t.a.row1 <= a.row2 && a.row1 <= t.a.row2 {
			return Table{}, invalidArgument("A table can't overlap another table (%s).", t.name())
		}
	}
	if !hasHeaders {
		if err := b.f.InsertRows(a.sheet, a.row1, 1); err != nil {
			return Table{}, invalidArgument("%v", err)
		}
		a.row2++
		for j := 0; j < a.cols(); j++ {
			if err := b.f.SetCellStr(a.sheet, a.cell(0, j), "Column"+strconv.Itoa(j+1)); err != nil {
				return Table{}, invalidArgument("%v", err)
			}
		}
	}
	if a.rows() < 2 {
		a.row2++ // a table has at least one data row
	}
	name := ""
	for n := len(all) + 1; ; n++ {
		name = "Table" + strconv.Itoa(n)
		if _, err := b.table(name); err != nil {
			break
		}
	}
	on := true
	if err := b.f.AddTable(a.sheet, &excelize.Table{Range: a.ref(), Name: name, StyleName: "TableStyleMedium2", ShowRowStripes: &on}); err != nil {
		return Table{}, invalidArgument("%v", err)
	}
	b.grow(a)
	t, err := b.table(name)
	if err != nil {
		return Table{}, err
	}
	return t.graph(), nil
}

// DeleteTable removes a table; its cells stay.
func (b *Book) DeleteTable(key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return err
	}
	return b.f.DeleteTable(t.x.Name)
}

// TableRows lists a table's data rows.
func (b *Book) TableRows(key string) ([]TableRow, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	out := []TableRow{}
	for i := 0; i < t.body().rows(); i++ {
		row, err := b.tableRow(t, i)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// TableRow returns the data row at index (rows/itemAt).
func (b *Book) TableRow(key string, index int) (TableRow, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return TableRow{}, err
	}
	if index < 0 || index >= t.body().rows() {
		return TableRow{}, ErrItemNotFound
	}
	return b.tableRow(t, index)
}

func (b *Book) tableRow(t *tablePart, index int) (TableRow, error) {
	row, err := t.rowArea(index)
	if err != nil {
		return TableRow{}, err
	}
	r, err := b.read(row)
	if err != nil {
		return TableRow{}, err
	}
	return TableRow{Index: index, Values: r.Values}, nil
}

// AddTableRows adds rows of values to a table (rows/add): at the end, or
// before the data row index when index is set. Rows below the table move
// down (whole sheet rows) unless the cells the rows need are empty.
func (b *Book) AddTableRows(key string, index *int, values [][]any) (TableRow, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return TableRow{}, err
	}
	body := t.body()
	if len(values) == 0 {
		return TableRow{}, invalidArgument("values must hold at least one row.")
	}
	for _, row := range values {
		if len(row) != t.a.cols() {
			return TableRow{}, ErrDimensions
		}
	}
	at := body.row2 + 1 // the first new sheet row
	if index != nil {
		if *index < 0 || *index > body.rows() {
			return TableRow{}, invalidArgument("The index %d is outside the table's %d rows.", *index, body.rows())
		}
		at = body.row1 + *index
	}
	n := len(values)
	target := area{sheet: t.sheet, col1: t.a.col1, col2: t.a.col2, row1: at, row2: at + n - 1}
	if at <= t.a.row2 || !b.empty(target) {
		if err := b.f.InsertRows(t.sheet, at, n); err != nil {
			return TableRow{}, invalidArgument("%v", err)
		}
	}
	if err := b.write(target, RangePatch{Values: values}); err != nil {
		return TableRow{}, err
	}
	grown := t.a
	grown.row2 += n
	if err := b.setTableRef(t.path, grown); err != nil {
		return TableRow{}, err
	}
	r, err := b.read(target)
	if err != nil {
		return TableRow{}, err
	}
	return TableRow{Index: at - body.row1, Values: r.Values}, nil
}

// DeleteTableRow deletes the data row at index (its whole sheet row); the
// last data row is cleared instead, as a table keeps one.
func (b *Book) DeleteTableRow(key string, index int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return err
	}
	body := t.body()
	if index < 0 || index >= body.rows() {
		return ErrItemNotFound
	}
	row := body.row1 + index
	if body.rows() == 1 {
		blank := make([]any, t.a.cols())
		for j := range blank {
			blank[j] = ""
		}
		return b.write(area{sheet: t.sheet, col1: t.a.col1, col2: t.a.col2, row1: row, row2: row}, RangePatch{Values: [][]any{blank}})
	}
	if err := b.f.RemoveRow(t.sheet, row); err != nil {
		return invalidArgument("%v", err)
	}
	shrunk := t.a
	shrunk.row2--
	return b.setTableRef(t.path, shrunk)
}

// TableColumns lists a table's columns with their values.
func (b *Book) TableColumns(key string) ([]TableColumn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return nil, err
	}
	out := []TableColumn{}
	for j := range t.x.Columns {
		c, err := b.tableColumn(t, j)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (b *Book) tableColumn(t *tablePart, j int) (TableColumn, error) {
	col := t.a
	col.col1 += j
	col.col2 = col.col1
	r, err := b.read(col)
	if err != nil {
		return TableColumn{}, err
	}
	c := t.x.Columns[j]
	return TableColumn{ID: strconv.Itoa(c.ID), Index: j, Name: c.Name, Values: r.Values}, nil
}

// columnIndex finds a table's column by id or name (ignoring case).
func (t *tablePart) columnIndex(key string) (int, error) {
	for j, c := range t.x.Columns {
		if strconv.Itoa(c.ID) == key || strings.EqualFold(c.Name, key) {
			return j, nil
		}
	}
	return 0, ErrItemNotFound
}

// TableColumn returns a table's column by id or name.
func (b *Book) TableColumn(key, column string) (TableColumn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return TableColumn{}, err
	}
	j, err := t.columnIndex(column)
	if err != nil {
		return TableColumn{}, err
	}
	return b.tableColumn(t, j)
}

// DeleteTableColumn deletes a table's column (its whole sheet column); a
// table keeps at least one column.
func (b *Book) DeleteTableColumn(key, column string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return err
	}
	j, err := t.columnIndex(column)
	if err != nil {
		return err
	}
	if t.a.cols() == 1 {
		return &Error{400, "InvalidOperation", "A table must keep at least one column."}
	}
	name, _ := excelize.ColumnNumberToName(t.a.col1 + j)
	if err := b.f.RemoveCol(t.sheet, name); err != nil {
		return invalidArgument("%v", err)
	}
	shrunk := t.a
	shrunk.col2--
	if err := b.setTableRef(t.path, shrunk); err != nil {
		return err
	}
	return b.syncTableHeaders()
}

// AddTableColumn adds a column (columns/add) at the right, or before the
// column index when index is set. values, when given, hold one row for each
// of the table's rows, header first; name names it when values do not.
// Columns to the right move (whole sheet columns) unless the cells are empty.
func (b *Book) AddTableColumn(key string, index *int, name string, values [][]any) (TableColumn, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, err := b.table(key)
	if err != nil {
		return TableColumn{}, err
	}
	if values != nil && len(values) != t.a.rows() {
		return TableColumn{}, ErrDimensions
	}
	for _, row := range values {
		if len(row) != 1 {
			return TableColumn{}, ErrDimensions
		}
	}
	at := t.a.col2 + 1
	if index != nil {
		if *index < 0 || *index > t.a.cols() {
			return TableColumn{}, invalidArgument("The index %d is outside the table's %d columns.", *index, t.a.cols())
		}
		at = t.a.col1 + *index
	}
	target := area{sheet: t.sheet, col1: at, col2: at, row1: t.a.row1, row2: t.a.row2}
	if at <= t.a.col2 || !b.empty(target) {
		colName, _ := excelize.ColumnNumberToName(at)
		if err := b.f.InsertCols(t.sheet, colName, 1); err != nil {
			return TableColumn{}, invalidArgument("%v", err)
		}
	}
	if values != nil {
		if err := b.write(target, RangePatch{Values: values}); err != nil {
			return TableColumn{}, err
		}
	}
	header := target.cell(0, 0)
	if t.headers() > 0 && (values == nil || values[0][0] == nil || values[0][0] == "") {
		if name == "" {
			name = "Column" + strconv.Itoa(t.a.cols()+1)
		}
		if err := b.f.SetCellStr(t.sheet, header, name); err != nil {
			return TableColumn{}, invalidArgument("%v", err)
		}
	}
	grown := t.a
	grown.col2++
	if err := b.setTableRef(t.path, grown); err != nil {
		return TableColumn{}, err
	}
	if err := b.syncTableHeaders(); err != nil {
		return TableColumn{}, err
	}
	t, err = b.table(key)
	if err != nil {
		return TableColumn{}, err
	}
	return b.tableColumn(t, at-t.a.col1)
}

// empty reports whether every cell of a holds nothing.
func (b *Book) empty(a area) bool {
	for i := 0; i < a.rows(); i++ {
		for j := 0; j < a.cols(); j++ {
			if b.cellUsed(a.sheet, a.cell(i, j), true) {
				return false
			}
		}
	}
	return true
}

var (
	tableRefAttr  = lazyre.New(`(<table\b[^>]*?\sref=")[^"]*(")`)
	filterRefAttr = lazyre.New(`(<autoFilter\b[^>]*?\sref=")[^"]*(")`)
	columnsBlock  = lazyre.New(`(?s)<tableColumns\b[^>]*>(.*?)</tableColumns>`)
	columnElem    = lazyre.New(`(?s)<tableColumn\b[^>]*?(?:/>|>.*?</tableColumn>)`)
	nameAttr      = lazyre.New(`(\sname=")[^"]*(")`)
)

// setTableRef moves a table part's ref (and its filter's) to a.
func (b *Book) setTableRef(path string, a area) error {
	v, ok := b.f.Pkg.Load(path)
	data, _ := v.([]byte)
	if !ok || data == nil {
		return fmt.Errorf("workbook: table part %s is gone", path)
	}
	ref := []byte("${1}" + a.ref() + "${2}")
	data = tableRefAttr().ReplaceAll(data, ref)
	data = filterRefAttr().ReplaceAll(data, ref)
	b.f.Pkg.Store(path, data)
	return nil
}

// syncTableHeaders gives every table one column per column of its range,
// named as its header cell (Excel refuses a file where they differ):
// columns keep their ids and settings, new ones take the next ids, and an
// empty or repeated header becomes ColumnN, in the cell too.
func (b *Book) syncTableHeaders() error {
	all, err := b.tables()
	if err != nil {
		return err
	}
	for _, t := range all {
		v, _ := b.f.Pkg.Load(t.path)
		data, _ := v.([]byte)
		block := columnsBlock().FindSubmatchIndex(data)
		if block == nil {
			continue
		}
		elems := columnElem().FindAll(data[block[2]:block[3]], -1)
		maxID := 0
		for _, c := range t.x.Columns {
			maxID = max(maxID, c.ID)
		}
		seen := map[string]bool{}
		var out bytes.Buffer
		fmt.Fprintf(&out, `<tableColumns count="%d">`, t.a.cols())
		for j := 0; j < t.a.cols(); j++ {
			name := ""
			if j < len(t.x.Columns) {
				name = t.x.Columns[j].Name
			}
			if t.headers() > 0 {
				cell := t.a.cell(0, j)
				name = b.cell(t.sheet, cell).text
				if name == "" || seen[strings.ToLower(name)] {
					name = "Column" + strconv.Itoa(j+1)
					_ = b.f.SetCellStr(t.sheet, cell, name)
				}
			}
			seen[strings.ToLower(name)] = true
			esc := []byte("${1}" + strings.ReplaceAll(html.EscapeString(name), "$", "$$") + "${2}")
			if j < len(elems) {
				out.Write(nameAttr().ReplaceAll(elems[j], esc))
				continue
			}
			maxID++
			fmt.Fprintf(&out, `<tableColumn id="%d" name="%s"/>`, maxID, html.EscapeString(name))
		}
		out.WriteString(`</tableColumns>`)
		fixed := append(append(bytes.Clone(data[:block[0]]), out.Bytes()...), data[block[1]:]...)
		b.f.Pkg.Store(t.path, fixed)
	}
	return nil
}
