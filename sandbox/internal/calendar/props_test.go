package calendar

import (
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// TestSettersCoverSchema: every setter names a property of its type, and
// every writable structural property of an event and a calendar has a
// setter (so a property Graph takes cannot be dropped silently).
func TestSettersCoverSchema(t *testing.T) {
	t.Parallel()
	check := func(entity string, names []string, unknown []string) {
		if len(unknown) > 0 {
			t.Errorf("%s setters for properties the schema does not define: %v", entity, unknown)
		}
		typ := schema.Lookup(entity)
		for _, p := range typ.Properties() {
			if prop := typ.Property(p); prop.Nav && p != "singleValueExtendedProperties" && p != "multiValueExtendedProperties" {
				continue
			}
			if typ.ReadOnly(p) {
				continue
			}
			found := false
			for _, n := range names {
				found = found || n == p
			}
			if !found {
				t.Errorf("%s.%s is writable but has no setter", entity, p)
			}
		}
	}
	var ev, cal []string
	for k := range eventSetters {
		ev = append(ev, k)
	}
	for k := range calendarSetters {
		cal = append(cal, k)
	}
	check("event", ev, eventSetters.Unknown("event"))
	check("calendar", cal, calendarSetters.Unknown("calendar"))
}
