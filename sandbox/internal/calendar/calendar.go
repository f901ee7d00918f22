// Package calendar is the sandbox's Outlook calendar workload: calendars,
// events (single, series with their exceptions and cancelled occurrences,
// meeting invitations copied into the seeded attendees' calendars and their
// answers), calendar views and getSchedule, for /me/... and
// /users/{id|upn}/.... Its data has its own lock and journals by entity
// (see state.go).
package calendar

import (
	"net/http"
	"slices"
	"sync"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the workload, its routes and the calendars themselves (the
// handlers of events and views have their own files).

// Workload is the calendar workload: the Graph kit and every seeded user's
// calendars and events under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
	up *outlook.AttachmentUploads // large attachments' upload sessions (attachments.go)
}

// New returns the calendar workload with the seeded calendars.
func New(k *graphkit.Kit) *Workload {
	return &Workload{Kit: k, store: seedStore(), up: outlook.NewAttachmentUploads(Name)}
}

// Routes registers the calendar routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	s.HandleOwned(m, "GET", "/calendars", s.calendarList)
	s.HandleOwned(m, "GET", "/calendar", s.calendarGet)
	s.HandleOwned(m, "GET", "/calendars/{cid}", s.calendarGet)
	for _, p := range []string{"/events", "/calendar/events", "/calendars/{cid}/events"} {
		s.HandleOwned(m, "GET", p, s.eventList)
	}
	s.HandleOwned(m, "GET", "/events/{eid}", s.eventGet)
	s.HandleOwned(m, "GET", "/events/{eid}/instances", s.eventInstances)
	for _, p := range []string{"/calendarView", "/calendar/calendarView", "/calendars/{cid}/calendarView"} {
		s.HandleOwned(m, "GET", p, s.calendarView)
		s.HandleOwned(m, "GET", p+"/delta", s.viewDelta)
	}

	s.HandleOwned(m, "POST", "/calendars", s.calendarCreate)
	for _, p := range []string{"/calendar", "/calendars/{cid}"} {
		s.HandleOwned(m, "PATCH", p, s.calendarPatch)
		s.HandleOwned(m, "POST", p+"/events", s.eventCreate)
	}
	s.HandleOwned(m, "DELETE", "/calendars/{cid}", s.calendarDelete)
	s.HandleOwned(m, "POST", "/events", s.eventCreate)
	s.HandleOwned(m, "PATCH", "/events/{eid}", s.eventPatch)
	s.HandleOwned(m, "DELETE", "/events/{eid}", s.eventDelete)
	for _, a := range []string{"accept", "tentativelyAccept", "decline"} {
		s.HandleOwned(m, "POST", "/events/{eid}/"+a, s.eventRespond(a))
	}
	s.HandleOwned(m, "POST", "/events/{eid}/cancel", s.eventCancel)
	s.HandleOwned(m, "POST", "/calendar/getSchedule", s.getSchedule)
	s.attachmentRoutes(m)
}

// calendarType is the OData type of calendars, in Graph's property order.
var calendarType = &odata.Type{
	Name: "microsoft.graph.calendar",
	Keep: []string{"@odata.etag", "id"},
	Props: []string{"@odata.etag", "id", "name", "color", "hexColor", "isDefaultCalendar", "changeKey", "canShare", "canViewPrivateItems",
		"canEdit", "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider", "isTallyingResponses", "isRemovable", "owner"},
	Expandable: []string{"events", outlook.SingleValueProps, outlook.MultiValueProps},
}

var calendarColors = map[string]string{
	"auto": "", "lightBlue": "#a6d1f5", "lightGreen": "#87d28e", "lightOrange": "#fcab73", "lightGray": "#c0c0c0",
	"lightYellow": "#f4d07a", "lightTeal": "#62d5d3", "lightPink": "#f0a9e1", "lightBrown": "#d7b38d", "lightRed": "#f28b8b",
}

type calendarJSON struct {
	ETag                          string               `json:"@odata.etag"`
	ID                            string               `json:"id"`
	Name                          string               `json:"name"`
	Color                         string               `json:"color"`
	HexColor                      string               `json:"hexColor"`
	IsDefaultCalendar             bool                 `json:"isDefaultCalendar"`
	ChangeKey                     string               `json:"changeKey"`
	CanShare                      bool                 `json:"canShare"`
	CanViewPrivateItems           bool                 `json:"canViewPrivateItems"`
	CanEdit                       bool                 `json:"canEdit"`
	AllowedOnlineMeetingProviders []string             `json:"allowedOnlineMeetingProviders"`
	DefaultOnlineMeetingProvider  string               `json:"defaultOnlineMeetingProvider"`
	IsTallyingResponses           bool                 `json:"isTallyingResponses"`
	IsRemovable                   bool                 `json:"isRemovable"`
	Owner                         outlook.EmailAddress `json:"owner"`
}

func (c *calCalendar) toJSON(owner *graphkit.User) calendarJSON {
	return calendarJSON{
		ETag: graphkit.OutlookETag(c.ChangeKey), ID: c.ID, Name: c.Name, Color: c.Color, HexColor: calendarColors[c.Color], IsDefaultCalendar: c.Default,
		ChangeKey: c.ChangeKey, CanShare: true, CanViewPrivateItems: true, CanEdit: true,
		AllowedOnlineMeetingProviders: []string{"teamsForBusiness"}, DefaultOnlineMeetingProvider: "teamsForBusiness",
		IsTallyingResponses: true, IsRemovable: !c.Default, Owner: outlook.EmailAddress{Name: owner.DisplayName, Address: owner.Mail},
	}
}

func (s *Workload) calendarList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	var objs []graphkit.Item
	cu := s.user(u)
	for _, c := range cu.calendars {
		objs = append(objs, calendarObject(cu, c, x))
	}
	s.mu.Unlock()
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, calendarType, odata.Limits{DefaultTop: 10, MaxTop: 1000}, nil)
}

// calendarObject is c as Graph's JSON, with what $expand asks for.
func calendarObject(cu *calUser, c *calCalendar, x outlook.Expansion) graphkit.Item {
	it := graphkit.NewItem(c.toJSON(cu.owner))
	x.SetExtended(it, &c.Extended)
	if slices.Contains(x.Names, "events") {
		events := []any{}
		for _, ev := range cu.eventsIn(c.ID) {
			events = append(events, eventObject(ev, nil, viewOpts{zone: outlook.UTCView, cu: cu}).Raw())
		}
		it.Set("events", events)
	}
	return it
}

// calendarEntity answers one calendar with its context.
func (s *Workload) calendarEntity(w http.ResponseWriter, r *http.Request, status int, it graphkit.Item, ctx string) {
	s.WriteEntity(w, r, status, it, calendarType, ctx)
}

func (s *Workload) calendarGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	c := cu.calendar(r.PathValue("cid"))
	var it graphkit.Item
	if c != nil {
		it = calendarObject(cu, c, x)
	}
	s.mu.Unlock()
	if c == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.calendarEntity(w, r, http.StatusOK, it, graphkit.ItemContext(r, u, true))
}

func (s *Workload) calendarCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	if _, ok := body["name"]; !ok {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidRequest", "The calendar name must be set."))
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	c := &calCalendar{Color: "auto"}
	ce = calendarProps(cu, c, body, schema.Create)
	var j graphkit.Item
	id := ""
	if ce == nil {
		c.ID = s.newID(r.Context(), u.ID, "calendar")
		id = c.ID
		c.ChangeKey = s.changeKey(r.Context())
		cu.calendars = append(cu.calendars, c)
		graphkit.Touch(r, Name, calendarKey(u.ID, c.ID))
		j = calendarObject(cu, c, outlook.Expansion{})
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/calendars('"+id+"')")
	s.calendarEntity(w, r, http.StatusCreated, j, graphkit.ItemContext(r, u, true))
}

func (s *Workload) calendarPatch(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	c := cu.calendar(r.PathValue("cid"))
	var j graphkit.Item
	switch {
	case c == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(c.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		cp := *c
		if ce = calendarProps(cu, &cp, body, schema.Update); ce == nil {
			cp.ChangeKey = s.changeKey(r.Context())
			*c = cp
			graphkit.Touch(r, Name, calendarKey(u.ID, c.ID))
			j = calendarObject(cu, c, outlook.Expansion{})
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.calendarEntity(w, r, http.StatusOK, j, graphkit.ItemContext(r, u, true))
}

func (s *Workload) calendarDelete(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	c := cu.calendar(r.PathValue("cid"))
	var ce *graphkit.Error
	switch {
	case c == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(c.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	case c.Default:
		ce = graphkit.Err(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	default:
		for _, ev := range cu.eventsIn(c.ID) {
			s.deleteEvent(r.Context(), cu, ev, now)
		}
		cu.calendars = slices.DeleteFunc(cu.calendars, func(o *calCalendar) bool { return o == c })
		graphkit.Touch(r, Name, calendarKey(u.ID, c.ID))
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
