package graphkit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/odata"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Graph pages a collection in one of two ways, depending on the API: Outlook
// (messages, events, contacts, folders) puts $skip=N in @odata.nextLink; the
// directory, drives, Teams and most newer APIs put an opaque $skiptoken. The
// kit reads both and writes the one the collection's API uses.

// PageStyle is how @odata.nextLink continues a collection.
type PageStyle int

const (
	// SkipPages continues with $skip=N (Outlook).
	SkipPages PageStyle = iota
	// TokenPages continues with an opaque $skiptoken.
	TokenPages
)

// skipTokenPrefix marks the sandbox's skip tokens (a version, should their
// content change).
const skipTokenPrefix = "S1."

func encodeSkipToken(offset int) string {
	return skipTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, bool) {
	rest, ok := strings.CutPrefix(tok, skipTokenPrefix)
	if !ok {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0
}

// Paging reads $top (def when absent, at most max), and where to start: $skip
// or a $skiptoken from an earlier page.
func (s *Kit) Paging(w http.ResponseWriter, r *http.Request, def, max int) (top, skip int, ok bool) {
	q := r.URL.Query()
	top, skip = def, 0
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.WriteError(w, r, 400, "BadRequest", "Invalid value '"+v+"' for query option '$top'. The value must be a positive integer.")
			return 0, 0, false
		}
		if n > max {
			s.WriteError(w, r, 400, "BadRequest", "The limit of '"+strconv.Itoa(max)+"' for Top query has been exceeded. The value from the incoming request is '"+v+"'.")
			return 0, 0, false
		}
		top = n
	}
	if v := q.Get("$skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.WriteError(w, r, 400, "BadRequest", "Invalid value '"+v+"' for query option '$skip'.")
			return 0, 0, false
		}
		skip = n
	}
	if v := q.Get("$skiptoken"); v != "" {
		n, valid := decodeSkipToken(v)
		if !valid {
			s.WriteError(w, r, 400, "BadRequest", "The $skiptoken '"+v+"' is not valid: use the @odata.nextLink of the previous page as it is.")
			return 0, 0, false
		}
		skip += n
	}
	return top, skip, true
}

// WritePage writes an OData collection with @odata.nextLink ($skip style)
// when more items remain, and @odata.count when count >= 0.
func (s *Kit) WritePage(w http.ResponseWriter, r *http.Request, ctx string, items []any, top, skip, total, count int) {
	s.WritePageStyle(w, r, SkipPages, ctx, items, top, skip, total, count)
}

// WritePageStyle is WritePage with the collection's paging style. The page
// is written as it is built: each item that marshals itself (the sandbox's
// own encoders, odata.Object) is asked once, not compacted again by
// encoding/json at every level of nesting.
func (s *Kit) WritePageStyle(w http.ResponseWriter, r *http.Request, style PageStyle, ctx string, items []any, top, skip, total, count int) {
	b := pageBuffers.Get().(*bytes.Buffer)
	defer func() { // the answer is written: w keeps no part of it (io.Writer's contract)
		if b.Cap() <= maxPooledPage {
			b.Reset()
			pageBuffers.Put(b)
		}
	}()
	if err := writePage(b, r, style, ctx, items, top, skip, total, count); err != nil {
		s.WriteError(w, r, 500, "generalException", "Serialization failed.")
		return
	}
	s.WriteStatus(w, r, http.StatusOK, json.RawMessage(b.Bytes()))
}

// writePage writes the JSON of a collection page into b.
func writePage(b *bytes.Buffer, r *http.Request, style PageStyle, ctx string, items []any, top, skip, total, count int) error {
	size := 512 // the context, count and next link
	for _, it := range items {
		if raw, ok := it.(json.RawMessage); ok {
			size += len(raw) + 1
		}
	}
	b.Grow(size) // a page of encoded items is written without growing the buffer again
	b.WriteString(`{"@odata.context":`)
	writeString(b, BaseURL(r)+"/v1.0/$metadata"+ctx)
	if count >= 0 {
		b.WriteString(`,"@odata.count":`)
		b.WriteString(strconv.Itoa(count))
	}
	b.WriteString(`,"value":[`)
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		var data []byte
		var err error
		if m, ok := it.(json.Marshaler); ok {
			data, err = m.MarshalJSON()
		} else {
			data, err = odata.Marshal(it)
		}
		if err != nil {
			return err
		}
		b.Write(data)
	}
	b.WriteByte(']')
	if skip+top < total {
		b.WriteString(`,"@odata.nextLink":`)
		writeString(b, nextLink(r, style, top, skip+top))
	}
	b.WriteByte('}')
	return nil
}

// pageBuffers are the buffers pages are written into, reused from one page to the next
// (a page of 100 messages is about 250 KB); one that grew past maxPooledPage is dropped.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 4 << 20

// writeString writes v as a JSON string without HTML escaping (Graph's).
func writeString(b *bytes.Buffer, v string) {
	data, _ := odata.Marshal(v)
	b.Write(data)
}

// nextLink is the request's URL with its query continued at next.
func nextLink(r *http.Request, style PageStyle, top, next int) string {
	q := r.URL.Query()
	q.Del("$skip")
	q.Del("$skiptoken")
	q.Set("$top", strconv.Itoa(top))
	if style == TokenPages {
		q.Set("$skiptoken", encodeSkipToken(next))
	} else {
		q.Set("$skip", strconv.Itoa(next))
	}
	return BaseURL(r) + r.URL.EscapedPath() + "?" + EncodeQuery(q)
}
