package drive

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// Workbooks: .../items/{id}/workbook/... is Graph's workbook API on a file's
// content, served by package workbook. The drive is its Store: an item's
// workbook is named "{drive id}/{item id}", its version is the content's,
// and a saved workbook becomes the item's new content like an upload.

// bookStore is the drive as the workbooks' Store.
type bookStore struct{ s *Workload }

// file returns the live file key names; the caller holds the lock.
func (b bookStore) file(key string) (*drive, *item, error) {
	did, id, _ := strings.Cut(key, "/")
	d := b.s.drives[did]
	if d == nil {
		return nil, nil, workbook.ErrItemNotFound
	}
	it := d.find(id)
	if it == nil || it.Folder {
		return nil, nil, workbook.ErrItemNotFound
	}
	return d, it, nil
}

// Version is the item's content version (its cTag's number).
func (b bookStore) Version(key string) (string, error) {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	_, it, err := b.file(key)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(it.Content), nil
}

// Load reads the item's content.
func (b bookStore) Load(key string) ([]byte, error) {
	b.s.mu.Lock()
	_, it, err := b.file(key)
	hash := ""
	if it != nil {
		hash = it.Hash
	}
	b.s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	r, err := b.s.open(hash)
	if err != nil {
		return nil, err
	}
	if c, ok := r.(io.Closer); ok {
		defer c.Close()
	}
	return io.ReadAll(r)
}

// Save stores data as the item's new content; the handler that called it
// journals the item (workbookRoute).
func (b bookStore) Save(key string, data []byte) error {
	size, hash, ce := b.s.storeContent(bytes.NewReader(data))
	if ce != nil {
		return kitErr(ce)
	}
	now := b.s.Now().UTC()
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	_, it, err := b.file(key)
	if err != nil {
		return err
	}
	it.replaceContent(size, hash, now, it.ModBy)
	return nil
}

// bookCall is one workbook request: the item's workbook and what follows
// workbook/ split into segments.
type bookCall struct {
	w       http.ResponseWriter
	r       *http.Request
	key     string // the Store's name of the workbook
	session string
	segs    []string
}

// workbookRoute serves .../{item}/workbook/...
func (s *Workload) workbookRoute(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	key := ""
	if it != nil && !it.Folder {
		key = d.ID + "/" + it.ID
	}
	s.mu.Unlock()
	if key == "" {
		s.Fail(w, r, errNotFound)
		return
	}
	c := &bookCall{w: w, r: r, key: key, session: r.Header.Get("workbook-session-id")}
	if t.book != "" {
		c.segs = bookSegments(t.book)
	}
	write, err := s.bookRoute(c)
	if write && err == nil {
		s.mu.Lock()
		s.touch(r, d, it)
		s.mu.Unlock()
	}
	if err != nil {
		s.bookFail(w, r, err)
	}
}

// bookSegments splits what follows workbook/, with the key syntax of its
// collections (worksheets('Sales'), tables('T1'), names('N')) as
// name/key, as the mux does for the segments it knows.
func bookSegments(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		name, key, ok := strings.Cut(seg, "('")
		switch strings.ToLower(name) {
		case "worksheets", "tables", "names":
			if ok && strings.HasSuffix(key, "')") {
				out = append(out, name, strings.ReplaceAll(strings.TrimSuffix(key, "')"), "''", "'"))
				continue
			}
		}
		out = append(out, seg)
	}
	return out
}

// bookFail answers a workbook error with Graph's error body.
func (s *Workload) bookFail(w http.ResponseWriter, r *http.Request, err error) {
	var we *workbook.Error
	if errors.As(err, &we) {
		s.Fail(w, r, graphkit.Err(we.Status, we.Code, we.Message))
	} else {
		s.Fail(w, r, graphkit.Err(500, "generalException", "The workbook could not be read or saved."))
	}
}

// kitErr is a kit error as the workbook handlers return errors.
func kitErr(ge *graphkit.Error) error {
	return &workbook.Error{Status: ge.Status, Code: ge.Code, Message: ge.Message}
}

var errBookRoute = kitErr(graphkit.BadRequest("This workbook address or method is not supported by the sandbox."))

// bookRoute dispatches a workbook request; write reports whether it may
// have changed the item's content.
func (s *Workload) bookRoute(c *bookCall) (write bool, err error) {
	m, segs := c.r.Method, c.segs
	seg := func(i int) string {
		if i < len(segs) {
			return strings.ToLower(segs[i])
		}
		return ""
	}
	switch {
	case len(segs) == 1 && m == "POST" && seg(0) == "createsession":
		return false, s.createBookSession(c)
	case len(segs) == 1 && m == "POST" && (seg(0) == "refreshsession" || seg(0) == "closesession"):
		if c.session == "" {
			return false, kitErr(graphkit.BadRequest("The workbook-session-id header is required."))
		}
		if seg(0) == "refreshsession" {
			err = s.books.Refresh(c.key, c.session)
		} else {
			err = s.books.Close(c.key, c.session)
		}
		if err == nil {
			s.WriteStatus(c.w, c.r, http.StatusNoContent, nil)
		}
		return false, err
	case seg(0) == "worksheets":
		return s.sheetRoute(c, segs[1:])
	case len(segs) == 1 && m == "GET" && seg(0) == "tables":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Tables("") })
	case len(segs) == 1 && m == "GET" && seg(0) == "names":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Names("") })
	case len(segs) == 2 && m == "POST" && seg(0) == "tables" && seg(1) == "add":
		var in struct {
			Address    string `json:"address"`
			HasHeaders bool   `json:"hasHeaders"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) {
			return b.AddTable("", in.Address, in.HasHeaders)
		})
	case len(segs) == 2 && m == "GET" && seg(0) == "tables":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Table(segs[1]) })
	case len(segs) == 2 && m == "GET" && seg(0) == "names":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Name("", segs[1]) })
	case len(segs) == 3 && m == "GET" && seg(0) == "tables" && seg(2) == "rows":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.TableRows(segs[1]) })
	case len(segs) == 4 && m == "POST" && seg(0) == "tables" && seg(2) == "rows" && seg(3) == "add":
		var in struct {
			Index  *int    `json:"index"`
			Values [][]any `json:"values"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) {
			return b.AddTableRows(segs[1], in.Index, in.Values)
		})
	}
	return false, errBookRoute
}

// sheetRoute serves worksheets and what is below one.
func (s *Workload) sheetRoute(c *bookCall, segs []string) (bool, error) {
	m := c.r.Method
	switch {
	case len(segs) == 0 && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Worksheets(), nil })
	case len(segs) == 1 && m == "POST" && strings.EqualFold(segs[0], "add"):
		var in struct {
			Name string `json:"name"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) { return b.AddWorksheet(in.Name) })
	case len(segs) == 0:
		return false, errBookRoute
	}
	sheet := segs[0]
	switch {
	case len(segs) == 1 && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Worksheet(sheet) })
	case len(segs) == 1 && m == "PATCH":
		var in workbook.WorksheetUpdate
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) { return b.UpdateWorksheet(sheet, in) })
	case len(segs) == 1 && m == "DELETE":
		if err := s.books.Do(c.key, c.session, true, func(b *workbook.Book) error { return b.DeleteWorksheet(sheet) }); err != nil {
			return false, err
		}
		s.WriteStatus(c.w, c.r, http.StatusNoContent, nil)
		return true, nil
	case len(segs) == 2 && m == "GET" && strings.EqualFold(segs[1], "tables"):
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Tables(sheet) })
	case len(segs) == 2 && m == "GET" && strings.EqualFold(segs[1], "names"):
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Names(sheet) })
	case len(segs) == 2 && m == "GET" && strings.EqualFold(segs[1], "usedRange"):
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.UsedRange(sheet, false) })
	case len(segs) == 2 && m == "GET" && strings.EqualFold(segs[1], "usedRange(valuesOnly=true)"):
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.UsedRange(sheet, true) })
	case len(segs) == 2:
		address, ok := rangeAddress(segs[1])
		if !ok {
			return false, errBookRoute
		}
		switch m {
		case "GET":
			return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Range(sheet, address) })
		case "PATCH":
			var in workbook.RangePatch
			return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) { return b.SetRange(sheet, address, in) })
		}
	}
	return false, errBookRoute
}

// rangeAddress reads range(address='A1:B2') (a quote inside doubled).
func rangeAddress(seg string) (string, bool) {
	a, ok := cutFold(seg, "range(address='")
	if !ok || !strings.HasSuffix(a, "')") {
		return "", false
	}
	return strings.ReplaceAll(strings.TrimSuffix(a, "')"), "''", "'"), true
}

// createBookSession serves createSession.
func (s *Workload) createBookSession(c *bookCall) error {
	var in struct {
		PersistChanges bool `json:"persistChanges"`
	}
	if err := readBookBody(c, &in); err != nil {
		return err
	}
	info, err := s.books.Create(c.key, in.PersistChanges)
	if err != nil {
		return err
	}
	s.WriteStatus(c.w, c.r, http.StatusCreated, info)
	return nil
}

// readBookBody decodes a request's JSON body (which may be empty) into v.
func readBookBody(c *bookCall, v any) error {
	data, ge := graphkit.ReadPayload(c.w, c.r, 4<<20)
	if ge != nil {
		return kitErr(ge)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return kitErr(graphkit.BadRequest("The request body is not valid for this workbook call: " + err.Error()))
	}
	return nil
}

// bookRead answers what fn reads of the workbook.
func (s *Workload) bookRead(c *bookCall, fn func(*workbook.Book) (any, error)) error {
	var out any
	err := s.books.Do(c.key, c.session, false, func(b *workbook.Book) (err error) {
		out, err = fn(b)
		return err
	})
	if err == nil {
		s.WriteJSON(c.w, c.r, out)
	}
	return err
}

// bookList answers what fn lists as a collection.
func (s *Workload) bookList(c *bookCall, fn func(*workbook.Book) (any, error)) error {
	return s.bookRead(c, func(b *workbook.Book) (any, error) {
		v, err := fn(b)
		return map[string]any{"value": v}, err
	})
}

// bookWrite reads the body into in, runs fn as a write and answers its
// result with status.
func (s *Workload) bookWrite(c *bookCall, in any, status int, fn func(*workbook.Book) (any, error)) (bool, error) {
	if err := readBookBody(c, in); err != nil {
		return false, err
	}
	var out any
	err := s.books.Do(c.key, c.session, true, func(b *workbook.Book) (err error) {
		out, err = fn(b)
		return err
	})
	if err != nil {
		return false, err
	}
	s.WriteStatus(c.w, c.r, status, out)
	return true, nil
}
