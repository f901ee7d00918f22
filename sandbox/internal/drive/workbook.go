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

// readBookBody decodes a request's JSON body (which may be empty) into v
// (nil for a call that takes no body).
func readBookBody(c *bookCall, v any) error {
	data, ge := graphkit.ReadPayload(c.w, c.r, 4<<20)
	if ge != nil {
		return kitErr(ge)
	}
	if len(bytes.TrimSpace(data)) == 0 || v == nil {
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

// bookAct reads the body into in (none when nil), runs fn (saved when
// write) and answers 200 without a body, as Graph answers a workbook action.
func (s *Workload) bookAct(c *bookCall, in any, write bool, fn func(*workbook.Book) error) (bool, error) {
	if in != nil {
		if err := readBookBody(c, in); err != nil {
			return false, err
		}
	}
	if err := s.books.Do(c.key, c.session, write, fn); err != nil {
		return false, err
	}
	s.WriteStatus(c.w, c.r, http.StatusOK, nil)
	return write, nil
}

// bookDelete runs a delete and answers 204.
func (s *Workload) bookDelete(c *bookCall, fn func(*workbook.Book) error) (bool, error) {
	if err := s.books.Do(c.key, c.session, true, fn); err != nil {
		return false, err
	}
	s.WriteStatus(c.w, c.r, http.StatusNoContent, nil)
	return true, nil
}
