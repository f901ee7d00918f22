// Package graphschema judges JSON documents and Go structs against Microsoft
// Graph's OData CSDL schema (the v1.0 "clean metadata" kept in
// ../shared/graph-schema), so that tests of the sandbox and of msgraph check
// field names and enum values against Microsoft's description of Graph rather
// than against memory.
//
// A test gets the shared copy with [ForTest] and judges a response body:
//
//	schema := graphschema.ForTest(t) // skips, or fails when CI=true, without ../shared/graph-schema
//	for _, p := range schema.CheckCollection("message", body) {
//		t.Error(p) // "/value/3/from/emailAddress/adress: unknown property 'adress' on microsoft.graph.emailAddress …"
//	}
//
// [Schema.CheckJSON] judges one object, [Schema.CheckError] a Graph error body
// and [Schema.CheckStruct] the json names of a Go struct. Type names may be
// short ("message", "callRecords.callRecord") or qualified
// ("microsoft.graph.message"). Undeclared names on open types are reported
// too, with narrow exceptions (see [Schema.CheckJSON]).
//
// A [Schema] and its [Type] values are not modified after [Load] and are safe
// for concurrent use by multiple goroutines.
package graphschema

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Kind says what sort of type a [Type] is.
type Kind int

const (
	EntityType Kind = iota + 1
	ComplexType
	EnumType
)

func (k Kind) String() string {
	switch k {
	case EntityType:
		return "entity type"
	case ComplexType:
		return "complex type"
	case EnumType:
		return "enum type"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Type is an entity, complex or enum type of the schema.
type Type struct {
	Name     string // qualified, e.g. "microsoft.graph.message"
	Kind     Kind
	Base     *Type // nil when the type has no BaseType
	Abstract bool
	Open     bool     // OpenType="true" (inherited from a base type as OData requires)
	Flags    bool     // an enum with IsFlags="true": values may be comma-separated
	Members  []string // enum members in document order

	props    map[string]*Property // declared on this type only
	members  map[string]bool
	baseName string
	derived  []*Type // direct subtypes
}

// Property is a structural or navigation property.
type Property struct {
	Name       string
	Type       string // qualified: "Edm.String", "microsoft.graph.recipient", …
	Collection bool   // declared as Collection(Type)
	Navigation bool
	Nullable   bool // Nullable is absent or "true"
	// Computed and Immutable are the Org.OData.Core.V1 annotations: a
	// computed property is set by the service only, an immutable one can be
	// given on create but not changed afterwards.
	Computed  bool
	Immutable bool
}

// Property returns the property name of t or of one of its base types, or nil.
func (t *Type) Property(name string) *Property {
	for ; t != nil; t = t.Base {
		if p := t.props[name]; p != nil {
			return p
		}
	}
	return nil
}

// Properties returns the names of t's properties, including inherited ones, sorted.
func (t *Type) Properties() []string {
	var names []string
	for b := t; b != nil; b = b.Base {
		for n := range b.props {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// IsA reports whether t is base or derives from it.
func (t *Type) IsA(base *Type) bool {
	for ; t != nil; t = t.Base {
		if t == base {
			return true
		}
	}
	return false
}

// Derived returns the types that name t as their base type, sorted by name.
func (t *Type) Derived() []*Type { return append([]*Type(nil), t.derived...) }

// HasMember reports whether v is a member of the enum t.
func (t *Type) HasMember(v string) bool { return t.members[v] }

// Schema is a parsed CSDL document.
type Schema struct {
	types   map[string]*Type
	aliases map[string]string // alias → namespace
	// flags holds the Computed and Immutable annotations of Annotations
	// elements, by target ("graph.changeTrackedEntity/createdDateTime"),
	// until link resolves the targets.
	flags map[string]Property
	// roots are the entity container's entity sets and singletons, by
	// name; ops the bound actions and functions, by name (see paths.go).
	roots map[string]root
	ops   map[string][]operation
}

// Load parses the CSDL file at path.
func Load(path string) (*Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("graphschema: %s: %w", path, err)
	}
	return s, nil
}

// Parse reads a CSDL document (an edmx:Edmx element with Schema elements) from r.
func Parse(r io.Reader) (*Schema, error) {
	s := &Schema{types: map[string]*Type{}, aliases: map[string]string{}, flags: map[string]Property{},
		roots: map[string]root{}, ops: map[string][]operation{}}
	d := xml.NewDecoder(r)
	var ns string      // namespace of the current Schema element
	var cur *Type      // type being read
	var prop *Property // property being read, for its inline annotations
	depth := 0         // element depth inside cur
	var target string  // Target of the Annotations element being read
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if cur != nil {
				depth++
			}
			switch e.Name.Local {
			case "Schema":
				ns = attr(e, "Namespace")
				if a := attr(e, "Alias"); a != "" {
					s.aliases[a] = ns
				}
			case "EntityType", "ComplexType", "EnumType":
				if ns == "" {
					return nil, fmt.Errorf("%s %q outside a Schema", e.Name.Local, attr(e, "Name"))
				}
				cur = &Type{
					Name: ns + "." + attr(e, "Name"), baseName: attr(e, "BaseType"),
					Abstract: attr(e, "Abstract") == "true", Open: attr(e, "OpenType") == "true",
					Flags: attr(e, "IsFlags") == "true", props: map[string]*Property{},
				}
				switch e.Name.Local {
				case "EntityType":
					cur.Kind = EntityType
				case "ComplexType":
					cur.Kind = ComplexType
				default:
					cur.Kind, cur.members = EnumType, map[string]bool{}
				}
				if s.types[cur.Name] != nil {
					return nil, fmt.Errorf("type %s declared twice", cur.Name)
				}
				s.types[cur.Name] = cur
				depth = 0
			case "Property", "NavigationProperty":
				if cur == nil || depth != 1 {
					if err := d.Skip(); err != nil {
						return nil, err
					}
					if cur != nil {
						depth--
					}
					continue
				}
				p := &Property{Name: attr(e, "Name"), Type: attr(e, "Type"),
					Navigation: e.Name.Local == "NavigationProperty", Nullable: attr(e, "Nullable") != "false"}
				if inner, ok := strings.CutPrefix(p.Type, "Collection("); ok {
					p.Type, p.Collection = strings.TrimSuffix(inner, ")"), true
				}
				cur.props[p.Name] = p
				prop = p
			case "Member":
				if cur != nil && cur.Kind == EnumType && depth == 1 {
					m := attr(e, "Name")
					cur.Members = append(cur.Members, m)
					cur.members[m] = true
				}
			case "Annotations":
				if cur == nil {
					target = attr(e, "Target")
					continue
				}
				if err := d.Skip(); err != nil {
					return nil, err
				}
				depth--
			case "Annotation":
				switch {
				case cur != nil && depth == 2 && prop != nil:
					setFlag(prop, e)
				case cur == nil && target != "":
					f := s.flags[target]
					setFlag(&f, e)
					s.flags[target] = f
				}
				if err := d.Skip(); err != nil {
					return nil, err
				}
				if cur != nil {
					depth--
				}
			case "Action", "Function", "EntityContainer":
				if err := s.readPathElement(d, e); err != nil {
					return nil, err
				}
				if cur != nil {
					depth--
				}
			case "Term":
				// Not needed for judging payloads; skipping keeps Load fast.
				if err := d.Skip(); err != nil {
					return nil, err
				}
				if cur != nil {
					depth--
				}
			}
		case xml.EndElement:
			if cur != nil {
				if depth == 0 {
					cur = nil
				} else {
					depth--
				}
			}
			switch e.Name.Local {
			case "Schema":
				ns = ""
			case "Annotations":
				target = ""
			case "Property", "NavigationProperty":
				prop = nil
			}
		}
	}
	if len(s.types) == 0 {
		return nil, errors.New("no types: not a CSDL document")
	}
	return s, s.link()
}

// setFlag records the Computed or Immutable annotation e (a Bool attribute
// absent means true, as OData's Tag terms have it) on p.
func setFlag(p *Property, e xml.StartElement) {
	on := attr(e, "Bool") != "false"
	switch attr(e, "Term") {
	case "Org.OData.Core.V1.Computed":
		p.Computed = on
	case "Org.OData.Core.V1.Immutable":
		p.Immutable = on
	}
}

// link resolves aliases in type references, wires base types and applies
// the annotations of Annotations elements to their target properties.
func (s *Schema) link() error {
	for target, f := range s.flags {
		typ, name, ok := strings.Cut(target, "/")
		if t := s.types[s.qualify(typ)]; ok && t != nil && t.props[name] != nil {
			p := t.props[name]
			p.Computed, p.Immutable = p.Computed || f.Computed, p.Immutable || f.Immutable
		}
	}
	s.flags = nil
	for _, t := range s.types {
		if t.baseName != "" {
			t.Base = s.types[s.qualify(t.baseName)]
			if t.Base == nil {
				return fmt.Errorf("%s: unknown base type %s", t.Name, t.baseName)
			}
			t.Base.derived = append(t.Base.derived, t)
		}
		for _, p := range t.props {
			p.Type = s.qualify(p.Type)
		}
	}
	for _, t := range s.types {
		for b := t.Base; b != nil; b = b.Base {
			if b == t {
				return fmt.Errorf("%s: base type cycle", t.Name)
			}
			if b.Open {
				t.Open = true
			}
		}
		sort.Slice(t.derived, func(i, j int) bool { return t.derived[i].Name < t.derived[j].Name })
	}
	return nil
}

// qualify replaces a namespace alias ("graph.message", "self.alert") by its namespace.
func (s *Schema) qualify(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return name
	}
	if ns, ok := s.aliases[name[:i]]; ok {
		return ns + name[i:]
	}
	return name
}

// Lookup finds a type by name: qualified ("microsoft.graph.message"), by alias
// ("graph.message"), with an OData "#" prefix, or relative to microsoft.graph
// ("message", "callRecords.callRecord"). It returns nil when there is none.
func (s *Schema) Lookup(name string) *Type {
	name = strings.TrimPrefix(name, "#")
	if t := s.types[s.qualify(name)]; t != nil {
		return t
	}
	return s.types["microsoft.graph."+name]
}

// Len returns the number of types of each kind.
func (s *Schema) Len(k Kind) int {
	n := 0
	for _, t := range s.types {
		if t.Kind == k {
			n++
		}
	}
	return n
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}
