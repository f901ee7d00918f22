package schema

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/authsome-go/authsome/internal/graphschema/edm"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Op is the request a body is checked for.
type Op uint8

// The operations.
const (
	Create Op = iota + 1 // POST of a new entity
	Update               // PATCH
)

// Check checks the body of a create or update of entity (a type of the
// tables, short or qualified: "message", "microsoft.graph.event") as Graph
// does, and returns the members a workload should apply, canonicalised:
//
//   - every property the schema defines on the type, its base types, or the
//     type "@odata.type" names (which must derive from entity) is accepted,
//     navigation properties (attachments, singleValueExtendedProperties, …)
//     included; any other name is Graph's "The property 'x' does not exist
//     on type …" (400 RequestBodyRead), also on open types such as message;
//   - values are checked against their declared types, recursively through
//     complex types and collections: a JSON value of the wrong kind, a
//     malformed DateTimeOffset, Guid, Duration or base64 value, an Int32 out
//     of range is [graphkit.PropTypeError]; null is accepted where the
//     property is nullable (a null collection becomes []);
//   - enum values are matched ignoring case and returned in the member's
//     case ("HTML" → "html"); flags enums take comma-separated members; an
//     unknown member is [graphkit.EnumError];
//   - read-only properties are dropped or rejected with [ErrReadOnly] as
//     Graph does for the type (see policies), create-only ones likewise on
//     update; a create missing a required property gets that property's error;
//   - "@odata.type" is kept, as "#microsoft.graph.<type>"; "x@odata.bind"
//     is kept for a property x of the type; other OData instance and
//     property annotations ("@odata.etag", "@odata.context",
//     "categories@odata.type") are dropped, as Graph ignores them; custom
//     instance annotations ("@microsoft.graph.conflictBehavior") are kept.
//
// Check panics when entity is not in the tables: that is a workload's bug.
func Check(entity string, body map[string]json.RawMessage, op Op) (map[string]json.RawMessage, *graphkit.Error) {
	t := Lookup(entity)
	if t == nil {
		panic("schema: no type " + entity + " in the tables; add it to schemagen.Roots and run go generate")
	}
	obj := make(map[string]any, len(body))
	for k, raw := range body {
		v, err := decode(raw)
		if err != nil {
			return nil, graphkit.ErrUnreadablePayload
		}
		obj[k] = v
	}
	c := &checker{service: roots()[t.Name], op: op}
	out, ge := c.object(t, obj)
	if ge != nil {
		return nil, ge
	}
	clean := make(map[string]json.RawMessage, len(out))
	for k, v := range out {
		clean[k] = encode(v)
	}
	return clean, nil
}

type checker struct {
	service string // "Microsoft.OutlookServices" or "" (Graph's own names)
	op      Op
}

// typeName is t as the serving workload names it in errors.
func (c *checker) typeName(t *Type) string {
	if c.service == "" {
		return t.Name
	}
	s := t.Short()
	return c.service + "." + strings.ToUpper(s[:1]) + s[1:]
}

// object checks the members of a value of type t.
func (c *checker) object(t *Type, obj map[string]any) (map[string]any, *graphkit.Error) {
	out := map[string]any{}
	if ot, ok := obj["@odata.type"]; ok {
		dt, ge := derivedType(t, ot)
		if ge != nil {
			return nil, ge
		}
		t = dt
		out["@odata.type"] = "#" + t.Name
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := obj[k]
		if strings.HasPrefix(k, "@") {
			if !strings.HasPrefix(k, "@odata.") {
				out[k] = v
			}
			continue
		}
		if prop, ann, ok := strings.Cut(k, "@"); ok {
			if t.Property(prop) == nil {
				return nil, graphkit.UnknownPropErrorOn(prop, c.typeName(t))
			}
			if ann == "odata.bind" {
				out[k] = v
			}
			continue
		}
		p := t.Property(k)
		if p == nil && t.Open && t.Kind == Complex {
			out[k] = v // a dynamic property of an open complex type (Planner's assignments, checklist)
			continue
		}
		if p == nil {
			return nil, graphkit.UnknownPropErrorOn(k, c.typeName(t))
		}
		if t.ReadOnly(k) || (c.op == Update && t.CreateOnly(k)) {
			if t.policy(c.op) == Reject {
				return nil, ErrReadOnly
			}
			continue
		}
		cv, ge := c.value(p, v)
		if ge != nil {
			return nil, ge
		}
		out[k] = cv
	}
	if c.op == Create && t.Kind == Entity {
		for _, r := range t.Required() {
			if v, ok := out[r.Name]; !ok || v == nil {
				return nil, r.Err
			}
		}
	}
	return out, nil
}

// derivedType resolves an "@odata.type" value against the declared type t.
func derivedType(t *Type, ot any) (*Type, *graphkit.Error) {
	name, ok := ot.(string)
	if !ok {
		return nil, graphkit.PropTypeError("@odata.type", "Edm.String")
	}
	dt := Lookup(name)
	if dt == nil {
		return nil, graphkit.Err(400, "RequestBodyRead", "A type named '"+strings.TrimPrefix(name, "#")+
			"' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.")
	}
	if !dt.IsA(t) {
		return nil, graphkit.Err(400, "RequestBodyRead", "A resource with type '"+dt.Name+"' was found, but it is not assignable to the expected type '"+
			t.Name+"'. The type specified in the resource must be equal to either the expected type or a derived type.")
	}
	return dt, nil
}

// typeString is p's type as Graph spells it in errors: "Edm.Int32",
// "Collection(microsoft.graph.recipient)".
func typeString(p *Prop) string {
	if p.Collection {
		return "Collection(" + p.Type + ")"
	}
	return p.Type
}

// value checks v against p's declared type and returns it canonicalised.
func (c *checker) value(p *Prop, v any) (any, *graphkit.Error) {
	if v == nil {
		switch {
		case p.Collection:
			return []any{}, nil
		case p.Nullable:
			return nil, nil
		}
		return nil, nullError(p.Name, typeString(p))
	}
	if !p.Collection {
		return c.single(p, v)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, graphkit.PropTypeError(p.Name, typeString(p))
	}
	out := make([]any, len(list))
	for i, e := range list {
		if e == nil {
			return nil, graphkit.PropTypeError(p.Name, typeString(p))
		}
		ce, ge := c.single(p, e)
		if ge != nil {
			if *ge == *graphkit.PropTypeError(p.Name, p.Type) {
				// The element itself is of the wrong kind: Graph names the collection type.
				ge = graphkit.PropTypeError(p.Name, typeString(p))
			}
			return nil, ge
		}
		out[i] = ce
	}
	return out, nil
}

// single checks one non-null value (an element, for a collection).
func (c *checker) single(p *Prop, v any) (any, *graphkit.Error) {
	if strings.HasPrefix(p.Type, "Edm.") {
		if edm.Check(p.Type, v) != "" {
			return nil, graphkit.PropTypeError(p.Name, p.Type)
		}
		return v, nil
	}
	if e, ok := enums()[p.Type]; ok {
		s, ok := v.(string)
		if !ok {
			return nil, graphkit.PropTypeError(p.Name, p.Type)
		}
		return enumValue(s, e)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, graphkit.PropTypeError(p.Name, p.Type)
	}
	t := types()[p.Type]
	if t == nil {
		return obj, nil // a navigation property to a type outside the tables: kept as given
	}
	return c.object(t, obj)
}

// enumValue canonicalises s, one member or (flags) several, comma-separated.
func enumValue(s string, e Enum) (any, *graphkit.Error) {
	parts := []string{s}
	if e.Flags {
		parts = strings.Split(s, ",")
	}
	for i, m := range parts {
		m = strings.TrimSpace(m)
		canon, ok := graphkit.EnumValue(m, e.Members)
		if !ok {
			return nil, graphkit.EnumError(m)
		}
		parts[i] = canon
	}
	return strings.Join(parts, ","), nil
}

// nullError is OData's answer to null for a property that is not nullable.
func nullError(name, typ string) *graphkit.Error {
	return graphkit.Err(400, "RequestBodyRead", "A null value was found for the property named '"+name+"', which has the expected type '"+
		typ+"[Nullable=False]'. The expected type '"+typ+"[Nullable=False]' does not allow null values.")
}

func decode(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// encode writes v (decoded by decode, then canonicalised) as JSON; it cannot fail.
func encode(v any) json.RawMessage {
	b, err := odata.Marshal(v)
	if err != nil {
		panic("schema: encoding a decoded JSON value: " + err.Error())
	}
	return b
}
