package outlook

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// The navigation properties of an Outlook item's legacy (MAPI) extended
// properties. Graph stores what a create or update gives, merged by id, and
// returns them only through $expand with a $filter on id.
const (
	SingleValueProps = "singleValueExtendedProperties"
	MultiValueProps  = "multiValueExtendedProperties"
)

// ExtendedProperty is a singleValueLegacyExtendedProperty (Value a JSON
// string) or a multiValueLegacyExtendedProperty (Value an array of strings).
type ExtendedProperty struct {
	ID    string          `json:"id"`
	Value json.RawMessage `json:"value"`
}

// Extended are an item's extended properties, in the order they were first set.
type Extended struct {
	Single []ExtendedProperty `json:"single,omitempty"`
	Multi  []ExtendedProperty `json:"multi,omitempty"`
}

// list returns the collection the navigation property name holds.
func (x *Extended) list(name string) *[]ExtendedProperty {
	if name == MultiValueProps {
		return &x.Multi
	}
	return &x.Single
}

// Merge sets the properties of raw, a collection of the navigation property
// name as schema.Check returned it, by id (ids match ignoring case, as
// Exchange's property tags and names do): a new id is added, a known one
// takes the new value.
func (x *Extended) Merge(name string, raw json.RawMessage) *graphkit.Error {
	var in []ExtendedProperty
	if json.Unmarshal(raw, &in) != nil {
		return graphkit.PropTypeError(name, "Collection(microsoft.graph."+strings.TrimSuffix(name, "ExtendedProperties")+"LegacyExtendedProperty)")
	}
	l := x.list(name)
	out := slices.Clone(*l)
	for _, p := range in {
		if strings.TrimSpace(p.ID) == "" {
			return graphkit.Err(400, "ErrorInvalidExtendedPropertyValue", "The extended property id must be set.")
		}
		if p.Value == nil {
			p.Value = json.RawMessage("null")
		}
		if i := slices.IndexFunc(out, func(o ExtendedProperty) bool { return strings.EqualFold(o.ID, p.ID) }); i >= 0 {
			out[i].Value = p.Value
		} else {
			out = append(out, p)
		}
	}
	*l = out
	return nil
}

// WithExtended adds to set the setters of the two extended-property
// navigation properties of an item whose Extended at returns, and returns set.
func WithExtended[T any](set schema.Setters[T], at func(T) *Extended) schema.Setters[T] {
	for _, name := range []string{SingleValueProps, MultiValueProps} {
		set[name] = func(v T, raw json.RawMessage) *graphkit.Error { return at(v).Merge(name, raw) }
	}
	return set
}

// Expanded returns the properties of name whose ids are among ids.
func (x *Extended) Expanded(name string, ids []string) []ExtendedProperty {
	out := []ExtendedProperty{}
	for _, p := range *x.list(name) {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, p.ID) }) {
			out = append(out, p)
		}
	}
	return out
}

var (
	idEqRE = lazyre.New(`^\s*id\s+eq\s+'((?:[^']|'')*)'\s*$`)
	orRE   = lazyre.New(`\s+or\s+`)
)

// ExpandIDs reads the options of an $expand of an extended-property
// navigation property ("$filter=id eq '...' or id eq '...'"): Exchange
// expands extended properties only by id, so a missing or other $filter is
// an error.
func ExpandIDs(name, options string) ([]string, *graphkit.Error) {
	f, ok := strings.CutPrefix(strings.TrimSpace(options), "$filter=")
	if !ok {
		return nil, graphkit.Err(400, "ErrorInvalidRequest", "Expanding "+name+" requires a $filter on id, such as "+name+"($filter=id eq 'String {guid} Name X').")
	}
	var ids []string
	for _, part := range orRE().Split(f, -1) {
		m := idEqRE().FindStringSubmatch(part)
		if m == nil {
			return nil, graphkit.Err(400, "ErrorInvalidRequest", "The $filter of "+name+" may only compare id with eq: "+f)
		}
		ids = append(ids, strings.ReplaceAll(m[1], "''", "'"))
	}
	return ids, nil
}

// Expansion is what a request's $expand asks of Outlook items.
type Expansion struct {
	Names []string            // the navigation properties, in the request's order
	IDs   map[string][]string // the extended properties asked for, by navigation property
}

// ReadExpand reads r's $expand. Unknown names are kept for the OData
// parser, which answers Graph's error for them; an extended-property
// navigation property needs its $filter on id.
func ReadExpand(r *http.Request) (Expansion, *graphkit.Error) {
	var x Expansion
	v := r.URL.Query().Get("$expand")
	if v == "" {
		return x, nil
	}
	for _, it := range odata.SplitExpand(v) {
		if it.Name == SingleValueProps || it.Name == MultiValueProps {
			ids, ge := ExpandIDs(it.Name, it.Options)
			if ge != nil {
				return x, ge
			}
			if x.IDs == nil {
				x.IDs = map[string][]string{}
			}
			x.IDs[it.Name] = ids
		}
		x.Names = append(x.Names, it.Name)
	}
	return x, nil
}

// SetExtended sets on it the extended properties of ext that x asks for.
func (x Expansion) SetExtended(it graphkit.Item, ext *Extended) {
	for name, ids := range x.IDs {
		it.Set(name, ext.Expanded(name, ids))
	}
}

// FilterNames reports which of the extended-property collections the
// $filter of a list request r over items of t names and does not $expand:
// those the list sets on its items for the filter (SetForFilter).
func FilterNames(r *http.Request, t *odata.Type) (single, multi bool) {
	q := r.URL.Query()
	f, err := odata.ParseFilter(q.Get("$filter"), t)
	if q.Get("$filter") == "" || err != nil {
		return false, false // a bad $filter is the list's to refuse
	}
	expand := q.Get("$expand")
	return odata.Names(f, SingleValueProps) && !strings.Contains(expand, SingleValueProps),
		odata.Names(f, MultiValueProps) && !strings.Contains(expand, MultiValueProps)
}

// SetForFilter sets the extended properties FilterNames asked for on it,
// where a $filter sees them (they stay out of the answer: only $expand
// projects them).
func (x *Extended) SetForFilter(it graphkit.Item, single, multi bool) graphkit.Item {
	if single {
		it.Set(SingleValueProps, nonNilProps(x.Single))
	}
	if multi {
		it.Set(MultiValueProps, nonNilProps(x.Multi))
	}
	return it
}

func nonNilProps(l []ExtendedProperty) []ExtendedProperty {
	if l == nil {
		return []ExtendedProperty{}
	}
	return l
}
