package msgraph

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strings"
	"sync"
)

// ExcelService is Excel workbooks stored in OneDrive for Business or
// SharePoint (.xlsx only; not consumer OneDrive, not the China cloud).
// Open a [Workbook] on a drive item and work with its worksheets, ranges,
// tables, named items and functions (O365's WorkBook, WorkSheet, Range,
// Table and NamedRange).
//
// Workbook collections (worksheets, tables, rows, columns, names) are not
// paged by Graph: each List method returns the whole collection in one
// answer; its …Iter, there like every list's, iterates over that answer.
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

// WorkbookSessionInfo is a workbook session as createSession answers it.
type WorkbookSessionInfo struct {
	ID             string `json:"id,omitempty"`
	PersistChanges bool   `json:"persistChanges"`
}

// WorkbookWorksheet is a sheet of a workbook.
type WorkbookWorksheet struct {
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	Position int    `json:"position"`
	// Visibility is "Visible", "Hidden" or "VeryHidden".
	Visibility string `json:"visibility,omitempty"`
}

// WorkbookWorksheetUpdate changes a sheet: each member set is changed.
type WorkbookWorksheetUpdate struct {
	Name     string `json:"name,omitempty"`
	Position *int   `json:"position,omitempty"`
	// Visibility is "Visible", "Hidden" or "VeryHidden".
	Visibility string `json:"visibility,omitempty"`
}

// WorkbookApplication is the workbook's calculation settings.
type WorkbookApplication struct {
	// CalculationMode is "Automatic", "AutomaticExceptTables" or "Manual".
	CalculationMode string `json:"calculationMode,omitempty"`
}

// CalculationType is how Calculate recalculates a workbook.
type CalculationType string

// The calculation types.
const (
	Recalculate          CalculationType = "Recalculate" // the cells Excel marked as changed
	CalculateFull        CalculationType = "Full"        // every cell
	CalculateFullRebuild CalculationType = "FullRebuild" // every cell, rebuilding the dependencies
)

// WorkbookFunctionResult is the answer of a workbook function: Error is an
// Excel error value ("#NUM!") or nil, Value the result.
type WorkbookFunctionResult struct {
	Error *string `json:"error"`
	Value any     `json:"value"`
}

// Workbook returns the workbook of a drive item, without a session: each
// call stands alone and changes are saved at once.
func (s *ExcelService) Workbook(d DriveRef, item string) *Workbook {
	return &Workbook{c: s.client, path: d.item(item) + "/workbook"}
}

// Open opens the workbook of a drive item in a session. With persist,
// changes are saved; without, they are dropped when the session ends (useful
// for calculations) and other sessions never see them. Call Close when
// done. An expired session is recreated on the next call.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-createsession
//
//meta:operation POST /drives/{id}/items/{id}/workbook/createSession
func (s *ExcelService) Open(ctx context.Context, d DriveRef, item string, persist bool) (*Workbook, *Response, error) {
	w := &Workbook{c: s.client, path: d.item(item) + "/workbook", persist: persist}
	resp, err := w.newSession(ctx)
	if err != nil {
		return nil, resp, err
	}
	return w, resp, nil
}

func (w *Workbook) newSession(ctx context.Context) (*Response, error) {
	info, resp, err := doJSON[WorkbookSessionInfo](ctx, w.c, http.MethodPost, w.path+"/createSession",
		map[string]bool{"persistChanges": w.persist}, nil)
	if err != nil {
		return resp, err
	}
	w.mu.Lock()
	w.session = info.ID
	w.mu.Unlock()
	return resp, nil
}

// Session returns the session id ("" without a session).
func (w *Workbook) Session() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.session
}

// Refresh keeps the session alive (a no-op without one).
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-refreshsession
//
//meta:operation POST /drives/{id}/items/{id}/workbook/refreshSession
func (w *Workbook) Refresh(ctx context.Context) (*Response, error) {
	if w.Session() == "" {
		return nil, nil
	}
	return w.do(ctx, http.MethodPost, "refreshSession", nil, nil)
}

// Close ends the session (a no-op without one).
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-closesession
//
//meta:operation POST /drives/{id}/items/{id}/workbook/closeSession
func (w *Workbook) Close(ctx context.Context) (*Response, error) {
	id := w.Session()
	if id == "" {
		return nil, nil
	}
	req, err := w.c.NewRequest(ctx, http.MethodPost, w.path+"/closeSession", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("workbook-session-id", id)
	resp, err := w.c.Do(req, nil)
	w.mu.Lock()
	w.session = ""
	w.mu.Unlock()
	return resp, err
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
			if _, serr := w.newSession(ctx); serr != nil {
				return resp, err
			}
			continue
		}
		return resp, err
	}
}

// call sends a workbook request and decodes its answer as a T.
func call[T any](ctx context.Context, w *Workbook, method, path string, body any) (*T, *Response, error) {
	v := new(T)
	resp, err := w.do(ctx, method, path, body, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// list gets a workbook collection (all of it: Graph does not page them)
// with the query of opts.
func list[T any](ctx context.Context, w *Workbook, path string, opts *ListOptions) ([]*T, *Response, error) {
	var p page[T]
	resp, err := w.do(ctx, http.MethodGet, listURL(path, opts), nil, &p)
	if err != nil {
		return nil, resp, err
	}
	return p.Value, resp, nil
}

// listIter iterates over a workbook collection, as list gets it.
func listIter[T any](ctx context.Context, w *Workbook, path string, opts *ListOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		items, _, err := list[T](ctx, w, path, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		yieldEach(items, yield)
	}
}

// sessionExpired reports whether Excel refused a request because its
// session is gone (timed out after inactivity).
func sessionExpired(e *Error) bool {
	c := strings.ToLower(e.Code + " " + e.InnerCode)
	return (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusBadRequest) && strings.Contains(c, "session")
}

func sheetPath(sheet string) string { return "worksheets/" + escapeSegment(sheet) }

// ListWorksheets returns the workbook's sheets.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbook-list-worksheets
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets
func (w *Workbook) ListWorksheets(ctx context.Context, opts *ListOptions) ([]*WorkbookWorksheet, *Response, error) {
	return list[WorkbookWorksheet](ctx, w, "worksheets", opts)
}

// ListWorksheetsIter iterates over what ListWorksheets returns.
func (w *Workbook) ListWorksheetsIter(ctx context.Context, opts *ListOptions) iter.Seq2[*WorkbookWorksheet, error] {
	return listIter[WorkbookWorksheet](ctx, w, "worksheets", opts)
}

// GetWorksheet returns a sheet by name or id.
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheet-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/worksheets/{id}
func (w *Workbook) GetWorksheet(ctx context.Context, sheet string) (*WorkbookWorksheet, *Response, error) {
	return call[WorkbookWorksheet](ctx, w, http.MethodGet, sheetPath(sheet), nil)
}

// AddWorksheet adds a sheet named name at the end ("" for the next free
// SheetN).
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheetcollection-add
//
//meta:operation POST /drives/{id}/items/{id}/workbook/worksheets/add
func (w *Workbook) AddWorksheet(ctx context.Context, name string) (*WorkbookWorksheet, *Response, error) {
	return call[WorkbookWorksheet](ctx, w, http.MethodPost, "worksheets/add", map[string]string{"name": name})
}

// UpdateWorksheet renames, moves or hides a sheet.
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheet-update
//
//meta:operation PATCH /drives/{id}/items/{id}/workbook/worksheets/{id}
func (w *Workbook) UpdateWorksheet(ctx context.Context, sheet string, u *WorkbookWorksheetUpdate) (*WorkbookWorksheet, *Response, error) {
	return call[WorkbookWorksheet](ctx, w, http.MethodPatch, sheetPath(sheet), u)
}

// DeleteWorksheet deletes a sheet and its tables.
//
// Graph docs: https://learn.microsoft.com/graph/api/worksheet-delete
//
//meta:operation DELETE /drives/{id}/items/{id}/workbook/worksheets/{id}
func (w *Workbook) DeleteWorksheet(ctx context.Context, sheet string) (*Response, error) {
	return w.do(ctx, http.MethodDelete, sheetPath(sheet), nil, nil)
}

// Application returns the workbook's calculation mode.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbookapplication-get
//
//meta:operation GET /drives/{id}/items/{id}/workbook/application
func (w *Workbook) Application(ctx context.Context) (*WorkbookApplication, *Response, error) {
	return call[WorkbookApplication](ctx, w, http.MethodGet, "application", nil)
}

// Calculate recalculates the workbook's formulas.
//
// Graph docs: https://learn.microsoft.com/graph/api/workbookapplication-calculate
//
//meta:operation POST /drives/{id}/items/{id}/workbook/application/calculate
func (w *Workbook) Calculate(ctx context.Context, how CalculationType) (*Response, error) {
	return w.do(ctx, http.MethodPost, "application/calculate", map[string]CalculationType{"calculationType": how}, nil)
}

// CallFunction evaluates an Excel worksheet function (name as Graph spells
// it: "sum", "pmt", "vlookup", "stDev_S") with its arguments by Graph's
// parameter names ("values", "rate", "lookupValue" ...). An argument is a
// number, string, boolean, a 2-D array, or [RangeArgument] for cells of the
// workbook (or a workbook name of cells). A formula error comes back in the
// result's Error, not as an error.
//
// Graph docs: https://learn.microsoft.com/graph/api/resources/workbookfunctions
//
//meta:operation POST /drives/{id}/items/{id}/workbook/functions/{name}
func (w *Workbook) CallFunction(ctx context.Context, name string, args map[string]any) (*WorkbookFunctionResult, *Response, error) {
	if args == nil {
		args = map[string]any{}
	}
	return call[WorkbookFunctionResult](ctx, w, http.MethodPost, "functions/"+escapeSegment(name), args)
}

// RangeArgument is a function argument that refers to cells of the
// workbook, such as "Sheet1!A1:A10", or to a workbook name of cells.
func RangeArgument(address string) map[string]string { return map[string]string{"address": address} }
