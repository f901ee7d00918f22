package mail

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Extended properties (MAPI properties by id, "String {guid} Name X") of
// messages: set on create and update (an update merges them by id, as
// Exchange does), kept with the message, and returned only when a request
// expands them with a $filter on their id, as Graph requires.

// singleExt is a singleValueLegacyExtendedProperty.
type singleExt struct {
	ID    string  `json:"id"`
	Value *string `json:"value"`
}

// multiExt is a multiValueLegacyExtendedProperty.
type multiExt struct {
	ID    string   `json:"id"`
	Value []string `json:"value"`
}

func (p singleExt) key() string { return p.ID }
func (p multiExt) key() string  { return p.ID }

var errExtNoID = graphkit.BadRequest("An extended property needs its 'id', e.g. \"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color\".")

// mergeExt sets the properties in raw (a checked JSON array) on list: one
// with the id of a stored one replaces it, others are added.
func mergeExt[T interface{ key() string }](list []T, raw json.RawMessage) ([]T, *graphkit.Error) {
	var in []T
	_ = json.Unmarshal(raw, &in)
	out := append([]T(nil), list...)
next:
	for _, p := range in {
		if strings.TrimSpace(p.key()) == "" {
			return nil, errExtNoID
		}
		for i := range out {
			if out[i].key() == p.key() {
				out[i] = p
				continue next
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func setSingleExt(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	l, ge := mergeExt(e.m.singleExt(), raw)
	if ge == nil {
		e.m.setExt(l, e.m.multiExt())
	}
	return ge
}

func setMultiExt(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	l, ge := mergeExt(e.m.multiExt(), raw)
	if ge == nil {
		e.m.setExt(e.m.singleExt(), l)
	}
	return ge
}

// extNames are the expandable extended-property collections.
var extNames = []string{"singleValueExtendedProperties", "multiValueExtendedProperties"}

// extFilters are the $filter of each expanded extended-property collection.
type extFilters map[string]odata.Expr

// extPropType is an extended property for $filter.
var extPropType = &odata.Type{Name: "microsoft.graph.singleValueLegacyExtendedProperty", Props: []string{"id", "value"},
	PropTypes: map[string]string{"id": "Edm.String", "value": "Edm.String"}}

// errExtNoFilter answers an expansion of extended properties without a
// $filter: Graph returns them only by id.
func errExtNoFilter(name string) *graphkit.Error {
	return graphkit.BadRequest("Expanding '" + name + "' needs a $filter on the property id, e.g. $expand=" + name +
		"($filter=id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color').")
}

// expandExt takes the extended-property items out of q's $expand, each
// with its $filter, and leaves their bare names for the OData parser.
func expandExt(q url.Values) (url.Values, extFilters, *graphkit.Error) {
	v := q.Get("$expand")
	if v == "" {
		return q, nil, nil
	}
	var items []string
	var ext extFilters
	for _, item := range splitTop(v) {
		item = strings.TrimSpace(item)
		name, opts, hasOpts := strings.Cut(item, "(")
		name = strings.TrimSpace(name)
		canon := ""
		for _, n := range extNames {
			if strings.EqualFold(name, n) {
				canon = n
			}
		}
		if canon == "" {
			items = append(items, item)
			continue
		}
		opts = strings.TrimSuffix(strings.TrimSpace(opts), ")")
		f, ok := strings.CutPrefix(strings.TrimSpace(opts), "$filter=")
		if !hasOpts || !ok || strings.TrimSpace(f) == "" {
			return nil, nil, errExtNoFilter(canon)
		}
		e, err := odata.ParseFilter(f, extPropType)
		if err != nil {
			return nil, nil, graphkit.QueryError(err)
		}
		if ext == nil {
			ext = extFilters{}
		}
		ext[canon] = e
		items = append(items, canon)
	}
	out := url.Values{}
	for k, vs := range q {
		out[k] = vs
	}
	out.Set("$expand", strings.Join(items, ","))
	return out, ext, nil
}

// splitTop splits s at the commas outside parentheses and quotes.
func splitTop(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i, c := range s {
		switch {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// expanded returns the properties of list that f matches, or nil.
func expanded[T interface{ key() string }](list []T, f odata.Expr) []T {
	var out []T
	for _, p := range list {
		if odata.Match(f, decodedObject(p)) {
			out = append(out, p)
		}
	}
	return out
}

// renderExt adds the expanded extended properties of m to j.
func (m *mailMessage) renderExt(j *messageJSON, ext extFilters) {
	if f := ext["singleValueExtendedProperties"]; f != nil {
		j.SingleExt = expanded(m.singleExt(), f)
	}
	if f := ext["multiValueExtendedProperties"]; f != nil {
		j.MultiExt = expanded(m.multiExt(), f)
	}
}
