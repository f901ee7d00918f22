package calendar

import (
	"maps"
	"net/http"
	"slices"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is $expand on events and calendars: the navigation properties
// Graph expands inline. The sandbox has no event attachments, so
// attachments expand to an empty collection.

// eventExpandable are the navigation properties of an event $expand takes.
var eventExpandable = []string{"attachments", "calendar", "exceptionOccurrences", "instances",
	outlook.SingleValueProps, outlook.MultiValueProps}

// errExpandInstances answers $expand=instances: an event's instances exist
// only in a time window, which /events/{id}/instances takes.
var errExpandInstances = graphkit.Err(400, "ErrorInvalidRequest",
	"Your request can't be completed. Expanding instances needs a time window: use /events/{id}/instances?startDateTime=...&endDateTime=... instead.")

// readExpand reads the request's $expand into vo: unknown names are left
// for the OData parser, which answers Graph's error for them.
func (vo *viewOpts) readExpand(r *http.Request) *graphkit.Error {
	v := r.URL.Query().Get("$expand")
	if v == "" {
		return nil
	}
	for _, x := range odata.SplitExpand(v) {
		switch x.Name {
		case "instances":
			return errExpandInstances
		case outlook.SingleValueProps, outlook.MultiValueProps:
			ids, ge := outlook.ExpandIDs(x.Name, x.Options)
			if ge != nil {
				return ge
			}
			if vo.extIDs == nil {
				vo.extIDs = map[string][]string{}
			}
			vo.extIDs[x.Name] = ids
		}
		vo.expand = append(vo.expand, x.Name)
	}
	return nil
}

// expandEvent sets the members $expand asks for on it, the JSON of ev (or
// of its occurrence occ).
func expandEvent(it graphkit.Item, ev *calEvent, occ *occurrence, vo viewOpts) {
	for _, name := range vo.expand {
		switch name {
		case "attachments":
			it.Set(name, []any{})
		case "calendar":
			if vo.cu != nil {
				if c := vo.cu.calendar(ev.CalendarID); c != nil {
					it.Set(name, c.toJSON(vo.cu.owner))
				}
			}
		case "exceptionOccurrences":
			it.Set(name, exceptionObjects(ev, occ, vo))
		case outlook.SingleValueProps, outlook.MultiValueProps:
			it.Set(name, ev.Extended.Expanded(name, vo.extIDs[name]))
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
	inner.expand = nil
	for _, d := range slices.Sorted(maps.Keys(ev.Exceptions)) {
		x := ev.Exceptions[d]
		s, e := x.span(vo.zone.Loc)
		out = append(out, eventObject(ev, &occurrence{Date: d, Start: s, End: e, Ex: x}, inner).Raw)
	}
	return out
}
