package calendar

import (
	"reflect"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// TestWireTypesMatchSchema checks the structs the calendar answers with
// against the Graph v1.0 schema (the answers themselves are judged by the
// sandbox's conformance tests).
func TestWireTypesMatchSchema(t *testing.T) {
	t.Parallel()
	schema := graphschema.ForTest(t)
	for _, c := range []struct {
		typ string
		t   reflect.Type
	}{
		{"event", reflect.TypeFor[eventJSON]()},
		{"calendar", reflect.TypeFor[calendarJSON]()},
		{"scheduleInformation", reflect.TypeFor[scheduleInformationJSON]()},
		{"scheduleItem", reflect.TypeFor[scheduleItemJSON]()},
		{"patternedRecurrence", reflect.TypeFor[outlook.Recurrence]()},
		{"attendee", reflect.TypeFor[calAttendee]()},
		{"location", reflect.TypeFor[calLocation]()},
		{"onlineMeetingInfo", reflect.TypeFor[calOnlineMeeting]()},
	} {
		for _, p := range schema.CheckStruct(c.typ, c.t) {
			t.Errorf("%s: %s", c.typ, p)
		}
	}
}
