// Package schema holds the sandbox's property tables: for each Graph v1.0
// entity and complex type a workload serves, its properties with their EDM,
// complex or enum type, collection, nullable and navigation flags and its
// base type chain, and each enum's members. The tables (types_*_gen.go, enums_gen.go) are
// generated from Graph's CSDL by go generate (see gen and schemagen); the
// read-only, create-only and required flags Graph's documentation gives and
// the CSDL does not are kept by hand in flags.go.
//
// Workloads check a create or update body with [Check] (or [Apply], which
// also runs their setters) instead of a switch per entity: every property
// the schema defines is accepted, an unknown one gets Graph's error, values
// are checked against their types and enum values canonicalised.
package schema

import (
	"sort"
	"strings"
)

// Kind says whether a [Type] is an entity or a complex type.
type Kind uint8

// The kinds of structured types.
const (
	Entity Kind = iota + 1
	Complex
)

// Type is an entity or complex type of Graph v1.0.
type Type struct {
	Name     string // qualified: "microsoft.graph.message"
	Kind     Kind
	Base     string // qualified name of the base type; "" when there is none
	Abstract bool
	Open     bool
	Props    []Prop // declared on this type (not inherited), sorted by name
}

// Prop is a structural or navigation property.
type Prop struct {
	Name       string
	Type       string // "Edm.String", "microsoft.graph.itemBody", "microsoft.graph.importance", …
	Collection bool   // Collection(Type)
	Nullable   bool
	Nav        bool // a navigation property; Type is its target entity type
	Computed   bool // Org.OData.Core.V1.Computed in the CSDL: set by the service only
	Immutable  bool // Org.OData.Core.V1.Immutable in the CSDL: set on create only
}

// Enum is an enum type's members, in the CSDL's order.
type Enum struct {
	Flags   bool // values may combine members, comma-separated
	Members []string
}

// Lookup returns the entity or complex type name, short ("message") or
// qualified ("microsoft.graph.message", "#microsoft.graph.message"), or nil.
func Lookup(name string) *Type {
	return types()[qualify(name)]
}

// LookupEnum returns the enum type name (short or qualified).
func LookupEnum(name string) (Enum, bool) {
	e, ok := enums()[qualify(name)]
	return e, ok
}

func qualify(name string) string {
	name = strings.TrimPrefix(name, "#")
	if strings.HasPrefix(name, "microsoft.graph.") {
		return name
	}
	return "microsoft.graph." + name
}

// BaseType returns t's base type, or nil.
func (t *Type) BaseType() *Type { return types()[t.Base] }

// Property returns the property name declared on t or one of its base types.
func (t *Type) Property(name string) *Prop {
	for ; t != nil; t = t.BaseType() {
		i := sort.Search(len(t.Props), func(i int) bool { return t.Props[i].Name >= name })
		if i < len(t.Props) && t.Props[i].Name == name {
			return &t.Props[i]
		}
	}
	return nil
}

// Properties returns the names of t's properties, inherited ones included, sorted.
func (t *Type) Properties() []string {
	var out []string
	for b := t; b != nil; b = b.BaseType() {
		for _, p := range b.Props {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

// IsA reports whether t is the type base or derives from it.
func (t *Type) IsA(base *Type) bool {
	for ; t != nil; t = t.BaseType() {
		if t == base {
			return true
		}
	}
	return false
}

// Short returns t's name without the microsoft.graph namespace.
func (t *Type) Short() string { return strings.TrimPrefix(t.Name, "microsoft.graph.") }
