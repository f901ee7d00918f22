// Package workbook is the Microsoft Graph workbook model (worksheets, ranges,
// tables, named items and sessions) over the bytes of an .xlsx file, read and
// written with excelize. It knows nothing of HTTP: the drive workload's
// handlers call it and turn its *Error into Graph's error answer.
//
// Values follow Graph's types: numbers are float64, booleans bool, text
// string, and an empty cell "". A formula's value is computed with excelize's
// calculation engine, or is the value stored in the file where the engine
// cannot compute it.
package workbook

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/xuri/excelize/v2"
)

// Error is a workbook request that Graph refuses: Status is the HTTP status,
// Code Graph's error code and Message its message.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Graph's workbook errors (https://learn.microsoft.com/graph/workbook-error-codes).
var (
	// ErrItemNotFound is a worksheet, table, row, column or name that does not exist.
	ErrItemNotFound = &Error{404, "ItemNotFound", "The requested resource doesn't exist."}
	// ErrItemAlreadyExists is a name already taken by a sheet, table or named item.
	ErrItemAlreadyExists = &Error{409, "ItemAlreadyExists", "The resource being created already exists."}
	// ErrDimensions is a 2-D array whose shape is not the range's.
	ErrDimensions = &Error{400, "InvalidArgument",
		"The number of rows or columns in the input array doesn't match the size or dimensions of the range."}
	// ErrSessionExpired is a workbook-session-id that is unknown, closed or timed out.
	ErrSessionExpired = &Error{404, "invalidSessionReCreatable",
		"The session specified in the request does not exist or is invalid due to a transient error."}
)

// invalidArgument is Graph's 400 for a malformed or missing argument.
func invalidArgument(format string, a ...any) *Error {
	return &Error{400, "InvalidArgument", fmt.Sprintf(format, a...)}
}

// Book is an open workbook. It is safe for concurrent use: each call holds
// the book's lock for its whole duration.
type Book struct {
	mu sync.Mutex
	f  *excelize.File
}

// MaxUnzipped bounds what a workbook unzips to: a larger one (or a zip
// bomb) is refused as unsupportedWorkbook. Every part stays in memory, so
// excelize writes no temporary files.
var MaxUnzipped int64 = 256 << 20

// openFile reads .xlsx bytes with the package's limits.
func openFile(data []byte) (*excelize.File, error) {
	return excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped,
	})
}

// Open reads an .xlsx workbook.
func Open(data []byte) (*Book, error) {
	f, err := openFile(data)
	if err != nil {
		return nil, &Error{400, "unsupportedWorkbook", "The workbook cannot be opened: " + err.Error()}
	}
	return &Book{f: f}, nil
}

// New returns an empty workbook with one sheet, Sheet1.
func New() *Book { return &Book{f: excelize.NewFile()} }

// Bytes writes the workbook as .xlsx. Formulas are saved without cached
// values and the workbook asks Excel and LibreOffice to calculate on load.
func (b *Book) Bytes() ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bytes()
}

func (b *Book) bytes() ([]byte, error) {
	if err := b.syncTableHeaders(); err != nil {
		return nil, err
	}
	on := true
	if err := b.f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}); err != nil {
		return nil, err
	}
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	data := bytes.Clone(buf.Bytes())
	// excelize leaves a written sheet's cells out of step with its index
	// (a cell styled before the write reads back from another cell after
	// it), so the book goes on from the bytes it wrote.
	f, err := openFile(data)
	if err != nil {
		return nil, err
	}
	_ = b.f.Close()
	b.f = f
	return data, nil
}

// Clone returns an independent copy of the workbook (a non-persistent
// session's private copy).
func (b *Book) Clone() (*Book, error) {
	data, err := b.Bytes()
	if err != nil {
		return nil, err
	}
	return Open(data)
}
