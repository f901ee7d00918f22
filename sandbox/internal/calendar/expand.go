package calendar

import (
	"maps"
	"net/http"
	"slices"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// This file is $expand on events and calendars: the navigation properties
// Graph expands inline.

// eventExpandable are the navigation properties of an event $expand takes.
var eventExpandable = []string{"attachments", "calendar", "exceptionOccurrences", "instances",
	outlook.SingleValueProps, outlook.MultiValueProps}

// readExpand reads the request's $expand into vo.
func (vo *viewOpts) readExpand(r *http.Request) *graphkit.Error {
	x, ge := outlook.ReadExpand(r)
	if ge == nil && slices.Contains(x.Names, "instances") {
		// An event's instances exist only in a time window, which $expand
		// cannot give: Graph's answer to /instances without one.
		ge = errNoWindow
	}
	vo.expand = x
	return ge
}

// expandEvent sets the members $expand asks for on it, the JSON of ev (or
// of its occurrence occ).
func expandEvent(it graphkit.Item, ev *calEvent, occ *occurrence, vo viewOpts) {
	ext := &ev.Extended
	if occ != nil && occ.Ex != nil {
		ext = &occ.Ex.Extended // an exception keeps its own
	}
	vo.expand.SetExtended(it, ext)
	for _, name := range vo.expand.Names {
		switch name {
		case "attachments":
			it.Set(name, attachmentObjects(ev))
		case "calendar":
			if vo.cu != nil {
				if c := vo.cu.calendar(ev.CalendarID); c != nil {
					it.Set(name, c.toJSON(vo.cu.owner))
				}
			}
		case "exceptionOccurrences":
			it.Set(name, exceptionObjects(ev, occ, vo))
		}
	}
}

// exceptionObjects are the changed occurrences of the series ev, by date.
func exceptionObjects(ev *calEvent, occ *occurrence, vo viewOpts) []any {
	out := []any{}
	if occ != nil || ev.Recurrence == nil {
		return out
	}
	inner := vo
	inner.expand = outlook.Expansion{}
	for _, d := range slices.Sorted(maps.Keys(ev.Exceptions)) {
		x := ev.Exceptions[d]
		s, e := x.span(vo.zone.Loc)
		out = append(out, eventObject(ev, &occurrence{Date: d, Start: s, End: e, Ex: x}, inner).Raw())
	}
	return out
}
