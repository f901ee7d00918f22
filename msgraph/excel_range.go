package msgraph

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"
)

// WorkbookRange is a block of cells. Values hold numbers, strings and
// booleans as Excel has them; Text what Excel displays; Formulas the
// formula of each cell ("=B2*C2") or its value where it has none.
type WorkbookRange struct {
	Address      string     `json:"address,omitempty"`
	AddressLocal string     `json:"addressLocal,omitempty"`
	CellCount    int        `json:"cellCount,omitempty"`
	RowCount     int        `json:"rowCount,omitempty"`
	ColumnCount  int        `json:"columnCount,omitempty"`
	RowIndex     int        `json:"rowIndex"`
	ColumnIndex  int        `json:"columnIndex"`
	Values       [][]any    `json:"values,omitempty"`
	Text         [][]string `json:"text,omitempty"`
	Formulas     [][]any    `json:"formulas,omitempty"`
	NumberFormat [][]any    `json:"numberFormat,omitempty"`
	// ValueTypes are "Empty", "String", "Integer", "Double", "Boolean" or "Error".
	ValueTypes [][]string `json:"valueTypes,omitempty"`
}

// WorkbookRangeUpdate writes into a range: each array set must have the range's
// shape; a nil cell is left as it is. In Values a string starting with "="
// is a formula.
type WorkbookRangeUpdate struct {
	Values       [][]any `json:"values,omitempty"`
	Formulas     [][]any `json:"formulas,omitempty"`
	NumberFormat [][]any `json:"numberFormat,omitempty"`
}

// WorkbookRangeFormat is a range's layout. A nil member differs between
// the range's cells (when read) or is left as it is (in an update).
type WorkbookRangeFormat struct {
	// ColumnWidth and RowHeight are in points.
	ColumnWidth *float64 `json:"columnWidth,omitempty"`
	RowHeight   *float64 `json:"rowHeight,omitempty"`
	// HorizontalAlignment is "General", "Left", "Center", "Right", "Fill",
	// "Justify", "CenterAcrossSelection" or "Distributed".
	HorizontalAlignment string `json:"horizontalAlignment,omitempty"`
	// VerticalAlignment is "Top", "Center", "Bottom", "Justify" or "Distributed".
	VerticalAlignment string `json:"verticalAlignment,omitempty"`
	WrapText          *bool  `json:"wrapText,omitempty"`
}

// WorkbookRangeFont is a range's font; Color is "#RRGGBB", Underline
// "None", "Single", "Double", "SingleAccountant" or "DoubleAccountant".
type WorkbookRangeFont struct {
	Bold      *bool    `json:"bold,omitempty"`
	Italic    *bool    `json:"italic,omitempty"`
	Color     string   `json:"color,omitempty"`
	Name      string   `json:"name,omitempty"`
	Size      *float64 `json:"size,omitempty"`
	Underline string   `json:"underline,omitempty"`
}

// WorkbookRangeFill is a range's background: Color is "#RRGGBB", "" for none.
type WorkbookRangeFill struct {
	Color string `json:"color,omitempty"`
}

// WorkbookRangeBorder is one side of a range's borders.
type WorkbookRangeBorder struct {
	ID string `json:"id,omitempty"`
	// SideIndex is "EdgeTop", "EdgeBottom", "EdgeLeft", "EdgeRight",
	// "InsideVertical", "InsideHorizontal", "DiagonalDown" or "DiagonalUp".
	SideIndex string `json:"sideIndex,omitempty"`
	// Style is "None", "Continuous", "Dash", "DashDot", "DashDotDot", "Dot",
	// "Double" or "SlantDashDot".
	Style string `json:"style,omitempty"`
	// Color is "#RRGGBB".
	Color string `json:"color,omitempty"`
	// Weight is "Hairline", "Thin", "Medium" or "Thick".
	Weight string `json:"weight,omitempty"`
}

// RangeShift is where cells move when a range is deleted or inserted.
type RangeShift string

// The shifts: Up and Left for DeleteRange, Down and Right for InsertRange.
const (
	ShiftUp    RangeShift = "Up"
	ShiftLeft  RangeShift = "Left"
	ShiftDown  RangeShift = "Down"
	ShiftRight RangeShift = "Right"
)

// RangeClear is what ClearRange clears.
type RangeClear string

// What a range clear applies to.
const (
	ClearAll      RangeClear = "All"
	ClearFormats  RangeClear = "Formats"
	ClearContents RangeClear = "Contents"
)

// RangeRef is where a range is: build one with [SheetRange], [SheetCell],
// [SheetUsedRange], [NamedRange], [TableRange], [TableColumnRange] or
// [TableRowRange].
type RangeRef struct{ path string }

// SheetRange is the range at an A1 address ("A1:C3") of a sheet (by name or id).
func SheetRange(sheet, address string) RangeRef {
	return RangeRef{sheetPath(sheet) + "/range(address='" + escapeSegment(strings.ReplaceAll(address, "'", "''")) + "')"}
}

// SheetCell is the cell of a sheet at a row and column counted from 0.
func SheetCell(sheet string, row, column int) RangeRef {
	return RangeRef{fmt.Sprintf("%s/cell(row=%d,column=%d)", sheetPath(sheet), row, column)}
}

// SheetUsedRange is the smallest range holding every used cell of a sheet
// (only those with values with valuesOnly, not those only formatted).
func SheetUsedRange(sheet string, valuesOnly bool) RangeRef {
	if valuesOnly {
		return RangeRef{sheetPath(sheet) + "/usedRange(valuesOnly=true)"}
	}
	return RangeRef{sheetPath(sheet) + "/usedRange"}
}

// NamedRange is the range a workbook name refers to.
func NamedRange(name string) RangeRef { return RangeRef{"names/" + escapeSegment(name) + "/range"} }

// TablePart is a part of a table as a range.
type TablePart string

// The parts of a table.
const (
	TableWhole     TablePart = "range"
	TableHeaderRow TablePart = "headerRowRange"
	TableDataBody  TablePart = "dataBodyRange"
	TableTotalRow  TablePart = "totalRowRange"
)

// TableRange is a part of a table (by name or id).
func TableRange(table string, part TablePart) RangeRef {
	return RangeRef{tablePath(table) + "/" + string(part)}
}

// TableColumnRange is a part of a table's column (by id or name).
func TableColumnRange(table, column string, part TablePart) RangeRef {
	return RangeRef{tablePath(table) + "/columns/" + escapeSegment(column) + "/" + string(part)}
}

// TableRowRange is a table's data row at index (from 0).
func TableRowRange(table string, index int) RangeRef {
	return RangeRef{fmt.Sprintf("%s/rows/itemAt(index=%d)/range", tablePath(table), index)}
}

// Cell is the cell at a row and column (from 0) relative to r's first cell.
func (r RangeRef) Cell(row, column int) RangeRef {
	return RangeRef{fmt.Sprintf("%s/cell(row=%d,column=%d)", r.path, row, column)}
}

// Range returns the cells of a range.
//
// Graph docs: https://learn.microsoft.com/graph/api/range-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')
func (w *Workbook) Range(ctx context.Context, at RangeRef) (*WorkbookRange, *Response, error) {
	return call[WorkbookRange](ctx, w, http.MethodGet, at.path, nil)
}

// UpdateRange writes values, formulas or number formats into a range and
// returns it as it is afterwards (formulas computed).
//
// Graph docs: https://learn.microsoft.com/graph/api/range-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')
func (w *Workbook) UpdateRange(ctx context.Context, at RangeRef, u *WorkbookRangeUpdate) (*WorkbookRange, *Response, error) {
	return call[WorkbookRange](ctx, w, http.MethodPatch, at.path, u)
}

// ClearRange clears a range's values, formats or both (how "" is ClearAll).
//
// Graph docs: https://learn.microsoft.com/graph/api/range-clear
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/clear
func (w *Workbook) ClearRange(ctx context.Context, at RangeRef, how RangeClear) (*Response, error) {
	if how == "" {
		how = ClearAll
	}
	return w.do(ctx, http.MethodPost, at.path+"/clear", map[string]RangeClear{"applyTo": how}, nil)
}

// DeleteRange deletes a range's cells, moving the cells below up
// (ShiftUp) or those to the right left (ShiftLeft).
//
// Graph docs: https://learn.microsoft.com/graph/api/range-delete
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/delete
func (w *Workbook) DeleteRange(ctx context.Context, at RangeRef, shift RangeShift) (*Response, error) {
	return w.do(ctx, http.MethodPost, at.path+"/delete", map[string]RangeShift{"shift": shift}, nil)
}

// InsertRange inserts empty cells where the range is, moving the cells
// there down (ShiftDown) or right (ShiftRight), and returns the new range.
//
// Graph docs: https://learn.microsoft.com/graph/api/range-insert
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/insert
func (w *Workbook) InsertRange(ctx context.Context, at RangeRef, shift RangeShift) (*WorkbookRange, *Response, error) {
	return call[WorkbookRange](ctx, w, http.MethodPost, at.path+"/insert", map[string]RangeShift{"shift": shift})
}

// MergeRange merges a range's cells into one, or each of its rows into
// one with across.
//
// Graph docs: https://learn.microsoft.com/graph/api/range-merge
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/merge
func (w *Workbook) MergeRange(ctx context.Context, at RangeRef, across bool) (*Response, error) {
	return w.do(ctx, http.MethodPost, at.path+"/merge", map[string]bool{"across": across}, nil)
}

// UnmergeRange splits the merged cells of a range.
//
// Graph docs: https://learn.microsoft.com/graph/api/range-unmerge
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/unmerge
func (w *Workbook) UnmergeRange(ctx context.Context, at RangeRef) (*Response, error) {
	return w.do(ctx, http.MethodPost, at.path+"/unmerge", nil, nil)
}

// RangeFormat returns a range's layout.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangeformat-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format
func (w *Workbook) RangeFormat(ctx context.Context, at RangeRef) (*WorkbookRangeFormat, *Response, error) {
	return call[WorkbookRangeFormat](ctx, w, http.MethodGet, at.path+"/format", nil)
}

// UpdateRangeFormat changes a range's layout (column width, row height,
// alignment, wrapping).
//
// Graph docs: https://learn.microsoft.com/graph/api/rangeformat-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format
func (w *Workbook) UpdateRangeFormat(ctx context.Context, at RangeRef, u *WorkbookRangeFormat) (*WorkbookRangeFormat, *Response, error) {
	return call[WorkbookRangeFormat](ctx, w, http.MethodPatch, at.path+"/format", u)
}

// RangeFont returns a range's font.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangefont-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/font
func (w *Workbook) RangeFont(ctx context.Context, at RangeRef) (*WorkbookRangeFont, *Response, error) {
	return call[WorkbookRangeFont](ctx, w, http.MethodGet, at.path+"/format/font", nil)
}

// UpdateRangeFont changes a range's font.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangefont-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/font
func (w *Workbook) UpdateRangeFont(ctx context.Context, at RangeRef, u *WorkbookRangeFont) (*WorkbookRangeFont, *Response, error) {
	return call[WorkbookRangeFont](ctx, w, http.MethodPatch, at.path+"/format/font", u)
}

// RangeFill returns a range's background.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangefill-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/fill
func (w *Workbook) RangeFill(ctx context.Context, at RangeRef) (*WorkbookRangeFill, *Response, error) {
	return call[WorkbookRangeFill](ctx, w, http.MethodGet, at.path+"/format/fill", nil)
}

// SetRangeFill gives a range a background colour ("#FFFF00").
//
// Graph docs: https://learn.microsoft.com/graph/api/rangefill-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/fill
func (w *Workbook) SetRangeFill(ctx context.Context, at RangeRef, color string) (*WorkbookRangeFill, *Response, error) {
	return call[WorkbookRangeFill](ctx, w, http.MethodPatch, at.path+"/format/fill", WorkbookRangeFill{Color: color})
}

// ClearRangeFill removes a range's background.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangefill-clear
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/fill/clear
func (w *Workbook) ClearRangeFill(ctx context.Context, at RangeRef) (*Response, error) {
	return w.do(ctx, http.MethodPost, at.path+"/format/fill/clear", nil, nil)
}

// ListRangeBorders returns every side of a range's borders.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangeformat-list-borders
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/borders
func (w *Workbook) ListRangeBorders(ctx context.Context, at RangeRef, opts *ListOptions) ([]*WorkbookRangeBorder, *Response, error) {
	return list[WorkbookRangeBorder](ctx, w, at.path+"/format/borders", opts)
}

// ListRangeBordersIter iterates over what ListRangeBorders returns.
func (w *Workbook) ListRangeBordersIter(ctx context.Context, at RangeRef, opts *ListOptions) iter.Seq2[*WorkbookRangeBorder, error] {
	return listIter[WorkbookRangeBorder](ctx, w, at.path+"/format/borders", opts)
}

// UpdateRangeBorder changes one side of a range's borders (u.SideIndex);
// a Style of "None" removes it.
//
// Graph docs: https://learn.microsoft.com/graph/api/rangeborder-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/borders/{side}
func (w *Workbook) UpdateRangeBorder(ctx context.Context, at RangeRef, u *WorkbookRangeBorder) (*WorkbookRangeBorder, *Response, error) {
	body := *u
	body.ID, body.SideIndex = "", ""
	return call[WorkbookRangeBorder](ctx, w, http.MethodPatch, at.path+"/format/borders/"+escapeSegment(u.SideIndex), body)
}
