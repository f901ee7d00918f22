package msgraph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// ExcelService is Excel workbooks stored in OneDrive for Business or
// SharePoint (.xlsx only; not consumer OneDrive, not the China cloud).
// Open a [Workbook] on a drive item and work with its worksheets, ranges and
// tables (O365's WorkBook, WorkSheet, Range and Table).
type ExcelService service

// Workbook is an Excel workbook, optionally in a session: with a session,
// Excel keeps the workbook loaded between calls (faster), and changes are
// kept or dropped at the end as asked when opening it. A Workbook is safe for
// concurrent use.
type Workbook struct {
	c       *Client
	path    string // …/items/{id}/workbook
	persist bool

	mu      sync.Mutex
	session string
}

// Worksheet is a sheet of a workbook.
type Worksheet struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	Position int    `json:"position"`
	// Visibility is "Visible", "Hidden" or "VeryHidden".
	Visibility string `json:"visibility,omitempty"`
}

// Range is a block of cells. Values hold numbers, strings and booleans as
// Excel has them; Text holds what Excel displays.
type Range struct {
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

// Table is an Excel table.
type Table struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	ShowHeaders bool   `json:"showHeaders,omitempty"`
	ShowTotals  bool   `json:"showTotals,omitempty"`
	Style       string `json:"style,omitempty"`
}

// TableRow is a row of a table.
type TableRow struct {
	Index  int     `json:"index"`
	Values [][]any `json:"values"`
}

// Workbook returns the workbook of a drive item, without a session: each
// call stands alone and changes are saved at once.
func (s *ExcelService) Workbook(d DriveRef, item string) *Workbook {
	return &Workbook{c: s.client, path: d.item(item) + "/workbook"}
}

// Open opens the workbook of a drive item in a session. With persist,
// changes are saved; without, they are dropped when the session ends (useful
// for calculations). Call Close when done. An expired session is recreated
// on the next call.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-createsession
//
//meta:operation POST /drives/{id}/items/{id}/workbook/createSession
func (s *ExcelService) Open(ctx context.Context, d DriveRef, item string, persist bool) (*Workbook, error) {
	w := &Workbook{c: s.client, path: d.item(item) + "/workbook", persist: persist}
	if err := w.newSession(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Workbook) newSession(ctx context.Context) error {
	info, _, err := doJSON[struct {
		ID string `json:"id"`
	}](ctx, w.c, http.MethodPost, w.path+"/createSession", map[string]bool{"persistChanges": w.persist}, nil)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.session = info.ID
	w.mu.Unlock()
	return nil
}

// Session returns the session id ("" without a session).
func (w *Workbook) Session() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.session
}

// Close ends the session (a no-op without one).
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-closesession
//
//meta:operation POST /drives/{id}/items/{id}/workbook/closeSession
func (w *Workbook) Close(ctx context.Context) error {
	id := w.Session()
	if id == "" {
		return nil
	}
	req, err := w.c.NewRequest(ctx, http.MethodPost, w.path+"/closeSession", nil)
	if err != nil {
		return err
	}
	req.Header.Set("workbook-session-id", id)
	_, err = w.c.Do(req, nil)
	w.mu.Lock()
	w.session = ""
	w.mu.Unlock()
	return err
}

// do sends a workbook request in the session, recreating an expired session once.
func (w *Workbook) do(ctx context.Context, method, path string, body, out any) (*Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := w.c.NewRequest(ctx, method, w.path+"/"+path, body)
		if err != nil {
			return nil, err
		}
		session := w.Session()
		if session != "" {
			req.Header.Set("workbook-session-id", session)
		}
		resp, err := w.c.Do(req, out)
		var ge *Error
		if attempt == 0 && session != "" && errors.As(err, &ge) && sessionExpired(ge) {
			if serr := w.newSession(ctx); serr != nil {
				return resp, err
			}
			continue
		}
		return resp, err
	}
}

// sessionExpired reports whether Excel refused a request because its
// session is gone (timed out after inactivity).
func sessionExpired(e *Error) bool {
	c := strings.ToLower(e.Code + " " + e.InnerCode)
	return (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusBadRequest) && strings.Contains(c, "session")
}

// ListWorksheets returns the workbook's sheets.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-list-worksheets
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets
func (w *Workbook) ListWorksheets(ctx context.Context) ([]*Worksheet, error) {
	var p page[Worksheet]
	_, err := w.do(ctx, http.MethodGet, "worksheets", nil, &p)
	return p.Value, err
}

// AddWorksheet adds a sheet named name.
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheetcollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/add
func (w *Workbook) AddWorksheet(ctx context.Context, name string) (*Worksheet, error) {
	ws := new(Worksheet)
	_, err := w.do(ctx, http.MethodPost, "worksheets/add", map[string]string{"name": name}, ws)
	return ws, err
}

func sheetPath(sheet string) string { return "worksheets/" + escapeSegment(sheet) }

func rangePath(sheet, address string) string {
	return sheetPath(sheet) + "/range(address='" + escapeSegment(strings.ReplaceAll(address, "'", "''")) + "')"
}

// Range returns the cells at address ("A1:C3") of a sheet (by name or id).
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheet-range
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')
func (w *Workbook) Range(ctx context.Context, sheet, address string) (*Range, error) {
	r := new(Range)
	_, err := w.do(ctx, http.MethodGet, rangePath(sheet, address), nil, r)
	return r, err
}

// UsedRange returns the smallest range holding every used cell of a sheet.
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheet-usedrange
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}/usedRange
func (w *Workbook) UsedRange(ctx context.Context, sheet string) (*Range, error) {
	r := new(Range)
	_, err := w.do(ctx, http.MethodGet, sheetPath(sheet)+"/usedRange", nil, r)
	return r, err
}

// SetValues writes values (rows of cells; a string starting with "=" is a
// formula) into the range at address, whose size must match.
//
// Graph docs: https://learn.microsoft.com/graph/api/range-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')
func (w *Workbook) SetValues(ctx context.Context, sheet, address string, values [][]any) (*Range, error) {
	r := new(Range)
	_, err := w.do(ctx, http.MethodPatch, rangePath(sheet, address), map[string]any{"values": values}, r)
	return r, err
}

// ListTables returns the workbook's tables.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-list-tables
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables
func (w *Workbook) ListTables(ctx context.Context) ([]*Table, error) {
	var p page[Table]
	_, err := w.do(ctx, http.MethodGet, "tables", nil, &p)
	return p.Value, err
}

// TableRows returns the rows of a table (by name or id).
//
// Graph docs: https://learn.microsoft.com/graph/api/table-list-rows
//
//meta:operation GET /drives/{id}/items/{id}/workbook/tables/{id}/rows
func (w *Workbook) TableRows(ctx context.Context, table string) ([]*TableRow, error) {
	var p page[TableRow]
	_, err := w.do(ctx, http.MethodGet, "tables/"+escapeSegment(table)+"/rows", nil, &p)
	return p.Value, err
}

// AddTableRows appends rows to a table.
//
// Graph docs: https://learn.microsoft.com/graph/api/tablerowcollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/tables/{id}/rows/add
func (w *Workbook) AddTableRows(ctx context.Context, table string, rows [][]any) (*TableRow, error) {
	r := new(TableRow)
	_, err := w.do(ctx, http.MethodPost, "tables/"+escapeSegment(table)+"/rows/add", map[string]any{"values": rows}, r)
	return r, err
}
