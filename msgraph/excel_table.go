package msgraph

import (
	"context"
	"fmt"
	"iter"
	"net/http"
)

// WorkbookTable is an Excel table.
type WorkbookTable struct {
	ID                   string `json:"id,omitempty"`
	Name                 string `json:"name,omitempty"`
	ShowHeaders          bool   `json:"showHeaders,omitempty"`
	ShowTotals           bool   `json:"showTotals,omitempty"`
	Style                string `json:"style,omitempty"`
	ShowBandedRows       bool   `json:"showBandedRows,omitempty"`
	ShowBandedColumns    bool   `json:"showBandedColumns,omitempty"`
	HighlightFirstColumn bool   `json:"highlightFirstColumn,omitempty"`
	HighlightLastColumn  bool   `json:"highlightLastColumn,omitempty"`
	ShowFilterButton     bool   `json:"showFilterButton,omitempty"`
}

// WorkbookTableUpdate changes a table: each member set is changed.
type WorkbookTableUpdate struct {
	Name       string `json:"name,omitempty"`
	ShowTotals *bool  `json:"showTotals,omitempty"`
	// Style is a table style such as "TableStyleMedium2" or "TableStyleLight9".
	Style                string `json:"style,omitempty"`
	ShowBandedRows       *bool  `json:"showBandedRows,omitempty"`
	ShowBandedColumns    *bool  `json:"showBandedColumns,omitempty"`
	HighlightFirstColumn *bool  `json:"highlightFirstColumn,omitempty"`
	HighlightLastColumn  *bool  `json:"highlightLastColumn,omitempty"`
}

// AddTableOptions make a table of a range.
type AddTableOptions struct {
	// Address is the range, such as "Sheet1!A1:D5" (or "A1:D5" with Worksheet).
	Address string `json:"address"`
	// HasHeaders says the first row names the columns; without it Excel
	// inserts a header row of Column1, Column2, ...
	HasHeaders bool `json:"hasHeaders"`
	// Worksheet adds the table through the sheet's tables (by name or id).
	Worksheet string `json:"-"`
}

// WorkbookTableRow is a data row of a table.
type WorkbookTableRow struct {
	Index  int     `json:"index"`
	Values [][]any `json:"values"`
}

// AddTableRowsOptions add rows to a table.
type AddTableRowsOptions struct {
	// Values are the rows, each with one value per column.
	Values [][]any `json:"values"`
	// Index puts the rows before the data row at Index (from 0) instead of at the end.
	Index *int `json:"index,omitempty"`
}

// WorkbookTableColumn is a column of a table: Values hold the header, then
// the data (and the total when shown), one row each.
type WorkbookTableColumn struct {
	ID     string  `json:"id,omitempty"`
	Index  int     `json:"index"`
	Name   string  `json:"name,omitempty"`
	Values [][]any `json:"values,omitempty"`
}

// AddTableColumnOptions add a column to a table.
type AddTableColumnOptions struct {
	// Name is the header, unless Values give one.
	Name string `json:"name,omitempty"`
	// Values, when set, hold one row for each of the table's rows, header first.
	Values [][]any `json:"values,omitempty"`
	// Index puts the column before the column at Index instead of at the right.
	Index *int `json:"index,omitempty"`
}

// WorkbookNamedItem is a name of a workbook (a named range or constant).
type WorkbookNamedItem struct {
	Name    string `json:"name,omitempty"`
	Comment string `json:"comment,omitempty"`
	// Scope is "Workbook" or the name of the sheet the name belongs to.
	Scope string `json:"scope,omitempty"`
	// Type is "Range", "String", "Double", "Boolean" or "Error".
	Type string `json:"type,omitempty"`
	// Value is what the name refers to, such as "=Sales!$A$1:$D$4".
	Value   any  `json:"value,omitempty"`
	Visible bool `json:"visible,omitempty"`
}

// AddNameOptions add a name to a workbook.
type AddNameOptions struct {
	Name string `json:"name"`
	// Reference is a formula such as "=Sales!$B$2:$B$10" or a constant such as "=0.2".
	Reference string `json:"reference"`
	Comment   string `json:"comment,omitempty"`
}

// WorkbookListOptions narrow a list of tables or names to one sheet.
type WorkbookListOptions struct {
	ListOptions
	// Worksheet (by name or id) lists that sheet's; "" lists the workbook's.
	Worksheet string
}

func tablePath(table string) string { return "tables/" + escapeSegment(table) }

// scoped is a collection of the workbook, or of a sheet when opts name one.
func scoped(opts *WorkbookListOptions, collection string) string {
	if opts != nil && opts.Worksheet != "" {
		return sheetPath(opts.Worksheet) + "/" + collection
	}
	return collection
}

// query is the query part of opts.
func (o *WorkbookListOptions) query() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// ListTables returns the workbook's tables, or one sheet's.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-list-tables
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables
func (w *Workbook) ListTables(ctx context.Context, opts *WorkbookListOptions) ([]*WorkbookTable, *Response, error) {
	return list[WorkbookTable](ctx, w, scoped(opts, "tables"), opts.query())
}

// ListTablesIter iterates over what ListTables returns.
func (w *Workbook) ListTablesIter(ctx context.Context, opts *WorkbookListOptions) iter.Seq2[*WorkbookTable, error] {
	return listIter[WorkbookTable](ctx, w, scoped(opts, "tables"), opts.query())
}

// GetTable returns a table by name or id.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}
func (w *Workbook) GetTable(ctx context.Context, table string) (*WorkbookTable, *Response, error) {
	return call[WorkbookTable](ctx, w, http.MethodGet, tablePath(table), nil)
}

// AddTable makes a table of a range.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablecollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/tables/add
func (w *Workbook) AddTable(ctx context.Context, opts *AddTableOptions) (*WorkbookTable, *Response, error) {
	return call[WorkbookTable](ctx, w, http.MethodPost, scoped(&WorkbookListOptions{Worksheet: opts.Worksheet}, "tables/add"), opts)
}

// UpdateTable renames a table, shows or hides its totals row, or changes its style.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/tables/{id}
func (w *Workbook) UpdateTable(ctx context.Context, table string, u *WorkbookTableUpdate) (*WorkbookTable, *Response, error) {
	return call[WorkbookTable](ctx, w, http.MethodPatch, tablePath(table), u)
}

// DeleteTable removes a table; its cells stay.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-delete
//
//meta:operation DELETE /drives/{id}/items/{id}/workbook/tables/{id}
func (w *Workbook) DeleteTable(ctx context.Context, table string) (*Response, error) {
	return w.do(ctx, http.MethodDelete, tablePath(table), nil, nil)
}

// TableWorksheet returns the sheet a table is on.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-get-worksheet
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/worksheet
func (w *Workbook) TableWorksheet(ctx context.Context, table string) (*WorkbookWorksheet, *Response, error) {
	return call[WorkbookWorksheet](ctx, w, http.MethodGet, tablePath(table)+"/worksheet", nil)
}

// ConvertTableToRange removes a table, keeping its cells, and returns them.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-converttorange
//
//meta:operation POST /drives/{id}/items/{id}/workbook/tables/{id}/convertToRange
func (w *Workbook) ConvertTableToRange(ctx context.Context, table string) (*WorkbookRange, *Response, error) {
	return call[WorkbookRange](ctx, w, http.MethodPost, tablePath(table)+"/convertToRange", nil)
}

// ListTableRows returns the data rows of a table.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-list-rows
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/rows
func (w *Workbook) ListTableRows(ctx context.Context, table string, opts *ListOptions) ([]*WorkbookTableRow, *Response, error) {
	return list[WorkbookTableRow](ctx, w, tablePath(table)+"/rows", opts)
}

// ListTableRowsIter iterates over what ListTableRows returns.
func (w *Workbook) ListTableRowsIter(ctx context.Context, table string, opts *ListOptions) iter.Seq2[*WorkbookTableRow, error] {
	return listIter[WorkbookTableRow](ctx, w, tablePath(table)+"/rows", opts)
}

// TableRowAt returns the data row at index (from 0).
//
// Graph docs: https://learn.microsoft.com/graph/api/tablerowcollection-itemat
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/rows/itemAt(index={index})
func (w *Workbook) TableRowAt(ctx context.Context, table string, index int) (*WorkbookTableRow, *Response, error) {
	return call[WorkbookTableRow](ctx, w, http.MethodGet, fmt.Sprintf("%s/rows/itemAt(index=%d)", tablePath(table), index), nil)
}

// AddTableRows adds rows to a table and returns the first one added.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablerowcollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/tables/{id}/rows/add
func (w *Workbook) AddTableRows(ctx context.Context, table string, opts *AddTableRowsOptions) (*WorkbookTableRow, *Response, error) {
	return call[WorkbookTableRow](ctx, w, http.MethodPost, tablePath(table)+"/rows/add", opts)
}

// UpdateTableRow writes one row of values into the data row at index.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablerow-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/tables/{id}/rows/itemAt(index={index})
func (w *Workbook) UpdateTableRow(ctx context.Context, table string, index int, values []any) (*WorkbookTableRow, *Response, error) {
	return call[WorkbookTableRow](ctx, w, http.MethodPatch, fmt.Sprintf("%s/rows/itemAt(index=%d)", tablePath(table), index),
		map[string][][]any{"values": {values}})
}

// DeleteTableRow deletes the data row at index (from 0).
//
// Graph docs: https://learn.microsoft.com/graph/api/tablerow-delete
//
//meta:operation DELETE /drives/{id}/items/{id}/workbook/tables/{id}/rows/$/itemAt(index={index})
func (w *Workbook) DeleteTableRow(ctx context.Context, table string, index int) (*Response, error) {
	return w.do(ctx, http.MethodDelete, fmt.Sprintf("%s/rows/$/itemAt(index=%d)", tablePath(table), index), nil, nil)
}

// ListTableColumns returns the columns of a table with their values.
//
// Graph docs: https://learn.microsoft.com/graph/api/table-list-columns
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/columns
func (w *Workbook) ListTableColumns(ctx context.Context, table string, opts *ListOptions) ([]*WorkbookTableColumn, *Response, error) {
	return list[WorkbookTableColumn](ctx, w, tablePath(table)+"/columns", opts)
}

// ListTableColumnsIter iterates over what ListTableColumns returns.
func (w *Workbook) ListTableColumnsIter(ctx context.Context, table string, opts *ListOptions) iter.Seq2[*WorkbookTableColumn, error] {
	return listIter[WorkbookTableColumn](ctx, w, tablePath(table)+"/columns", opts)
}

// GetTableColumn returns a column of a table by id or name.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablecolumn-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/columns/{id}
func (w *Workbook) GetTableColumn(ctx context.Context, table, column string) (*WorkbookTableColumn, *Response, error) {
	return call[WorkbookTableColumn](ctx, w, http.MethodGet, tablePath(table)+"/columns/"+escapeSegment(column), nil)
}

// TableColumnAt returns the column at index (from 0).
//
// Graph docs: https://learn.microsoft.com/graph/api/tablecolumncollection-itemat
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/columns/itemAt(index={index})
func (w *Workbook) TableColumnAt(ctx context.Context, table string, index int) (*WorkbookTableColumn, *Response, error) {
	return call[WorkbookTableColumn](ctx, w, http.MethodGet, fmt.Sprintf("%s/columns/itemAt(index=%d)", tablePath(table), index), nil)
}

// AddTableColumn adds a column to a table.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablecolumncollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/tables/{id}/columns/add
func (w *Workbook) AddTableColumn(ctx context.Context, table string, opts *AddTableColumnOptions) (*WorkbookTableColumn, *Response, error) {
	return call[WorkbookTableColumn](ctx, w, http.MethodPost, tablePath(table)+"/columns/add", opts)
}

// DeleteTableColumn deletes a column of a table by id or name.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablecolumn-delete
//
//meta:operation DELETE /drives/{id}/items/{id}/workbook/tables/{id}/columns/{id}
func (w *Workbook) DeleteTableColumn(ctx context.Context, table, column string) (*Response, error) {
	return w.do(ctx, http.MethodDelete, tablePath(table)+"/columns/"+escapeSegment(column), nil, nil)
}

// ListNames returns the workbook's names, or one sheet's.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-list-names
//
//meta:operation GET /drives/{id}/items/{id}/workbook/names
func (w *Workbook) ListNames(ctx context.Context, opts *WorkbookListOptions) ([]*WorkbookNamedItem, *Response, error) {
	return list[WorkbookNamedItem](ctx, w, scoped(opts, "names"), opts.query())
}

// ListNamesIter iterates over what ListNames returns.
func (w *Workbook) ListNamesIter(ctx context.Context, opts *WorkbookListOptions) iter.Seq2[*WorkbookNamedItem, error] {
	return listIter[WorkbookNamedItem](ctx, w, scoped(opts, "names"), opts.query())
}

// GetName returns one of the workbook's names.
//
// Graph docs: https://learn.microsoft.com/graph/api/nameditem-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/names/{name}
func (w *Workbook) GetName(ctx context.Context, name string) (*WorkbookNamedItem, *Response, error) {
	return call[WorkbookNamedItem](ctx, w, http.MethodGet, "names/"+escapeSegment(name), nil)
}

// AddName adds a name to the workbook, or to a sheet with opts' Worksheet.
//
// Graph docs: https://learn.microsoft.com/graph/api/nameditem-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/names/add
func (w *Workbook) AddName(ctx context.Context, name *AddNameOptions, opts *WorkbookListOptions) (*WorkbookNamedItem, *Response, error) {
	return call[WorkbookNamedItem](ctx, w, http.MethodPost, scoped(opts, "names/add"), name)
}

// DeleteName removes one of the workbook's names.
//
//meta:operation DELETE /drives/{id}/items/{id}/workbook/names/{name}
func (w *Workbook) DeleteName(ctx context.Context, name string) (*Response, error) {
	return w.do(ctx, http.MethodDelete, "names/"+escapeSegment(name), nil, nil)
}
