package msgraph

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ListOptions are the OData query options of a collection request. The zero
// value asks for Graph's defaults.
type ListOptions struct {
	// Select limits the properties returned ($select), e.g. {"subject", "from"}.
	Select []string
	// Filter is an OData filter ($filter), e.g. "isRead eq false". Build
	// it with [Eq], [And] and the other [Filter] functions when it holds
	// values from input: Eq("subject", s).String() quotes s so it stays one
	// value whatever it holds.
	Filter string
	// Search is a $search expression. Unless it is quoted already, it is
	// sent as [SearchText] quotes it (in double quotes, as Graph requires,
	// with the double quotes it holds escaped): "budget" for messages,
	// [SearchProperty]("displayName", "adele") for directory objects.
	Search string
	// OrderBy sorts the results ($orderby), e.g. {"receivedDateTime desc"}.
	OrderBy []string
	// Expand includes related entities ($expand), e.g. {"attachments"}.
	Expand []string
	// Top is the page size ($top); Graph's default applies when 0.
	Top int
	// Skip skips that many items ($skip), where the API supports it.
	Skip int
	// Count asks for the total number of matching items ($count=true),
	// returned in [Response.Count].
	Count bool
}

// GetOptions are the OData query options of a single-entity request.
type GetOptions struct {
	// Select limits the properties returned ($select).
	Select []string
	// Expand includes related entities ($expand).
	Expand []string
}

// listURL is path with the query of opts.
func listURL(path string, opts *ListOptions) string {
	var q query
	q.list(opts)
	return q.on(path)
}

// query builds an OData query string: "$" kept literal, spaces as %20 (not
// '+', which OData reads as a plus), and the characters of OData expressions
// that need no escaping left readable.
type query []string

func (q *query) add(k, v string) {
	*q = append(*q, k+"="+odataEscape(v))
}

func (q *query) list(o *ListOptions) {
	if o == nil {
		return
	}
	q.get(&GetOptions{Select: o.Select, Expand: o.Expand})
	if o.Filter != "" {
		q.add("$filter", o.Filter)
	}
	if o.Search != "" {
		s := o.Search
		if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
			s = SearchText(s)
		}
		q.add("$search", s)
	}
	if len(o.OrderBy) > 0 {
		q.add("$orderby", strings.Join(o.OrderBy, ","))
	}
	if o.Top > 0 {
		q.add("$top", strconv.Itoa(o.Top))
	}
	if o.Skip > 0 {
		q.add("$skip", strconv.Itoa(o.Skip))
	}
	if o.Count {
		q.add("$count", "true")
	}
}

func (q *query) get(o *GetOptions) {
	if o == nil {
		return
	}
	if len(o.Select) > 0 {
		q.add("$select", strings.Join(o.Select, ","))
	}
	if len(o.Expand) > 0 {
		q.add("$expand", strings.Join(o.Expand, ","))
	}
}

// on appends the query to path.
func (q query) on(path string) string {
	if len(q) == 0 {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join(q, "&")
}

var odataUnescape = strings.NewReplacer("+", "%20", "%24", "$", "%2C", ",", "%27", "'", "%2F", "/",
	"%3A", ":", "%28", "(", "%29", ")", "%40", "@")

func odataEscape(v string) string { return odataUnescape.Replace(url.QueryEscape(v)) }

// eventual reports whether a directory list needs ConsistencyLevel: eventual
// (advanced queries: $count, $search, and $orderby or filters Graph only
// evaluates on the eventual index).
func eventual(o *ListOptions) bool {
	if o == nil {
		return false
	}
	f := strings.ToLower(o.Filter)
	return o.Count || o.Search != "" || len(o.OrderBy) > 0 || strings.Contains(f, "endswith(") ||
		strings.Contains(f, " ne ") || strings.HasPrefix(f, "not ") || strings.Contains(f, "not(") || strings.Contains(f, " not ")
}

// escapeSegment escapes s for use as one path segment: everything but RFC
// 3986's unreserved characters and sub-delims (so SharePoint site ids keep
// their commas and OData function arguments their quotes) is percent-encoded,
// '/' included, so an id can never add a segment.
func escapeSegment(s string) string {
	const keep = "-._~!$&'()*+,;=:@"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
