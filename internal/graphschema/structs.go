package graphschema

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// CheckStruct checks the JSON field names of the Go struct type t (or a
// pointer, slice or array of one) against the entity or complex type
// typeName, as encoding/json would name them: every exported field's name
// (its json tag, or the Go name when the tag gives none) must be a property
// of the type or of its base types. Fields tagged "-" are skipped; names
// starting with "@" are annotations and are allowed; embedded structs without
// a tag name are flattened. Struct, pointer, slice and map fields are checked
// against the declared type of their property: a struct against its complex
// or entity type, a slice against a collection.
//
// A struct that has an "@odata.type" field stands for a polymorphic value, so
// its names may also come from types derived from typeName (an Attachment
// struct carrying fileAttachment's contentBytes, say).
func (s *Schema) CheckStruct(typeName string, t reflect.Type) []Problem {
	c := &checker{s: s}
	st := c.lookupStructured(typeName)
	if st == nil {
		return c.out
	}
	t = deref(t)
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = deref(t.Elem())
	}
	if t.Kind() != reflect.Struct {
		return []Problem{{"", fmt.Sprintf("%v is not a struct", t)}}
	}
	c.structType(t.Name(), st, t, map[visit]bool{})
	return c.out
}

type visit struct {
	t  reflect.Type
	st *Type
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// customJSON reports whether t writes its own JSON (time.Time, enum types with MarshalText, …).
func customJSON(t reflect.Type) bool {
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)
}

type field struct {
	name   string
	path   string
	typ    reflect.Type
	tagged bool
}

// fields lists t's JSON fields as encoding/json flattens them (without its
// rules for conflicting names, which go vet and review catch).
func fields(path string, t reflect.Type, out []field, seen map[reflect.Type]bool) []field {
	if seen[t] {
		return out
	}
	seen[t] = true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := deref(f.Type)
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = fields(path+"."+f.Name, ft, out, seen)
			continue
		}
		if !f.IsExported() {
			continue
		}
		fl := field{name: name, path: path + "." + f.Name, typ: f.Type, tagged: name != ""}
		if name == "" {
			fl.name = f.Name
		}
		out = append(out, fl)
	}
	return out
}

func (c *checker) structType(path string, st *Type, t reflect.Type, seen map[visit]bool) {
	if seen[visit{t, st}] {
		return
	}
	seen[visit{t, st}] = true
	fs := fields(path, t, nil, map[reflect.Type]bool{})
	poly := false
	for _, f := range fs {
		if f.name == "@odata.type" {
			poly = true
		}
	}
	for _, f := range fs {
		if strings.HasPrefix(f.name, "@") {
			continue
		}
		if prop, _, ok := strings.Cut(f.name, "@"); ok {
			if st.Property(prop) == nil && (!poly || findDerived(st, prop) == nil) {
				c.add(f.path, fmt.Sprintf("json name %q annotates unknown property '%s' on %s", f.name, prop, st.Name))
			}
			continue
		}
		p := st.Property(f.name)
		if p == nil && poly {
			if d := findDerived(st, f.name); d != nil {
				p = d.Property(f.name)
			}
		}
		if p == nil {
			if !dynamicAllowed(st, f.name) {
				msg := c.unknown(st, f.name)
				if !f.tagged {
					msg = fmt.Sprintf("no json tag, so encoding/json writes '%s': %s", f.name, msg)
				}
				c.add(f.path, msg)
			}
			continue
		}
		c.fieldType(f.path, p, f.typ, seen)
	}
}

// fieldType checks a Go field type against the declared type of its property.
func (c *checker) fieldType(path string, p *Property, t reflect.Type, seen map[visit]bool) {
	t = deref(t)
	if customJSON(t) || t.Kind() == reflect.Interface {
		return
	}
	isBytes := t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	if p.Collection {
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			c.add(path, fmt.Sprintf("%s is Collection(%s) but the field is %v", p.Name, p.Type, t))
			return
		}
		t = deref(t.Elem())
		if customJSON(t) || t.Kind() == reflect.Interface {
			return
		}
	} else if (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && !(isBytes && p.Type == "Edm.Binary") {
		c.add(path, fmt.Sprintf("%s is a single %s, not a collection, but the field is %v", p.Name, p.Type, t))
		return
	}
	dt := c.s.types[p.Type]
	structured := dt != nil && dt.Kind != EnumType
	switch {
	case t.Kind() == reflect.Map:
		// A map stands for an open or dictionary value; its keys cannot be judged.
	case t.Kind() == reflect.Struct && structured:
		c.structType(path, dt, t, seen)
	case t.Kind() == reflect.Struct:
		c.add(path, fmt.Sprintf("%s is %s but the field is the struct %v", p.Name, p.Type, t))
	case structured && p.Type != "Edm.Untyped":
		c.add(path, fmt.Sprintf("%s is the %s %s but the field is %v", p.Name, dt.Kind, p.Type, t))
	}
}
