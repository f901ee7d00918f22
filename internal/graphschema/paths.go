package graphschema

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// root is an entity set (a collection) or a singleton of the entity container.
type root struct {
	typ        string
	collection bool
}

// operation is a bound action or function.
type operation struct {
	function   bool
	binding    string // qualified type of the binding parameter
	collection bool   // bound to a collection of binding
	returns    string // qualified return type, "" for none
	returnsSet bool   // returns a collection
}

// readPathElement reads an Action, Function or EntityContainer element e,
// the parts of the schema that say which request paths exist.
func (s *Schema) readPathElement(d *xml.Decoder, e xml.StartElement) error {
	switch e.Name.Local {
	case "EntityContainer":
		var c struct {
			Sets []struct {
				Name string `xml:"Name,attr"`
				Type string `xml:"EntityType,attr"`
			} `xml:"EntitySet"`
			Singletons []struct {
				Name string `xml:"Name,attr"`
				Type string `xml:"Type,attr"`
			} `xml:"Singleton"`
		}
		if err := d.DecodeElement(&c, &e); err != nil {
			return err
		}
		for _, es := range c.Sets {
			s.roots[es.Name] = root{typ: es.Type, collection: true}
		}
		for _, sg := range c.Singletons {
			s.roots[sg.Name] = root{typ: sg.Type}
		}
		return nil
	}
	var op struct {
		Name   string `xml:"Name,attr"`
		Bound  string `xml:"IsBound,attr"`
		Params []struct {
			Type string `xml:"Type,attr"`
		} `xml:"Parameter"`
		Return struct {
			Type string `xml:"Type,attr"`
		} `xml:"ReturnType"`
	}
	if err := d.DecodeElement(&op, &e); err != nil {
		return err
	}
	if op.Bound != "true" || len(op.Params) == 0 {
		return nil
	}
	o := operation{function: e.Name.Local == "Function"}
	o.binding, o.collection = collectionOf(op.Params[0].Type)
	o.returns, o.returnsSet = collectionOf(op.Return.Type)
	s.ops[op.Name] = append(s.ops[op.Name], o)
	return nil
}

func collectionOf(t string) (string, bool) {
	if inner, ok := strings.CutPrefix(t, "Collection("); ok {
		return strings.TrimSuffix(inner, ")"), true
	}
	return t, false
}

// pathState is where a path has got to: a type, and whether the path
// names a collection of it.
type pathState struct {
	t          *Type
	collection bool
	terminal   string // a segment after which nothing may follow ($value, $count, $ref)
}

// CheckPath reports whether path (a request path without /v1.0, such as
// "/users/{id}/messages/{id}/attachments/createUploadSession") exists in
// Graph v1.0 as the schema describes it: it starts at an entity set or
// singleton and each segment is a key ({id}, or any {name} on a
// collection), a navigation or structural property, a type cast
// (microsoft.graph.eventMessage), a bound function or action with its
// parameters in parentheses, or $value, $count, $ref. A query (?…) is
// ignored, and so are OneDrive's path-based addresses (root:/{path}:).
// It returns nil or what is wrong.
func (s *Schema) CheckPath(path string) error {
	path, _, _ = strings.Cut(path, "?")
	if path == "/$batch" {
		return nil
	}
	segs := splitPath(path)
	if len(segs) == 0 {
		return fmt.Errorf("%s: empty path", path)
	}
	first, _, addressed := strings.Cut(segs[0], ":")
	r, ok := s.roots[first]
	if !ok {
		return fmt.Errorf("%s: no entity set or singleton %q", path, first)
	}
	st := pathState{t: s.types[s.qualify(r.typ)], collection: r.collection}
	if st.t == nil {
		return fmt.Errorf("%s: unknown type %s of %s", path, r.typ, first)
	}
	if addressed { // sites/{hostname}:/{path}: — a site addressed by its path
		st.collection = false
		segs = skipAddress(segs[1:])
	} else {
		segs = segs[1:]
	}
	if err := s.walk(st, segs); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// walk follows segs from st. A {name} segment on a single entity stands for
// any of its properties, functions or actions (a workbook function's name,
// a thumbnail's size): the rest of the path must follow from one of them.
func (s *Schema) walk(st pathState, segs []string) error {
	for len(segs) > 0 {
		seg := segs[0]
		segs = segs[1:]
		if st.terminal != "" {
			return fmt.Errorf("%q after %s", seg, st.terminal)
		}
		if isParam(seg) && !st.collection {
			return s.walkMembers(st, seg, segs)
		}
		name, addressed := strings.CutSuffix(seg, ":")
		if addressed { // root:/{path}: — an item addressed by its path
			segs = skipAddress(segs)
		}
		next, err := s.step(st, name)
		if err != nil {
			return err
		}
		st = next
	}
	return nil
}

// walkMembers follows segs from each member of st that param may stand for.
func (s *Schema) walkMembers(st pathState, param string, segs []string) error {
	names := st.t.Properties()
	for n, ops := range s.ops {
		for _, o := range ops {
			if b := s.types[s.qualify(o.binding)]; b != nil && !o.collection && st.t.IsA(b) {
				names = append(names, n)
				break
			}
		}
	}
	for _, n := range names {
		if next, err := s.step(st, n); err == nil && s.walk(next, segs) == nil {
			return nil
		}
	}
	return fmt.Errorf("no member of %s that %s stands for leads to %s", st.t.Name, param, strings.Join(segs, "/"))
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// splitPath splits a path into segments, keeping a parenthesised part
// (function parameters, which may hold slashes) in its segment.
func splitPath(p string) []string {
	var segs []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '/':
			if depth == 0 {
				if i > start {
					segs = append(segs, p[start:i])
				}
				start = i + 1
			}
		}
	}
	if start < len(p) {
		segs = append(segs, p[start:])
	}
	return segs
}

// skipAddress drops the segments of a path-based address up to the one
// that ends it with ':'.
func skipAddress(segs []string) []string {
	for i, s := range segs {
		if strings.HasSuffix(s, ":") {
			return segs[i+1:]
		}
	}
	return nil
}

// step follows one segment from st.
func (s *Schema) step(st pathState, seg string) (pathState, error) {
	switch {
	case seg == "$value":
		return pathState{t: st.t, terminal: seg}, nil
	case seg == "$count":
		if !st.collection {
			return st, fmt.Errorf("$count on a single %s", st.t.Name)
		}
		return pathState{t: st.t, terminal: seg}, nil
	case seg == "$ref":
		return pathState{t: st.t, terminal: seg}, nil
	case seg == "$":
		if !st.collection {
			return st, fmt.Errorf("$ on a single %s", st.t.Name)
		}
		return st, nil
	case isParam(seg) && st.collection, seg == "root" && st.collection:
		// a key; "root" is the key of a drive's root item and of the tenant's root site
		return pathState{t: st.t}, nil
	}
	name, _, call := strings.Cut(seg, "(")
	if !call && !st.collection {
		if p := st.t.Property(name); p != nil {
			t := s.types[p.Type]
			if t == nil { // a primitive or stream property: only $value may follow
				return pathState{t: st.t, terminal: seg}, nil
			}
			return pathState{t: t, collection: p.Collection}, nil
		}
	}
	if t := s.Lookup(name); t != nil && strings.Contains(name, ".") {
		if !t.IsA(st.t) && !st.t.IsA(t) {
			return st, fmt.Errorf("cast of %s to unrelated %s", st.t.Name, t.Name)
		}
		return pathState{t: t, collection: st.collection}, nil
	}
	short := name[strings.LastIndexByte(name, '.')+1:]
	for _, o := range s.ops[short] {
		b := s.types[s.qualify(o.binding)]
		if b == nil || o.collection != st.collection || !st.t.IsA(b) {
			continue
		}
		if o.returns == "" {
			return pathState{t: st.t, terminal: seg}, nil
		}
		rt := s.types[s.qualify(o.returns)]
		if rt == nil { // a primitive result
			return pathState{t: st.t, terminal: seg}, nil
		}
		return pathState{t: rt, collection: o.returnsSet}, nil
	}
	kind := "single"
	if st.collection {
		kind = "collection of"
	}
	return st, fmt.Errorf("no property, cast, function or action %q on a %s %s", seg, kind, st.t.Name)
}
