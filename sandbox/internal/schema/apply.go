package schema

import (
	"encoding/json"
	"sort"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Setter applies one checked property to a workload's object: raw is the
// canonical value [Check] returned (enum members in their case, null only
// where the property is nullable, [] for a null collection). It does what
// the schema cannot: store the value, and the workload's own rules (a
// recipient needs an address, end after start, …).
type Setter[T any] func(obj T, raw json.RawMessage) *graphkit.Error

// Setters maps property names to their setters: the "setter" column of a
// workload's property table.
type Setters[T any] map[string]Setter[T]

// Apply checks body as [Check] does, then calls the setter of each property
// that has one, in name order, so that the first error is the same on every
// run. It returns the checked members that have no setter ("@odata.type",
// singleValueExtendedProperties, properties the workload stores as given):
// the workload keeps them and returns them as they came.
func Apply[T any](entity string, obj T, body map[string]json.RawMessage, op Op, set Setters[T]) (rest map[string]json.RawMessage, ge *graphkit.Error) {
	clean, ge := Check(entity, body, op)
	if ge != nil {
		return nil, ge
	}
	names := make([]string, 0, len(clean))
	for k := range clean {
		names = append(names, k)
	}
	sort.Strings(names)
	rest = map[string]json.RawMessage{}
	for _, k := range names {
		f := set[k]
		if f == nil {
			rest[k] = clean[k]
			continue
		}
		if ge := f(obj, clean[k]); ge != nil {
			return nil, ge
		}
	}
	return rest, nil
}

// Unknown returns the names in s that are not properties of entity, sorted:
// a workload's test asserts it is empty, so a setter cannot sit behind a
// misspelt name.
func (s Setters[T]) Unknown(entity string) []string {
	t := Lookup(entity)
	var out []string
	for k := range s {
		if t == nil || t.Property(k) == nil {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
