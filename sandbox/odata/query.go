// Package odata parses OData v4 system query options ($select, $filter,
// $orderby, $top, $skip, $count, $search, $expand) and applies them to JSON
// objects (map[string]any as decoded by encoding/json), the way Microsoft
// Graph does for the sandbox's collections. It depends on the standard
// library only (and internal/guid).
package odata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Error is a query error; handlers answer it with HTTP 400 and Graph's error
// body {"error":{"code": Code, "message": Message}}.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func badRequest(format string, args ...any) *Error {
	return &Error{Code: "BadRequest", Message: fmt.Sprintf(format, args...)}
}

func syntaxErr(format string, args ...any) *Error {
	return &Error{Code: "BadRequest", Message: "Invalid filter clause: " + fmt.Sprintf(format, args...)}
}

func notFound(name string, t *Type) *Error {
	return badRequest("Could not find a property named '%s' on type '%s'.", name, t.Name)
}

// Type describes an entity type: its qualified name, its default properties
// in Graph's order (returned without $select) and further properties that
// may be selected or filtered on, and its expandable navigation properties.
type Type struct {
	Name       string // e.g. microsoft.graph.message
	Props      []string
	Extra      []string
	Expandable []string
	// Keep are always returned, even when $select leaves them out ("id", "@odata.etag").
	Keep []string
	// PropTypes are the types of property paths ("isRead": "Edm.Boolean",
	// "from/emailAddress/address": "Edm.String", an enum by its name) that
	// $filter checks comparisons with literals against.
	PropTypes map[string]string
}

func (t *Type) has(name string) bool {
	return slices.Contains(t.Props, name) || slices.Contains(t.Extra, name) || slices.Contains(t.Keep, name)
}

// ExpandItem is one navigation property of $expand and its options, the
// text between its parentheses ("$filter=id eq 'x'"), which the workload
// that expands it reads.
type ExpandItem struct {
	Name, Options string
}

// SplitExpand splits the value of $expand at the commas outside
// parentheses and quotes: "a,b($filter=id eq 'x,y')" is a and b with its
// options.
func SplitExpand(v string) []ExpandItem {
	var out []ExpandItem
	depth, quoted, start := 0, false, 0
	add := func(s string) {
		s = strings.TrimSpace(s)
		name, opts, _ := strings.Cut(s, "(")
		if opts != "" {
			opts = strings.TrimSuffix(opts, ")")
		}
		out = append(out, ExpandItem{Name: strings.TrimSpace(name), Options: opts})
	}
	for i, c := range v {
		switch {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			add(v[start:i])
			start = i + 1
		}
	}
	add(v[start:])
	return out
}

// OrderKey is one $orderby key.
type OrderKey struct {
	Path []string
	Desc bool
}

// Query holds parsed system query options.
type Query struct {
	Select  []string
	Expand  []string
	Filter  Expr
	OrderBy []OrderKey
	Top     int // 0 = not given
	Skip    int
	Count   bool
	Search  *Search
}

// Limits are the page size rules of a collection.
type Limits struct {
	DefaultTop int
	MaxTop     int
	// Searchable allows $search.
	Searchable bool
	// SearchExclusive rejects $filter and $orderby together with $search, as
	// Graph does for messages.
	SearchExclusive bool
	// SearchApplied leaves $search to the caller, which has applied it to
	// the list already (the directory's form, [ParseDirSearch]); it stays
	// in the request, so in the next link.
	SearchApplied bool
	// OrderByInFilter applies Exchange's rule for $filter with $orderby:
	// the $orderby properties must be the first properties the $filter
	// names, in the same order; otherwise 400 InefficientFilter.
	OrderByInFilter bool
}

// ErrInefficientFilter is Exchange's answer to a $filter and $orderby that
// break OrderByInFilter.
var ErrInefficientFilter = &Error{Code: "InefficientFilter", Message: "The restriction or sort order is too complex for this operation."}

// Parse reads the system query options of q for type t.
func Parse(q url.Values, t *Type, lim Limits) (*Query, error) {
	out := &Query{}
	for k := range q {
		switch k {
		case "$select", "$filter", "$orderby", "$top", "$skip", "$count", "$search", "$expand", "$skiptoken", "$deltatoken", "$format":
		default:
			if strings.HasPrefix(k, "$") {
				return nil, badRequest("Query option '%s' is not allowed. Make sure that the name of the query option is correct.", k)
			}
		}
	}
	if v := q.Get("$select"); v != "" {
		sel, err := ParseSelect(v, t)
		if err != nil {
			return nil, err
		}
		out.Select = sel
	}
	if v := q.Get("$expand"); v != "" {
		for _, x := range SplitExpand(v) {
			if !slices.Contains(t.Expandable, x.Name) {
				return nil, badRequest("Parsing OData Select and Expand failed: Could not find a property named '%s' on type '%s'.", x.Name, t.Name)
			}
			out.Expand = append(out.Expand, x.Name)
		}
	}
	if v, ok := q["$filter"]; ok {
		e, err := ParseFilter(v[0], t)
		if err != nil {
			return nil, err
		}
		out.Filter = e
	}
	if v := q.Get("$orderby"); v != "" {
		keys, err := ParseOrderBy(v, t)
		if err != nil {
			return nil, err
		}
		out.OrderBy = keys
	}
	if lim.OrderByInFilter && out.Filter != nil && len(out.OrderBy) > 0 {
		names := FilterPaths(out.Filter)
		if len(names) < len(out.OrderBy) {
			return nil, ErrInefficientFilter
		}
		for i, k := range out.OrderBy {
			if !strings.EqualFold(names[i], strings.Join(k.Path, "/")) {
				return nil, ErrInefficientFilter
			}
		}
	}
	out.Top = lim.DefaultTop
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, badRequest("Invalid value '%s' for query option '$top'. The value must be a positive integer.", v)
		}
		if lim.MaxTop > 0 && n > lim.MaxTop {
			return nil, badRequest("The limit of '%d' for Top query has been exceeded. The value from the incoming request is '%s'.", lim.MaxTop, v)
		}
		out.Top = n
	}
	if v := q.Get("$skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, badRequest("Invalid value '%s' for query option '$skip'.", v)
		}
		out.Skip = n
	}
	if v := q.Get("$count"); v != "" {
		switch strings.ToLower(v) {
		case "true":
			out.Count = true
		case "false":
		default:
			return nil, badRequest("'%s' is not a valid count option.", v)
		}
	}
	if v, ok := q["$search"]; ok && !lim.SearchApplied {
		if !lim.Searchable {
			return nil, badRequest("Search is not supported on '%s' collections.", t.Name)
		}
		s, err := ParseSearch(v[0])
		if err != nil {
			return nil, err
		}
		out.Search = s
		if lim.SearchExclusive {
			if out.Filter != nil {
				return nil, badRequest("The query parameter '$filter' is not supported with '$search'.")
			}
			if out.OrderBy != nil {
				return nil, badRequest("The query parameter '$orderBy' is not supported with '$search'.")
			}
		}
	}
	return out, nil
}

// ParseSelect parses a $select list; every name must be a property of t.
func ParseSelect(v string, t *Type) ([]string, error) {
	var out []string
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, badRequest("Syntax error: empty property name in $select '%s'.", v)
		}
		if f == "*" {
			return nil, nil
		}
		if !t.has(f) {
			return nil, notFound(f, t)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// ParseOrderBy parses "$orderby=a/b desc, c".
func ParseOrderBy(v string, t *Type) ([]OrderKey, error) {
	var out []OrderKey
	for _, part := range strings.Split(v, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || len(f) > 2 {
			return nil, badRequest("Syntax error: '%s' is not a valid $orderby clause.", strings.TrimSpace(part))
		}
		k := OrderKey{Path: strings.Split(f[0], "/")}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				k.Desc = true
			default:
				return nil, badRequest("Syntax error: '%s' is not a valid $orderby direction; use asc or desc.", f[1])
			}
		}
		for _, s := range k.Path {
			if s == "" {
				return nil, badRequest("Syntax error: '%s' is not a valid property path.", f[0])
			}
		}
		if !t.has(k.Path[0]) {
			return nil, notFound(k.Path[0], t)
		}
		out = append(out, k)
	}
	return out, nil
}

// Apply filters and sorts objs (stable: ties keep their input order) and
// returns the indexes of the matching objects after $skip and $top, plus the
// number of matches before paging. objs is not modified.
func (q *Query) Apply(objs []map[string]any, searchText func(i int) SearchFields) (page []int, total int) {
	idx := make([]int, 0, len(objs))
	for i, o := range objs {
		if q.Filter != nil && !Match(q.Filter, o) {
			continue
		}
		if q.Search != nil && (searchText == nil || !q.Search.Match(searchText(i))) {
			continue
		}
		idx = append(idx, i)
	}
	if len(q.OrderBy) > 0 {
		sort.SliceStable(idx, func(a, b int) bool {
			for _, k := range q.OrderBy {
				c := compareValues(lookup(objs[idx[a]], k.Path), lookup(objs[idx[b]], k.Path))
				if c == 0 {
					continue
				}
				if k.Desc {
					return c > 0
				}
				return c < 0
			}
			return false
		})
	}
	total = len(idx)
	if q.Skip >= len(idx) {
		return nil, total
	}
	idx = idx[q.Skip:]
	if q.Top > 0 && len(idx) > q.Top {
		idx = idx[:q.Top]
	}
	return idx, total
}

func lookup(o map[string]any, p []string) any {
	var cur any = o
	for _, s := range p {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[s]
	}
	return cur
}

// compareValues orders JSON values: null first, then by value; strings
// case-insensitively.
func compareValues(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(strings.ToLower(x), strings.ToLower(y))
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmpFloat(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	}
	return 0
}

// Object is a JSON object that keeps its member order when marshalled.
type Object struct {
	Keys []string
	Vals map[string]any
}

// MarshalJSON writes the members in Keys order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		if raw, ok := o.Vals[k].(json.RawMessage); ok && len(raw) > 0 {
			b.Write(raw) // a member of a document the sandbox encoded: valid and compact already
			continue
		}
		vb, err := Marshal(o.Vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Marshal encodes v as Graph writes JSON: without HTML escaping and without
// a trailing newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Project returns obj with the members the query asks for, in t's order:
// the Keep members, then $select (or the default properties when there is
// no $select), then the $expand members. Members obj lacks are left out.
func (q *Query) Project(obj map[string]any, t *Type) Object {
	out := Object{Vals: obj}
	seen := map[string]bool{}
	add := func(k string) {
		if _, ok := obj[k]; ok && !seen[k] {
			seen[k] = true
			out.Keys = append(out.Keys, k)
		}
	}
	for _, k := range t.Keep {
		add(k)
	}
	if q == nil || len(q.Select) == 0 {
		for _, k := range t.Props {
			add(k)
		}
	} else {
		for _, k := range t.Props {
			if slices.Contains(q.Select, k) {
				add(k)
			}
		}
		for _, k := range t.Extra {
			if slices.Contains(q.Select, k) {
				add(k)
			}
		}
	}
	if q != nil {
		for _, k := range q.Expand {
			add(k)
		}
	}
	return out
}

// Selected reports whether the query's $select asks for name (true when
// there is no $select and name is a default property).
func (q *Query) Selected(name string, t *Type) bool {
	if q == nil || len(q.Select) == 0 {
		return slices.Contains(t.Props, name)
	}
	return slices.Contains(q.Select, name)
}
