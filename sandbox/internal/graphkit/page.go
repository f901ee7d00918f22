package graphkit

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/odata"
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

// WritePageStyle is WritePage with the collection's paging style.
func (s *Kit) WritePageStyle(w http.ResponseWriter, r *http.Request, style PageStyle, ctx string, items []any, top, skip, total, count int) {
	if items == nil {
		items = []any{}
	}
	out := odata.Object{Keys: []string{"@odata.context"}, Vals: map[string]any{"@odata.context": BaseURL(r) + "/v1.0/$metadata" + ctx, "value": items}}
	if count >= 0 {
		out.Keys = append(out.Keys, "@odata.count")
		out.Vals["@odata.count"] = count
	}
	out.Keys = append(out.Keys, "value")
	if skip+top < total {
		out.Keys = append(out.Keys, "@odata.nextLink")
		out.Vals["@odata.nextLink"] = nextLink(r, style, top, skip+top)
	}
	s.WriteJSON(w, r, out)
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
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+url.QueryEscape(v))
		}
	}
	return BaseURL(r) + r.URL.Path + "?" + strings.Join(parts, "&")
}
